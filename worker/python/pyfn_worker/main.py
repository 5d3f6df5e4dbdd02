"""Entry point run by pyfn-worker (C++) once the stream to the host is open.

    main(options) -> exit code
options: host, port, target, worker_id, request_id, max_message_length,
python_dir (see worker/main.cc).
"""

import asyncio
import contextvars
import importlib
import logging
import os
import signal
import sys

from . import dispatcher as _dispatcher
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


async def serve(pyfn, options: dict) -> int:
    loop = asyncio.get_running_loop()
    d = _dispatcher.Dispatcher(pyfn.send, worker_id=options.get('worker_id', ''),
                               python_dir=options.get('python_dir'), loop=loop)
    done = asyncio.Event()

    def stop(*_):
        d.terminating = True
        done.set()

    d.stop = stop

    # Every message is handled in this one context (as a reader callback's
    # Handle would run it): what loading an app sets there stays, and each
    # invocation runs in a copy of it.
    base = contextvars.copy_context()

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
                    loop.call_soon_threadsafe(d.handle, kind, request_id,
                                              payload, context=base)
            except RuntimeError:  # the loop is closed: leaving
                return

        def closed():
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


def main(options: dict) -> int:
    import _pyfn

    logs.install(_pyfn.send, options.get('request_id', ''), level=_log_level())
    _preload_library()
    try:
        code = asyncio.run(serve(_pyfn, options))
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
    return code
