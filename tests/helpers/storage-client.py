#!/usr/bin/env python3
"""A tiny Azure Storage client for the bats tests (stdlib only, Shared Key).

The connection string comes from AZURITE_CONNECTION_STRING (or
AzureWebJobsStorage). Commands (exit 0 on success, 1 on a storage error, the
error on stderr; 404 on reads exits 3 so tests can wait for "not yet"):

  put-message QUEUE TEXT [--raw]   add a message (base64 unless --raw); creates the queue
  put-many QUEUE N [PREFIX]        add N messages PREFIX0..PREFIX<N-1> (base64)
  peek QUEUE                       print the decoded texts of up to 32 messages, one a line
  peek-raw QUEUE                   the same without base64 decoding
  count QUEUE                      approximate message count (0 when the queue is missing)
  get-blob CONTAINER/BLOB          print the blob (exit 3 when missing)
  put-blob CONTAINER/BLOB TEXT     write a block blob; creates the container
  list-blobs CONTAINER [PREFIX]    names, one a line
  list-containers [PREFIX]         container names, one a line
  delete-queue QUEUE
  sas-uri CONTAINER                print CONTAINER's URI with an account SAS (blob, read/write/
                                   list/create, one hour), as AzureWebJobsSecretStorageSas
                                   takes it; creates the container
  put-entity TABLE JSON            insert or replace one entity (JSON object with PartitionKey
                                   and RowKey; integers are sent as Edm.Int32); creates the table
  get-entity TABLE PK RK           print the entity as compact JSON with sorted keys, without
                                   odata.* members, annotations and Timestamp, Edm.Int64 values
                                   as numbers (exit 3 when missing)
  query TABLE [FILTER]             print every matching entity like get-entity, one a line,
                                   in the service's order (exit 0 and nothing when the table
                                   is missing)
  delete-table TABLE
Tables use their own Shared Key variant; this client signs them with SharedKeyLite
(date and resource only) so the host's SharedKey signing is checked against another scheme.
"""
import base64
import datetime
import hashlib
import hmac
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

VERSION = '2021-08-06'


def parse_cs(cs):
    d = {}
    for part in cs.split(';'):
        if '=' in part:
            k, v = part.split('=', 1)
            d[k.strip().lower()] = v.strip()
    return d['accountname'], base64.b64decode(d['accountkey']), d['blobendpoint'].rstrip('/'), \
        d['queueendpoint'].rstrip('/')


def table_endpoint(cs):
    for part in cs.split(';'):
        if part.strip().lower().startswith('tableendpoint='):
            return part.split('=', 1)[1].strip().rstrip('/')
    raise SystemExit('the connection string has no TableEndpoint')


def table_request(method, url, account, key, body=None):
    """One Table service request, JSON, SharedKeyLite."""
    date = datetime.datetime.now(datetime.timezone.utc).strftime('%a, %d %b %Y %H:%M:%S GMT')
    u = urllib.parse.urlsplit(url)
    sts = f'{date}\n/{account}{u.path}'
    sig = base64.b64encode(hmac.new(key, sts.encode(), hashlib.sha256).digest()).decode()
    headers = {'x-ms-date': date, 'x-ms-version': VERSION,
               'Accept': 'application/json;odata=minimalmetadata',
               'DataServiceVersion': '3.0',
               'Authorization': f'SharedKeyLite {account}:{sig}'}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers['Content-Type'] = 'application/json'
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def entity_key(table, pk, rk):
    def q(k):
        return urllib.parse.quote(k.replace("'", "''"), safe='')
    return f"{table}(PartitionKey='{q(pk)}',RowKey='{q(rk)}')"


def plain_entity(e):
    out = {}
    for k, v in e.items():
        if k.startswith('odata.') or k == 'Timestamp' or '@' in k:
            continue
        if e.get(k + '@odata.type') == 'Edm.Int64':
            v = int(v)
        out[k] = v
    return json.dumps(out, sort_keys=True, separators=(',', ':'))


