"""The dispatcher: answers each host request (docs/internals.md, "The
conversation").

It is transport-agnostic: `send(kind, request_id, payload)` is `_pyfn.send` in
the worker and a list-appending fake in the tests; `handle()` takes one incoming
message. Sync functions run on a ThreadPoolExecutor sized by
PYTHON_THREADPOOL_THREAD_COUNT (default min(32, cpu_count + 4), Azure's default
on Python >= 3.8); `async def` functions run on the dispatcher's event loop.

A sync invocation goes straight from the reader to a pool thread, which binds,
calls, encodes and sends the response itself (`_pyfn.send` is thread safe): no
hop through the event loop. PYFN_SYNC_FAST_PATH=0 restores the old route
(reader -> loop -> pool -> loop -> send).

Neither asyncio nor concurrent.futures is imported until something needs them
(the loop, an async invocation, the old route's executor): a worker serving
sync functions only never loads them (pyfn_worker.main, "without the loop").
"""

import contextvars
import itertools
import logging
import os
import queue
import sys
import threading
import traceback
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Dict, Optional

from azure.functions._context import (InvocationContext, RetryContext, RpcException,
                                      TraceContext)

from . import __version__, bindings, extensions, loader, logs, otel

if TYPE_CHECKING:  # pragma: no cover
    import asyncio

logger = logging.getLogger('pyfn_worker')

SUCCESS, FAILURE, CANCELLED = 1, 0, 2

CAPABILITIES = {
    'RawHttpBodyBytes': 'true',
    'TypedDataCollection': 'true',
    'RpcHttpBodyOnly': 'true',
    'RpcHttpTriggerMetadataRemoved': 'true',
    'WorkerStatus': 'true',
    'HandlesWorkerTerminateMessage': 'true',
}


def default_thread_count() -> int:
    return min(32, (os.cpu_count() or 1) + 4)


def thread_count() -> int:
    value = os.environ.get('PYTHON_THREADPOOL_THREAD_COUNT', '').strip()
    if value:
        try:
            n = int(value)
            if n >= 1:
                return n
        except ValueError:
            pass
        logger.warning('PYTHON_THREADPOOL_THREAD_COUNT=%r is not a positive '
                       'integer; using %d', value, default_thread_count())
    return default_thread_count()


def failure(e: BaseException, message: Optional[str] = None) -> dict:
    return {'status': FAILURE, 'exception': {
        'message': message or ''.join(
            traceback.format_exception_only(type(e), e)).strip(),
        'stack_trace': ''.join(traceback.format_exception(
            type(e), e, e.__traceback__)),
    }}


def sync_fast_path_enabled() -> bool:
    return os.environ.get('PYFN_SYNC_FAST_PATH', '').strip().lower() not in (
        '0', 'false', 'no', 'off')


class InvokerPool:
    """The threads sync invocations run on (fast path): at most `size`
    (PYTHON_THREADPOOL_THREAD_COUNT's rule, as for `Dispatcher.pool`),
    started as needed and named pyfn-invoke_N like the executor's; jobs run in
    arrival order. A SimpleQueue hand-off instead of ThreadPoolExecutor.submit:
    no Future, Condition or done-callback per invocation (~50k instructions
    less per hop). Daemon threads: the worker leaves with _exit() anyway."""

    def __init__(self, size: int, name: str = 'pyfn-invoke') -> None:
        self.size = size
        self._name = name
        self._jobs = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads = []
        self._idle = 0
        self._closed = False

    def submit(self, fn, *args) -> None:
        if self._closed:
            raise RuntimeError('cannot submit after shutdown')
        self._jobs.put((fn, args))
        with self._lock:
            if self._idle > 0:
                self._idle -= 1  # an idle thread takes this job
                return
            if len(self._threads) >= self.size:
                return  # queued until a thread is free
            t = threading.Thread(target=self._run, daemon=True,
                                 name=f'{self._name}_{len(self._threads)}')
            self._threads.append(t)
        t.start()

    def _run(self) -> None:
        jobs = self._jobs
        while True:
            job = jobs.get()
            if job is None:
                return
            fn, args = job
            try:
                fn(*args)
            except BaseException:  # pragma: no cover  fn handles its own errors
                logger.exception('invocation thread: unexpected error')
            del job, fn, args
            with self._lock:
                self._idle += 1

    def shutdown(self, wait: bool = False) -> None:
        self._closed = True
        with self._lock:
            threads = list(self._threads)
        for _ in threads:
            self._jobs.put(None)
        if wait:
            for t in threads:
                t.join()


