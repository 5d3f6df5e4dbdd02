"""HttpRequest / HttpResponse and the http converters (spec B2, R9)."""

import http
import json

import pytest

import azure.functions as func
from azure.functions import meta


# The reference's unit-test example, unchanged.
def main(req: func.HttpRequest) -> func.HttpResponse:
    value = req.params.get('value')
    if value:
        return func.HttpResponse(f"21 * 2 = {int(value) * 2}")
    return func.HttpResponse("missing value", status_code=400)


def test_reference_unit_test_example():
    req = func.HttpRequest(method='GET', body=None,
                           url='/api/my_second_function',
                           params={'value': '21'})
    resp = main(req)
    assert isinstance(resp, func.HttpResponse)
    assert resp.get_body() == b'21 * 2 = 42'
    assert resp.status_code == 200
    assert req.get_body() == b''
    assert req.url == '/api/my_second_function'


def test_reference_example_missing_param():
    req = func.HttpRequest(method='GET', body=None, url='/api/x')
    resp = main(req)
    assert resp.status_code == 400
    assert resp.get_body() == b'missing value'


def test_request_basic_properties():
    req = func.HttpRequest(
        method='post', url='http://localhost/api/f?x=1',
        headers={'Content-Type': 'application/json', 'X-Custom': 'a'},
        params={'x': '1'}, route_params={'id': '42'},
        body=b'{"a": [1, 2]}')
    assert req.method == 'POST'
    assert req.url == 'http://localhost/api/f?x=1'
    assert req.params == {'x': '1'}
    assert req.route_params['id'] == '42'
    assert req.get_body() == b'{"a": [1, 2]}'
    assert req.get_json() == {'a': [1, 2]}


def test_request_headers_case_insensitive_and_read_only():
    req = func.HttpRequest('GET', '/', headers={'X-Foo': 'bar'}, body=b'')
    assert req.headers['x-foo'] == 'bar'
    assert req.headers['X-FOO'] == 'bar'
    assert req.headers.get('X-Foo') == 'bar'
    assert 'x-FOO' in req.headers
    assert 'missing' not in req.headers
    assert req.headers.get('missing') is None
    assert len(req.headers) == 1
    with pytest.raises(TypeError):
        req.headers['x-foo'] = 'baz'


def test_request_params_read_only():
    req = func.HttpRequest('GET', '/', params={'a': '1'},
                           route_params={'r': '2'}, body=b'')
    with pytest.raises(TypeError):
        req.params['a'] = '2'
    with pytest.raises(TypeError):
        req.route_params['r'] = '3'
    assert dict(req.params) == {'a': '1'}


def test_request_defaults_are_empty_mappings():
    req = func.HttpRequest('GET', '/', body=b'')
    assert dict(req.headers) == {}
    assert dict(req.params) == {}
    assert dict(req.route_params) == {}


def test_request_str_body_is_utf8_encoded():
    req = func.HttpRequest('POST', '/', body='héllo')
    assert req.get_body() == 'héllo'.encode('utf-8')


def test_request_rejects_other_body_types():
    with pytest.raises(TypeError):
        func.HttpRequest('POST', '/', body=123)


@pytest.mark.parametrize('body', [b'', b'  ', b'{bad json', b'\xff\xfe'])
def test_get_json_raises_value_error(body):
    req = func.HttpRequest('POST', '/', body=body)
    with pytest.raises(ValueError):
        req.get_json()


def test_get_json_none_body_raises_value_error():
    req = func.HttpRequest('POST', '/', body=None)
    with pytest.raises(ValueError):
        req.get_json()


def test_form_urlencoded():
    req = func.HttpRequest(
        'POST', '/', headers={'content-type':
                              'application/x-www-form-urlencoded'},
        body=b'a=1&b=hello+world&a=2&empty=&u=%C3%A9')
    assert req.form['a'] == '1'
    assert req.form.getlist('a') == ['1', '2']
    assert req.form['b'] == 'hello world'
    assert req.form['empty'] == ''
    assert req.form['u'] == 'é'
    assert 'a' in req.form
    assert req.form.get('nope') is None
    assert req.form.to_dict() == {'a': '1', 'b': 'hello world', 'empty': '',
                                  'u': 'é'}
    assert len(req.files) == 0


def _multipart(boundary, parts):
    out = b''
    for headers, content in parts:
        out += b'--' + boundary + b'\r\n'
        for h in headers:
            out += h + b'\r\n'
        out += b'\r\n' + content + b'\r\n'
    return out + b'--' + boundary + b'--\r\n'


