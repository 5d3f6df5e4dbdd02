"""Converter for the ``sql`` binding."""

import collections.abc
import json
import typing

from . import _sql as sql
from . import _utils
from . import meta

__all__ = ('SqlConverter',)


class SqlConverter(meta.InConverter, meta.OutConverter, binding='sql'):

    @classmethod
    def check_input_type_annotation(cls, pytype: type) -> bool:
        return _utils.safe_issubclass(pytype, sql.SqlRowList)

    @classmethod
    def check_output_type_annotation(cls, pytype: type) -> bool:
        return _utils.safe_issubclass(pytype, (sql.SqlRowList, sql.SqlRow))

    @classmethod
    def decode(cls, data: meta.Datum, *, trigger_metadata=None) \
            -> typing.Optional[sql.SqlRowList]:
        if data is None or data.type is None:
            return None
        if data.type in ('string', 'json'):
            body = data.value
        elif data.type == 'bytes':
            body = bytes(data.value).decode('utf-8')
        else:
            raise _utils.unsupported_datum('sql', data.type)
        rows = json.loads(body)
        if not isinstance(rows, list):
            rows = [rows]
        return sql.SqlRowList(
            None if row is None else sql.SqlRow.from_dict(row)
            for row in rows)

    @classmethod
    def encode(cls, obj: typing.Any, *,
               expected_type: typing.Optional[type] = None) -> meta.Datum:
        if isinstance(obj, sql.SqlRow):
            rows = [obj]
        elif isinstance(obj, collections.abc.Iterable) and \
                not isinstance(obj, (str, bytes, dict)):
            rows = list(obj)
            for row in rows:
                if not isinstance(row, sql.SqlRow):
                    raise _utils.unsupported('sql', row,
                                             'SqlRow list items')
        else:
            raise _utils.unsupported('sql', obj, 'SqlRow or SqlRowList')
        return meta.Datum(type='json',
                          value=json.dumps([dict(r) for r in rows]))
