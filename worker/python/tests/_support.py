"""Helpers shared by the test modules (not a test module itself)."""
import os
import sys
import types

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))

from azure.functions._http import HttpRequest  # noqa: E402


def importorskip_any(name):
    """Like pytest.importorskip, but also skips when the installed package
    fails to import for another reason (e.g. Debian's pydantic on a newer
    Python)."""
    try:
        return __import__(name, fromlist=['_'])
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f'{name} not usable here: {exc!r}')


def make_request(method='GET', url='http://localhost:7071/api/echo',
                 headers=None, body=b'', params=None):
    return HttpRequest(method, url, headers=headers or {}, params=params,
                       body=body)


def make_context(name='http_app_func',
                 function_directory='/home/site/wwwroot',
                 invocation_id='11111111-2222-3333-4444-555555555555'):
    """A stand-in for the invocation's func.Context."""
    return types.SimpleNamespace(
        function_name=name, function_directory=function_directory,
        invocation_id=invocation_id, thread_local_storage=None,
        trace_context=None, retry_context=None)
