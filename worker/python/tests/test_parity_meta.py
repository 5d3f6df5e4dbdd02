"""Trigger-metadata date-times and time spans: the values the public
package's meta helpers give (Converter._parse_datetime, _parse_timedelta,
_parse_datetime_metadata, _parse_timedelta_metadata), and where pyfn is
deliberately more lenient."""

import datetime

import pytest

from azure.functions import meta

UTC = datetime.timezone.utc
Conv = meta.Converter


def dt(*args, tz=None):
    return datetime.datetime(*args, tzinfo=tz)


# (text, expected): every form the public package accepts.
ACCEPTED = [
    # ISO 8601 in UTC: Z, +00:00, -00:00, with and without a fraction
    ('2021-03-04T05:06:07Z', dt(2021, 3, 4, 5, 6, 7, tz=UTC)),
    ('2021-03-04T05:06:07.25Z', dt(2021, 3, 4, 5, 6, 7, 250000, tz=UTC)),
    ('2021-03-04T05:06:07+00:00', dt(2021, 3, 4, 5, 6, 7, tz=UTC)),
    ('2021-03-04T05:06:07-00:00', dt(2021, 3, 4, 5, 6, 7, tz=UTC)),
    ('2021-03-04T05:06:07.000001+00:00',
     dt(2021, 3, 4, 5, 6, 7, 1, tz=UTC)),
    ('2021-03-04T05:06:07.5-00:00', dt(2021, 3, 4, 5, 6, 7, 500000, tz=UTC)),
    # .NET's seven fractional digits: the seventh is dropped, not rounded
    ('2021-03-04T05:06:07.9876549Z',
     dt(2021, 3, 4, 5, 6, 7, 987654, tz=UTC)),
    ('9999-12-31T23:59:59.9999999+00:00',
     dt(9999, 12, 31, 23, 59, 59, 999999, tz=UTC)),
    # month/day/year with a space, in UTC
    ('07/04/2022 12:30:45Z', dt(2022, 7, 4, 12, 30, 45, tz=UTC)),
    ('07/04/2022 12:30:45.125Z', dt(2022, 7, 4, 12, 30, 45, 125000, tz=UTC)),
    ('07/04/2022 12:30:45+00:00', dt(2022, 7, 4, 12, 30, 45, tz=UTC)),
    ('07/04/2022 12:30:45-00:00', dt(2022, 7, 4, 12, 30, 45, tz=UTC)),
    ('07/04/2022 12:30:45.1234567+00:00',
     dt(2022, 7, 4, 12, 30, 45, 123456, tz=UTC)),
    ('7/4/2022 1:02:03Z', dt(2022, 7, 4, 1, 2, 3, tz=UTC)),
    # without a zone: naive
    ('2021-03-04T05:06:07', dt(2021, 3, 4, 5, 6, 7)),
    ('2021-03-04T05:06:07.3', dt(2021, 3, 4, 5, 6, 7, 300000)),
    ('2021-03-04T05:06:07.7654321', dt(2021, 3, 4, 5, 6, 7, 765432)),
    ('07/04/2022T12:30:45', dt(2022, 7, 4, 12, 30, 45)),
    ('07/04/2022T12:30:45.5', dt(2022, 7, 4, 12, 30, 45, 500000)),
    ('07/04/2022T12:30:45.5555555', dt(2022, 7, 4, 12, 30, 45, 555555)),
    # single-digit fields, as strptime takes them
    ('2022-1-5T03:16:34Z', dt(2022, 1, 5, 3, 16, 34, tz=UTC)),
]


@pytest.mark.parametrize('text, expected', ACCEPTED)
def test_parse_datetime_matches_public_forms(text, expected):
    got = Conv._parse_datetime(text)
    assert got == expected
    # aware in UTC or naive, exactly as the public package
    assert got.tzinfo is expected.tzinfo


@pytest.mark.parametrize('text', [None, ''])
def test_parse_datetime_empty_is_none(text):
    assert Conv._parse_datetime(text) is None


def test_parse_datetime_drops_what_follows_a_long_fraction():
    # the public package cuts the digits after the sixth and keeps only an
    # optional zone after them
    assert Conv._parse_datetime('2021-03-04T05:06:07.12345678Z?') == \
        dt(2021, 3, 4, 5, 6, 7, 123456, tz=UTC)


@pytest.mark.parametrize('text', [
    'yesterday', '2021-03-04', '2021-13-04T05:06:07Z',
    '2021-03-04T05:06:07.Z', '07/04/2022'])
def test_parse_datetime_rejects_garbage(text):
    with pytest.raises(ValueError):
        Conv._parse_datetime(text)


