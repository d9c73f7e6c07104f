"""Shared helpers for the oracle generators.

Every generator module exposes ``generate(out_dir)`` and writes one or more JSON Lines files into
``out_dir``. Output must be deterministic (fixed seeds, sorted keys) so that CI can regenerate the
vectors live and compare them byte for byte with the committed copies.
"""
import json
import os
import sys

REQUIRED_PYTHON = (3, 11)


def check_interpreter():
    """Refuse to produce vectors from anything but the pinned oracle (CPython 3.11 + NumPy 1.24)."""
    if sys.version_info[:2] != REQUIRED_PYTHON:
        sys.exit(f"oracle: need CPython 3.11 (Debian's /usr/bin/python3), got {sys.version.split()[0]} "
                 f"at {sys.executable}")
    try:
        import numpy  # noqa: F401
    except ImportError:
        sys.exit("oracle: NumPy is missing; install Debian's python3-numpy (apt-get install python3-numpy)")
    try:
        import _testbuffer  # noqa: F401
        import test.test_buffer  # noqa: F401
    except ImportError:
        sys.exit("oracle: CPython's test suite is missing; install libpython3.11-testsuite")


def outcome(fn):
    """Run ``fn`` and record either its value or the kind and message of the exception it raised."""
    try:
        return {"ok": fn()}
    except Exception as e:  # noqa: BLE001 - recording every error kind is the point
        return {"error": type(e).__name__, "message": str(e)}


class CaseWriter:
    """Writes one JSON object per line; every case carries its suite name and a stable id."""

    def __init__(self, out_dir, file_name, suite):
        self.path = os.path.join(out_dir, file_name)
        self.suite = suite
        self.count = 0
        self._f = open(self.path, "w", encoding="utf-8", newline="\n")

    def write(self, case_id, **fields):
        obj = {"suite": self.suite, "id": str(case_id)}
        obj.update(fields)
        self._f.write(json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")))
        self._f.write("\n")
        self.count += 1

    def close(self):
        self._f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
