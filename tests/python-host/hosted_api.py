"""Python hosts .NET: the public API called from Python without spans, each answer next to NumPy's or CPython's.

Run by tests/BufferProtocol.Python.Tests/PythonHostsDotNetTests.cs as ``python3 hosted_api.py LIBRARY_DIR``.
pythonnet 3.2.1 cannot call members that take or return spans; the library has array overloads for them (a Python
list or tuple of ints arrives as ``long[]``, a returned ``long[]`` is a sequence of ints). This script uses those
overloads as a user would -- shaped exporters, shape and strides read back, tuple indexing, string slices, casts,
reshapes and copies -- and prints one JSON object on the line after ``RESULT ``: ``checks`` maps a name to the pair
[what .NET answered, what the oracle (NumPy or CPython's memoryview on the same memory) answered], and ``errors``
lists the checks whose call raised. It asserts nothing itself.
"""

import json
import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bp_clr_host  # noqa: E402

bp_clr_host.load()  # stands in for: from pythonnet import load; load("coreclr")
import clr  # noqa: E402

sys.path.append(sys.argv[1])
clr.AddReference("BufferProtocol")
clr.AddReference("BufferProtocol.Python")

import numpy as np  # noqa: E402
from System import Double, Int32, UInt16  # noqa: E402
from BufferProtocol.Copying import BufferCopy  # noqa: E402
from BufferProtocol.Exporters import NativeBuffer  # noqa: E402
from BufferProtocol.Layout import BufferLayout, ContiguityOrder  # noqa: E402
from BufferProtocol.Protocol import BufferRequest  # noqa: E402
from BufferProtocol.Python import PythonBuffers  # noqa: E402
from BufferProtocol.Views import MemoryView  # noqa: E402

checks = {}
errors = []


def check(name, net, oracle):
    """Records .NET's answer and the oracle's; a call that raises is recorded in ``errors`` instead."""
    try:
        checks[name] = [net(), oracle()]
    except Exception:  # reported, not raised: the test prints it
        errors.append(f"{name}: {traceback.format_exc()}")


def ints(values):
    return [int(v) for v in values]


def raised(call):
    """The name of the exception type ``call`` raises (a .NET exception surfaces as its .NET type)."""
    try:
        call()
    except Exception as error:  # the kind is the result
        return type(error).__name__
    return None


# Python's exception kinds as this library raises them (docs/errors.md).
NET_KIND = {"IndexError": "ArgumentOutOfRangeException", "ValueError": "ArgumentException"}


def address(exporter):
    with exporter.GetBuffer(BufferRequest.FullRO) as lease:  # Pointer: the item at (0, ..., 0)
        return lease.Pointer.ToInt64()


# ---- a shaped NativeBuffer created from Python, handed to NumPy -------------------------------------------------
grid = NativeBuffer.Create[Double]([3, 4])
a = np.asarray(PythonBuffers.ToPython(grid))
a[...] = np.arange(12.0).reshape(3, 4)
check("grid address", lambda: address(grid), lambda: a.ctypes.data)
check("grid layout shape", lambda: ints(grid.Layout.GetShape()), lambda: list(a.shape))
check("grid layout strides", lambda: ints(grid.Layout.GetStrides()), lambda: list(a.strides))
with grid.GetBuffer(BufferRequest.FullRO) as full, grid.GetBuffer(BufferRequest.Simple) as simple:
    reference = memoryview(a)
    check("acquired shape", lambda: ints(full.GetShape()), lambda: list(reference.shape))
    check("acquired strides", lambda: ints(full.GetStrides()), lambda: list(reference.strides))
    check("acquired suboffsets", lambda: ints(full.GetSubOffsets()), lambda: list(reference.suboffsets))
    # A SIMPLE request reports neither shape nor strides (Py_buffer.shape is NULL), whatever the layout.
    check("simple request shape", lambda: ints(simple.GetShape()), lambda: [])
    check("simple request strides", lambda: ints(simple.GetStrides()), lambda: [])
    check("ToArray C", lambda: bytes(BufferCopy.ToArray(full)).hex(), lambda: a.tobytes().hex())
    check("ToArray F", lambda: bytes(BufferCopy.ToArray(full, ContiguityOrder.Fortran)).hex(),
          lambda: a.tobytes(order="F").hex())
    reference.release()

fortran = NativeBuffer.Create[Int32]((2, 3), ContiguityOrder.Fortran)
f = np.asarray(PythonBuffers.ToPython(fortran))
check("fortran strides", lambda: ints(fortran.Layout.GetStrides()), lambda: list(f.strides))
check("fortran flags", lambda: [fortran.Layout.IsCContiguous, fortran.Layout.IsFContiguous],
      lambda: [bool(f.flags.c_contiguous), bool(f.flags.f_contiguous)])
