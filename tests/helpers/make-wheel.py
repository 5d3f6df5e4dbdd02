#!/usr/bin/env python3
"""make-wheel.py DIR [NAME VERSION]: write a tiny pure-Python wheel into DIR.

For the custom-image test (spec I3): `pip install --no-index --find-links DIR -r
requirements.txt` must work offline, so the test builds its own wheel with the standard
library only (no setuptools, no network). Default: pyfn-wheel-dep 1.0.0, importable as
`pyfn_wheel_dep` with `__version__`. Prints the wheel's path.
"""
import base64
import hashlib
import os
import sys
import zipfile


def record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (path, digest, len(data))


def main():
    out = sys.argv[1]
    name = sys.argv[2] if len(sys.argv) > 2 else "pyfn-wheel-dep"
    version = sys.argv[3] if len(sys.argv) > 3 else "1.0.0"
    module = name.replace("-", "_")
    dist_info = "%s-%s.dist-info" % (module, version)
    files = {
        "%s/__init__.py" % module: '"""Test dependency built by tests/helpers/make-wheel.py."""\n'
                                   '__version__ = "%s"\n' % version,
        "%s/METADATA" % dist_info: "Metadata-Version: 2.1\nName: %s\nVersion: %s\n"
                                   "Summary: pyfn test wheel\n" % (name, version),
        "%s/WHEEL" % dist_info: "Wheel-Version: 1.0\nGenerator: pyfn make-wheel.py\n"
                                "Root-Is-Purelib: true\nTag: py3-none-any\n",
    }
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "%s-%s-py3-none-any.whl" % (module, version))
    records = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for arc, text in files.items():
            data = text.encode()
            zf.writestr(arc, data)
            records.append(record_line(arc, data))
        records.append("%s/RECORD,," % dist_info)
        zf.writestr("%s/RECORD" % dist_info, "\n".join(records) + "\n")
    print(path)


if __name__ == "__main__":
    main()
