"""The http output converter's encoded form, as the public package's
HttpResponseConverter.encode makes it, and what the worker puts on the wire
from it (Azure's worker: datum_as_proto)."""

import http
import http.cookies

import pytest

import azure.functions as func
from azure.functions import http as fhttp
from azure.functions import meta
from pyfn_worker import bindings

ENC = fhttp.HttpResponseConverter.encode


def shape(d):
    """A Datum tree as plain values, SimpleCookies as their header text."""
    if isinstance(d, meta.Datum):
        return (d.type, shape(d.value))
    if isinstance(d, http.cookies.SimpleCookie):  # a dict: test it first
        return d.output(header='').strip()
    if isinstance(d, dict):
        return {k: shape(v) for k, v in d.items()}
    if isinstance(d, list):
        return [shape(v) for v in d]
    return d


def test_str_is_a_plain_string_datum():
    assert ENC('pong', expected_type=None) == meta.Datum('pong', 'string')
    assert ENC('', expected_type=str) == meta.Datum('', 'string')


def test_response_without_body():
    assert shape(ENC(func.HttpResponse(status_code=204),
                     expected_type=None)) == ('http', {
        'status_code': ('string', '204'),
        'headers': {'content-type': ('string', 'text/plain; charset=utf-8')},
        'cookies': None,
        'body': ('bytes', b''),
    })


def test_response_with_text_body_and_own_headers():
    r = func.HttpResponse('grüße', status_code=http.HTTPStatus.ACCEPTED,
                          headers={'X-Request-Id': 'r-17'},
                          mimetype='text/csv', charset='utf-8')
    assert shape(ENC(r, expected_type=func.HttpResponse)) == ('http', {
        'status_code': ('string', '202'),
        'headers': {'X-Request-Id': ('string', 'r-17'),
                    'content-type': ('string', 'text/csv; charset=utf-8')},
        'cookies': None,
        'body': ('bytes', 'grüße'.encode()),
    })


def test_non_text_mimetype_has_no_charset_and_bytes_body_is_kept():
    r = func.HttpResponse(b'\x89PNG', mimetype='image/png')
    v = ENC(r, expected_type=None).value
    assert v['headers'] == {'content-type': meta.Datum('image/png', 'string')}
    assert v['body'] == meta.Datum(b'\x89PNG', 'bytes')


def test_a_content_type_header_wins_over_mimetype_in_its_own_spelling():
    r = func.HttpResponse('{}', mimetype='text/plain',
                          headers={'Content-TYPE': 'application/json'})
    assert shape(ENC(r, expected_type=None))[1]['headers'] == \
        {'Content-TYPE': ('string', 'application/json')}


def test_set_cookie_headers_become_simple_cookies():
    r = func.HttpResponse('ok')
    r.headers.add('Set-Cookie', 'sid=abc; Path=/app; HttpOnly')
    r.headers.add('set-cookie', 'theme=dark; Max-Age=600; Secure; '
                                'SameSite=Strict')
    v = ENC(r, expected_type=None).value
    assert all(isinstance(c, http.cookies.SimpleCookie)
               for c in v['cookies'])
    assert shape(v['cookies']) == [
        'sid=abc; HttpOnly; Path=/app',
        'theme=dark; Max-Age=600; SameSite=Strict; Secure']
    assert [k.lower() for k in v['headers']] == ['content-type']


def test_encoding_leaves_the_response_alone():
    # pyfn differs here: the public encode adds content-type to the
    # response and pops its Set-Cookie headers; a response reused for a
    # second invocation keeps its cookies in pyfn.
    r = func.HttpResponse('x', headers={'Set-Cookie': 'n=1'})
    for _ in range(2):
        assert len(ENC(r, expected_type=None).value['cookies']) == 1
    assert list(r.headers.items()) == [('Set-Cookie', 'n=1')]


def test_repeated_header_values_are_joined():
    # pyfn differs here: the public package sends the last value only.
    r = func.HttpResponse('x')
    r.headers.add('Vary', 'Accept')
    r.headers.add('Vary', 'Origin')
    assert ENC(r, expected_type=None).value['headers']['Vary'].value == \
        'Accept, Origin'


@pytest.mark.parametrize('obj', [b'raw', {'k': 1}, 3, None])
def test_other_values_are_not_implemented(obj):
    with pytest.raises(NotImplementedError):
        ENC(obj, expected_type=None)


def test_request_and_response_converter_answers():
    req, resp = fhttp.HttpRequestConverter, fhttp.HttpResponseConverter
    assert req.has_trigger_support() and not resp.has_trigger_support()
    assert not req.has_implicit_output()
    assert req.check_input_type_annotation(func.HttpRequest)
    assert not req.check_input_type_annotation(str)
    assert resp.check_output_type_annotation(func.HttpResponse)
    assert resp.check_output_type_annotation(str)
    assert not resp.check_output_type_annotation(bytes)
    assert not resp.check_output_type_annotation(dict)


# --- on the wire ----------------------------------------------------------

def test_worker_sends_a_returned_str_as_string_typed_data():
    enc = bindings.output_encoder('http', 'undefined', None)
    assert enc('pong') == {'string': 'pong'}
    assert bindings.encode_value('http', 'undefined', 'pong', None) == \
        {'string': 'pong'}


def test_worker_sends_status_headers_body_of_a_response():
    r = func.HttpResponse('made', status_code=201, headers={'X-A': '1'})
    expected = {'http': {
        'status_code': '201',
        'headers': {'X-A': '1', 'content-type': 'text/plain; charset=utf-8'},
        'body': {'bytes': b'made'},
        'cookies': []}}
    assert bindings.output_encoder('http', 'undefined', None)(r) == expected
    assert bindings.encode_value('http', 'undefined', r, None) == expected


def test_worker_turns_simple_cookies_into_rpc_cookies():
    r = func.HttpResponse('c')
    r.headers.add('Set-Cookie', 'a=1; Domain=example.org; Path=/; '
                                'Expires=Tue, 02-Jan-2024 03:04:05 GMT')
    r.headers.add('Set-Cookie', 'b=2; Max-Age=30; Secure; HttpOnly; '
                                'SameSite=None')
    td = bindings.output_encoder('http', 'undefined', None)(r)
    assert td['http']['cookies'] == [
        {'name': 'a', 'value': '1', 'domain': {'value': 'example.org'},
         'path': {'value': '/'}, 'expires': {'value': 1704164645.0}},
        {'name': 'b', 'value': '2', 'max_age': {'value': 30.0},
         'secure': {'value': True}, 'http_only': {'value': True},
         'same_site': 3},
    ]
    assert 'Set-Cookie' not in td['http']['headers']


def test_worker_still_takes_set_cookie_strings_in_a_datum():
    d = meta.Datum(type='http', value={
        'status_code': meta.Datum('200', 'string'),
        'headers': {},
        'cookies': ['k=v; SameSite=Lax'],
        'body': meta.Datum(b'', 'bytes')})
    assert bindings.datum_to_typed_data(d)['http']['cookies'] == \
        [{'name': 'k', 'value': 'v', 'same_site': 1}]
