"""Finding and importing the app's functions (spec L2-L6, L8, B1, P1, P2, P5).

sys.path, in order (PYTHON_ISOLATE_WORKER_DEPENDENCIES unset or 0):
    <pyfn python dir>            our azure.functions + pyfn_worker, nothing else
    <script root>                L4: `from shared_code import helper`
    <script root>/.python_packages/lib/site-packages      P1: the app's packages
    <script root>/.python_packages/lib/python3.X/site-packages (if present)
    ... the interpreter's stdlib and site-packages
With PYTHON_ISOLATE_WORKER_DEPENDENCIES=1 the app's entries go before ours. The
worker depends on nothing outside the standard library and our directory, so the
setting only changes which of the two directories is searched first; our
`azure.functions` is imported before any app path is added, so it wins either
way (R8) and an app's own copy is reported once as ignored.

Function folders are imported as packages under the `__app__` namespace (as
Azure's worker does): `__app__.<Folder>` for `<Folder>/__init__.py`, and
`__app__.<Folder>.<stem>` for a `scriptFile`. So `from . import x` works, and so
do the deprecated `from __app__.shared import x` and relative imports beyond the
function folder (`from ..shared import x`), each logged once as deprecated.
"""

import importlib
import importlib.machinery
import importlib.util
import json
import logging
import os
import re
import sys
import traceback
import types
import typing
from typing import Any, Dict, List, Optional

from azure.functions import _signature

from . import bindings

APP_NAMESPACE = '__app__'
DEFAULT_SCRIPT = '__init__.py'
DEFAULT_ENTRY_POINT = 'main'

logger = logging.getLogger('pyfn_worker')


def is_true(value: Optional[str]) -> bool:
    return (value or '').strip().lower() in ('1', 'true', 't', 'yes', 'y')


class LoadError(Exception):
    """A load failure; str() is the message for the host (names function,
    file and error)."""


# ---- sys.path ----------------------------------------------------------------

def app_paths(script_root: str) -> List[str]:
    paths = [script_root]
    pp = os.path.join(script_root, '.python_packages', 'lib')
    paths.append(os.path.join(pp, 'site-packages'))
    ver = os.path.join(pp, f'python{sys.version_info[0]}.{sys.version_info[1]}',
                       'site-packages')
    if os.path.isdir(ver):
        paths.append(ver)
    return paths


_installed_app_paths: List[str] = []
_reported_app_sdk = set()


def setup_paths(script_root: str, python_dir: Optional[str]) -> None:
    """Puts the app's directories on sys.path (idempotent per root)."""
    global _installed_app_paths
    for p in _installed_app_paths:
        while p in sys.path:
            sys.path.remove(p)
    new = app_paths(os.path.abspath(script_root))
    if is_true(os.environ.get('PYTHON_ISOLATE_WORKER_DEPENDENCIES')):
        index = 0
    elif python_dir and python_dir in sys.path:
        index = sys.path.index(python_dir) + 1
    else:
        index = 0
    sys.path[index:index] = new
    _installed_app_paths = new
    importlib.invalidate_caches()
    install_app_namespace(script_root)
    report_app_sdk_copies(new)


def report_app_sdk_copies(paths: List[str]) -> None:
    """R8: one log line per app-shipped azure/functions that we ignore."""
    try:
        import azure.functions as ours
        ours_dir = os.path.dirname(os.path.abspath(ours.__file__))
    except ImportError:  # pragma: no cover
        return
    for p in paths:
        cand = os.path.join(p, 'azure', 'functions')
        if os.path.isdir(cand) and os.path.abspath(cand) != ours_dir and \
                cand not in _reported_app_sdk:
            _reported_app_sdk.add(cand)
            logger.warning(
                "The app ships its own azure.functions at %s; it is ignored: "
                "pyfn's azure.functions %s (%s) is used.", cand,
                getattr(ours, '__version__', '?'), ours_dir)


# ---- the __app__ namespace -------------------------------------------------

_function_packages = set()   # top-level names under __app__ that are ours
_warned_app_names = set()


class _AppAliasFinder:
    """Logs a deprecation warning for `__app__.<name>` imports that do not
    belong to a function being loaded; the normal path finder then imports
    them from the script root. (A meta path finder by protocol; subclassing
    importlib.abc.MetaPathFinder would import importlib.resources & co.)"""

    def invalidate_caches(self):
        pass

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith(APP_NAMESPACE + '.'):
            return None
        top = fullname.split('.')[1]
        if top not in _function_packages and top not in _warned_app_names:
            _warned_app_names.add(top)
            logger.warning(
                "Deprecated import of '%s': `from __app__...` imports and "
                "relative imports beyond the function folder still work but "
                "are deprecated; import '%s' absolutely (the script root is "
                "on sys.path).", fullname, fullname[len(APP_NAMESPACE) + 1:])
        return None


