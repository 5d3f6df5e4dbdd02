"""Entry point run by pyfn-worker (C++) once the stream to the host is open.

    main(options) -> exit code
options: host, port, target, worker_id, request_id, max_message_length,
python_dir (see worker/main.cc).

Without the loop: while the sync fast path is on (PYFN_SYNC_FAST_PATH), the
main thread reads the stream itself, answers the host's requests in order and
starts sync invocations on the invoker threads; asyncio (about 160M
instructions of imports, most of a worker's start) is not imported. The first
message that needs the event loop - an invocation of an `async def` function
- switches the worker to the loop for good: that message and every later one
are handled as `serve` handles them. PYFN_LOOP_AT_START=1 starts on the loop
(docs/settings.md).
"""

import contextvars
import importlib
import logging
import os
import signal
import sys

from . import dispatcher as _dispatcher
from . import event_loop
from . import logs

logger = logging.getLogger('pyfn_worker')


def _log_level() -> int:
    from .loader import is_true
    return logging.DEBUG if is_true(os.environ.get('PYTHON_ENABLE_DEBUG_LOGGING')) \
        else logging.INFO


def _preload_library() -> None:
    """R8: import our azure.functions before any app path is on sys.path."""
    try:
        importlib.import_module('azure.functions')
    except Exception as e:  # pragma: no cover
        logger.error('cannot import azure.functions from %s: %s',
                     sys.path[0], e)


async def _shutdown_asgi_apps() -> None:
    """ASGI lifespan shutdown must run on the loop the apps started on, before it closes."""
    if 'azure.functions.decorators.function_app' not in sys.modules:
        return
    from azure.functions.decorators.function_app import shutdown_asgi_apps
    try:
        await shutdown_asgi_apps()
    except Exception:
        logger.exception('ASGI lifespan shutdown failed')


class _Stop(Exception):
    """Raised by the signal handler to end a blocking recv (without the loop)."""


def _new_dispatcher(pyfn, options: dict, loop=None):
    return _dispatcher.Dispatcher(pyfn.send, worker_id=options.get('worker_id', ''),
                                  python_dir=options.get('python_dir'), loop=loop)


def serve_without_loop(pyfn, options: dict):
    """Serves on the main thread until the stream closes, a stop, or a message
    that needs the loop. Returns the exit code, or (dispatcher, message) to go
    on with on the loop."""
    d = _new_dispatcher(pyfn, options)
    waiting = [False]

    def on_signal(*_):
        d.terminating = True
        if waiting[0]:
            raise _Stop()

    previous = {}
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            previous[sig] = signal.signal(sig, on_signal)
        except (ValueError, OSError):  # pragma: no cover  not the main thread
            pass
    d.stop = lambda *_: setattr(d, 'terminating', True)
    try:
        while not d.terminating:
            waiting[0] = True
            try:
                msg = pyfn.recv()
            except _Stop:
                break
            finally:
                waiting[0] = False
            if msg is None:
                logger.info('the host closed the stream')
                break
            kind, request_id, payload = msg
            if kind == 'worker_init_request' and d.init_needs_loop(payload):
                return d, msg  # the streaming endpoint runs on the loop
            if kind == 'invocation_request' and \
                    not d.try_fast(request_id, payload):
                return d, msg  # an async function (or the fast path is off)
            if kind != 'invocation_request':
                d.handle(kind, request_id, payload)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    d.wait_running_sync(1.0)
    d.shutdown_pools()
    return 0


