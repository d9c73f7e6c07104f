"""Buffers as CPython 3.11's _testbuffer exports them: structures, every request flag, contiguity, pointers.

Suites written (replayed by tests/BufferProtocol.Tests/Protocol/TestBufferReplayTests.cs and
tests/BufferProtocol.Tests/Exporters/CPythonExporterReplayTests.cs):

``ndarray`` (buffers.jsonl) -- one case per structure built with ``_testbuffer.ndarray(items, shape, strides, offset,
format, flags)``: random valid and invalid structures from ``test.test_buffer.rand_structure`` (negative and zero
strides, zero extents, offsets), PIL variants (``ND_PIL``), formats from every struct family, hand cases (scalars, 64
dimensions, zero strides, empty views). A case holds what is needed to rebuild the same structure over a C#
``NativeBuffer`` (``memory`` hex, ``offset``, ``shape``, ``strides``, ``format``, ``itemsize``, ``pil``) and what the
oracle observed:

* ``construct``: the constructor's outcome; when it succeeded, ``ok`` holds the exporter's own fields -- ``buf`` (offset
  of ``Py_buffer.buf`` in the block), ``memlen`` (block size, pointer table included), ``strides``, ``suboffsets``,
  ``table`` (for PIL: the offset each pointer of the table addresses, relative to the block), ``len``, ``ndim``.
  ``divergence`` names a documented, deliberate difference of the C# rules (see docs/exporters.md): the constructor
  refused what the protocol allows (``strides-multiple``, ``offset-multiple``, ``empty-offset``: an empty structure
  whose offset is at most the memory length), or accepted more than ``PyBUF_MAX_NDIM`` dimensions (``max-ndim``).
* ``contiguous``: ``is_contiguous(nd, o)`` for ``o`` in C, F, A, as a string of three ``0``/``1``.
* ``getbuf``: for the read-only (``ro``) and writable (``rw``, ``ND_WRITABLE``) exporter and every request value in
  ``FLAGS`` (the 17 ``PyBUF_*`` values, each with WRITABLE and FORMAT or-ed in as test_buffer does, plus
  ``PyBUF_READ``/``PyBUF_WRITE`` = 0x100/0x200, which 3.11 treats as SIMPLE), the outcome of
  ``ndarray(nd, getbuf=flags)``: ``ok`` = ``[readonly, format ('' = NULL), ndim, has shape, has strides,
  has suboffsets, is_contiguous C/F/A of the view]``, where "has" means the array is not NULL (for ndim 0 all three are
  NULL, whatever was requested). Requests with the same outcome are grouped: each variant is a
  list of outcomes, each with the ``flags`` that produced it. Every shape, strides and suboffsets array that is present equals
  the exporter's (the generator asserts it), and ``itemsize``/``len`` always equal the exporter's (asserted too), as
  does ``buf`` (``ndarray_getbuf`` starts from a copy of the exporter's Py_buffer).
* ``pointers``: for every index in C order, the offset in the block of ``PyBuffer_GetPointer`` (through ctypes; the
  value ``_testbuffer.get_pointer`` reads there is checked against the bytes at that offset).
* ``slice``: ``nd[key]`` for a random multi-dimensional key (any step sign, empty results included; ``_testbuffer``
  slices every dimension, folding starts into suboffsets for PIL arrays): ``key`` as ``[start, step, length]`` per
  dimension (``slice_indices``), the view's ``shape``, ``strides``, ``suboffsets``, ``buf`` (offset in the block),
  ``contiguous`` and the block offset of every item in C order (``pointers``).
* ``pointer_errors``: ``get_pointer`` with an index out of bounds in the last dimension (and, for hand cases, with too
  few indices).

``cpython-exporters`` (exporters.jsonl) -- CPython's own exporters whose C# counterparts are ours (bytes: read-only byte
memory; bytearray: the growable byte buffer; array('i'): int[] and Memory<int>; mmap: mapped files, writable and
read-only; memoryview slices: the request rules with memoryview's contiguity) under every request value in ``FLAGS``:
every field of the ``Py_buffer`` that ``PyObject_GetBuffer`` fills in, read through ctypes (``readonly, itemsize,
format, ndim, shape, strides, suboffsets, len``; ``null`` for NULL; ``buf`` relative to a ``PyBUF_FULL_RO`` export).

``exporter-lifetimes`` (exporter-lifetimes.jsonl) -- operations (``op``) on a bytearray, array or mmap (``object``)
holding ``before``, with and without a live export (``exported``): the ``outcome`` (resize refused with BufferError,
same-size writes allowed, close refused) and the contents ``after`` (null once closed).
"""
import array
import ctypes
import json
import mmap
import random
import struct

