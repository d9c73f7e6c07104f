"""Request flag values (PyBUF_*) as CPython 3.11's _testbuffer defines them."""
import _testbuffer

from oracle_common import CaseWriter

NAMES = ["PyBUF_SIMPLE", "PyBUF_WRITABLE", "PyBUF_FORMAT", "PyBUF_ND", "PyBUF_STRIDES",
         "PyBUF_C_CONTIGUOUS", "PyBUF_F_CONTIGUOUS", "PyBUF_ANY_CONTIGUOUS", "PyBUF_INDIRECT",
         "PyBUF_CONTIG", "PyBUF_CONTIG_RO", "PyBUF_STRIDED", "PyBUF_STRIDED_RO", "PyBUF_RECORDS",
         "PyBUF_RECORDS_RO", "PyBUF_FULL", "PyBUF_FULL_RO"]


def generate(out_dir):
    with CaseWriter(out_dir, "request-flags.jsonl", "request-flags") as w:
        for name in NAMES:
            w.write(name, name=name, value=getattr(_testbuffer, name))
