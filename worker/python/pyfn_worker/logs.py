"""Log relay: `logging` records and print() output become RpcLog messages.

Which invocation a record belongs to is looked up, in order, in the context
variable the dispatcher sets around each call (covers asyncio tasks and the
thread pool, where the call runs in a copied context), then in the
thread-local storage that `context.thread_local_storage` exposes (apps set
`context.thread_local_storage.invocation_id` in threads they start themselves,
as with Azure's worker).
"""

import contextvars
import logging
import sys
import threading
import traceback
from typing import Callable, Optional, Tuple

# (invocation_id, function_name) of the call running in this context.
current_invocation: contextvars.ContextVar[Optional[Tuple[str, str]]] = \
    contextvars.ContextVar('pyfn_current_invocation', default=None)

# Shared with every Context as `thread_local_storage`.
thread_local = threading.local()

# RpcLog.Level
TRACE, DEBUG, INFORMATION, WARNING, ERROR, CRITICAL, NONE = range(7)
# RpcLog.RpcLogCategory
USER, SYSTEM = 0, 1

WORKER_LOGGER = 'pyfn_worker'
WORKER_CATEGORY = 'Host.Worker'

# function name by invocation id, for records that only know the id. One
# dict operation each (set, pop, get) is atomic under the GIL: no lock.
_function_names: dict = {}


def remember_invocation(invocation_id: str, function_name: str) -> None:
    _function_names[invocation_id] = function_name


def forget_invocation(invocation_id: str) -> None:
    _function_names.pop(invocation_id, None)


def rpc_level(levelno: int) -> int:
    if levelno >= logging.CRITICAL:
        return CRITICAL
    if levelno >= logging.ERROR:
        return ERROR
    if levelno >= logging.WARNING:
        return WARNING
    if levelno >= logging.INFO:
        return INFORMATION
    if levelno >= logging.DEBUG:
        return DEBUG
    return TRACE


def invocation_of_current() -> Tuple[str, str]:
    """(invocation_id, function_name) for the running code, or ('', '')."""
    cur = current_invocation.get()
    if cur is not None:
        return cur
    inv = getattr(thread_local, 'invocation_id', None)
    if inv:
        return inv, _function_names.get(inv, '')
    return '', ''


def make_rpc_log(message: str, level: int, *, worker: bool,
                 exc_info=None) -> dict:
    inv, name = invocation_of_current()
    if worker or not name:
        category, log_category = WORKER_CATEGORY, SYSTEM
    else:
        category, log_category = f'Function.{name}.User', USER
    log = {'invocation_id': inv, 'category': category, 'level': level,
           'message': message, 'log_category': log_category}
    if exc_info and exc_info[0] is not None:
        log['exception'] = {
            'message': ''.join(traceback.format_exception_only(
                exc_info[0], exc_info[1])).strip(),
            'stack_trace': ''.join(traceback.format_exception(*exc_info)),
        }
    return log


class RpcLogHandler(logging.Handler):
    """Sends each record as an RpcLog through `send(kind, request_id, payload)`."""

    def __init__(self, send: Callable[[str, str, dict], object],
                 request_id: str = '') -> None:
        super().__init__(logging.NOTSET)
        self._send = send
        self._request_id = request_id

    def emit(self, record: logging.LogRecord) -> None:
        try:
            worker = record.name == WORKER_LOGGER or \
                record.name.startswith(WORKER_LOGGER + '.')
            log = make_rpc_log(record.getMessage(), rpc_level(record.levelno),
                               worker=worker, exc_info=record.exc_info)
            self._send('rpc_log', self._request_id, log)
        except Exception:  # never let logging break the app
            self.handleError(record)


class RpcLogStream:
    """A text stream for sys.stdout/sys.stderr: each complete line becomes an
    RpcLog at `level` (per-thread line buffers, so concurrent prints from
    different invocations never mix)."""

    def __init__(self, send, request_id: str, level: int, original) -> None:
        self._send = send
        self._request_id = request_id
        self._level = level
        self._original = original
        self._buffers = threading.local()
        self.encoding = getattr(original, 'encoding', 'utf-8') or 'utf-8'
        self.errors = 'replace'

    def _buf(self) -> list:
        b = getattr(self._buffers, 'parts', None)
        if b is None:
            b = self._buffers.parts = []
        return b

    def write(self, text) -> int:
        if not isinstance(text, str):
            text = str(text)
        buf = self._buf()
        if '\n' not in text:
            buf.append(text)
            return len(text)
        buf.append(text)
        joined = ''.join(buf)
        *lines, rest = joined.split('\n')
        buf.clear()
        if rest:
            buf.append(rest)
        for line in lines:
            self._emit(line)
        return len(text)

    def _emit(self, line: str) -> None:
        line = line.rstrip('\r')
        try:
            self._send('rpc_log', self._request_id,
                       make_rpc_log(line, self._level, worker=False))
        except Exception:
            try:
                self._original.write(line + '\n')
            except Exception:
                pass

    def flush(self) -> None:
        buf = self._buf()
        if buf:
            line = ''.join(buf)
            buf.clear()
            self._emit(line)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._original.fileno()

    def readable(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    @property
    def closed(self) -> bool:
        return False

    @property
    def buffer(self):
        return getattr(self._original, 'buffer', None)


def install(send, request_id: str, *, capture_stdio: bool = True,
            level: int = logging.INFO) -> RpcLogHandler:
    """Routes the root logger (and optionally stdout/stderr) to the host."""
    root = logging.getLogger()
    for h in list(root.handlers):
        if isinstance(h, RpcLogHandler):
            root.removeHandler(h)
    handler = RpcLogHandler(send, request_id)
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger(WORKER_LOGGER).setLevel(logging.DEBUG)
    if capture_stdio:
        sys.stdout = RpcLogStream(send, request_id, INFORMATION, sys.__stdout__)
        sys.stderr = RpcLogStream(send, request_id, ERROR, sys.__stderr__)
    return handler
