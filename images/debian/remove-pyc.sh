#!/bin/sh
# remove-pyc.sh DIR...: delete the byte code (__pycache__) under each DIR that exists.
# For the Python build tools the images carry (pip, setuptools, wheel, distutils,
# lib2to3): nothing at run time imports them, and PYTHONDONTWRITEBYTECODE=1 in the
# image keeps new .pyc files away. Directories a release lacks are skipped
# (distutils is gone from 3.12 on; lib2to3 is a separate package in some releases).
set -eu
for dir in "$@"; do
  [ -d "$dir" ] || continue
  find "$dir" -name __pycache__ -prune -exec rm -rf {} +
done