def install_app_namespace(script_root: str) -> None:
    root = os.path.abspath(script_root)
    mod = sys.modules.get(APP_NAMESPACE)
    if mod is None:
        spec = importlib.machinery.ModuleSpec(APP_NAMESPACE, None,
                                              is_package=True)
        spec.submodule_search_locations = [root]
        mod = importlib.util.module_from_spec(spec)
        sys.modules[APP_NAMESPACE] = mod
    else:
        mod.__path__[:] = [root]
    if not any(isinstance(f, _AppAliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _AppAliasFinder())


# ---- error messages (L8, P5) ---------------------------------------------------

_ABI_RE = re.compile(r'\.cpython-(\d)(\d+)[a-z]*-([^.]+)\.so$')


def _this_python() -> str:
    return f'{sys.version_info[0]}.{sys.version_info[1]}'


def _built_for_this_python(filename: str) -> bool:
    """True when an extension's file name carries this interpreter's ABI tag."""
    import sysconfig
    return filename.endswith(sysconfig.get_config_var('EXT_SUFFIX') or '.so')


def _abi_note(filename: str) -> str:
    import sysconfig
    m = _ABI_RE.search(filename)
    if m:
        return (f'{os.path.basename(filename)} was built for Python '
                f'{m.group(1)}.{m.group(2)} ({m.group(3)}); this worker runs '
                f'Python {_this_python()} '
                f'({sysconfig.get_config_var("EXT_SUFFIX")})')
    if filename.endswith('.abi3.so'):
        return (f'{os.path.basename(filename)} uses the stable ABI (abi3); '
                f'this worker runs Python {_this_python()}')
    return f'this worker runs Python {_this_python()}'


def _find_foreign_extensions(modname: str) -> List[str]:
    """Extension files for `modname` built for another Python."""
    parts = modname.split('.')
    found = []
    for entry in sys.path:
        d = os.path.join(entry or os.getcwd(), *parts[:-1])
        if not os.path.isdir(d):
            continue
        try:
            names = os.listdir(d)
        except OSError:
            continue
        for n in names:
            if n.startswith(parts[-1] + '.') and n.endswith('.so'):
                found.append(os.path.join(d, n))
    return found


def describe_import_error(e: BaseException, script_root: str) -> str:
    """P5: explain ModuleNotFoundError and broken native extensions."""
    if isinstance(e, ModuleNotFoundError):
        name = e.name or '?'
        site = os.path.join(script_root, '.python_packages', 'lib',
                            'site-packages')
        exists = os.path.isdir(site)
        msg = [f"ModuleNotFoundError: No module named '{name}'."]
        foreign = _find_foreign_extensions(name)
        for f in foreign:
            msg.append(f'Found {f}, which cannot be loaded: {_abi_note(f)}.')
        searched = [p for p in sys.path if p]
        msg.append('Searched: ' + ', '.join(searched) + '.')
        if exists:
            msg.append(f'{site} exists but does not provide it; install the '
                       f'package there (pip install --target "{site}" -r '
                       f'requirements.txt).')
        else:
            msg.append(f'{site} does not exist; install the app\'s '
                       f'requirements there (pip install --target "{site}" '
                       f'-r requirements.txt) or into the image.')
        return ' '.join(msg)
    if isinstance(e, ImportError):
        path = getattr(e, 'path', None) or ''
        text = str(e)
        m = re.search(r'(/[^\s:]+\.so(?:\.[\d.]+)?)', text)
        if not path and m:
            path = m.group(1)
        native = path.endswith('.so') or '.so' in path or any(
            s in text for s in ('undefined symbol', 'ELF', 'cannot open shared',
                                'GLIBC', 'wrong ELF class'))
        if native:
            missing = re.search(r'([^\s:]+\.so[.\d]*): cannot open shared object', text)
            if missing and _built_for_this_python(path):
                # The extension is right; a library it links to is not in the image.
                return (f'ImportError: {text}. The native extension '
                        f'{path} is built for this Python, but the shared library '
                        f'{missing.group(1)} it needs is not installed: add its Debian '
                        f'package to the image (or use a wheel that bundles it).')
            return (f'ImportError: {text}. The native extension '
                    f'{path or "(unknown file)"} failed to load: '
                    f'{_abi_note(path)}. Reinstall the package for this '
                    f'Python and platform.')
    return ''.join(traceback.format_exception_only(type(e), e)).strip()


def _user_frame(e: BaseException) -> str:
    """' (<file>, line <n>)' of the innermost frame outside the import machinery."""
    for frame in reversed(traceback.extract_tb(e.__traceback__)):
        if not frame.filename.startswith('<frozen'):
            return f' ({frame.filename}, line {frame.lineno})'
    return ''


def format_load_error(function_name: str, script_file: str,
                      e: BaseException, script_root: str) -> str:
    if isinstance(e, SyntaxError):
        where = f'{e.filename or script_file}, line {e.lineno}'
        text = (e.text or '').rstrip()
        detail = f'SyntaxError: {e.msg} ({where})'
        if text:
            detail += f': {text.strip()}'
    elif isinstance(e, ImportError):
        detail = describe_import_error(e, script_root) + _user_frame(e)
    elif isinstance(e, LoadError):
        detail = str(e)
    else:
        detail = ''.join(traceback.format_exception_only(type(e), e)).strip() + _user_frame(e)
    return (f"Function '{function_name}' failed to load from {script_file}: "
            f"{detail}")


# ---- importing -------------------------------------------------------------

def module_name_for(script_root: str, directory: str, script_file: str) -> Optional[str]:
    """`__app__.<Folder>[.<stem>]` for a script inside the script root."""
    root = os.path.abspath(script_root)
    script = os.path.abspath(script_file)
    try:
        rel = os.path.relpath(script, root)
    except ValueError:
        return None
    if rel.startswith('..') or os.path.isabs(rel):
        return None
    parts = rel.split(os.sep)
    if not parts[-1].endswith('.py'):
        return None
    if parts[-1] == '__init__.py':
        parts = parts[:-1]
    else:
        parts[-1] = parts[-1][:-3]
    if not parts or not all(p.isidentifier() for p in parts):
        return None
    return '.'.join([APP_NAMESPACE] + parts)


def import_script(script_root: str, directory: str, script_file: str) -> types.ModuleType:
    modname = module_name_for(script_root, directory, script_file)
    if modname is not None:
        _function_packages.add(modname.split('.')[1])
        return importlib.import_module(modname)
    # Outside the script root, or not a valid module path: load by location.
    unique = '__pyfn_script_' + re.sub(r'\W', '_', os.path.abspath(script_file))
    if unique in sys.modules:
        return sys.modules[unique]
    spec = importlib.util.spec_from_file_location(unique, script_file)
    if spec is None or spec.loader is None:
        raise LoadError(f'cannot import {script_file}')
    mod = importlib.util.module_from_spec(spec)
    sys.modules[unique] = mod
    try:
        spec.loader.exec_module(mod)
    except BaseException:
        sys.modules.pop(unique, None)
        raise
    return mod


# ---- function descriptions -------------------------------------------------

class Binding(typing.NamedTuple):
    name: str
    type: str
    direction: str      # in / out / inout
    data_type: str      # undefined / string / binary / stream
    raw: Dict[str, Any]


def _norm(value, table) -> str:
    if isinstance(value, int):
        return table.get(value, 'undefined')
    return str(value or '').lower()


def bindings_from_metadata(md: dict) -> Dict[str, Binding]:
    """From RpcFunctionMetadata: raw_bindings when present (exact function.json),
    else the `bindings` map."""
    out: Dict[str, Binding] = {}
    for raw in md.get('raw_bindings') or []:
        try:
            b = json.loads(raw)
        except ValueError:
            continue
        name = b.get('name')
        if not name:
            continue
        out[name] = Binding(
            name, str(b.get('type', '')),
            _norm(b.get('direction', 'in'), bindings.DIRECTIONS) or 'in',
            _norm(b.get('dataType', 'undefined'), bindings.DATA_TYPES) or 'undefined',
            b)
    if out:
        return out
    for name, info in (md.get('bindings') or {}).items():
        out[name] = Binding(
            name, info.get('type', ''),
            _norm(info.get('direction', 0), bindings.DIRECTIONS),
            _norm(info.get('data_type', 0), bindings.DATA_TYPES), dict(info))
    return out


class FunctionInfo:
    """A loaded function: the callable and how each parameter binds."""

    def __init__(self, function_id: str, name: str, directory: str,
                 script_file: str, func, bindings_: Dict[str, Binding]):
        self.function_id = function_id
        self.name = name
        self.directory = directory
        self.script_file = script_file
        self.func = func
        self.bindings = bindings_
        self.is_async = _signature.is_coroutine_function(func) or \
            _signature.is_coroutine_function(getattr(func, '__call__', None))
        self.return_binding = bindings_.get('$return')
        self.input_params: Dict[str, Binding] = {}
        self.output_params: Dict[str, Binding] = {}
        self.param_types: Dict[str, Any] = {}
        self.return_type = None
        self.context_param: Optional[str] = None
        self._check_signature()

    def _check_signature(self) -> None:
        try:
            sig_params, sig_return = _signature.parameters(self.func)
        except (TypeError, ValueError) as e:
            raise LoadError(f'cannot inspect the signature of {self.name}: {e}')
        try:
            hints = typing.get_type_hints(self.func)
        except Exception:
            hints = {}
        params = {}
        for pname, variadic, annotation in sig_params:
            if variadic:
                continue
            ann = hints.get(pname, annotation)
            params[pname] = None if ann is _signature.EMPTY else ann
        self.param_types = params
        ret = hints.get('return', sig_return)
        self.return_type = None if ret is _signature.EMPTY else ret

        declared = {n for n in self.bindings if n != '$return'}
        if 'context' in params and 'context' not in declared:
            self.context_param = 'context'
        missing_in_py = sorted(declared - set(params))
        missing_in_json = sorted(set(params) - declared - {self.context_param})
        problems = []
        if missing_in_json:
            problems.append(
                'the following parameters are declared in Python but not in '
                'function.json: ' + ', '.join(missing_in_json))
        if missing_in_py:
            problems.append(
                'the following bindings are declared in function.json but '
                'not in the Python signature: ' + ', '.join(missing_in_py))
        if problems:
            raise LoadError(f'{self.name}(): ' + '; '.join(problems))

        for pname, b in self.bindings.items():
            if pname == '$return':
                continue
            ann = params.get(pname)
            if b.direction == 'out':
                if ann is not None and not bindings.is_out_annotation(ann):
                    raise LoadError(
                        f'binding {pname} has the "out" direction, but its '
                        f'annotation {_ann_name(ann)} is not azure.functions.Out')
                self.output_params[pname] = b
                self._check_converter(pname, b, bindings.out_inner_type(ann)
                                      if ann is not None else None, out=True)
            else:
                if ann is not None and bindings.is_out_annotation(ann):
                    raise LoadError(
                        f'binding {pname} is annotated as azure.functions.Out '
                        f'but has the "{b.direction}" direction in function.json')
                self.input_params[pname] = b
                self._check_converter(pname, b, ann, out=False)

    def _check_converter(self, pname, b: Binding, pytype, *, out: bool) -> None:
        if pytype is None or isinstance(pytype, str):
            return
        if b.type.lower() in ('httptrigger', 'http'):
            from . import http_streaming_plan as http_streaming  # Starlette types
            if (http_streaming.is_response_type(pytype) if out
                    else http_streaming.is_request_type(pytype)):
                return
        conv = bindings.get_converter(b.type)
        if conv is None:
            return
        check = conv.check_output_type_annotation if out else \
            conv.check_input_type_annotation
        try:
            ok = check(pytype)
        except Exception:
            ok = True
        if not ok and not out and pytype in (str, bytes):
            ok = True  # the generic binding rule decodes it (bindings.decode_param)
        if not ok:
            raise LoadError(
                f'type of {pname} binding in function.json "{b.type}" does '
                f'not match its Python annotation "{_ann_name(pytype)}"')


def _ann_name(ann) -> str:
    return getattr(ann, '__qualname__', None) or repr(ann)


def load_function(function_id: str, md: dict, script_root: str) -> FunctionInfo:
    name = md.get('name') or function_id
    directory = md.get('directory') or os.path.join(script_root, name)
    script_file = md.get('script_file') or os.path.join(directory, DEFAULT_SCRIPT)
    if not os.path.isabs(script_file):
        script_file = os.path.normpath(os.path.join(directory, script_file))
    entry_point = md.get('entry_point') or DEFAULT_ENTRY_POINT
    if not os.path.isfile(script_file):
        raise LoadError(f"Function '{name}' failed to load: script file "
                        f"{script_file} does not exist")
    try:
        mod = import_script(script_root, directory, script_file)
        func = getattr(mod, entry_point, None)
        if func is None or not callable(func):
            raise LoadError(f"entry point '{entry_point}' is not defined in "
                            f"{script_file} (set \"entryPoint\" in "
                            f"function.json to name another function)")
        return FunctionInfo(function_id, name, directory, script_file, func,
                            bindings_from_metadata(md))
    except Exception as e:
        raise LoadError(format_load_error(name, script_file, e, script_root)) \
            from e


# ---- worker indexing (function_app.py) -------------------------------------

def script_file_name() -> str:
    return os.environ.get('PYTHON_SCRIPT_FILE_NAME') or 'function_app.py'


class IndexError_(Exception):
    def __init__(self, message: str, stack_trace: str) -> None:
        super().__init__(message)
        self.stack_trace = stack_trace


def index_function_app(script_root: str) -> Optional[list]:
    """None if the script root has no function_app.py; else the list of
    `azure.functions` Function objects. Raises IndexError_ with file, line and
    traceback on failure."""
    path = os.path.join(script_root, script_file_name())
    if not os.path.isfile(path):
        return None
    modname = os.path.splitext(os.path.basename(path))[0]
    try:
        mod = importlib.import_module(modname)
        if os.path.abspath(getattr(mod, '__file__', '') or '') != os.path.abspath(path):
            # A same-named module elsewhere on sys.path shadowed the app's.
            spec = importlib.util.spec_from_file_location(modname, path)
            mod = importlib.util.module_from_spec(spec)
            sys.modules[modname] = mod
            spec.loader.exec_module(mod)
        from azure.functions.decorators.function_app import FunctionRegister
        apps = [v for v in vars(mod).values() if isinstance(v, FunctionRegister)]
        if not apps:
            raise ValueError(f'Could not find top level function app instances '
                             f'in {os.path.basename(path)}.')
        if len(apps) > 1:
            raise ValueError(f'More than one {type(apps[0]).__name__} or other '
                             f'top level function app instances are defined '
                             f'in {os.path.basename(path)}.')
        return apps[0].get_functions()
    except Exception as e:
        sys.modules.pop(modname, None)
        stack = ''.join(traceback.format_exception(type(e), e, e.__traceback__))
        raise IndexError_(format_load_error(os.path.basename(path), path, e,
                                            script_root), stack) from e


def _timespan_seconds(value) -> float:
    """`"00:00:10"`, `"1.02:03:04"` or a number of seconds."""
    if value is None or value == '':
        return 0.0
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value)
    days = 0
    if '.' in text.split(':')[0]:
        d, text = text.split('.', 1)
        days = int(d)
    parts = [float(p) for p in text.split(':')]
    while len(parts) < 3:
        parts.insert(0, 0.0)
    h, m, s = parts[-3:]
    return days * 86400 + h * 3600 + m * 60 + s


