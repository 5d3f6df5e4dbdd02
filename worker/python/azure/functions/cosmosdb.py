"""Converters for the ``cosmosDB`` / ``cosmosDBTrigger`` bindings."""

import typing

from . import _cosmosdb as cdb
from . import _utils
from . import meta

__all__ = ('CosmosDBConverter', 'CosmosDBTriggerConverter')


class CosmosDBConverter(meta.InConverter, meta.OutConverter,
                        binding='cosmosDB'):

    @classmethod
    def check_input_type_annotation(cls, pytype: type) -> bool:
        return _utils.safe_issubclass(pytype, cdb.DocumentList)

    @classmethod
    def check_output_type_annotation(cls, pytype: type) -> bool:
        return _utils.safe_issubclass(pytype, (cdb.DocumentList, cdb.Document))

    @classmethod
    def decode(cls, data: meta.Datum, *, trigger_metadata=None) \
            -> typing.Optional[cdb.DocumentList]:
        return _utils.decode_json_rows(
            cls._binding_name, data, cdb.Document, cdb.DocumentList,
            'string, bytes or json')

    @classmethod
    def encode(cls, obj: typing.Any, *,
               expected_type: typing.Optional[type] = None) -> meta.Datum:
        return meta.Datum(type='json', value=_utils.encode_json_rows(
            cls._binding_name, obj, cdb.Document,
            'azure.functions.Document list items',
            'azure.functions.Document or DocumentList'))


class CosmosDBTriggerConverter(CosmosDBConverter, binding='cosmosDBTrigger',
                               trigger=True):
    pass
