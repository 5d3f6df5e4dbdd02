"""Packaging and compatibility (spec R8, R9)."""

import ast
import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import pytest

import azure.functions as func

LIB = pathlib.Path(func.__file__).resolve().parent
ROOT = LIB.parent.parent  # worker/python


def _library_files():
    skip = {'decorators', '__pycache__'}
    for p in sorted(LIB.rglob('*.py')):
        rel = p.relative_to(LIB)
        if rel.parts[0] in skip or rel.name in ('_http_asgi.py',
                                                '_http_wsgi.py'):
            continue
        yield p


def test_this_is_pyfns_copy():
    assert func.__pyfn__ is True
    assert LIB == ROOT / 'azure' / 'functions'


def test_version():
    assert isinstance(func.__version__, str)
    parts = func.__version__.split('.')
    assert parts[0] == '1' and len(parts) == 3
    assert all(p.isdigit() for p in parts)


def test_namespace_package():
    assert not (ROOT / 'azure' / '__init__.py').exists()
    import azure
    assert getattr(azure, '__file__', None) is None
    assert len(list(azure.__path__)) >= 1


def test_other_azure_packages_import_beside_ours(tmp_path):
    pkg = tmp_path / 'azure' / 'storage' / 'blob'
    pkg.mkdir(parents=True)
    (pkg / '__init__.py').write_text("NAME = 'blob-stub'\n")
    code = textwrap.dedent('''
        import sys
        import azure.functions as func
        import azure.storage.blob as b
        print(b.NAME, func.__pyfn__)
    ''')
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join([str(ROOT), str(tmp_path)])
    out = subprocess.run([sys.executable, '-c', code], env=env,
                         capture_output=True, text=True, check=True)
    assert out.stdout.split() == ['blob-stub', 'True']


def test_public_names_exported():
    assert isinstance(func.__all__, list)  # the decorator block extends it
    for name in ('get_binding_registry', 'Context', 'Out', 'Document',
                 'DocumentList', 'EventGridEvent', 'EventGridOutputEvent',
                 'EventHubEvent', 'HttpRequest', 'HttpResponse',
                 'InputStream', 'KafkaEvent', 'KafkaConverter',
                 'KafkaTriggerConverter', 'OrchestrationContext',
                 'EntityContext', 'QueueMessage', 'ServiceBusMessage',
                 'SqlRow', 'SqlRowList', 'TimerRequest', 'WarmUpContext',
                 'AppExtensionBase', 'FuncExtensionBase', 'ExtensionMeta',
                 'FunctionExtensionException'):
        assert name in func.__all__, name
        assert getattr(func, name) is not None, name
    for name in func.__all__:
        assert hasattr(func, name), name


def test_decorator_block_markers_present():
    src = (LIB / '__init__.py').read_text()
    begin = src.index('# --- decorator model (begin) ---')
    end = src.index('# --- decorator model (end) ---')
    assert begin < end
    assert src.index('__version__') < begin


def test_public_submodules_importable():
    import importlib
    for mod in ('meta', 'blob', 'queue', 'timer', 'http', 'cosmosdb',
                'eventhub', 'eventgrid', 'servicebus', 'sql', 'kafka',
                'durable_functions', 'warmup', 'extension', '_abc',
                '_http', '_context'):
        importlib.import_module('azure.functions.' + mod)


@pytest.mark.parametrize('path', list(_library_files()),
                         ids=lambda p: str(p.relative_to(LIB)))
def test_source_is_python39_compatible(path):
    src = path.read_text(encoding='utf-8')
    tree = ast.parse(src, filename=str(path), feature_version=(3, 9))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or '']
        for n in names:
            top = n.split('.')[0]
            assert top != 'cgi', path
            assert top not in ('werkzeug', 'dateutil', 'typing_extensions'),\
                (path, n)
            if sys.version_info >= (3, 10) and top != 'azure':
                assert top in sys.stdlib_module_names, (path, n)


def test_pip_installable(tmp_path):
    import importlib.util
    # (found, not imported: importing setuptools here would disturb pytest)
    if importlib.util.find_spec('pip') is None or \
            importlib.util.find_spec('setuptools') is None:
        pytest.skip('pip/setuptools not available')
    import importlib.metadata
    st_major = importlib.metadata.version('setuptools').split('.')[0]
    if not st_major.isdigit() or int(st_major) < 61:
        pytest.skip('setuptools < 61 cannot build from pyproject metadata')
    src = tmp_path / 'src'
    shutil.copytree(ROOT / 'azure', src / 'azure',
                    ignore=shutil.ignore_patterns('__pycache__'))
    shutil.copy(ROOT / 'pyproject.toml', src / 'pyproject.toml')
    target = tmp_path / 'site'
    r = subprocess.run(
        [sys.executable, '-m', 'pip', 'install', '-q', '--no-index',
         '--no-build-isolation', '--no-deps', '--target', str(target),
         str(src)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert (target / 'azure' / 'functions' / '__init__.py').exists()
    assert (target / 'azure' / 'functions' / 'extension' /
            'extension_meta.py').exists()
    assert not (target / 'azure' / '__init__.py').exists()
    out = subprocess.run(
        [sys.executable, '-c',
         'import azure.functions as f; print(f.__file__, f.__version__)'],
        env=dict(os.environ, PYTHONPATH=str(target)), cwd=str(tmp_path),
        capture_output=True, text=True, check=True)
    assert out.stdout.startswith(str(target))