import _testbuffer
from _testbuffer import ND_FORTRAN, ND_PIL, ND_WRITABLE, get_pointer, is_contiguous, ndarray
from test.test_buffer import rand_structure, verify_structure

from oracle_common import CaseWriter, outcome

SEED = 3118
MAX_NDIM = 64  # PyBUF_MAX_NDIM; _testbuffer.ndarray allows 128 to test consumers
POINTER_SIZE = ctypes.sizeof(ctypes.c_void_p)

BASE_REQUESTS = ["PyBUF_SIMPLE", "PyBUF_WRITABLE", "PyBUF_FORMAT", "PyBUF_ND", "PyBUF_STRIDES", "PyBUF_C_CONTIGUOUS",
                 "PyBUF_F_CONTIGUOUS", "PyBUF_ANY_CONTIGUOUS", "PyBUF_INDIRECT", "PyBUF_CONTIG", "PyBUF_CONTIG_RO",
                 "PyBUF_STRIDED", "PyBUF_STRIDED_RO", "PyBUF_RECORDS", "PyBUF_RECORDS_RO", "PyBUF_FULL",
                 "PyBUF_FULL_RO"]
# test_buffer's getbuf matrix: every request with WRITABLE and FORMAT or-ed in, then READ/WRITE (3.11: as SIMPLE).
FLAGS = sorted({getattr(_testbuffer, n) | extra for n in BASE_REQUESTS
                for extra in (0, _testbuffer.PyBUF_WRITABLE, _testbuffer.PyBUF_FORMAT,
                              _testbuffer.PyBUF_WRITABLE | _testbuffer.PyBUF_FORMAT)}) + [0x100, 0x200]

# Formats from every family the struct module knows: native single characters, explicit native '@', the standard
# sizes '<' '>' '=' '!', repeat counts, strings, padding, and multi-member records (native alignment included).
FORMATS = ["?", "c", "b", "B", "h", "H", "i", "I", "l", "L", "q", "Q", "n", "N", "e", "f", "d", "P",
           "@b", "@H", "@i", "@q", "@d",
           "<h", ">h", "=H", "!i", "<I", ">q", "=Q", "!l", "<L", "<e", ">f", "!d", "=?", "<c",
           "3s", "2h", "3B", "<2i",
           "bhi", "=bhi", "cid", "@bhlq", "=bhlq", "bxh", "<iq", ">hb", "?B", "i0q", "hhb", "dq", "2ic"]

# The documented differences between _testbuffer's constructor checks and the protocol's (docs/exporters.md).
DIVERGENCES = {
    "strides must be a multiple of itemsize": "strides-multiple",
    "offset must be a multiple of itemsize": "offset-multiple",
    "offset out of bounds": "empty-offset",
}


def protocol_accepts(memlen, itemsize, ndim, shape, strides, offset):
    """The C# rules (BufferLayout.FitsWithin, PyBUF_MAX_NDIM): every item inside the block, any stride and offset."""
    if ndim > MAX_NDIM or offset < 0 or offset > memlen:
        return False
    if 0 in shape:
        return True
    imin = sum(strides[j] * (shape[j] - 1) for j in range(ndim) if strides[j] <= 0)
    imax = sum(strides[j] * (shape[j] - 1) for j in range(ndim) if strides[j] > 0)
    return 0 <= offset + imin and offset + imax + itemsize <= memlen


# ---- ctypes access to the raw C API (pep3118-cpython.md §6.5) ----------------------------------------------------