with fortran.GetBuffer(BufferRequest.Full) as target:
    source = np.arange(6, dtype=np.int32).reshape(2, 3)
    check("FromContiguous bytes", lambda: [BufferCopy.FromContiguous(target, source.tobytes()).ToInt64(), f.tolist()],
          lambda: [source.nbytes, source.tolist()])

# The README's strided NativeBuffer: a layout with a negative stride, its base 2 bytes into a 12-byte block.
layout = BufferLayout.Create(2, [3, 2], [4, -2])
strided = NativeBuffer.Create("<H", layout, 2, 12)  # ints: the long overload (nint needs IntPtr)
s = np.asarray(PythonBuffers.ToPython(strided))
check("strided shape", lambda: ints(strided.Layout.GetShape()), lambda: list(s.shape))
check("strided strides", lambda: ints(strided.Layout.GetStrides()), lambda: list(s.strides))
check("strided address", lambda: address(strided), lambda: s.ctypes.data)
check("contiguous layout", lambda: [ints(BufferLayout.Contiguous(8, (2, 5), ContiguityOrder.Fortran).GetStrides())],
      lambda: [list(np.zeros((2, 5), order="F").strides)])
check("layout refused", lambda: raised(lambda: BufferLayout.Create(2, [3], [2, 2])), lambda: "ArgumentException")

# ---- MemoryView: tuple indexing, string slices, casts, reshapes, permutations -------------------------------------
view = MemoryView(grid)
check("view shape", lambda: ints(view.GetShape()), lambda: list(a.shape))
check("view strides", lambda: ints(view.GetStrides()), lambda: list(a.strides))
check("view suboffsets", lambda: ints(view.GetSubOffsets()), lambda: list(memoryview(a).suboffsets))
check("index tuple", lambda: [view[1, 2], view[-1, -4], view[2, 3]], lambda: [a[1, 2], a[-1, -4], a[2, 3]])
check("index list", lambda: view[[0, 1]], lambda: a[0, 1])
check("sub-view", lambda: list(view[1].ToList()), lambda: a[1].tolist())


def assign_by_list():
    view[[2, 1]] = -7.5  # pythonnet passes view[2, 1] = v as three arguments: a list key is one
    return a[2, 1]


check("assign list key", assign_by_list, lambda: -7.5)
check("index out of bounds", lambda: raised(lambda: view[3, 0]), lambda: NET_KIND[raised(lambda: memoryview(a)[3, 0])])
check("too many indices", lambda: raised(lambda: view[0, 0, 0]), lambda: "InvalidOperationException")

window = view["1:3, ::-1"]
check("slice shape", lambda: ints(window.GetShape()), lambda: list(a[1:3, ::-1].shape))
check("slice strides", lambda: ints(window.GetStrides()), lambda: list(a[1:3, ::-1].strides))
check("slice values", lambda: [list(row) for row in window.ToList()], lambda: a[1:3, ::-1].tolist())

row_buffer = NativeBuffer.Create[UInt16]([5])
row = MemoryView(row_buffer)
r = np.asarray(PythonBuffers.ToPython(row_buffer))


def assign_one(index, value):
    row[index] = value
    return row[index]


check("assign int key", lambda: [assign_one(0, 7), assign_one(-1, 9), list(row.ToList())], lambda: [7, 9, r.tolist()])
# A Python int arrives as pythonnet's PyInt; one beyond the format is refused as memoryview refuses it (ValueError).
check("int out of range", lambda: raised(lambda: assign_one(1, 2**70)), lambda: NET_KIND[raised(lambda: memoryview(r).__setitem__(1, 2**70))])

raw = memoryview(a).cast("B")
check("cast to bytes", lambda: ints(view.Cast("B").GetShape()), lambda: list(raw.shape))
check("cast with shape", lambda: ints(view.Cast("B").Cast("d", 4, 3).GetShape()), lambda: list(raw.cast("d", (4, 3)).shape))
check("cast with list", lambda: ints(view.Cast("B").Cast("d", [2, 6]).GetStrides()), lambda: list(raw.cast("d", [2, 6]).strides))
check("reshape", lambda: [ints(view.Reshape(4, -1).GetShape()), ints(view.Reshape(4, -1).GetStrides())],
      lambda: [list(a.reshape(4, -1).shape), list(a.reshape(4, -1).strides)])
check("permute", lambda: ints(view.Permute(1, 0).GetStrides()), lambda: list(a.transpose(1, 0).strides))
check("transpose values", lambda: [list(r_) for r_ in view.Transpose().ToList()], lambda: a.T.tolist())

print("RESULT " + json.dumps({"checks": checks, "errors": errors}), flush=True)
