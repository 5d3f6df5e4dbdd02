"""Converter for the ``sql`` binding."""

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
        return _utils.decode_json_rows('sql', data, sql.SqlRow,
                                       sql.SqlRowList)

    @classmethod
    def encode(cls, obj: typing.Any, *,
               expected_type: typing.Optional[type] = None) -> meta.Datum:
        return meta.Datum(type='json', value=_utils.encode_json_rows(
            'sql', obj, sql.SqlRow, 'SqlRow list items',
            'SqlRow or SqlRowList'))