class PyBuffer(ctypes.Structure):
    _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.py_object), ("len", ctypes.c_ssize_t),
                ("itemsize", ctypes.c_ssize_t), ("readonly", ctypes.c_int), ("ndim", ctypes.c_int),
                ("format", ctypes.c_char_p), ("shape", ctypes.POINTER(ctypes.c_ssize_t)),
                ("strides", ctypes.POINTER(ctypes.c_ssize_t)), ("suboffsets", ctypes.POINTER(ctypes.c_ssize_t)),
                ("internal", ctypes.c_void_p)]


_api = ctypes.pythonapi
_api.PyObject_GetBuffer.argtypes = [ctypes.py_object, ctypes.POINTER(PyBuffer), ctypes.c_int]
_api.PyBuffer_Release.argtypes = [ctypes.POINTER(PyBuffer)]
_api.PyBuffer_Release.restype = None
_api.PyBuffer_GetPointer.argtypes = [ctypes.POINTER(PyBuffer), ctypes.POINTER(ctypes.c_ssize_t)]
_api.PyBuffer_GetPointer.restype = ctypes.c_void_p


class RawView:
    """A Py_buffer obtained with PyObject_GetBuffer, released on exit."""

    def __init__(self, obj, flags=_testbuffer.PyBUF_FULL_RO):
        self.obj = obj
        self.view = PyBuffer()
        _api.PyObject_GetBuffer(obj, ctypes.byref(self.view), flags)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _api.PyBuffer_Release(ctypes.byref(self.view))

    @property
    def buf(self):
        return self.view.buf or 0

    def pointer(self, index):
        arr = (ctypes.c_ssize_t * max(1, len(index)))(*index)
        return _api.PyBuffer_GetPointer(ctypes.byref(self.view), arr) or 0


def read_pointer(address):
    return ctypes.c_void_p.from_address(address).value or 0


# ---- helpers -----------------------------------------------------------------------------------------------------

def c_strides(shape, itemsize):
    strides, step = [0] * len(shape), itemsize
    for i in range(len(shape) - 1, -1, -1):
        strides[i] = step
        step *= shape[i]
    return strides


def f_strides(shape, itemsize):
    strides, step = [0] * len(shape), itemsize
    for i in range(len(shape)):
        strides[i] = step
        step *= shape[i]
    return strides


def c_indices(shape):
    if any(d == 0 for d in shape):
        return
    index = [0] * len(shape)
    while True:
        yield list(index)
        d = len(shape) - 1
        while d >= 0:
            index[d] += 1
            if index[d] < shape[d]:
                break
            index[d] = 0
            d -= 1
        if d < 0:
            return


def random_items(fmt, count):
    """`count` items of `fmt`, from random bytes (so every bit pattern of every family appears)."""
    s = struct.Struct(fmt)
    items = []
    for _ in range(count):
        values = s.unpack(random.randbytes(s.size))
        items.append(values[0] if len(values) == 1 else values)
    return items


def same_value(a, b):
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and a != a:
        return b != b
    return a == b


def no_value(result):
    """An outcome without its value (values of items are checked through the pointers instead)."""
    return {"ok": None} if "ok" in result else result


def contiguity(obj):
    return "".join("1" if is_contiguous(obj, o) else "0" for o in "CFA")


def error_kind(e):
    return {"error": type(e).__name__, "message": str(e)}


# ---- the ndarray suite -------------------------------------------------------------------------------------------

