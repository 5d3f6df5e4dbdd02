"""check-libraries.py LIST: load every shared library named in LIST with ctypes.

LIST lines: `<package> <path of a shared library>`. Exits 1 naming each one that fails.
Run at the end of the full variant's build, and by the image tests.
"""
import ctypes
import sys

failed = 0
count = 0
with open(sys.argv[1]) as f:
    for line in f:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        package, path = line.split()[:2]
        count += 1
        try:
            ctypes.CDLL(path)
        except OSError as e:
            failed += 1
            print(f"FAIL {package}: {path}: {e}", file=sys.stderr)
print(f"check-libraries: {count - failed}/{count} libraries load")
sys.exit(1 if failed else 0)
