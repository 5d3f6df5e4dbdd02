"""The decorator ("v2") programming model of azure.functions."""
from .core import AccessRights, AuthLevel, BindingDirection, BlobSource, \
    Cardinality, DataType
from .function_app import AsgiFunctionApp, BindingApi, Blueprint, \
    DecoratorApi, ExternalHttpFunctionApp, Function, FunctionApp, \
    FunctionBuilder, FunctionRegister, SettingsApi, TriggerApi, \
    WsgiFunctionApp
from .http import HttpMethod

__all__ = [
    'FunctionApp',
    'Function',
    'FunctionBuilder',
    'FunctionRegister',
    'Blueprint',
    'DecoratorApi',
    'TriggerApi',
    'BindingApi',
    'SettingsApi',
    'ExternalHttpFunctionApp',
    'AsgiFunctionApp',
    'WsgiFunctionApp',
    'DataType',
    'AuthLevel',
    'Cardinality',
    'AccessRights',
    'BindingDirection',
    'BlobSource',
    'HttpMethod',
]
