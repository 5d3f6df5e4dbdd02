"""check-libraries.py LIST: load every shared library named in LIST with ctypes.

LIST lines: `<package> <path of a shared library>`. Exits 1 naming each one that fails.
Run at the end of the full variant's build, and by the image tests (installed in the
image as /opt/pyfn/share/pyfn/check-libraries.py; the tests' app calls load_all inside
the worker).
"""
import ctypes
import sys


def load_all(list_path):
    """Loads each library of the list; returns (count, ["<package> <path>: <error>", ...])."""
    count, failed = 0, []
    with open(list_path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            package, path = line.split()[:2]
            count += 1
            try:
                ctypes.CDLL(path)
            except OSError as e:
                failed.append(f"{package} {path}: {e}")
    return count, failed


if __name__ == "__main__":
    count, failed = load_all(sys.argv[1])
    for failure in failed:
        print(f"FAIL {failure}", file=sys.stderr)
    print(f"check-libraries: {count - len(failed)}/{count} libraries load")
    sys.exit(1 if failed else 0)