class Plan:
    """How one function binds, worked out once at load (no per-invocation
    lookups by name): (parameter, decode, needs trigger metadata) per input,
    (parameter, encode) per output, the $return encoder."""

    __slots__ = ('inputs', 'needs_tm', 'outputs', 'ret')

    def __init__(self, fi: 'loader.FunctionInfo') -> None:
        self.inputs = []
        for name, b in fi.input_params.items():
            decode, needs_tm = bindings.input_decoder(
                b.type, b.data_type, fi.param_types.get(name))
            self.inputs.append((name, decode, needs_tm))
        self.needs_tm = any(x[2] for x in self.inputs)
        self.outputs = [
            (name, bindings.output_encoder(
                b.type, b.data_type,
                bindings.out_inner_type(fi.param_types.get(name))))
            for name, b in fi.output_params.items()]
        rb = fi.return_binding
        self.ret = None if rb is None else bindings.output_encoder(
            rb.type, rb.data_type, fi.return_type)


def plan_of(fi: 'loader.FunctionInfo') -> Plan:
    plan = getattr(fi, 'plan', None)
    if plan is None:
        plan = fi.plan = Plan(fi)
    return plan


def make_context(fi: 'loader.FunctionInfo', req: dict):
    tc = req.get('trace_context') or {}
    rc = req.get('retry_context') or {}
    exc = rc.get('exception')
    return InvocationContext(
        invocation_id=req.get('invocation_id', ''),
        function_name=fi.name,
        function_directory=fi.directory,
        trace_context=TraceContext(tc.get('trace_parent', ''), tc.get('trace_state', ''),
                                   dict(tc.get('attributes') or {})),
        retry_context=RetryContext(rc.get('retry_count', 0), rc.get('max_retry_count', 0),
                                   RpcException(exc.get('source', ''), exc.get('stack_trace', ''),
                                                exc.get('message', '')) if exc else None),
        thread_local_storage=logs.thread_local)


