"""Invocations inside the host's trace context (PYTHON_ENABLE_OPENTELEMETRY).

With PYTHON_ENABLE_OPENTELEMETRY true and the app's `opentelemetry-api`
importable, each invocation runs with the OpenTelemetry context extracted
from its InvocationRequest.trace_context (traceparent, tracestate) attached,
so spans the app starts are children of the host's invocation span. Azure's
worker extracts and attaches the same way; pyfn also detaches when the
invocation ends, so a pool thread does not keep the last invocation's
context. The app configures its own TracerProvider and exporter.

Without the setting nothing is imported. With it but without the library,
one warning says so and invocations run as before. The decision is taken at
the first invocation (the app's packages are on sys.path by then) and again
after an environment reload (`reset`).
"""

import logging
import os
from typing import Any, Optional

from .loader import is_true

logger = logging.getLogger('pyfn_worker')

SETTING = 'PYTHON_ENABLE_OPENTELEMETRY'

# None: not decided yet; False: off; else (opentelemetry.context, propagator).
_state: Any = None


def _load() -> None:
    global _state
    if not is_true(os.environ.get(SETTING)):
        _state = False
        return
    try:
        from opentelemetry import context as context_api
        from opentelemetry.trace.propagation.tracecontext import (
            TraceContextTextMapPropagator)
        _state = (context_api, TraceContextTextMapPropagator())
    except Exception as e:  # ImportError, or a broken installation
        logger.warning('%s is true but opentelemetry-api cannot be imported '
                       '(%s); functions run without the host\'s trace context',
                       SETTING, e)
        _state = False


def reset() -> None:
    """Decide again at the next invocation (the environment changed)."""
    global _state
    _state = None


def enabled() -> bool:
    if _state is None:
        _load()
    return bool(_state)


def attach(req: dict) -> Optional[object]:
    """Attaches the invocation's trace context; returns the token for
    `detach`, or None when there is nothing to attach."""
    if _state is None:
        _load()
    if not _state:
        return None
    tc = req.get('trace_context') or {}
    traceparent = tc.get('trace_parent')
    if not traceparent:
        return None
    carrier = {'traceparent': traceparent}
    if tc.get('trace_state'):
        carrier['tracestate'] = tc['trace_state']
    context_api, propagator = _state
    try:
        return context_api.attach(propagator.extract(carrier))
    except Exception:
        logger.debug('cannot attach the trace context %r', carrier,
                     exc_info=True)
        return None


def detach(token: Optional[object]) -> None:
    if token is None or not _state:
        return
    try:
        _state[0].detach(token)
    except Exception:
        logger.debug('cannot detach the trace context', exc_info=True)
