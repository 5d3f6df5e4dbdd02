"""Converters for the ``cosmosDB`` / ``cosmosDBTrigger`` bindings."""

import collections.abc
import json
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
        if data is None or data.type is None:
            return None
        if data.type in ('string', 'json'):
            body = data.value
        elif data.type == 'bytes':
            body = bytes(data.value).decode('utf-8')
        else:
            raise _utils.unsupported_datum(cls._binding_name, data.type,
                                           'string, bytes or json')
        documents = json.loads(body)
        if not isinstance(documents, list):
            documents = [documents]
        return cdb.DocumentList(
            None if doc is None else cdb.Document.from_dict(doc)
            for doc in documents)

    @classmethod
    def encode(cls, obj: typing.Any, *,
               expected_type: typing.Optional[type] = None) -> meta.Datum:
        if isinstance(obj, cdb.Document):
            docs = [obj]
        elif isinstance(obj, (cdb.DocumentList, collections.abc.Iterable)) \
                and not isinstance(obj, (str, bytes, dict)):
            docs = list(obj)
            for doc in docs:
                if not isinstance(doc, cdb.Document):
                    raise _utils.unsupported(
                        cls._binding_name, doc,
                        'azure.functions.Document list items')
        else:
            raise _utils.unsupported(
                cls._binding_name, obj,
                'azure.functions.Document or DocumentList')
        return meta.Datum(type='json',
                          value=json.dumps([dict(d) for d in docs]))


class CosmosDBTriggerConverter(CosmosDBConverter, binding='cosmosDBTrigger',
                               trigger=True):
    pass