def table_main(cmd, argv, cs):
    account, key = parse_cs(cs)[:2]
    base = table_endpoint(cs)
    if cmd == 'put-entity':
        table, entity = argv[2], json.loads(argv[3])
        table_request('POST', f'{base}/Tables', account, key, {'TableName': table})
        st, out, _ = table_request(
            'PUT', f"{base}/{entity_key(table, entity['PartitionKey'], entity['RowKey'])}",
            account, key, entity)
        if st != 204:
            print(st, out.decode(), file=sys.stderr)
            return 1
        return 0
    if cmd == 'get-entity':
        st, out, _ = table_request('GET', f'{base}/{entity_key(argv[2], argv[3], argv[4])}',
                                   account, key)
        if st == 404:
            return 3
        if st != 200:
            print(st, out.decode(), file=sys.stderr)
            return 1
        print(plain_entity(json.loads(out)))
        return 0
    if cmd == 'query':
        table = argv[2]
        flt = argv[3] if len(argv) > 3 else ''
        nxt = {}
        while True:
            q = {}
            if flt:
                q['$filter'] = flt
            q.update(nxt)
            url = f'{base}/{table}()'
            if q:
                url += '?' + urllib.parse.urlencode(q, quote_via=urllib.parse.quote)
            st, out, hdrs = table_request('GET', url, account, key)
            if st == 404:
                return 0
            if st != 200:
                print(st, out.decode(), file=sys.stderr)
                return 1
            for e in json.loads(out)['value']:
                print(plain_entity(e))
            lower = {k.lower(): v for k, v in hdrs.items()}
            npk = lower.get('x-ms-continuation-nextpartitionkey')
            if not npk:
                return 0
            nxt = {'NextPartitionKey': npk}
            if lower.get('x-ms-continuation-nextrowkey'):
                nxt['NextRowKey'] = lower['x-ms-continuation-nextrowkey']
    if cmd == 'delete-table':
        table_request('DELETE', f"{base}/Tables('{argv[2]}')", account, key)
        return 0
    return None