def test_form_multipart_fields_and_files():
    binary = bytes(range(256)) + b'\r\n--not-a-boundary\r\n\n\r'
    body = _multipart(b'BOUNDARY123', [
        ([b'Content-Disposition: form-data; name="title"'], b'My file'),
        ([b'Content-Disposition: form-data; name="title"'], b'second'),
        ([b'Content-Disposition: form-data; name="upload"; '
          b'filename="data.bin"',
          b'Content-Type: application/octet-stream'], binary),
        ([b'Content-Disposition: form-data; name="note"; '
          b'filename="n.txt"',
          b'Content-Type: text/plain; charset=utf-8'], 'ünï'.encode()),
    ])
    req = func.HttpRequest(
        'POST', '/',
        headers={'Content-Type': 'multipart/form-data; boundary=BOUNDARY123'},
        body=body)
    assert req.form['title'] == 'My file'
    assert req.form.getlist('title') == ['My file', 'second']
    assert 'upload' not in req.form
    f = req.files['upload']
    assert f.filename == 'data.bin'
    assert f.name == 'upload'
    assert f.content_type == 'application/octet-stream'
    assert f.mimetype == 'application/octet-stream'
    assert f.read() == binary
    n = req.files.get('note')
    assert n.filename == 'n.txt'
    assert n.content_type.startswith('text/plain')
    assert n.mimetype_params == {'charset': 'utf-8'}
    assert n.read().decode('utf-8') == 'ünï'
    # parsed once, lazily: the same objects come back
    assert req.files['upload'] is f


def test_form_multipart_quoted_boundary(tmp_path):
    body = _multipart(b'a b', [
        ([b'Content-Disposition: form-data; name="f"; filename="x.txt"'],
         b'abc')])
    req = func.HttpRequest(
        'POST', '/', headers={'content-type':
                              'multipart/form-data; boundary="a b"'},
        body=body)
    f = req.files['f']
    target = tmp_path / 'out.txt'
    f.save(str(target))
    assert target.read_bytes() == b'abc'
    assert req.form.to_dict() == {}


def test_form_unknown_content_type_is_empty():
    req = func.HttpRequest('POST', '/', headers={'content-type': 'text/csv'},
                           body=b'a,b')
    assert dict(req.form) == {}
    assert dict(req.files) == {}


def test_response_defaults():
    r = func.HttpResponse()
    assert r.status_code == 200
    assert r.mimetype == 'text/plain'
    assert r.charset == 'utf-8'
    assert r.get_body() == b''
    assert len(r.headers) == 0


def test_response_str_body_uses_charset():
    r = func.HttpResponse('é', charset='latin-1')
    assert r.get_body() == b'\xe9'
    r = func.HttpResponse('é')
    assert r.get_body() == b'\xc3\xa9'


def test_response_bytes_and_bytearray():
    assert func.HttpResponse(b'\x00\x01').get_body() == b'\x00\x01'
    assert func.HttpResponse(bytearray(b'ab')).get_body() == b'ab'


@pytest.mark.parametrize('bad', [123, {'a': 1}, ['x'], 1.5])
def test_response_other_body_types_raise_type_error(bad):
    with pytest.raises(TypeError):
        func.HttpResponse(bad)


def test_response_http_status():
    r = func.HttpResponse('x', status_code=http.HTTPStatus.CREATED)
    assert r.status_code == 201
    assert type(r.status_code) is int


def test_response_headers_case_insensitive_and_mutable():
    r = func.HttpResponse('x', headers={'X-A': '1'})
    assert r.headers['x-a'] == '1'
    assert 'X-a' in r.headers
    r.headers['x-b'] = '2'
    assert r.headers['X-B'] == '2'
    r.headers['X-B'] = '3'
    assert r.headers.get_all('x-b') == ['3']
    del r.headers['X-A']
    assert 'x-a' not in r.headers
    assert r.headers.get('x-a', 'dflt') == 'dflt'


def test_response_multiple_set_cookie_headers():
    r = func.HttpResponse('ok')
    r.headers.add('Set-Cookie', 'a=1; Path=/')
    r.headers.add_header('Set-Cookie', 'b=2; HttpOnly')
    assert r.headers.get_all('set-cookie') == ['a=1; Path=/', 'b=2; HttpOnly']
    datum = meta.get_binding_registry().get('http').encode(
        r, expected_type=None)
    assert datum.type == 'http'
    # one http.cookies.SimpleCookie per Set-Cookie header
    assert [c.output(header='') .strip() for c in datum.value['cookies']] == \
        ['a=1; Path=/', 'b=2; HttpOnly']
    assert all(k.lower() != 'set-cookie' for k in datum.value['headers'])


def test_encode_response_datum_shape():
    r = func.HttpResponse(b'{"a":1}', status_code=201,
                          mimetype='application/json',
                          headers={'X-Trace': 'abc'})
    conv = meta.get_binding_registry().get('http')
    d = conv.encode(r, expected_type=func.HttpResponse)
    assert d.type == 'http'
    v = d.value
    assert list(v) == ['status_code', 'headers', 'cookies', 'body']
    assert v['status_code'] == meta.Datum('201', 'string')
    assert v['body'] == meta.Datum(b'{"a":1}', 'bytes')
    assert v['headers']['X-Trace'] == meta.Datum('abc', 'string')
    assert v['headers']['content-type'] == \
        meta.Datum('application/json', 'string')
    assert v['cookies'] is None
    # pyfn: encoding does not change the user's response (see
    # http._response_parts)
    assert 'content-type' not in r.headers


