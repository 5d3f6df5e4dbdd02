"""Which functions need the streaming HTTP endpoint, decided without asyncio.

The worker asks this at WorkerInitRequest and at function load. It imports
nothing heavy, so a sync-only app still starts without asyncio (the worker's
loop-free start); http_streaming.py, which serves the endpoint, does.
"""

import os
import sys
from typing import Any, Dict, Optional

EXTENSION_MODULE = 'azurefunctions.extensions.http.fastapi'
# How long an invocation waits for its request to arrive from the host.


def enabled() -> bool:
    return os.environ.get('PYFN_HTTP_STREAMING', '').strip().lower() not in (
        '0', 'false', 'no', 'off')


def _starlette_class(module: str, name: str):
    mod = sys.modules.get(module)
    return getattr(mod, name, None) if mod is not None else None


def is_request_type(pytype) -> bool:
    cls = _starlette_class('starlette.requests', 'Request')
    return cls is not None and isinstance(pytype, type) and \
        issubclass(pytype, cls)


def is_response_type(pytype) -> bool:
    cls = _starlette_class('starlette.responses', 'Response')
    return cls is not None and isinstance(pytype, type) and \
        issubclass(pytype, cls)


def _hints(func) -> Dict[str, Any]:
    import typing
    try:
        return typing.get_type_hints(func)
    except Exception:
        return dict(getattr(func, '__annotations__', {}) or {})


def _http_trigger(fn) -> Optional[Any]:
    try:
        t = fn.get_trigger()
    except Exception:
        return None
    if t is None or str(getattr(t, 'type', '')).lower() != 'httptrigger':
        return None
    return t


def needs_streaming(fns) -> bool:
    """True when an indexed (decorator) app needs the endpoint."""
    if EXTENSION_MODULE in sys.modules:
        return True
    for fn in fns:
        t = _http_trigger(fn)
        if t is None:
            continue
        if getattr(fn, 'http_type', 'function') == 'asgi':
            return True
        hints = _hints(fn.get_user_function())
        if is_request_type(hints.get(t.name)) or \
                is_response_type(hints.get('return')):
            return True
    return False


def kind_of(fi, fn=None) -> Optional[str]:
    """'asgi', 'typed' or 'classic' for an HTTP-triggered function, else None."""
    trigger = next((n for n, b in fi.input_params.items()
                    if b.type.lower() == 'httptrigger'), None)
    if trigger is None:
        return None
    if fn is not None and getattr(fn, 'http_type', 'function') == 'asgi':
        return 'asgi'
    if is_request_type(fi.param_types.get(trigger)) or \
            is_response_type(fi.return_type):
        return 'typed'
    return 'classic'