def request(method, url, account, key, body=b'', headers=None):
    headers = dict(headers or {})
    headers['x-ms-date'] = datetime.datetime.now(datetime.timezone.utc).strftime(
        '%a, %d %b %Y %H:%M:%S GMT')
    headers['x-ms-version'] = VERSION
    if body:
        headers['Content-Length'] = str(len(body))
    if method in ('PUT', 'POST') and not any(k.lower() == 'content-type' for k in headers):
        headers['Content-Type'] = 'application/octet-stream'  # urllib would add its own
    u = urllib.parse.urlsplit(url)
    canon_headers = ''.join(f'{k.lower()}:{v}\n' for k, v in sorted(
        headers.items(), key=lambda kv: kv[0].lower()) if k.lower().startswith('x-ms-'))
    res = f'/{account}{u.path}'
    q = urllib.parse.parse_qs(u.query, keep_blank_values=True)
    for k in sorted(q, key=str.lower):
        res += f'\n{k.lower()}:{",".join(sorted(q[k]))}'
    h = {k.lower(): v for k, v in headers.items()}
    sts = '\n'.join([method, h.get('content-encoding', ''), h.get('content-language', ''),
                     h.get('content-length', ''), h.get('content-md5', ''),
                     h.get('content-type', ''), '', h.get('if-modified-since', ''),
                     h.get('if-match', ''), h.get('if-none-match', ''),
                     h.get('if-unmodified-since', ''), h.get('range', '')]) + '\n' + \
        canon_headers + res
    sig = base64.b64encode(hmac.new(key, sts.encode(), hashlib.sha256).digest()).decode()
    headers['Authorization'] = f'SharedKey {account}:{sig}'
    req = urllib.request.Request(url, data=body if method in ('PUT', 'POST') else None,
                                 method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def texts(xml):
    return [m for m in re.findall(r'<MessageText>(.*?)</MessageText>', xml.decode(), re.S)]


def unescape(s):
    return s.replace('&lt;', '<').replace('&gt;', '>').replace('&quot;', '"') \
        .replace('&apos;', "'").replace('&amp;', '&')


def main(argv):
    cs = os.environ.get('AZURITE_CONNECTION_STRING') or os.environ['AzureWebJobsStorage']
    account, key, blob, queue = parse_cs(cs)
    cmd = argv[1]
    if cmd in ('put-entity', 'get-entity', 'query', 'delete-table'):
        return table_main(cmd, argv, cs)
    if cmd == 'put-message':
        q, text = argv[2], argv[3]
        raw = '--raw' in argv
        request('PUT', f'{queue}/{q}', account, key)
        body = text if raw else base64.b64encode(text.encode()).decode()
        body = body.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
        xml = f'<QueueMessage><MessageText>{body}</MessageText></QueueMessage>'.encode()
        st, out, _ = request('POST', f'{queue}/{q}/messages', account, key, xml,
                             {'Content-Type': 'application/xml'})
        if st != 201:
            print(st, out.decode(), file=sys.stderr)
            return 1
        return 0
    if cmd == 'put-many':
        q, n, prefix = argv[2], int(argv[3]), argv[4] if len(argv) > 4 else 'm'
        request('PUT', f'{queue}/{q}', account, key)
        for i in range(n):
            body = base64.b64encode(f'{prefix}{i}'.encode()).decode()
            xml = f'<QueueMessage><MessageText>{body}</MessageText></QueueMessage>'.encode()
            st, out, _ = request('POST', f'{queue}/{q}/messages', account, key, xml,
                                 {'Content-Type': 'application/xml'})
            if st != 201:
                print(st, out.decode(), file=sys.stderr)
                return 1
        return 0
    if cmd in ('peek', 'peek-raw'):
        st, out, _ = request('GET', f'{queue}/{argv[2]}/messages?peekonly=true&numofmessages=32',
                             account, key)
        if st == 404:
            return 0
        if st != 200:
            print(st, out.decode(), file=sys.stderr)
            return 1
        for t in texts(out):
            t = unescape(t)
            if cmd == 'peek':
                try:
                    t = base64.b64decode(t, validate=True).decode('utf-8', 'replace')
                except Exception:
                    t = '<not base64> ' + t
            print(t)
        return 0
    if cmd == 'count':
        st, out, hdrs = request('GET', f'{queue}/{argv[2]}?comp=metadata', account, key)
        if st == 404:
            print(0)
            return 0
        lower = {k.lower(): v for k, v in hdrs.items()}
        print(lower.get('x-ms-approximate-messages-count', '0'))
        return 0
    if cmd == 'get-blob':
        st, out, _ = request('GET', f'{blob}/{urllib.parse.quote(argv[2])}', account, key)
        if st == 404:
            return 3
        if st != 200:
            print(st, out.decode(), file=sys.stderr)
            return 1
        sys.stdout.buffer.write(out)
        return 0
    if cmd == 'put-blob':
        path, text = argv[2], argv[3]
        container = path.split('/', 1)[0]
        request('PUT', f'{blob}/{container}?restype=container', account, key)
        st, out, _ = request('PUT', f'{blob}/{urllib.parse.quote(path)}', account, key,
                             text.encode(), {'x-ms-blob-type': 'BlockBlob'})
        if st != 201:
            print(st, out.decode(), file=sys.stderr)
            return 1
        return 0
    if cmd == 'list-blobs':
        prefix = argv[3] if len(argv) > 3 else ''
        st, out, _ = request('GET', f'{blob}/{argv[2]}?restype=container&comp=list&prefix='
                             f'{urllib.parse.quote(prefix)}', account, key)
        if st == 404:
            return 0
        for n in re.findall(r'<Name>(.*?)</Name>', out.decode()):
            print(unescape(n))
        return 0
    if cmd == 'list-containers':
        prefix = argv[2] if len(argv) > 2 else ''
        st, out, _ = request('GET', f'{blob}/?comp=list&prefix={urllib.parse.quote(prefix)}',
                             account, key)
        for n in re.findall(r'<Name>(.*?)</Name>', out.decode()):
            print(unescape(n))
        return 0
    if cmd == 'sas-uri':
        container = argv[2]
        request('PUT', f'{blob}/{container}?restype=container', account, key)
        sv = '2021-12-02'
        se = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)) \
            .strftime('%Y-%m-%dT%H:%M:%SZ')
        # Azure's account-SAS string-to-sign for version 2020-12-06 and later.
        sts = f'{account}\nrwdlac\nb\nsco\n\n{se}\n\nhttp,https\n{sv}\n\n'
        sig = base64.b64encode(hmac.new(key, sts.encode(), hashlib.sha256).digest()).decode()
        q = urllib.parse.urlencode({'sv': sv, 'ss': 'b', 'srt': 'sco', 'sp': 'rwdlac', 'se': se,
                                    'spr': 'http,https', 'sig': sig})
        print(f'{blob}/{container}?{q}')
        return 0
    if cmd == 'delete-queue':
        request('DELETE', f'{queue}/{argv[2]}', account, key)
        return 0
    print(__doc__, file=sys.stderr)
    return 64


if __name__ == '__main__':
    sys.exit(main(sys.argv))