def test_encode_text_mimetype_gets_charset():
    d = meta.get_binding_registry().get('http').encode(
        func.HttpResponse('x', mimetype='text/html'), expected_type=None)
    assert d.value['headers']['content-type'].value == \
        'text/html; charset=utf-8'


def test_encode_explicit_content_type_wins():
    d = meta.get_binding_registry().get('http').encode(
        func.HttpResponse('x', headers={'content-type': 'text/csv'}),
        expected_type=None)
    cts = [v.value for k, v in d.value['headers'].items()
           if k.lower() == 'content-type']
    assert cts == ['text/csv']


def test_encode_str_is_a_string_datum():
    d = meta.get_binding_registry().get('http').encode(
        'hello', expected_type=None)
    assert d == meta.Datum('hello', 'string')


def test_encode_unsupported_type_error_names_binding_and_type():
    conv = meta.get_binding_registry().get('http')
    with pytest.raises(TypeError) as ei:
        conv.encode(42, expected_type=None)
    assert "'http'" in str(ei.value)
    assert 'int' in str(ei.value)
    # also a NotImplementedError, like the public package
    assert isinstance(ei.value, NotImplementedError)


def _http_datum(body):
    return meta.Datum(type='http', value={
        'method': meta.Datum('post', 'string'),
        'url': meta.Datum('http://h/api/items/7?q=x', 'string'),
        'headers': {'Content-Type': meta.Datum('application/json', 'string'),
                    'X-Id': meta.Datum('1', 'string')},
        'query': {'q': meta.Datum('x', 'string')},
        'params': {'id': meta.Datum('7', 'string')},
        'body': body,
    })


@pytest.mark.parametrize('body', [
    meta.Datum(b'{"k": "v"}', 'bytes'),
    meta.Datum('{"k": "v"}', 'string'),
    meta.Datum('{"k": "v"}', 'json'),
])
def test_decode_http_trigger(body):
    conv = meta.get_binding_registry().get('httpTrigger')
    assert conv.has_trigger_support()
    req = conv.decode(_http_datum(body), trigger_metadata={})
    assert isinstance(req, func.HttpRequest)
    assert req.method == 'POST'
    assert req.url == 'http://h/api/items/7?q=x'
    assert req.headers['content-type'] == 'application/json'
    assert req.params == {'q': 'x'}
    assert req.route_params == {'id': '7'}
    assert req.get_json() == {'k': 'v'}
    assert req.get_body() == b'{"k": "v"}'


def test_decode_http_trigger_without_body():
    conv = meta.get_binding_registry().get('httpTrigger')
    req = conv.decode(_http_datum(None), trigger_metadata=None)
    assert req.get_body() == b''
    req = conv.decode(_http_datum(meta.Datum(None, None)),
                      trigger_metadata=None)
    assert req.get_body() == b''


def test_decode_non_http_datum_is_type_error():
    conv = meta.get_binding_registry().get('httpTrigger')
    with pytest.raises(TypeError) as ei:
        conv.decode(meta.Datum('x', 'string'), trigger_metadata={})
    assert 'httpTrigger' in str(ei.value)


def test_http_annotation_checks():
    reg = meta.get_binding_registry()
    assert reg.get('httpTrigger').check_input_type_annotation(
        func.HttpRequest)
    assert not reg.get('httpTrigger').check_input_type_annotation(str)
    assert reg.get('http').check_output_type_annotation(func.HttpResponse)
    assert reg.get('http').check_output_type_annotation(str)
    assert not reg.get('http').check_output_type_annotation(bytes)
    assert not reg.get('http').check_output_type_annotation(
        func.Out[func.HttpResponse])
    assert not reg.get('http').has_implicit_output()


def test_response_headers_iteration_and_dict():
    r = func.HttpResponse(headers={'A': '1', 'B': '2'})
    assert list(r.headers) == [('A', '1'), ('B', '2')]
    assert list(r.headers.keys()) == ['A', 'B']
    assert dict(r.headers.items()) == {'A': '1', 'B': '2'}
    r.headers.add('b', '3')
    # every pair, as werkzeug's Headers (the public package's) gives them
    assert list(r.headers.items()) == [('A', '1'), ('B', '2'), ('b', '3')]
    assert list(r.headers.keys(lower=True)) == ['a', 'b', 'b']
    assert list(r.headers.values()) == ['1', '2', '3']
    assert r.headers.pop('a') == '1'
    with pytest.raises(KeyError):
        r.headers['a']
    with pytest.raises(ValueError):
        r.headers['X'] = 'bad\r\nInjected: 1'


def test_json_roundtrip_of_encoded_response_body():
    payload = {'n': 1, 's': 'ü'}
    r = func.HttpResponse(json.dumps(payload), mimetype='application/json')
    d = meta.get_binding_registry().get('http').encode(r, expected_type=None)
    assert json.loads(d.value['body'].value) == payload
