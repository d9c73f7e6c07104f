"""Copies as CPython 3.11 makes them: PyBuffer_ToContiguous, memoryview.tobytes, PyMemoryView_GetContiguous,
PyBuffer_FromContiguous and PyObject_CopyData.

Suites written (replayed by tests/BufferProtocol.Tests/Copying/CopyOracleTests.cs):

Every structure is described the way gen_buffers.py describes one, so that the C# side rebuilds the same memory as a
NativeBuffer: ``format``, ``itemsize``, ``memory`` (hex of the item block _testbuffer allocated, before any write),
``offset`` (of the item at index (0, ..., 0) in that block), ``shape``, ``strides``, ``pil`` (built with ``ND_PIL``:
the exporter then strides the first dimension through a pointer table in front of the block, as
``NativeBuffer.CreateIndirect`` rebuilds it). Structures come from ``test.test_buffer.rand_structure`` (negative and
zero strides, zero extents, offsets, ndim 0-4) with items from ``randitems_from_structure`` under a fixed seed, ``ND_PIL``
variants, item sizes 1 to 16 (native, odd and record formats), plus hand cases from pep3118-cpython.md section 3.

``to-contiguous`` (copies-to-contiguous.jsonl): ``structure``; ``to_contiguous`` (hex of
``_testbuffer.py_buffer_to_contiguous(nd, order, PyBUF_FULL_RO)`` for orders C, F, A); ``tobytes``
(``memoryview(nd).tobytes(order)``); ``get_contiguous`` (for each order: the ``strides`` of
``get_contiguous(nd, PyBUF_READ, order)`` and ``cmp_contig`` of it against an ndarray built from the ``to_contiguous``
bytes in that order, Fortran flags for F and for A when nd is F- but not C-contiguous; 3.11's cmp_contig ignores the
strides of dimensions of extent 0 or 1).

``from-contiguous`` (copies-from-contiguous.jsonl): ``structure`` (the writable destination before), ``order``,
``source`` (hex; shorter than the buffer, with partial items, exactly as long, or longer), ``after`` (hex of the item
block after ``PyBuffer_FromContiguous(view, source, len(source), order)`` through ctypes, pep3118-cpython.md 6.5).

``copy-data`` (copies-copy-data.jsonl): ``destination`` and ``source`` structures, ``readonly`` (the destination was
built without ND_WRITABLE), ``result`` (the outcome of ``PyObject_CopyData(destination, source)`` through ctypes; ``ok``
is the hex of the destination's item block after), ``destination_overlapping`` (``test_buffer.is_overlapping``: some
destination items share memory, so CPython's rotated visiting order decides which source item stays there),
``equal_structure`` (computed here, not by CPython: the rule of the
checked C# CopyData -- formats equal after one leading '@' is dropped, equal item sizes, shapes equal up to and
including a first zero extent). Pairs of one structure share the shape; others differ in shape but are both C- or both
Fortran-contiguous (CPython copies raw bytes), have a shorter destination, a read-only destination, or a different
format of the same item size. Pairs CPython leaves undefined (different shapes copied item by item) are not generated.
"""
import ctypes
import random
import struct

from _testbuffer import (ND_FORTRAN, ND_PIL, ND_WRITABLE, PyBUF_FULL_RO, PyBUF_READ, cmp_contig, get_contiguous,
                         is_contiguous, ndarray, py_buffer_to_contiguous)
from test.test_buffer import is_overlapping, rand_structure, randitems_from_structure

from gen_buffers import POINTER_SIZE, RawView, read_pointer
from oracle_common import CaseWriter, outcome

SEED = 3118

# Item sizes 1, 1, 2, 4, 4, 8, 8, 16, 16 and the odd 3, 5, 7 (records with native alignment and padding).
FORMATS = ["B", "b", "h", "f", "i", "d", "Q", "dd", "bhd", "hb", "bhb", "ihb"]

_api = ctypes.pythonapi
_api.PyBuffer_FromContiguous.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_ssize_t, ctypes.c_char]
_api.PyObject_CopyData.argtypes = [ctypes.py_object, ctypes.py_object]


# ---- structures --------------------------------------------------------------------------------------------------