def ndarray_case(case_id, fmt, memlen, shape, strides, offset, pil=False, fortran=False, items=None, hand=False):
    """Builds the read-only and writable exporters and records everything observed."""
    itemsize = struct.calcsize(fmt)
    # A scalar ndarray packs exactly one item (its memory is one item long), whatever memlen says.
    nitems = 1 if not shape else memlen // itemsize
    if items is None:
        items = random_items(fmt, nitems)
        if not shape:
            items = items[0]
    flags = ND_PIL if pil else 0
    kwargs = dict(shape=list(shape), offset=offset, format=fmt)
    if fortran:
        flags |= ND_FORTRAN
    else:
        kwargs["strides"] = list(strides)
    case = {"format": fmt, "itemsize": itemsize, "offset": offset, "shape": list(shape), "pil": pil,
            "strides": list(strides) if not fortran else f_strides(shape, itemsize)}
    try:
        ro = ndarray(items, flags=flags, **kwargs)
        rw = ndarray(items, flags=flags | ND_WRITABLE, **kwargs)
    except Exception as e:  # noqa: BLE001 - the constructor's refusal is the oracle's answer
        case["construct"] = error_kind(e)
        case["memory"] = bytes(nitems * itemsize).hex()
        t = (nitems * itemsize, itemsize, len(shape), list(shape), list(strides), offset)
        case["verify_structure"] = verify_structure(*t)
        if protocol_accepts(*t) and not pil:
            case["divergence"] = DIVERGENCES[str(e)]
        return case

    with RawView(rw) as v:
        buf = v.buf
        data_len = nitems * itemsize
        if pil:
            table_size = 8 * ((shape[0] * POINTER_SIZE + 7) // 8)
            block = buf - (max(shape[0] - 1, 0) * POINTER_SIZE if rw.strides[0] < 0 else 0)
            table = [read_pointer(block + i * POINTER_SIZE) - block for i in range(shape[0])]
        else:
            table_size, block, table = 0, buf - offset, []
        memlen_total = table_size + data_len
        image = ctypes.string_at(block + table_size, data_len)
        pointers = []
        for index in c_indices(list(rw.shape)) if rw.ndim else [[]]:
            off = v.pointer(index) - block
            assert 0 <= off and off + itemsize <= memlen_total, (case_id, index, off)
            got = get_pointer(rw, index)
            want = struct.unpack_from(fmt, ctypes.string_at(block, memlen_total), off)
            assert same_value(got, want[0] if len(want) == 1 else want), (case_id, index, got, want)
            pointers.append(off)
    case["memory"] = image.hex()
    if rw.ndim > MAX_NDIM:
        case["divergence"] = "max-ndim"
    case["construct"] = {"ok": {"buf": buf - block, "memlen": memlen_total, "strides": list(rw.strides),
                                "suboffsets": list(rw.suboffsets), "table": table, "len": rw.nbytes, "ndim": rw.ndim}}
    case["contiguous"] = contiguity(rw)
    case["pointers"] = pointers
    errors = []
    if rw.ndim:
        beyond = [0] * (rw.ndim - 1) + [rw.shape[-1]]
        errors.append({"index": beyond, "outcome": no_value(outcome(lambda: get_pointer(rw, beyond)))})
        if hand:
            short = [0] * (rw.ndim - 1)
            errors.append({"index": short, "outcome": no_value(outcome(lambda: get_pointer(rw, short)))})
    case["pointer_errors"] = errors
    if rw.ndim and rw.ndim <= MAX_NDIM:
        case["slice"] = slice_case(rw, block, itemsize)
    case["getbuf"] = {name: grouped({f: getbuf_outcome(nd, f) for f in FLAGS}) for name, nd in (("ro", ro), ("rw", rw))}
    return case


def random_slice(n):
    """A slice of a dimension of extent n: any step sign; bounds missing, negative or past the end; mostly not empty."""
    step = random.choice([None, 1, 1, 2, 3, -1, -1, -2, -3])
    if n == 0 or random.randrange(8) == 0:
        def bound():
            return None if random.randrange(4) == 0 else random.randrange(-n - 2, n + 3)
        return slice(bound(), bound(), step)
    start = random.randrange(n)
    if step is None or step > 0:
        stop = random.randrange(start + 1, n + 3)
    else:
        stop = random.randrange(-1, start)
        stop = None if stop == -1 else stop
    if random.randrange(3) == 0:
        start -= n  # the same start, counted from the end
    return slice(start, stop, step)


def slice_case(nd, block, itemsize):
    """nd[key] for a random multi-dimensional key: the view's fields and the block offset of every item."""
    key = tuple(random_slice(extent) for extent in nd.shape)
    view = nd[key]
    normalized = []
    for s, extent in zip(key, nd.shape):
        start, _, step, length = _testbuffer.slice_indices(s, extent)
        normalized.append([start, step, length])
    with RawView(view) as v:
        buf = v.buf - block
        pointers = [v.pointer(index) - block for index in c_indices(list(view.shape))]
        for index, off in zip(c_indices(list(view.shape)), pointers):
            assert same_value(get_pointer(view, index), get_pointer(nd, [
                k[0] + i * k[1] for i, k in zip(index, normalized)])), (key, index)
    return {"key": normalized, "shape": list(view.shape), "strides": list(view.strides),
            "suboffsets": list(view.suboffsets), "buf": buf, "contiguous": contiguity(view), "pointers": pointers}


def grouped(outcomes):
    """{flags: outcome} as a list of outcomes, each with the sorted request values that produced it."""
    groups = {}
    for flags, result in outcomes.items():
        key = json.dumps(result, sort_keys=True)
        groups.setdefault(key, {"flags": [], **result})["flags"].append(flags)
    return sorted(groups.values(), key=lambda g: g["flags"][0])


def getbuf_outcome(nd, flags):
    try:
        c = ndarray(nd, getbuf=flags)
    except Exception as e:  # noqa: BLE001
        return error_kind(e)
    assert c.itemsize == nd.itemsize and c.nbytes == nd.nbytes
    assert c.shape in ((), nd.shape) and c.strides in ((), nd.strides) and c.suboffsets in ((), nd.suboffsets)
    return {"ok": [int(c.readonly), c.format, c.ndim, int(bool(c.shape)), int(bool(c.strides)),
                   int(bool(c.suboffsets)), contiguity(c)]}


def mutate(shape, strides, itemsize):
    """Biases a valid structure towards the edge cases rand_structure rarely draws; it stays valid (extents only
    shrink to 0 or 1 and strides only to 0 or an arbitrary value on an extent-1 dimension, so the reach shrinks)."""
    shape, strides = list(shape), list(strides)
    if not shape:
        return shape, strides
    n = random.randrange(100)
    d = random.randrange(len(shape))
    if n < 12:
        strides[d] = 0
    elif n < 22:
        shape[d] = 0
    elif n < 30:
        shape[d] = 1
        strides[d] = itemsize * random.randrange(-7, 8)
    return shape, strides


def random_cases(w):
    n = attempts = 0
    while n < 1000:
        attempts += 1
        fmt = FORMATS[attempts % len(FORMATS)]
        itemsize = struct.calcsize(fmt)
        memlen, _, ndim, shape, strides, offset = rand_structure(itemsize, True, maxdim=4, maxshape=4)
        if memlen > 1024 or memlen // itemsize > 256 or (ndim == 0 and random.randrange(4)):
            continue
        shape, strides = mutate(shape, strides, itemsize)
        pil = ndim > 0 and n % 4 == 3
        w.write(f"valid-{n:04d}", **ndarray_case(n, fmt, memlen, shape, strides, offset, pil=pil))
        n += 1
    n = 0
    while n < 300:
        attempts += 1
        fmt = FORMATS[attempts % len(FORMATS)]
        itemsize = struct.calcsize(fmt)
        memlen, _, ndim, shape, strides, offset = rand_structure(itemsize, False, maxdim=4, maxshape=4)
        if memlen > 1024 or memlen < itemsize or (ndim == 0 and random.randrange(4)):
            continue
        w.write(f"invalid-{n:04d}", **ndarray_case(n, fmt, memlen, shape, strides, offset, pil=ndim > 0 and n % 3 == 2))
        n += 1


def hand_cases(w):
    def add(name, fmt, memlen, shape, strides=None, offset=0, **kw):
        itemsize = struct.calcsize(fmt)
        if strides is None:
            strides = c_strides(shape, itemsize)
        w.write(f"hand-{name}", **ndarray_case(name, fmt, memlen, shape, strides, offset, hand=True, **kw))

    add("scalar-i", "i", 4, [])
    add("scalar-record", "=bhlq", 15, [])
    add("scalar-offset-out", "h", 2, [], offset=2)
    add("scalar-offset-negative", "h", 2, [], offset=-2)
    add("scalar-pil", "B", 1, [], pil=True)
    add("c-3x4", "B", 12, [3, 4])
    add("f-3x4", "B", 12, [3, 4], f_strides([3, 4], 1))
    add("fortran-flag", "i", 24, [2, 3], fortran=True)
    add("row-1x12", "B", 12, [1, 12], [12, 1])
    add("col-12x1-odd", "B", 12, [12, 1], [1, 5])
    add("zero-extent-middle", "B", 14, [2, 0, 7], [0, 7, 1])
    add("zero-extent-odd-stride", "B", 3, [0], [3])
    add("zero-extent-2d", "d", 8, [0, 5], [40, 8])
    add("zero-extent-negative", "i", 8, [3, 0], [-4, 4], offset=4)
    add("zero-stride-3", "B", 1, [3], [0])
    add("zero-stride-2d", "h", 6, [4, 3], [0, 2])
    add("negative-1d", "B", 3, [3], [-1], offset=2)
    add("negative-2d", "h", 24, [3, 4], [-8, -2], offset=22)
    add("column", "i", 48, [3, 1], [16, 4], offset=4)
    add("pil-3x4", "B", 12, [3, 4], pil=True)
    add("pil-12", "B", 12, [12], pil=True)
    add("pil-negative", "B", 12, [2, 2, 3], [-6, 3, -1], offset=8, pil=True)
    add("pil-zero-first", "i", 4, [0, 3], [12, 4], pil=True)
    add("pil-zero-inner", "i", 4, [3, 0], [4, 4], pil=True)
    add("pil-zero-stride", "h", 8, [3, 4], [0, 2], pil=True)
    add("ndim-64", "B", 3, [1] * 63 + [3])
    add("ndim-64-pil", "B", 2, [2] + [1] * 63, pil=True)
    add("ndim-65", "B", 2, [1] * 64 + [2])
    add("strides-not-multiple", "h", 12, [3], [3])
    add("offset-not-multiple", "h", 12, [2], [2], offset=1)
    add("empty-offset-at-end", "i", 8, [0], [4], offset=8)
    add("out-of-bounds", "i", 8, [3], [4])
    add("negative-out-of-bounds", "i", 12, [3], [-4], offset=4)


def generate_ndarray(out_dir):
    random.seed(SEED)
    with CaseWriter(out_dir, "buffers.jsonl", "ndarray") as w:
        hand_cases(w)
        random_cases(w)


# ---- CPython's own exporters -------------------------------------------------------------------------------------

def full_fields(obj, flags):
    """Every field of the Py_buffer that PyObject_GetBuffer(obj, flags) fills in (through ctypes)."""
    try:
        view = RawView(obj, flags)
    except Exception as e:  # noqa: BLE001
        return error_kind(e)
    with view, RawView(obj) as full:
        v = view.view
        ndim = v.ndim

        def array_of(p):
            return [p[i] for i in range(ndim)] if p else None

        return {"ok": {"readonly": v.readonly, "itemsize": v.itemsize,
                       "format": None if v.format is None else v.format.decode("ascii"), "ndim": ndim,
                       "shape": array_of(v.shape), "strides": array_of(v.strides),
                       "suboffsets": array_of(v.suboffsets), "len": v.len, "buf": view.buf - full.buf}}


def exporter_cases(w):
    def add(name, counterpart, obj, **extra):
        w.write(name, counterpart=counterpart, results={str(f): full_fields(obj, f) for f in FLAGS}, **extra)

    add("bytes-6", "readonly-bytes", b"abcdef", memory=b"abcdef".hex())
    add("bytes-0", "readonly-bytes", b"", memory="")
    add("bytearray-6", "bytearray", bytearray(b"abcdef"), memory=b"abcdef".hex())
    add("bytearray-0", "bytearray", bytearray(), memory="")
    add("array-i-3", "array", array.array("i", [1, 2, 3]), memory=array.array("i", [1, 2, 3]).tobytes().hex(),
        format="i")
    add("array-d-0", "array", array.array("d"), memory="", format="d")
    m = mmap.mmap(-1, 8)
    m.write(b"12345678")
    add("mmap-8", "mmap", m, memory=b"12345678".hex())
    mr = mmap.mmap(-1, 8, access=mmap.ACCESS_READ)
    add("mmap-8-read", "mmap-read", mr, memory=bytes(8).hex())
    # memoryview re-exports: the request rules with memoryview's contiguity, over the bytes of the base object.
    data = bytes(range(24))
    for name, view, base, offset in [
        ("mv-step2", memoryview(b"abcdef")[::2], b"abcdef", 0),
        ("mv-reverse", memoryview(data)[::-1], data, 23),
        ("mv-empty-step2", memoryview(data)[::2][0:0], data, 0),
        ("mv-one-step2", memoryview(data)[::2][0:1], data, 0),
        ("mv-h-2x3", memoryview(data[:12]).cast("h", [2, 3]), data[:12], 0),
        ("mv-h-2x3-rows-reversed", memoryview(data[:12]).cast("h", [2, 3])[::-1], data[:12], 6),
        ("mv-i-slice", memoryview(data).cast("i")[1:5:2], data, 4),
        ("mv-rw-bytearray", memoryview(bytearray(data))[2:10], data, 2),
        ("mv-f-order", memoryview(ndarray(list(range(6)), shape=[2, 3], format="i", flags=ND_FORTRAN)),
         struct.pack("6i", *range(6)), 0),
    ]:
        with RawView(view) as v:
            layout = {"format": view.format, "itemsize": view.itemsize, "shape": list(view.shape),
                      "strides": list(view.strides), "readonly": int(view.readonly),
                      "c_contiguous": view.c_contiguous, "f_contiguous": view.f_contiguous}
        add(name, "memoryview", view, memory=base.hex(), offset=offset, layout=layout)


def lifetime_cases(w):
    def record(name, make, op, export):
        kind, op_name = name.split("-", 1)
        obj = make()
        held = memoryview(obj) if export else None
        result = outcome(lambda: op(obj))
        after = bytes(obj) if not isinstance(obj, mmap.mmap) or not obj.closed else None
        if held is not None:
            held.release()
        w.write(f"{name}-{'exported' if export else 'free'}", object=kind, op=op_name, exported=export,
                before=bytes(make()).hex(), outcome=no_value(result), after=None if after is None else after.hex())

    def slice_assign(ba, start, stop, value):
        ba[start:stop] = value

    def set_item(a, i, v):
        a[i] = v

    def delete_item(a, i):
        del a[i]

    def extend(ba, more):
        ba += more

    ba_ops = {
        "append": lambda ba: ba.append(0x7A),
        "extend": lambda ba: extend(ba, b"xy"),
        "insert": lambda ba: ba.insert(1, 0x7A),
        "resize-slice-grow": lambda ba: slice_assign(ba, 0, 1, b"xy"),
        "resize-slice-shrink": lambda ba: slice_assign(ba, 0, 2, b"x"),
        "same-size-slice": lambda ba: slice_assign(ba, 1, 3, b"XY"),
        "set-item": lambda ba: set_item(ba, 0, 0x5A),
        "clear": lambda ba: ba.clear(),
        "delete-item": lambda ba: delete_item(ba, 0),
        "pop": lambda ba: ba.pop(),
        "remove": lambda ba: ba.remove(ord("b")),
    }
    for op_name, op in ba_ops.items():
        for export in (False, True):
            record(f"bytearray-{op_name}", lambda: bytearray(b"abcd"), op, export)
    for export in (False, True):
        record("array-append", lambda: array.array("i", [1, 2, 3]), lambda a: a.append(9), export)
        record("array-set-item", lambda: array.array("i", [1, 2, 3]), lambda a: set_item(a, 0, 9), export)

        def make_mmap():
            m = mmap.mmap(-1, 8)
            m.write(b"abcdefgh")
            return m

        record("mmap-close", make_mmap, lambda m: m.close(), export)
        record("mmap-write-same-size", make_mmap, lambda m: slice_assign(m, 0, 2, b"XY"), export)


def generate(out_dir):
    generate_ndarray(out_dir)
    with CaseWriter(out_dir, "exporters.jsonl", "cpython-exporters") as w:
        exporter_cases(w)
    with CaseWriter(out_dir, "exporter-lifetimes.jsonl", "exporter-lifetimes") as w:
        lifetime_cases(w)