class Dispatcher:

    def __init__(self, send: Callable[[str, str, dict], Any], *,
                 worker_id: str = '', python_dir: Optional[str] = None,
                 loop: Optional['asyncio.AbstractEventLoop'] = None) -> None:
        self._send = send
        self.worker_id = worker_id
        self.python_dir = python_dir
        self.loop = loop
        self.script_root: Optional[str] = None
        self.functions: Dict[str, loader.FunctionInfo] = {}
        self.load_errors: Dict[str, str] = {}
        self.indexed: Dict[str, Any] = {}         # function_id -> decorator Function
        self.indexed_by_name: Dict[str, str] = {}  # name -> function_id
        self.index_error: Optional[loader.IndexError_] = None
        self.cancelled = set()
        threads = thread_count()
        self._threads = threads
        self._pool = None
        self.terminating = False
        self._stopped = None
        # Tasks on the loop (async invocations, streaming init) by token.
        self._tasks: Dict[int, Any] = {}
        # Sync invocations in flight on the invoker threads (fast path).
        self._running = set()
        self._tokens = itertools.count()
        self.invokers = InvokerPool(threads)
        self.sync_fast_path = sync_fast_path_enabled()
        # The streaming HTTP endpoint (http_streaming.py), when the app
        # needs it; indexing at WorkerInitRequest decides.
        self.streaming = None
        self._early_index = None  # (functions, error) indexed at init
        self._needs_streaming = None  # decided once, at init

    @property
    def pool(self):
        """The old route's executor (PYFN_SYNC_FAST_PATH=0 and async-loop
        tests), made on first use. The fast path runs on `invokers`, same
        size."""
        if self._pool is None:
            import concurrent.futures
            self._pool = concurrent.futures.ThreadPoolExecutor(
                max_workers=self._threads, thread_name_prefix='pyfn-invoke')
        return self._pool

    @property
    def stopped(self):
        """An asyncio.Event set by stop() (tests without a loop of their own
        wait on it); None when the dispatcher was given a loop."""
        if self.loop is not None:
            return None
        if self._stopped is None:
            import asyncio
            self._stopped = asyncio.Event()
            if self.terminating:
                self._stopped.set()
        return self._stopped

    # -- plumbing ---------------------------------------------------------
    def send(self, kind: str, request_id: str, payload: dict) -> None:
        self._send(kind, request_id, payload)

    def handle(self, kind: str, request_id: str, payload: dict) -> None:
        """Handles one message; sync invocations continue on the pool, async
        ones as tasks on the loop."""
        if kind == 'invocation_request':
            if not self.try_fast(request_id, payload):
                token = next(self._tokens)
                self._tasks[token] = self.loop_().create_task(
                    self._on_invocation_request(request_id, payload, token))
            return
        method = getattr(self, f'_on_{kind}', None)
        if method is None:
            logger.debug('ignoring %s from the host', kind or 'an empty message')
            return
        try:
            result = method(request_id, payload)
            if result is not None:  # a coroutine
                token = next(self._tokens)
                task = self._tasks[token] = self.loop_().create_task(result)
                task.add_done_callback(lambda _, t=token: self._tasks.pop(t, None))
        except Exception:
            logger.exception('error while handling %s', kind)

    def try_fast(self, request_id: str, payload: dict, base=None) -> bool:
        """Starts a sync invocation on an invoker thread (the fast path), in
        a copy of `base` (a contextvars.Context; default: the caller's);
        False when it is not one (async, unknown function, fast path off)."""
        if not self.sync_fast_path:
            return False
        fi = self.functions.get(payload.get('function_id', ''))
        if fi is None or fi.is_async or (
                self.streaming is not None and
                fi.function_id in self.streaming.kinds):
            return False
        ctx = contextvars.copy_context() if base is None else base.copy()
        token = next(self._tokens)
        self._running.add(token)
        try:
            self.invokers.submit(ctx.run, self._invoke_on_pool, request_id,
                                 payload, fi, token)
        except RuntimeError:  # shut down: leaving
            self._running.discard(token)
            logger.debug('invocation %s dropped: shutting down',
                         payload.get('invocation_id', ''))
        return True

    async def drain(self) -> None:
        """Waits for the invocations in flight (tests use this)."""
        import asyncio
        while self._tasks or self._running:
            if self._tasks:
                await asyncio.gather(*list(self._tasks.values()),
                                     return_exceptions=True)
            if self._running:
                await asyncio.sleep(0.001)

    async def wait_running(self, timeout: float) -> None:
        """Waits up to `timeout` s for the invocations in flight (shutdown)."""
        import asyncio
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        pending = [t for t in self._tasks.values() if not t.done()]
        if pending:
            await asyncio.wait(pending, timeout=timeout)
        while self._running and loop.time() < deadline:
            await asyncio.sleep(0.005)

    def wait_running_sync(self, timeout: float) -> None:
        """wait_running() without a loop: sync invocations only."""
        import time
        deadline = time.monotonic() + timeout
        while self._running and time.monotonic() < deadline:
            time.sleep(0.005)

    def shutdown_pools(self) -> None:
        self.invokers.shutdown(wait=False)
        if self._pool is None:
            return
        if sys.version_info >= (3, 9):
            self.pool.shutdown(wait=False, cancel_futures=True)
        else:  # pragma: no cover
            self.pool.shutdown(wait=False)

    def _set_script_root(self, root: Optional[str]) -> None:
        if not root:
            root = os.environ.get('AzureWebJobsScriptRoot') or os.getcwd()
        root = os.path.abspath(root)
        # FuncExtensionBase and apps read it; Azure's host always sets it.
        os.environ.setdefault('AzureWebJobsScriptRoot', root)
        if root != self.script_root:
            self.script_root = root
            loader.setup_paths(root, self.python_dir)

    def _metadata(self) -> dict:
        # platform.python_version() / platform.machine() without importing
        # platform (~10 ms at start).
        return {
            'runtime_name': 'python',
            'runtime_version': sys.version.split()[0],
            'worker_version': __version__,
            'worker_bitness': os.uname().machine or 'x64',
            'custom_properties': {'pyfn': 'true'},
        }

    # -- handshake --------------------------------------------------------
    def _on_worker_init_request(self, request_id: str, req: dict):
        self._set_script_root(req.get('function_app_directory'))
        if self._app_needs_streaming():
            return self._init_with_streaming(request_id)
        self._init_response(request_id, dict(CAPABILITIES))

    def _init_response(self, request_id: str, capabilities: dict) -> None:
        self.send('worker_init_response', request_id, {
            'worker_version': __version__,
            'capabilities': capabilities,
            'result': {'status': SUCCESS},
            'worker_metadata': self._metadata(),
        })

    async def _init_with_streaming(self, request_id: str) -> None:
        from . import http_streaming
        capabilities = dict(CAPABILITIES)
        try:
            endpoint = http_streaming.Endpoint()
            uri = await endpoint.start()
            self.streaming = http_streaming.Streaming(endpoint)
            capabilities['HttpUri'] = uri
            capabilities['RequiresRouteParameters'] = 'true'
        except Exception as e:
            self.send('worker_init_response', request_id, {
                'worker_version': __version__, 'capabilities': capabilities,
                'result': failure(e, f'cannot start the streaming HTTP '
                                     f'endpoint: {e}'),
                'worker_metadata': self._metadata()})
            return
        self._init_response(request_id, capabilities)

    def _app_needs_streaming(self) -> bool:
        """Indexes a decorator app now (as Azure's worker does with
        PYTHON_ENABLE_INIT_INDEXING; FunctionsMetadataRequest reuses the
        result) to learn whether it needs the streaming endpoint."""
        if self._needs_streaming is None:
            self._needs_streaming = self._index_for_streaming()
        return self._needs_streaming

    def init_needs_loop(self, req: dict) -> bool:
        """For the loop-free start: whether WorkerInitRequest must be handled
        on the event loop (the app needs the streaming endpoint)."""
        self._set_script_root(req.get('function_app_directory'))
        return self._app_needs_streaming()

    def _index_for_streaming(self) -> bool:
        from . import http_streaming_plan as http_streaming
        root = self.script_root or ''
        if not http_streaming.enabled() or \
                not os.path.isfile(os.path.join(root, loader.script_file_name())):
            return False
        try:
            fns = loader.index_function_app(root)
        except loader.IndexError_ as e:
            self._early_index = (None, e)
            return False
        self._early_index = (fns, None)
        return bool(fns) and http_streaming.needs_streaming(fns)

    def _on_worker_status_request(self, request_id: str, req: dict) -> None:
        self.send('worker_status_response', request_id, {})

    def _on_function_environment_reload_request(self, request_id, req) -> None:
        try:
            env = req.get('environment_variables') or {}
            if env:
                os.environ.clear()
                os.environ.update(env)
            self.script_root = None
            self.sync_fast_path = sync_fast_path_enabled()
            otel.reset()
            self._set_script_root(req.get('function_app_directory') or
                                  env.get('AzureWebJobsScriptRoot'))
            result = {'status': SUCCESS}
        except Exception as e:
            result = failure(e)
        self.send('function_environment_reload_response', request_id, {
            'worker_metadata': self._metadata(),
            'capabilities': dict(CAPABILITIES),
            'result': result,
        })

    def _on_close_shared_memory_resources_request(self, request_id, req) -> None:
        self.send('close_shared_memory_resources_response', request_id, {
            'close_map_results': {n: True for n in req.get('map_names') or []}})

    def _on_worker_terminate(self, request_id: str, req: dict) -> None:
        logger.info('terminating (grace period %.1fs)', req.get('grace_period') or 0.0)
        self.terminating = True
        self.stop()

    def stop(self) -> None:
        self.terminating = True
        if self._stopped is not None:
            self._stopped.set()

    # -- indexing ---------------------------------------------------------
    def _on_functions_metadata_request(self, request_id: str, req: dict) -> None:
        self._set_script_root(req.get('function_app_directory') or self.script_root)
        try:
            early, self._early_index = self._early_index, None
            if early is not None and early[1] is not None:
                raise early[1]
            fns = early[0] if early is not None else \
                loader.index_function_app(self.script_root)
        except loader.IndexError_ as e:
            self.index_error = e
            logger.error('%s', e)
            self.send('function_metadata_response', request_id, {
                'result': {'status': FAILURE, 'exception': {
                    'message': str(e), 'stack_trace': e.stack_trace}},
                'use_default_metadata_indexing': False,
            })
            return
        if not fns:
            # No function_app.py, or one that declares no function: the host indexes
            # function.json folders (Azure's worker answers the same for both).
            self.send('function_metadata_response', request_id, {
                'result': {'status': SUCCESS},
                'use_default_metadata_indexing': True,
            })
            return
        import uuid
        results = []
        self.indexed.clear()
        self.indexed_by_name.clear()
        for fn in fns:
            fid = str(uuid.uuid4())
            try:
                md = loader.indexed_metadata(fn, fid, self.script_root)
            except Exception as e:
                md = {'name': getattr(fn, 'get_function_name', lambda: '?')(),
                      'function_id': fid,
                      'status': failure(e)}
            self.indexed[fid] = fn
            self.indexed_by_name[md['name']] = fid
            results.append(md)
        self.send('function_metadata_response', request_id, {
            'function_metadata_results': results,
            'result': {'status': SUCCESS},
            'use_default_metadata_indexing': False,
        })

    # -- loading ----------------------------------------------------------
    def _load_one(self, req: dict) -> dict:
        fid = req.get('function_id', '')
        md = req.get('metadata') or {}
        name = md.get('name') or fid
        if fid in self.functions:
            return {'function_id': fid, 'result': {'status': SUCCESS}}
        self._set_script_root(self.script_root)
        try:
            fn = self.indexed.get(fid)
            if fn is None and name in self.indexed_by_name and (
                    (md.get('properties') or {}).get('worker_indexed') or
                    not md.get('raw_bindings') or
                    os.path.basename(md.get('script_file') or '') ==
                    loader.script_file_name()):
                fn = self.indexed[self.indexed_by_name[name]]
            if fn is not None:
                imd = loader.indexed_metadata(fn, fid, self.script_root)
                fi = loader.FunctionInfo(
                    fid, imd['name'], imd['directory'], imd['script_file'],
                    fn.get_user_function(),
                    loader.bindings_from_metadata(imd))
            else:
                fi = loader.load_function(fid, md, self.script_root)
        except Exception as e:
            msg = str(e) if isinstance(e, loader.LoadError) and \
                str(e).startswith("Function '") else \
                loader.format_load_error(name, md.get('script_file', ''), e,
                                         self.script_root or '')
            self.load_errors[fid] = msg
            logger.error('%s', msg)
            return {'function_id': fid, 'result': failure(e, msg)}
        try:
            plan_of(fi)
        except Exception:  # built again (and failing) at the first invocation
            logger.debug('cannot plan the bindings of %s', fi.name, exc_info=True)
        self.functions[fid] = fi
        if self.streaming is not None:
            self.streaming.note_loaded(fi, fn)
        self.load_errors.pop(fid, None)
        extensions.post_function_load(fi.name, fi.directory)
        return {'function_id': fid, 'result': {'status': SUCCESS}}

    def _on_function_load_request(self, request_id: str, req: dict) -> None:
        self.send('function_load_response', request_id, self._load_one(req))

    def _on_function_load_request_collection(self, request_id, req) -> None:
        self.send('function_load_response_collection', request_id, {
            'function_load_responses': [
                self._load_one(r) for r in req.get('function_load_requests') or []]})

    # -- invoking ---------------------------------------------------------
    def _on_invocation_cancel(self, request_id: str, req: dict) -> None:
        self.cancelled.add(req.get('invocation_id', ''))

    async def _on_invocation_request(self, request_id: str, req: dict,
                                     token: Optional[int] = None) -> None:
        """An async invocation, as the task `token` in `_tasks`; it takes
        itself out when it ends (no done callback: one loop Handle less)."""
        try:
            inv = req.get('invocation_id', '')
            response = await self.invoke(req)
            self.cancelled.discard(inv)
            self.send('invocation_response', request_id, response)
        finally:
            self._tasks.pop(token, None)

    def invoke(self, req: dict) -> 'Awaitable[dict]':
        """The invocation's answer (a coroutine: the streaming endpoint's or
        invoke_plain's itself, without a coroutine of its own around it)."""
        streaming = self.streaming
        if streaming is not None:
            fi = self.functions.get(req.get('function_id', ''))
            if fi is not None and fi.function_id in streaming.kinds:
                return streaming.invoke(self, fi, req)
        return self.invoke_plain(req)

    async def invoke_plain(self, req: dict, call=None) -> dict:
        """invoke() without the streaming endpoint. `call(args)`, when given,
        is awaited instead of calling the function (http_streaming.py)."""
        inv = req.get('invocation_id', '')
        fid = req.get('function_id', '')
        fi = self.functions.get(fid)
        if fi is None:
            return self._not_loaded(inv, fid)
        if inv in self.cancelled:
            return {'invocation_id': inv, 'result': {'status': CANCELLED}}
        logs.remember_invocation(inv, fi.name)
        token = logs.current_invocation.set((inv, fi.name))
        otel_token = otel.attach(req)
        try:
            try:
                args, outs = self._bind(fi, req)
                hooks = extensions.InvocationHooks(fi.name)
                context = self._context(fi, req, args, hooks)
                if call is not None or fi.is_async:
                    if hooks.active:
                        hooks.pre(context, args)
                    result = await (call(args) if call is not None
                                    else fi.func(**args))
                    if hooks.active:
                        hooks.post(context, args, result)
                else:
                    ctx = contextvars.copy_context()
                    result = await self.loop_().run_in_executor(
                        self.pool, ctx.run, self._call_sync, fi, args, context,
                        hooks, inv)
                return self._response(fi, inv, result, outs)
            except Exception as e:
                # The host logs the failure with this traceback (R6).
                return {'invocation_id': inv, 'result': failure(e)}
        finally:
            otel.detach(otel_token)
            logs.current_invocation.reset(token)
            logs.forget_invocation(inv)

    def _not_loaded(self, inv: str, fid: str) -> dict:
        msg = self.load_errors.get(fid) or \
            f'function {fid!r} is not loaded in this worker'
        return {'invocation_id': inv, 'result': {
            'status': FAILURE, 'exception': {'message': msg}}}

    @staticmethod
    def _context(fi, req, args, hooks):
        """The Context: built only for a `context` parameter or extension hooks."""
        if not fi.context_param and not hooks.active:
            return None
        context = make_context(fi, req)
        if fi.context_param:
            args[fi.context_param] = context
        return context

    def _invoke_on_pool(self, request_id: str, req: dict, fi, token) -> None:
        """The sync fast path, on an invoker thread in a copy of the reader's
        context: bind, call, encode, send."""
        inv = req.get('invocation_id', '')
        try:
            response = self.invoke_sync(req, fi)
            self.cancelled.discard(inv)
            self.send('invocation_response', request_id, response)
        except Exception:
            logger.exception('cannot answer invocation %s', inv)
        finally:
            self._running.discard(token)

    def invoke_sync(self, req: dict, fi=None) -> dict:
        """invoke() for a sync function, run on the calling (pool) thread."""
        inv = req.get('invocation_id', '')
        if fi is None:
            fid = req.get('function_id', '')
            fi = self.functions.get(fid)
            if fi is None:
                return self._not_loaded(inv, fid)
        if inv in self.cancelled:
            return {'invocation_id': inv, 'result': {'status': CANCELLED}}
        logs.remember_invocation(inv, fi.name)
        token = logs.current_invocation.set((inv, fi.name))
        logs.thread_local.invocation_id = inv
        otel_token = otel.attach(req)
        try:
            try:
                args, outs = self._bind(fi, req)
                hooks = extensions.InvocationHooks(fi.name)
                context = self._context(fi, req, args, hooks)
                if hooks.active:
                    hooks.pre(context, args)
                result = fi.func(**args)
                if hooks.active:
                    hooks.post(context, args, result)
                return self._response(fi, inv, result, outs)
            except Exception as e:
                # The host logs the failure with this traceback (R6).
                return {'invocation_id': inv, 'result': failure(e)}
        finally:
            otel.detach(otel_token)
            logs.thread_local.invocation_id = None
            logs.current_invocation.reset(token)
            logs.forget_invocation(inv)

    def loop_(self) -> 'asyncio.AbstractEventLoop':
        if self.loop is not None:
            return self.loop
        import asyncio
        return asyncio.get_event_loop()

    @staticmethod
    def _call_sync(fi, args, context, hooks, inv):
        logs.thread_local.invocation_id = inv
        try:
            if hooks.active:
                hooks.pre(context, args)
            result = fi.func(**args)
            if hooks.active:
                hooks.post(context, args, result)
            return result
        finally:
            logs.thread_local.invocation_id = None

    def _bind(self, fi: 'loader.FunctionInfo', req: dict):
        plan = plan_of(fi)
        input_data = req.get('input_data') or ()
        if len(input_data) == 1:
            b = input_data[0]
            inputs = {b.get('name'): b.get('data')}
        else:
            inputs = {b.get('name'): b.get('data') for b in input_data}
        tm = None
        if plan.needs_tm:
            tm = {k: bindings.typed_data_to_datum(v)
                  for k, v in (req.get('trigger_metadata') or {}).items()}
        args: Dict[str, Any] = {}
        for name, decode, _ in plan.inputs:
            try:
                args[name] = decode(inputs.get(name), tm)
            except Exception as e:
                b = fi.input_params[name]
                raise TypeError(f'cannot bind parameter {name!r} (binding type '
                                f'{b.type!r}): {e}') from e
        outs = {}
        for name, _ in plan.outputs:
            outs[name] = args[name] = bindings.OutValue()
        return args, outs

    def _response(self, fi, inv, result, outs) -> dict:
        plan = plan_of(fi)
        response: Dict[str, Any] = {'invocation_id': inv,
                                    'result': {'status': SUCCESS}}
        if plan.outputs:
            output_data = []
            for name, encode in plan.outputs:
                value = outs[name].get()
                if value is None:
                    continue
                output_data.append({'name': name, 'data': encode(value)})
            if output_data:
                response['output_data'] = output_data
        if plan.ret is not None:
            if result is not None:
                response['return_value'] = plan.ret(result)
        elif result is not None:
            logger.warning("function %s returned a value but has no $return "
                           "binding; the value is ignored", fi.name)
        return response