class Structure:
    """An ndarray built from a rand_structure tuple, with the description the C# side rebuilds it from."""

    def __init__(self, fmt, t, pil=False, readonly=False, items=None):
        memlen, itemsize, ndim, shape, strides, offset = t
        self.fmt, self.t, self.pil = fmt, t, pil
        if items is None:
            items = randitems_from_structure(fmt, t)
        if ndim == 0:
            items = items[0]  # a scalar ndarray takes the item itself
        flags = (0 if readonly else ND_WRITABLE) | (ND_PIL if pil else 0)
        self.nd = ndarray(items, shape=list(shape), strides=list(strides), offset=offset, format=fmt, flags=flags)
        # Only the bytes the structure reaches are recorded (rand_structure's blocks are mostly slack), so the
        # recorded offset is the item (0, ..., 0)'s position in that range.
        if 0 in shape:
            self.low = self.high = offset
        else:
            self.low = offset + sum(st * (n - 1) for st, n in zip(strides, shape) if st <= 0)
            self.high = offset + sum(st * (n - 1) for st, n in zip(strides, shape) if st > 0) + itemsize
        self.description = {"format": fmt, "itemsize": itemsize, "memory": self.image().hex(),
                            "offset": offset - self.low, "shape": list(shape), "strides": list(strides), "pil": pil}

    def block(self):
        """Address of the item block _testbuffer allocated (behind the pointer table for PIL)."""
        memlen, itemsize, ndim, shape, strides, offset = self.t
        with RawView(self.nd) as v:
            if self.pil:
                table = 8 * ((shape[0] * POINTER_SIZE + 7) // 8)
                start = v.buf - (max(shape[0] - 1, 0) * POINTER_SIZE if v.view.strides[0] < 0 else 0)
                if shape[0] > 0 and 0 not in shape:
                    # Every row pointer must address the block the description rebuilds.
                    assert all(start + table <= read_pointer(start + i * POINTER_SIZE) < start + table + memlen
                               for i in range(shape[0]))
                return start + table
            return v.buf - offset

    def image(self):
        """The bytes the structure reaches."""
        return ctypes.string_at(self.block() + self.low, self.high - self.low)


def rand(fmt, maxdim=4, maxshape=4, shape=()):
    itemsize = struct.calcsize(fmt)
    if shape == [] or shape == ():
        if shape == [] or (not shape and random.randrange(12) == 0):
            return (itemsize, itemsize, 0, (), (), 0)
    return rand_structure(itemsize, True, maxdim=maxdim, maxshape=maxshape, shape=list(shape))


def contiguous_structure(fmt, shape, fortran=False):
    """A C- (or Fortran-) contiguous structure of the shape, offset 0, as a rand_structure tuple."""
    itemsize = struct.calcsize(fmt)
    strides, step = [0] * len(shape), itemsize
    for i in (range(len(shape)) if fortran else reversed(range(len(shape)))):
        strides[i] = step
        step *= shape[i]
    n = 1
    for e in shape:
        n *= e
    memlen = max(n, 1) * itemsize
    return (memlen, itemsize, len(shape), list(shape), strides, 0)


def unpack_items(fmt, data):
    s = struct.Struct(fmt)
    return [v[0] if len(v) == 1 else v for v in s.iter_unpack(data)]


# ---- to-contiguous -----------------------------------------------------------------------------------------------

def to_contiguous_case(w, case_id, s):
    nd = s.nd
    shape = list(nd.shape)
    to_contiguous = {o: py_buffer_to_contiguous(nd, o, PyBUF_FULL_RO) for o in "CFA"}
    m = memoryview(nd)
    tobytes = {o: m.tobytes(o).hex() for o in "CFA"}
    m.release()
    got = {}
    for o in "CFA":
        fortran = o == "F" or (o == "A" and is_contiguous(nd, "F") and not is_contiguous(nd, "C"))
        view = get_contiguous(nd, PyBUF_READ, o)
        items = unpack_items(s.fmt, to_contiguous[o]) or unpack_items(s.fmt, bytes(nd.itemsize))
        expected = ndarray(items if shape else items[0], shape=shape, format=s.fmt, flags=ND_FORTRAN if fortran else 0)
        got[o] = {"strides": list(view.strides), "cmp_contig": cmp_contig(view, expected)}
        view.release()
    w.write(case_id, structure=s.description, to_contiguous={o: b.hex() for o, b in to_contiguous.items()},
            tobytes=tobytes, get_contiguous=got)


def to_contiguous_cases(w):
    random.seed(SEED)
    for i in range(240):
        fmt = FORMATS[i % len(FORMATS)]
        t = rand(fmt)
        s = Structure(fmt, t, pil=t[2] > 0 and random.randrange(4) == 0)
        to_contiguous_case(w, f"random-{i}", s)

    # pep3118-cpython.md 3.6: ndarray(range(12), shape=[3,4], format='h')[::-1, 1::2].
    items = list(range(12))
    to_contiguous_case(w, "h-3x4-reversed-odd-columns", Structure("h", (24, 2, 2, [3, 2], [-8, 4], 18), items=items))
    to_contiguous_case(w, "h-3x4-fortran", Structure("h", (24, 2, 2, [3, 4], [2, 6], 0), items=items))
    to_contiguous_case(w, "h-12x1-strides-1-5", Structure("B", (12, 1, 2, [12, 1], [1, 5], 0), items=items))
    to_contiguous_case(w, "B-1x3-stride-100", Structure("B", (3, 1, 2, [1, 3], [100, 1], 0), items=items[:3]))
    to_contiguous_case(w, "zero-stride", Structure("h", (24, 2, 1, [3], [0], 4), items=items))
    to_contiguous_case(w, "zero-size-2-0-3", Structure("d", (8, 8, 3, [2, 0, 3], [0, 24, 8], 0), items=[1.5]))
    to_contiguous_case(w, "scalar-bhd", Structure("bhd", (16, 16, 0, (), (), 0), items=[(1, 2, 3.5)]))
    to_contiguous_case(w, "pil-3x4", Structure("h", (24, 2, 2, [3, 4], [8, 2], 0), pil=True, items=items))
    to_contiguous_case(w, "pil-3x4-reversed", Structure("h", (24, 2, 2, [3, 2], [-8, -4], 22), pil=True, items=items))
    to_contiguous_case(w, "pil-1d", Structure("B", (12, 1, 1, [12], [1], 0), pil=True, items=items))
    to_contiguous_case(w, "transpose-5x7-d", Structure("d", (280, 8, 2, [7, 5], [8, 56], 0), items=[float(i) for i in range(35)]))


# ---- from-contiguous ---------------------------------------------------------------------------------------------

def from_contiguous_case(w, case_id, s, order, source):
    before = s.description
    buffer = ctypes.create_string_buffer(source, max(len(source), 1))
    with RawView(s.nd) as v:
        _api.PyBuffer_FromContiguous(ctypes.byref(v.view), buffer, len(source), order.encode())
    w.write(case_id, structure=before, order=order, source=source.hex(), after=s.image().hex())


def from_contiguous_cases(w):
    random.seed(SEED + 1)
    for i in range(200):
        fmt = FORMATS[i % len(FORMATS)]
        t = rand(fmt)
        s = Structure(fmt, t, pil=t[2] > 0 and random.randrange(4) == 0)
        full = s.nd.nbytes
        kind = random.randrange(4)
        length = full if kind < 2 else (random.randrange(full + 1) if kind == 2 else full + random.randrange(1, 9))
        from_contiguous_case(w, f"random-{i}", s, "CFA"[i % 3], random.randbytes(length))

    # pep3118-cpython.md 3.7: the destination dst[::2, ::-1] of a zeroed 3x4 'h' array, the source 1..8 (or 1..16).
    one_to_16 = struct.pack("16h", *range(1, 17))
    for order, length in [("C", 16), ("F", 16), ("C", 6), ("C", 32), ("F", 11), ("A", 16)]:
        s = Structure("h", (24, 2, 2, [2, 4], [16, -2], 6), items=[0] * 12)
        from_contiguous_case(w, f"h-3x4-every-other-row-reversed-{order}-{length}", s, order, one_to_16[:length])
    from_contiguous_case(w, "contiguous-partial-item", Structure("h", (8, 2, 1, [4], [2], 0), items=[0] * 4), "C",
                         bytes([1, 2, 3, 4, 5]))
    from_contiguous_case(w, "zero-strides-last-wins-C", Structure("h", (2, 2, 2, [2, 3], [0, 0], 0), items=[0]), "C",
                         struct.pack("6h", *range(1, 7)))
    from_contiguous_case(w, "zero-stride-last-wins-F", Structure("h", (6, 2, 2, [2, 3], [0, 2], 0), items=[0] * 3),
                         "F", struct.pack("4h", *range(1, 5)))
    from_contiguous_case(w, "pil-3x4-F", Structure("h", (24, 2, 2, [3, 4], [8, 2], 0), pil=True, items=[0] * 12), "F",
                         struct.pack("12h", *range(100, 112)))


# ---- copy-data ---------------------------------------------------------------------------------------------------

def normal_format(fmt):
    return fmt[1:] if fmt.startswith("@") else fmt


def equivalent_shapes(a, b):
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if x != y:
            return False
        if x == 0:
            break
    return True


def copy_data_case(w, case_id, destination, source, readonly=False):
    d, s = destination.description, source.description
    equal = (normal_format(d["format"]) == normal_format(s["format"]) and d["itemsize"] == s["itemsize"]
             and equivalent_shapes(d["shape"], s["shape"]))

    def run():
        _api.PyObject_CopyData(destination.nd, source.nd)
        return destination.image().hex()

    w.write(case_id, destination=d, source=s, readonly=readonly, result=outcome(run), equal_structure=equal,
            destination_overlapping=is_overlapping(destination.t))


def copy_data_cases(w):
    random.seed(SEED + 2)
    for i in range(200):
        fmt = FORMATS[i % len(FORMATS)]
        t = rand(fmt)
        source = Structure(fmt, t, pil=t[2] > 0 and random.randrange(4) == 0)
        u = rand(fmt, shape=list(t[3]))
        destination = Structure(fmt, u, pil=u[2] > 0 and random.randrange(4) == 0)
        copy_data_case(w, f"same-shape-{i}", destination, source)

    for i in range(40):
        fmt = FORMATS[i % len(FORMATS)]
        fortran = i % 2 == 1
        shape = [random.randrange(1, 5) for _ in range(random.randrange(1, 4))]
        other = [random.randrange(1, 5) for _ in range(random.randrange(1, 4))]
        source = Structure(fmt, contiguous_structure(fmt, shape, fortran))
        n_src = source.nd.nbytes // source.nd.itemsize
        n_dst = 1
        for e in other:
            n_dst *= e
        if n_dst < n_src:
            other = [n_src + random.randrange(3)]
        destination = Structure(fmt, contiguous_structure(fmt, other, fortran and len(other) > 1))
        copy_data_case(w, f"contiguous-other-shape-{i}", destination, source)

    for i in range(10):
        fmt = FORMATS[i % len(FORMATS)]
        shape = [random.randrange(2, 5) for _ in range(2)]
        source = Structure(fmt, contiguous_structure(fmt, shape))
        destination = Structure(fmt, contiguous_structure(fmt, [shape[0] * shape[1] - 1]))
        copy_data_case(w, f"destination-too-small-{i}", destination, source)
        t = rand(fmt)
        source = Structure(fmt, t)
        copy_data_case(w, f"read-only-{i}", Structure(fmt, rand(fmt, shape=list(t[3])), readonly=True), source,
                       readonly=True)

    for i, (a, b) in enumerate([("B", "b"), ("h", "H"), ("i", "f"), ("@h", "h"), ("d", "Q"), ("bhd", "dd")]):
        t = rand(a)
        source = Structure(a, t, items=randitems_from_structure(normal_format(a), t))
        u = rand(b, shape=list(t[3]))
        destination = Structure(b, u, items=randitems_from_structure(normal_format(b), u))
        copy_data_case(w, f"format-{b}-from-{a}-{i}", destination, source)

    # pep3118-cpython.md 3.8: C -> F keeps logical values; F 3x4 -> C 1-D(12) copies raw memory.
    items = list(range(12))
    copy_data_case(w, "h-3x4-C-to-F", Structure("h", contiguous_structure("h", [3, 4], True), items=[0] * 12),
                   Structure("h", contiguous_structure("h", [3, 4]), items=items))
    copy_data_case(w, "h-3x4-F-to-1d", Structure("h", contiguous_structure("h", [12]), items=[0] * 12),
                   Structure("h", contiguous_structure("h", [3, 4], True), items=items))
    copy_data_case(w, "zero-stride-destination", Structure("h", (2, 2, 2, [2, 3], [0, 0], 0), items=[0]),
                   Structure("h", contiguous_structure("h", [2, 3]), items=items[:6]))


def generate(out_dir):
    with CaseWriter(out_dir, "copies-to-contiguous.jsonl", "to-contiguous") as w:
        to_contiguous_cases(w)
    with CaseWriter(out_dir, "copies-from-contiguous.jsonl", "from-contiguous") as w:
        from_contiguous_cases(w)
    with CaseWriter(out_dir, "copies-copy-data.jsonl", "copy-data") as w:
        copy_data_cases(w)