async def serve(pyfn, options: dict, d=None, first=None) -> int:
    """Serves on the running loop; `d` and `first`: the dispatcher and the
    message serve_without_loop stopped at."""
    import asyncio
    loop = asyncio.get_running_loop()
    if d is None:
        d = _new_dispatcher(pyfn, options, loop)
    else:
        d.loop = loop
    done = asyncio.Event()

    def stop(*_):
        d.terminating = True
        done.set()

    d.stop = stop

    # Every message is handled in this one context (as a reader callback's
    # Handle would run it): what loading an app sets there stays, and each
    # invocation runs in a copy of it.
    base = contextvars.copy_context()
    if first is not None:
        kind, request_id, payload = first
        base.run(d.handle, kind, request_id, payload)

    def on_readable():
        while not done.is_set():
            msg = pyfn.try_recv()
            if msg is False:
                return
            if msg is None:
                logger.info('the host closed the stream')
                stop()
                return
            kind, request_id, payload = msg
            d.handle(kind, request_id, payload)

    fd = None
    if d.sync_fast_path:
        # A reader thread blocks in recv() (GIL released) and starts sync
        # invocations on the invoker threads itself; every other message goes
        # to the loop in arrival order. No loop wake-up per sync invocation.
        import threading

        # Messages for the loop wait in `pending`; one wake-up of the loop
        # (call_soon_threadsafe: a Handle and a write to its self-pipe)
        # handles all that arrived meanwhile, in order. The reader appends
        # before it looks at `scheduled`, the loop clears `scheduled` before
        # it empties the queue: no message is left behind (at worst a
        # wake-up finds nothing).
        import collections
        pending = collections.deque()
        scheduled = [False]

        def handle_pending():
            scheduled[0] = False
            while pending:
                kind, request_id, payload = pending.popleft()
                d.handle(kind, request_id, payload)

        def reader():
            try:
                while True:
                    msg = pyfn.recv()
                    if msg is None:
                        loop.call_soon_threadsafe(closed, context=base)
                        return
                    kind, request_id, payload = msg
                    if kind == 'invocation_request' and \
                            d.try_fast(request_id, payload, base):
                        continue
                    pending.append(msg)
                    if not scheduled[0]:
                        scheduled[0] = True
                        loop.call_soon_threadsafe(handle_pending, context=base)
            except RuntimeError:  # the loop is closed: leaving
                return

        def closed():
            handle_pending()
            logger.info('the host closed the stream')
            stop()

        threading.Thread(target=reader, name='pyfn-reader', daemon=True).start()
    else:
        fd = pyfn.recv_fd()
        loop.add_reader(fd, base.run, on_readable)
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop)
        except (NotImplementedError, RuntimeError, ValueError):
            pass
    if fd is not None:
        base.run(on_readable)  # messages queued before the reader was added
    await done.wait()
    if fd is not None:
        loop.remove_reader(fd)
    # Give invocations already running a moment to answer, then leave.
    await d.wait_running(1.0)
    await _shutdown_asgi_apps()
    d.shutdown_pools()
    return 0


def _loop_at_start() -> bool:
    from .loader import is_true
    return is_true(os.environ.get('PYFN_LOOP_AT_START')) or \
        not _dispatcher.sync_fast_path_enabled()


def _run_on_loop(coro) -> int:
    """asyncio.run(coro), on the main thread's loop if the app made one
    already (asyncio.get_event_loop() while it loaded) so that what it bound
    to that loop works in its async functions; else on the loop
    PYFN_EVENT_LOOP asks for (event_loop.py)."""
    import asyncio
    policy = asyncio.get_event_loop_policy()
    loop = getattr(getattr(policy, '_local', None), '_loop', None)
    if loop is None or loop.is_closed() or loop.is_running():
        factory = event_loop.loop_factory()
        if factory is None:
            return asyncio.run(coro)
        loop = factory()
        asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(coro)
    finally:
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            asyncio.set_event_loop(None)
            loop.close()


def main(options: dict) -> int:
    import _pyfn

    logs.install(_pyfn.send, options.get('request_id', ''), level=_log_level())
    _preload_library()
    try:
        if _loop_at_start():
            code = _run_on_loop(serve(_pyfn, options))
        else:
            code = serve_without_loop(_pyfn, options)
            if isinstance(code, tuple):
                d, first = code
                code = _run_on_loop(serve(_pyfn, options, d, first))
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
    return code