def retry_options(retry: Optional[dict]) -> Optional[dict]:
    if not retry:
        return None
    strategy = str(retry.get('strategy', '')).lower()
    out: Dict[str, Any] = {
        'max_retry_count': int(retry.get('max_retry_count') or 0)}
    if strategy in ('fixed_delay', 'fixeddelay'):
        out['retry_strategy'] = 1
        out['delay_interval'] = _timespan_seconds(retry.get('delay_interval'))
    else:
        out['retry_strategy'] = 0
        out['minimum_interval'] = _timespan_seconds(retry.get('minimum_interval'))
        out['maximum_interval'] = _timespan_seconds(retry.get('maximum_interval'))
    return out


_DIR_NUM = {'in': 0, 'out': 1, 'inout': 2}
_DT_NUM = {'undefined': 0, 'string': 1, 'binary': 2, 'stream': 3}


def indexed_metadata(fn, function_id: str, script_root: str) -> dict:
    raw = list(fn.get_raw_bindings())
    md: Dict[str, Any] = {
        'name': fn.get_function_name(),
        'function_id': function_id,
        'directory': script_root,
        'script_file': os.path.join(
            script_root, getattr(fn, 'function_script_file', '') or script_file_name()),
        'entry_point': fn.get_function_name(),
        'language': 'python',
        'raw_bindings': raw,
        'properties': {'worker_indexed': 'True'},
        'bindings': {},
    }
    for b in bindings_from_metadata({'raw_bindings': raw}).values():
        md['bindings'][b.name] = {
            'type': b.type,
            'direction': _DIR_NUM.get(str(b.direction).lower(), 0),
            'data_type': _DT_NUM.get(str(b.data_type or '').lower(), 0),
        }
    retry = retry_options(fn.get_settings_dict('retry'))
    if retry:
        md['retry_options'] = retry
    return md
