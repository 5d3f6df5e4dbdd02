"""A callable's parameters and whether it is a coroutine function, as
``inspect`` reports them, without importing ``inspect`` for the plain
functions apps and binding classes define.

``import inspect`` (with ``ast``, ``dis`` and ``tokenize``) is about a third of
the instructions of a worker's Python imports and ~0.7 MB of its idle memory,
and loading a function only needs what a plain function's code object holds.
Anything else - a ``functools.partial``, a method or callable object, a
function carrying ``__wrapped__`` or ``__signature__`` - is handed to
``inspect``, so the answers are always ``inspect``'s.

    parameters(f) -> ([(name, variadic, annotation)], return annotation)
        in inspect.signature(f) order; variadic is True for *args / **kwargs;
        a missing annotation is EMPTY. Raises TypeError / ValueError where
        inspect.signature does.
    is_coroutine_function(f) -> inspect.iscoroutinefunction(f)
"""

import sys
import types
from typing import Any, List, Tuple

_CO_VARARGS = 0x04
_CO_VARKEYWORDS = 0x08
_CO_COROUTINE = 0x80


class _Empty:
    """No annotation (inspect.Parameter.empty's role)."""

    def __repr__(self) -> str:
        return 'EMPTY'


EMPTY: Any = _Empty()


def _plain(func) -> bool:
    """A function inspect would read straight from its code object."""
    return (type(func) is types.FunctionType
            and not hasattr(func, '__wrapped__')
            and not hasattr(func, '__signature__'))


def parameters(func) -> Tuple[List[Tuple[str, bool, Any]], Any]:
    if not _plain(func):
        return _from_inspect(func)
    code = func.__code__
    annotations = func.__annotations__ or {}
    names = code.co_varnames
    positional = code.co_argcount
    keyword_only = code.co_kwonlyargcount
    # co_varnames: positional, keyword-only, *args, **kwargs; inspect puts
    # *args before the keyword-only ones.
    order = [(n, False) for n in names[:positional]]
    rest = positional + keyword_only
    if code.co_flags & _CO_VARARGS:
        order.append((names[rest], True))
        rest += 1
    order += [(n, False) for n in names[positional:positional + keyword_only]]
    if code.co_flags & _CO_VARKEYWORDS:
        order.append((names[rest], True))
    params = [(n, variadic, annotations.get(n, EMPTY)) for n, variadic in order]
    return params, annotations.get('return', EMPTY)


def _from_inspect(func) -> Tuple[List[Tuple[str, bool, Any]], Any]:
    import inspect
    sig = inspect.signature(func)
    empty = inspect.Parameter.empty
    variadic = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    params = [(p.name, p.kind in variadic,
               EMPTY if p.annotation is empty else p.annotation)
              for p in sig.parameters.values()]
    ret = sig.return_annotation
    return params, (EMPTY if ret is inspect.Signature.empty else ret)


_NATIVE = (types.BuiltinFunctionType, types.MethodWrapperType,
           types.WrapperDescriptorType, types.MethodDescriptorType)


def is_coroutine_function(func) -> bool:
    # Until inspect is imported no function carries its coroutine marker
    # (inspect.markcoroutinefunction, Python >= 3.12): the code flag decides,
    # as in inspect, after unwrapping methods; a native callable is not one.
    if 'inspect' not in sys.modules:
        while type(func) is types.MethodType:
            func = func.__func__
        if type(func) is types.FunctionType:
            return bool(func.__code__.co_flags & _CO_COROUTINE)
        if func is None or isinstance(func, _NATIVE):
            return False
    import inspect
    return inspect.iscoroutinefunction(func)
