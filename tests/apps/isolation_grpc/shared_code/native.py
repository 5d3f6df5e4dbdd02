"""Preload the shared libraries the app ships in .python_packages/lib/native.

The image may lack the libraries Debian's python3-grpcio links to (abseil, re2, c-ares).
A library already loaded satisfies a later DT_NEEDED of the same soname, so loading them
with RTLD_GLOBAL before `import grpc` is enough; no LD_LIBRARY_PATH is needed.
"""
import ctypes
import os

NATIVE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                      ".python_packages", "lib", "native")


def preload():
    if not os.path.isdir(NATIVE):
        return []
    pending = sorted(os.path.join(NATIVE, f) for f in os.listdir(NATIVE) if ".so" in f)
    loaded = []
    while pending:
        failed = []
        for path in pending:
            try:
                ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
                loaded.append(os.path.basename(path))
            except OSError:
                failed.append(path)
        if len(failed) == len(pending):  # no progress: the rest needs something we lack
            break
        pending = failed
    return loaded