# pyfn takes these where the public package raises ValueError.
@pytest.mark.parametrize('text, expected', [
    ('2021-03-04T05:06:07+02:00',
     dt(2021, 3, 4, 5, 6, 7,
        tz=datetime.timezone(datetime.timedelta(hours=2)))),
    ('2021-03-04T05:06:07.1234567-05:30',
     dt(2021, 3, 4, 5, 6, 7, 123456,
        tz=datetime.timezone(-datetime.timedelta(hours=5, minutes=30)))),
    ('07/04/2022 12:30:45', dt(2022, 7, 4, 12, 30, 45)),
    ('07/04/2022 12:30:45.9999999', dt(2022, 7, 4, 12, 30, 45, 999999)),
    ('  2021-03-04T05:06:07Z\n', dt(2021, 3, 4, 5, 6, 7, tz=UTC)),
])
def test_parse_datetime_pyfn_extensions(text, expected):
    got = Conv._parse_datetime(text)
    assert got == expected
    assert got.utcoffset() == expected.utcoffset()


def test_offset_after_seven_digits_is_kept():
    # the public package returns a naive value and loses the offset here
    got = Conv._parse_datetime('2021-03-04T05:06:07.1234567+0100')
    assert got.utcoffset() == datetime.timedelta(hours=1)


@pytest.mark.parametrize('text, expected', [
    ('0', datetime.timedelta(0)),
    ('9', datetime.timedelta(seconds=9)),
    ('4321', datetime.timedelta(seconds=4321)),
    # two parts are minutes and seconds (not .NET's hours and minutes)
    ('7:8', datetime.timedelta(minutes=7, seconds=8)),
    ('00:45', datetime.timedelta(seconds=45)),
    ('59:59', datetime.timedelta(minutes=59, seconds=59)),
    ('0:0', datetime.timedelta(0)),
    # three parts are hours, minutes and seconds
    ('1:2:3', datetime.timedelta(hours=1, minutes=2, seconds=3)),
    ('23:00:01', datetime.timedelta(hours=23, seconds=1)),
    ('00:00:00', datetime.timedelta(0)),
])
def test_parse_timedelta_matches_public_forms(text, expected):
    assert Conv._parse_timedelta(text) == expected


@pytest.mark.parametrize('text', [None, ''])
def test_parse_timedelta_empty_is_none(text):
    assert Conv._parse_timedelta(text) is None


@pytest.mark.parametrize('text, expected', [
    # .NET TimeSpans the public package rejects
    ('2.03:04:05', datetime.timedelta(days=2, hours=3, minutes=4,
                                      seconds=5)),
    ('00:00:02.2500000', datetime.timedelta(seconds=2.25)),
    ('-00:00:30', datetime.timedelta(seconds=-30)),
    ('30:00:00', datetime.timedelta(hours=30)),
    ('1.5', datetime.timedelta(seconds=1.5)),
])
def test_parse_timedelta_pyfn_extensions(text, expected):
    assert Conv._parse_timedelta(text) == expected


@pytest.mark.parametrize('text', ['75:00', 'soon', '1:2:3:4', '00:61:00'])
def test_parse_timedelta_rejects(text):
    with pytest.raises(ValueError):
        Conv._parse_timedelta(text)


def test_metadata_helpers_read_string_and_json_fields():
    md = {
        'Enqueued': meta.Datum('"2020-02-29T10:11:12.5Z"', 'json'),
        'Local': meta.Datum('2020-02-29T10:11:12', 'string'),
        'Ttl': meta.Datum('00:05:00', 'string'),
        'Short': meta.Datum('05:00', 'string'),
        'Seconds': meta.Datum(90, 'int'),
    }
    assert Conv._parse_datetime_metadata(md, 'Enqueued') == \
        dt(2020, 2, 29, 10, 11, 12, 500000, tz=UTC)
    assert Conv._parse_datetime_metadata(md, 'Local').tzinfo is None
    assert Conv._parse_timedelta_metadata(md, 'Ttl') == \
        datetime.timedelta(minutes=5)
    assert Conv._parse_timedelta_metadata(md, 'Short') == \
        datetime.timedelta(minutes=5)
    assert Conv._parse_timedelta_metadata(md, 'Seconds') == \
        datetime.timedelta(seconds=90)
    assert Conv._parse_datetime_metadata(md, 'Absent') is None
    assert Conv._parse_timedelta_metadata(md, 'Absent') is None


def test_queue_message_times_from_metadata():
    conv = meta.get_binding_registry().get('queueTrigger')
    md = {
        'ExpirationTime': meta.Datum('"9999-12-31T23:59:59+00:00"', 'json'),
        'InsertionTime': meta.Datum('06/01/2023 08:00:00.1234567Z', 'string'),
        'NextVisibleTime': meta.Datum('2023-06-01T08:10:00', 'string'),
    }
    m = conv.decode(meta.Datum('body', 'string'), trigger_metadata=md)
    assert m.expiration_time == dt(9999, 12, 31, 23, 59, 59, tz=UTC)
    assert m.insertion_time == dt(2023, 6, 1, 8, 0, 0, 123456, tz=UTC)
    assert m.time_next_visible == dt(2023, 6, 1, 8, 10)
    assert m.time_next_visible.tzinfo is None
