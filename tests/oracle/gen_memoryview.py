"""memoryview as CPython 3.11 implements it, N-d slicing as _testbuffer.ndarray does it, records as NumPy reads them.

Suites written (replayed by tests/BufferProtocol.Tests/Views/*OracleTests.cs). Every structure is described as
gen_copies.py describes one (``format``, ``itemsize``, ``memory`` hex of the bytes it reaches, ``offset`` of item
(0, ..., 0) in them, ``shape``, ``strides``, ``pil``) plus ``readonly``; the C# side rebuilds it as a NativeBuffer and
views it with ``MemoryView`` (CPython mode unless said otherwise). Structures come from ``test.test_buffer``'s
``rand_structure``/``randitems_from_structure`` (negative and zero strides, zero extents, ``ND_PIL``) under fixed
seeds, or -- for formats ``_testbuffer`` cannot pack (``'T{..}'``, ``'Zd'``, ``'w'``, ``'g'``) and arbitrary bytes --
are wrapped with ``PyMemoryView_FromBuffer`` over ctypes memory.

Values are encoded losslessly: ints as JSON numbers (``{"int": "decimal"}`` beyond 2**53), bools as JSON booleans,
floats as ``{"float": float.hex()}``, bytes as ``{"bytes": hex}``, str as ``{"str": s}``, complex as
``{"complex": [re.hex(), im.hex()]}``, tuples as ``{"tuple": [...]}``, lists as JSON arrays, None as null.
Outcomes are ``{"ok": value}`` or ``{"error": kind, "message": str}``.

``memoryview`` (memoryview.jsonl): one case per structure: ``structure``; ``props`` (every attribute); ``len``;
``tolist``; ``tobytes`` (C/F/A); ``hex`` (``[sep, bytes_per_sep, outcome]``, sep ``{"str"}``/``{"bytes"}``/null);
``items`` (``[key, outcome]``: key ``{"int": i}`` for ``m[i]``, ``{"tuple": [...]}`` for ``m[(...)]``,
``{"ellipsis": true}``); ``slices`` (``[[start, stop, step], outcome]`` of ``m[start:stop:step]``: the result's
``shape``, ``strides``, ``suboffsets``, ``tobytes``); ``keys`` (other keys: multi-slices, mixed, ellipsis:
``[{"slices": [...]}|{"mixed": ...}|{"ellipsis": true}, outcome]``); ``getbuf`` (``[flags, outcome]`` of
``ndarray(m, getbuf=flags)``: ``[readonly, format or '', ndim, has shape, has strides, has suboffsets]``); ``hash``
(outcome of ``hash(m) == hash(m.tobytes())``); ``count``/``index`` (``[value, outcome]``, a model of 3.14's
``memoryview.count``/``index`` -- 3.11 has neither -- built from ``tolist()`` and 3.14's checks; ``index`` not found is -1).

``memoryview-assign`` (memoryview-assign.jsonl): ``structure`` (writable or not), ``steps``: ``[kind, key, value,
outcome, after]`` applied in order to one view -- ``item`` (``m[key] = value``, key as in ``items``; values from
test_buffer's struct_module list that .NET can express), ``slice`` (``m[start:stop:step] = rvalue``; ``value`` is
``{"structure": ..., "slice": [...]}`` for another buffer, ``{"self": [...]}`` for a slice of the same view,
``{"bytes": hex}``, or ``{"list": [...]}`` for a non-buffer); ``after`` is the hex of the structure's bytes.

``memoryview-cast`` (memoryview-cast.jsonl): ``structure``, ``chain`` (operations applied in order:
``["cast", format, shape or null]`` -- null: no shape given -- or ``["slice", start, stop, step]``) and the outcome:
``format``, ``itemsize``, ``ndim``, ``shape``, ``strides``, ``readonly``, ``c_contiguous``, ``f_contiguous`` and
``tolist`` (an outcome of its own). Formats: every native character, ``e`` (3.11 refuses it), ``@`` forms, and formats
a cast refuses; shapes: ``gencastshapes`` plus hand shapes.

``memoryview-equality`` (memoryview-equality.jsonl): ``left``, ``right`` (structures, or ``{"bytes": hex}``/
``{"str": s}`` for non-views), ``equal`` (``m1 == m2``), ``self_equal`` (``m1 == m1``).

``memoryview-lifetime`` (memoryview-lifetime.jsonl): ``steps`` of a small script over bytearrays, views, slices,
re-exports (``ndarray(m, getbuf=...)``) and releases, each with its outcome (see ``LIFETIME_SCRIPTS``).

``memoryview-requests`` (memoryview-requests.jsonl): ``structure`` and, per request value, the outcome of
``ndarray(nd, getbuf=flags).memoryview_from_buffer()`` (PyMemoryView_FromBuffer: what ``memoryview._from_flags``
reconstructs): ``format``, ``itemsize``, ``ndim``, ``shape``, ``strides``, ``suboffsets``, ``nbytes``, ``readonly``,
``tobytes``.

``memoryview-ndarray`` (memoryview-ndarray.jsonl): N-d slicing and assignment as ``_testbuffer.ndarray`` does them:
``structure``; ``slices`` (``[key, outcome]``, key a list of ``[start, stop, step]``: ``shape``, ``strides``,
``suboffsets``, ``tolist``); ``subviews`` (``[i, outcome]`` of ``nd[i]``: a sub-view, or for 1-D the item);
``mixed`` (keys with integers, a list of
``{"index": i}``/``[start, stop, step]``; expected: ``nd`` sliced with ``i:i+1`` then those dimensions removed from
``shape`` and ``tolist``); ``assign`` (``[key, rvalue, outcome, tolist after]``: the rvalue a fresh buffer
``{"items": ..., "shape": ...}`` or ``{"self": key}`` -- a selection of the same array, copied first, since
_testbuffer's own copy is not overlap-safe).

``memoryview-records`` (memoryview-records.jsonl): NumPy structured and non-native arrays: ``structure`` (format from
``memoryview(a).format``), ``tolist`` (NumPy's, records as tuples, sub-arrays as lists), ``fields``
(``[name, {"format", "shape", "strides", "tolist"}]`` of ``a[name]``), ``self_equal`` (``(a == a).all()``), and the
CPython outcomes ``cpython_tolist`` and ``cpython_self_equal`` of ``memoryview(a)``.

``slice-indices`` (slice-indices.jsonl): ``_testbuffer.slice_indices(slice(start, stop, step), n)`` for every
``start, stop, step`` in ``[-n-2, n+2]`` plus None, ``n`` in 0..5 (a case per ``n``: ``rows`` of
``[start, stop, step, outcome]``).
"""
import json
import ctypes
import gc
import math
import random
import struct
from decimal import Decimal

import numpy as np
import _testbuffer
from _testbuffer import ND_PIL, ND_WRITABLE, PyBUF_FULL_RO, ndarray, slice_indices
from test.test_buffer import NATIVE as TEST_BUFFER_NATIVE, gen_items, gencastshapes, rand_structure

from gen_buffers import BASE_REQUESTS, PyBuffer
from gen_copies import Structure
from oracle_common import CaseWriter

SEED = 3118 * 7
NATIVE = "cbB?hHiIlLqQnNfdP"
# Formats _testbuffer packs: every native one, then others memoryview can only slice, hash or compare.
RANDOM_FORMATS = list(NATIVE) + ["@i", "@B", "e", "<i", ">h", "=q", "ii", "3s", "bhd", "2h", "?B"]

_api = ctypes.pythonapi
_api.PyMemoryView_FromBuffer.argtypes = [ctypes.POINTER(PyBuffer)]
_api.PyMemoryView_FromBuffer.restype = ctypes.py_object


# ---- encoding -------------------------------------------------------------------------------------------------------

def enc(v):
    """A JSON form of a Python value that keeps its kind (see the module docstring)."""
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        v = int(v)
        return v if -2**53 < v < 2**53 else {"int": str(v)}
    if isinstance(v, (float, np.floating)):
        return {"float": float(v).hex()}
    if isinstance(v, (complex, np.complexfloating)):
        v = complex(v)
        return {"complex": [v.real.hex(), v.imag.hex()]}
    if isinstance(v, (bytes, np.bytes_)):
        return {"bytes": bytes(v).hex()}
    if isinstance(v, (str, np.str_)):
        return {"str": str(v)}
    if isinstance(v, np.ndarray):
        return enc(v.tolist())
    if isinstance(v, list):
        return [enc(x) for x in v]
    if isinstance(v, tuple):
        return {"tuple": [enc(x) for x in v]}
    if isinstance(v, Decimal):
        return {"decimal": str(v)}
    if v is None:
        return None
    raise TypeError(f"cannot encode {v!r}")


def json_key(value):
    return json.dumps(value, sort_keys=True)


def out(fn):
    """An outcome whose value is encoded."""
    try:
        return {"ok": enc(fn())}
    except Exception as e:  # noqa: BLE001 - recording every error kind is the point
        return {"error": type(e).__name__, "message": str(e)}


def raw(fn):
    """An outcome whose value is already JSON."""
    try:
        return {"ok": fn()}
    except Exception as e:  # noqa: BLE001
        return {"error": type(e).__name__, "message": str(e)}


# ---- structures -----------------------------------------------------------------------------------------------------

def describe(s, readonly):
    d = dict(s.description)
    d["readonly"] = readonly
    return d


def random_items(fmt, n):
    """n items of a struct format: test_buffer's generator for plain native characters, else unpacked random bytes."""
    if len(fmt) == 1 and fmt in TEST_BUFFER_NATIVE:
        return gen_items(n, "#" + fmt, "numpy")
    st = struct.Struct(fmt)
    return [v[0] if len(v) == 1 else v for v in (st.unpack(random.randbytes(st.size)) for _ in range(n))]


def random_structure(fmt, maxdim=3, maxshape=4, pil=None, readonly=None, shape=None):
    """A random _testbuffer structure (rand_structure); shape=[] asks for a 0-d one, None for any."""
    itemsize = struct.calcsize(fmt)
    if shape == [] or (shape is None and random.randrange(10) == 0):
        t = (itemsize, itemsize, 0, (), (), 0)
    else:
        t = rand_structure(itemsize, True, maxdim=maxdim, maxshape=maxshape, shape=list(shape or ()))
    if pil is None:
        pil = t[2] > 0 and random.randrange(4) == 0
    if readonly is None:
        readonly = random.randrange(3) == 0
    s = Structure(fmt, t, pil=bool(pil) and t[2] > 0, readonly=readonly, items=random_items(fmt, t[0] // itemsize))
    return s, readonly


class RawView:
    """A memoryview over ctypes memory through PyMemoryView_FromBuffer: any format string, any (non-PIL) layout."""

    def __init__(self, memory, offset, fmt, itemsize, shape, strides, readonly=True):
        self.memory = ctypes.create_string_buffer(bytes(memory), max(len(memory), 1))
        self.fmt = ctypes.c_char_p(fmt.encode())
        ndim = len(shape)
        self.shape = (ctypes.c_ssize_t * max(ndim, 1))(*shape)
        self.strides = (ctypes.c_ssize_t * max(ndim, 1))(*strides)
        v = PyBuffer()
        v.buf = ctypes.addressof(self.memory) + offset
        v.len = itemsize * math.prod(shape)
        v.itemsize = itemsize
        v.readonly = 1 if readonly else 0
        v.ndim = ndim
        v.format = self.fmt
        if ndim:
            v.shape = ctypes.cast(self.shape, ctypes.POINTER(ctypes.c_ssize_t))
            v.strides = ctypes.cast(self.strides, ctypes.POINTER(ctypes.c_ssize_t))
        self.view = _api.PyMemoryView_FromBuffer(ctypes.byref(v))
        reach = [st * (n - 1) for st, n in zip(strides, shape)] if 0 not in shape else []
        low = offset + sum(r for r in reach if r < 0)
        self.description = {"format": fmt, "itemsize": itemsize, "memory": bytes(memory).hex(), "offset": offset,
                            "shape": list(shape), "strides": list(strides), "pil": False, "readonly": readonly}
        assert low >= 0

    def image(self):
        return ctypes.string_at(ctypes.addressof(self.memory), len(self.description["memory"]) // 2)


def contiguous_raw(fmt, values, shape=None, readonly=True, fortran=False):
    """A RawView of packed values, C- (or Fortran-) contiguous."""
    st = struct.Struct(fmt)
    data = b"".join(st.pack(*(v if isinstance(v, tuple) else (v,))) for v in values)
    return raw_bytes(fmt, st.size, data, shape if shape is not None else [len(values)], readonly, fortran)


def raw_bytes(fmt, itemsize, data, shape, readonly=True, fortran=False):
    strides, step = [0] * len(shape), itemsize
    for i in (range(len(shape)) if fortran else reversed(range(len(shape)))):
        strides[i] = step
        step *= shape[i]
    return RawView(data, 0, fmt, itemsize, shape, strides, readonly)


# ---- memoryview ------------------------------------------------------------------------------------------------------

def props(m):
    return {"obj_is_none": m.obj is None, "nbytes": m.nbytes, "readonly": m.readonly, "itemsize": m.itemsize,
            "format": m.format, "ndim": m.ndim, "shape": list(m.shape), "strides": list(m.strides),
            "suboffsets": list(m.suboffsets), "c_contiguous": m.c_contiguous, "f_contiguous": m.f_contiguous,
            "contiguous": m.contiguous}


def view_summary(v):
    return {"shape": list(v.shape), "strides": list(v.strides), "suboffsets": list(v.suboffsets),
            "tobytes": v.tobytes().hex()}


HEX_VARIANTS = [(None, 1), ({"str": ":"}, 1), ({"str": "-"}, 2), ({"str": ":"}, -2), ({"bytes": "2d"}, 3),
                ({"str": ":"}, 0), ({"str": "::"}, 1), ({"str": "\u00e9"}, 1), ({"str": ""}, 1)]


def sep_value(sep):
    if sep is None:
        return None
    return sep["str"] if "str" in sep else bytes.fromhex(sep["bytes"])


def getbuf_fields(m, flags):
    nd = ndarray(m, getbuf=flags)
    return [bool(nd.readonly), nd.format, nd.ndim, nd.shape != (), nd.strides != (), nd.suboffsets != ()]


def count_model(m, value):
    """3.14's memoryview.count: iteration (0-d TypeError, N-d NotImplementedError, adjust_fmt), then == per item."""
    if m.ndim == 0:
        raise TypeError("invalid indexing of 0-dim memory")
    if m.ndim > 1:
        raise NotImplementedError("multi-dimensional sub-views are not implemented")
    return m.tolist().count(value)


def index_model(m, value, start=0, stop=None):
    """3.14's memoryview.index: 0-d TypeError, N-d NotImplementedError, memory_item per position; -1 when absent."""
    if m.ndim == 0:
        raise TypeError("invalid lookup on 0-dim memory")
    if m.ndim > 1:
        raise NotImplementedError("multi-dimensional lookup is not implemented")
    n = m.shape[0]
    stop = n if stop is None else stop
    start = max(start + n, 0) if start < 0 else start
    stop = min(max(stop + n, 0) if stop < 0 else stop, n)
    for i in range(start, stop):
        if m[i] == value:
            return i
    return -1


def slice_triples(n, count):
    everything = [(a, b, c) for a in [None] + list(range(-n - 1, n + 2)) for b in [None] + list(range(-n - 1, n + 2))
                  for c in [None, 1, 2, 3, -1, -2, -3]]
    picked = random.sample(everything, min(count, len(everything)))
    return picked + [(None, None, 0), (None, None, -1), (n + 5, None, -1)]


def memoryview_case(w, case_id, desc, m, all_hex=False):
    ndim = m.ndim
    shape = list(m.shape)
    items = []
    if ndim == 0:
        items.append([{"tuple": []}, out(lambda: m[()])])
        items.append([{"ellipsis": True}, raw(lambda: "self" if m[...] is m else "other")])
        items.append([{"int": 0}, out(lambda: m[0])])
    elif ndim == 1:
        for i in range(-shape[0] - 1, shape[0] + 1):
            items.append([{"int": i}, out(lambda: m[i])])
        items.append([{"tuple": [0]}, out(lambda: m[(0,)])])
        items.append([{"tuple": [0, 0]}, out(lambda: m[0, 0])])
        items.append([{"tuple": []}, out(lambda: m[()])])
    else:
        items.append([{"int": 0}, out(lambda: m[0])])
        items.append([{"tuple": []}, out(lambda: m[()])])
        items.append([{"tuple": [0] * (ndim - 1)}, out(lambda: m[(0,) * (ndim - 1)])])
        items.append([{"tuple": [0] * (ndim + 1)}, out(lambda: m[(0,) * (ndim + 1)])])
        for _ in range(8):
            key = [random.randrange(-e - 1, e + 1) if e else random.randrange(-1, 2) for e in shape]
            items.append([{"tuple": key}, out(lambda: m[tuple(key)])])
        for d in range(ndim):
            key = [0] * ndim
            key[d] = shape[d]
            items.append([{"tuple": key}, out(lambda: m[tuple(key)])])
    slices = []
    keys = []
    if ndim >= 1:
        for (a, b, c) in slice_triples(shape[0], 10):
            slices.append([[a, b, c], out_raw_view(lambda: m[a:b:c])])
        keys.append([{"slices": [[None, None, None]] * 2}, out_raw_view(lambda: m[:, :])])
        keys.append([{"slices": [[None, None, None]]}, out_raw_view(lambda: m[(slice(None),)])])
        keys.append([{"mixed": [[None, None, None], 0]}, out_raw_view(lambda: m[:, 0])])
        keys.append([{"ellipsis": True}, out_raw_view(lambda: m[...])])
    getbuf = {}
    for name in BASE_REQUESTS:
        for extra in (0, _testbuffer.PyBUF_WRITABLE):
            flags = getattr(_testbuffer, name) | extra
            try:
                result = getbuf_fields(m, flags)
            except Exception as e:  # noqa: BLE001
                result = type(e).__name__
            getbuf.setdefault(json_key(result), []).append(flags)
    getbuf = [{"result": json.loads(k), "flags": v} for k, v in sorted(getbuf.items())]
    values = []
    if ndim == 1 and shape[0] > 0:
        first = out(lambda: m[0])
        if "ok" in first:
            values.append(m[0])
    values += [1, float("nan")] if ndim == 1 else [1]
    count = [[enc(v), raw(lambda: count_model(m, v))] for v in values]
    index = [[enc(v), raw(lambda: index_model(m, v))] for v in values]
    if ndim == 1:
        index.append([{"start": 1, "stop": -1, "value": enc(values[0])}, raw(lambda: index_model(m, values[0], 1, -1))])
    w.write(case_id, structure=desc, props=props(m), len=raw(lambda: len(m)), tolist=out(m.tolist),
            tobytes={o: m.tobytes(o).hex() for o in "CFA"},
            hex=[[sep, bps, raw(lambda: m.hex(sep_value(sep), bps) if sep is not None else m.hex())]
                 for sep, bps in (HEX_VARIANTS if all_hex else HEX_VARIANTS[:4])],
            items=items, slices=slices, keys=keys, getbuf=getbuf,
            hash=raw(lambda: hash(m) == hash(m.tobytes())), count=count, index=index)


def out_raw_view(fn):
    try:
        v = fn()
        return {"ok": view_summary(v)}
    except Exception as e:  # noqa: BLE001
        return {"error": type(e).__name__, "message": str(e)}


def memoryview_cases(w):
    random.seed(SEED)
    for i in range(260):
        fmt = RANDOM_FORMATS[i % len(RANDOM_FORMATS)]
        s, readonly = random_structure(fmt)
        m = memoryview(s.nd)
        memoryview_case(w, f"random-{i}-{fmt}", describe(s, readonly), m)
        m.release()
    # Formats _testbuffer cannot pack: memoryview only slices, hashes and compares them.
    for i, (fmt, itemsize) in enumerate([("T{<i:a:}", 4), ("Zd", 16), ("w", 4), ("g", 16), ("T{b:a:h:b:}", 4),
                                         ("(2)h", 4), ("x", 1), ("=e", 2), ("<q", 8)]):
        n = 3
        data = bytes(random.randrange(256) for _ in range(itemsize * n))
        r = raw_bytes(fmt, itemsize, data, [n])
        memoryview_case(w, f"opaque-{i}", r.description, r.view)
    # Hand cases: pep3118-cpython.md 4.5 and 4.8.
    r = raw_bytes("B", 1, bytes(range(12)), [3, 4], readonly=False)
    memoryview_case(w, "B-3x4", r.description, r.view)
    r = raw_bytes("B", 1, bytes(range(6)), [2, 3], fortran=True)
    memoryview_case(w, "B-2x3-fortran", r.description, r.view)
    r = RawView(b"\xb9\x01\xef\x10\x20", 0, "B", 1, [5], [1])
    memoryview_case(w, "hex-b901ef1020", r.description, r.view, all_hex=True)
    r = RawView(b"\xb9\x01\xef\x10\x20", 4, "B", 1, [3], [-2])
    memoryview_case(w, "hex-reversed-step-2", r.description, r.view, all_hex=True)
    r = RawView(struct.pack("d", 1.5), 0, "d", 8, [], [])
    memoryview_case(w, "scalar-d", r.description, r.view)
    r = RawView(b"abcdef", 5, "c", 1, [3], [-2])
    memoryview_case(w, "c-reversed-step-2", r.description, r.view)
    r = RawView(b"", 0, "i", 4, [0], [12])
    memoryview_case(w, "empty-odd-stride", r.description, r.view)
    r = RawView(bytes(range(8)), 0, "h", 2, [2, 0, 3], [0, 6, 2])
    memoryview_case(w, "zero-extent-3d", r.description, r.view)


# ---- assignment -----------------------------------------------------------------------------------------------------

ODD_VALUES = [0, 1, -1, 2**7 - 1, 2**7, -2**7, -2**7 - 1, 2**8 - 1, 2**8, 2**15, -2**15 - 1, 2**16, 2**31, -2**31 - 1,
              2**32, 2**63 - 1, 2**63, -2**63, -2**63 - 1, 2**64 - 1, 2**64, 10**400,
              0.0, -0.0, 1.5, -2.5, 1e300, -1e300, float("inf"), float("nan"), 3.4e38, 1e-320,
              True, False, None, b"a", b"", b"abc", "a", "abc", [1, 2], (), 2.2 + 3j, Decimal("-21.5")]


def after_image(s):
    return s.image().hex()


def assign_cases(w):
    random.seed(SEED + 1)
    for i, fmt in enumerate(list(NATIVE) * 2 + ["@b", "@d", "e", "<i", "ii", "3s"]):
        s, _ = random_structure(fmt, maxdim=2, readonly=False, pil=i % 5 == 4)
        readonly = i % 7 == 6
        if readonly:
            s, _ = random_structure(fmt, maxdim=2, readonly=True, pil=False)
        m = memoryview(s.nd)
        shape = list(m.shape)
        steps = []
        full = [0] * m.ndim
        key = {"tuple": full} if m.ndim != 1 else {"int": 0}
        for v in ODD_VALUES if 0 not in shape else ODD_VALUES[:3]:
            def store(v=v):
                if m.ndim == 1:
                    m[0] = v
                else:
                    m[tuple(full)] = v
            steps.append(["item", key, enc(v), out(store), after_image(s)])
        if m.ndim >= 1:
            steps.append(["item", {"int": shape[0]}, enc("x"), out(lambda: m.__setitem__(shape[0], "x")), after_image(s)])
            steps.append(["item", {"int": -1}, 1, out(lambda: m.__setitem__(-1, 1)), after_image(s)])
        if m.ndim == 0:
            steps.append(["item", {"ellipsis": True}, 1, out(lambda: m.__setitem__(..., 1)), after_image(s)])
            steps.append(["item", {"int": 0}, 1, out(lambda: m.__setitem__(0, 1)), after_image(s)])
        if m.ndim >= 1:
            n = shape[0]
            for (a, b, c) in slice_triples(n, 6):
                sl = slice(a, b, c)
                # An rvalue of the length the slice selects (or not), the same format.
                length = len(range(*sl.indices(n))) if c != 0 else 1
                length = length if random.randrange(4) else length + 1
                other, _ = random_structure(fmt, shape=[length] + shape[1:], pil=False, readonly=True)
                before = describe(other, True)
                steps.append(["slice", [a, b, c], {"structure": before, "slice": [None, None, None]},
                              out(lambda: m.__setitem__(sl, memoryview(other.nd))), after_image(s)])
            steps.append(["slice", [None, None, None], {"self": [None, None, -1]},
                          out(lambda: m.__setitem__(slice(None), m[::-1])), after_image(s)])
            steps.append(["slice", [1, None, None], {"self": [None, -1, None]},
                          out(lambda: m.__setitem__(slice(1, None), m[:-1])), after_image(s)])
            steps.append(["slice", [None, None, 0], {"bytes": "0102"},
                          out(lambda: m.__setitem__(slice(None, None, 0), b"\x01\x02")), after_image(s)])
            steps.append(["slice", [None, None, 0], {"list": [1, 2]},
                          out(lambda: m.__setitem__(slice(None, None, 0), [1, 2])), after_image(s)])
            steps.append(["slice", [0, 0, None], {"bytes": ""},
                          out(lambda: m.__setitem__(slice(0, 0), b"")), after_image(s)])
            nbytes = m[:1].nbytes
            steps.append(["slice", [0, 1, None], {"bytes": "00" * nbytes},
                          out(lambda: m.__setitem__(slice(0, 1), b"\x00" * nbytes)), after_image(s)])
        w.write(f"{i}-{fmt}", structure=describe(s, readonly), steps=steps)
        m.release()


# ---- cast -----------------------------------------------------------------------------------------------------------

CAST_FORMATS = list(NATIVE) + ["e", "@i", "@B", "<i", "=B", "ii", "2i", "x", "s", "g", ""]


def cast_summary(v):
    return {"format": v.format, "itemsize": v.itemsize, "ndim": v.ndim, "shape": list(v.shape),
            "strides": list(v.strides), "readonly": v.readonly, "c_contiguous": v.c_contiguous,
            "f_contiguous": v.f_contiguous, "tolist": out(v.tolist)}


def format_size(fmt):
    try:
        return struct.calcsize(fmt)
    except struct.error:
        return 0


def apply_chain(m, chain):
    """Applies ``[["cast", format, shape or None] | ["slice", start, stop, step], ...]`` to a view."""
    for op in chain:
        if op[0] == "cast":
            m = m.cast(op[1]) if op[2] is None else m.cast(op[1], op[2])
        else:
            m = m[op[1]:op[2]:op[3]]
    return m


def cast_case(w, case_id, r, chain):
    w.write(case_id, structure=r.description, chain=chain, result=raw(lambda: cast_summary(apply_chain(r.view, chain))))


def cast_cases(w):
    random.seed(SEED + 2)
    bases = []
    for fmt, values, shape in [("B", list(range(24)), [24]), ("b", [i - 12 for i in range(24)], [2, 3, 4]),
                               ("c", [bytes([65 + i]) for i in range(8)], [8]), ("h", list(range(6)), [2, 3]),
                               ("i", [1, -2, 3], [3]), ("d", [1.5, -0.0, float("nan")], [3]),
                               ("B", [7], []), ("B", [], [0]), ("ii", [(1, 2), (3, 4)], [2]), ("@B", [1, 2, 3, 4], [4])]:
        name = f"{fmt}-{'x'.join(map(str, shape)) or 'scalar'}"
        bases.append((name, contiguous_raw(fmt, values, shape, readonly=fmt != "h")))
    bases.append(("B-fortran-2x3", raw_bytes("B", 1, bytes(range(6)), [2, 3], fortran=True)))
    bases.append(("B-strided", RawView(bytes(range(12)), 0, "B", 1, [6], [2])))
    bases.append(("B-2x0", RawView(b"", 0, "B", 1, [2, 0], [0, 1])))
    fixed = [None, [], [2, 2, 2]]
    rare = [[0], [-1], [1] * 65]
    generated = [s for s in gencastshapes()]
    n = 0
    for name, r in bases:
        nbytes = r.view.nbytes
        for fmt in CAST_FORMATS:
            size = format_size(fmt)
            for shape in fixed + rare + generated:
                fits = shape is not None and size and math.prod(shape) * size == nbytes
                if shape in rare and fmt not in "Bi":
                    continue
                if shape not in fixed + rare and not fits and random.randrange(16):
                    continue
                cast_case(w, f"{n}-{name}-{fmt or 'empty'}", r, [["cast", fmt, shape]])
                n += 1
    # pep3118-cpython.md 4.9.
    b = raw_bytes("B", 1, bytes(range(24)), [24], readonly=False)
    for i, chain in enumerate([
            [["cast", "i", [2, 3]]],
            [["cast", "i", None], ["cast", "h", None]],
            [["cast", "i", None], ["cast", "c", None], ["cast", "h", None]],
            [["cast", "B", [2, 3, 4]], ["cast", "i", None]],
            [["cast", "B", [2, 3, 4]], ["cast", "B", [4, 6]]],
            [["slice", None, 1, None], ["cast", "B", [1] * 64]],
            [["slice", None, 4, None], ["cast", "i", []]],
            [["slice", None, 4, None], ["cast", "i", []], ["cast", "B", None]],
            [["slice", None, 4, None], ["cast", "i", []], ["cast", "B", [4]]],
            [["slice", None, 4, None], ["cast", "i", []], ["cast", "i", []]],
            [["slice", None, 5, None], ["cast", "i", None]],
            [["slice", None, None, -1], ["cast", "B", None]],
            [["slice", 0, 0, None], ["cast", "i", None]],
            [["slice", 0, 0, None], ["cast", "i", [0]]],
            [["cast", "@i", None]],
            [["cast", "\u00e9", None]]]):
        cast_case(w, f"hand-{i}", b, chain)


# ---- equality -------------------------------------------------------------------------------------------------------

def equality_case(w, case_id, left, right):
    lv = left.view
    rv = right.view if isinstance(right, RawView) or hasattr(right, "view") else right
    rdesc = right.description if hasattr(right, "description") else (
        {"bytes": right.hex()} if isinstance(right, bytes) else {"str": right})
    w.write(case_id, left=left.description, right=rdesc, equal=raw(lambda: lv == rv),
            self_equal=raw(lambda: lv == lv))


class NdView:
    """A _testbuffer structure with the description gen_copies gives it, viewed by a memoryview."""

    def __init__(self, s, readonly=True):
        self.s = s
        self.view = memoryview(s.nd)
        self.description = describe(s, readonly)


def equality_cases(w):
    random.seed(SEED + 3)
    hand = [
        ("B-vs-b-negative", contiguous_raw("B", [1, 2, 255]), contiguous_raw("b", [1, 2, -1])),
        ("B-vs-b-equal", contiguous_raw("B", [1, 2, 3]), contiguous_raw("b", [1, 2, 3])),
        ("i-vs-l", contiguous_raw("i", [1, 2]), contiguous_raw("l", [1, 2])),
        ("d-vs-i", contiguous_raw("d", [1.0, 2.0]), contiguous_raw("i", [1, 2])),
        ("f-vs-d-0.1", contiguous_raw("f", [0.1]), contiguous_raw("d", [0.1])),
        ("d-nan", contiguous_raw("d", [float("nan")]), contiguous_raw("d", [float("nan")])),
        ("d-minus-zero", contiguous_raw("d", [-0.0]), contiguous_raw("d", [0.0])),
        ("C-vs-F", raw_bytes("B", 1, bytes([0, 3, 1, 4, 2, 5]), [2, 3]), raw_bytes("B", 1, bytes(range(6)), [2, 3], fortran=True)),
        ("2x3-vs-3x2", raw_bytes("B", 1, bytes(range(6)), [2, 3]), raw_bytes("B", 1, bytes(range(6)), [3, 2])),
        ("little-vs-big", contiguous_raw("<i", [1]), contiguous_raw(">i", [1])),
        ("Lf5s-vs-hf5s", contiguous_raw("Lf5s", [(1, 2.5, b"ab")]), contiguous_raw("hf5s", [(1, 2.5, b"ab")])),
        ("2i-vs-ii", contiguous_raw("2i", [(1, 2)]), contiguous_raw("ii", [(1, 2)])),
        ("3s-vs-ccc", contiguous_raw("3s", [b"abc"]), contiguous_raw("ccc", [(b"a", b"b", b"c")])),
        ("c-vs-B", contiguous_raw("c", [b"a"]), contiguous_raw("B", [97])),
        ("bool-vs-B", contiguous_raw("?", [True, False]), contiguous_raw("B", [1, 0])),
        ("bxb-pad", RawView(bytes([1, 9, 2]), 0, "bxb", 3, [1], [3]), RawView(bytes([1, 7, 2]), 0, "bxb", 3, [1], [3])),
        ("T-struct-self", RawView(bytes(16), 0, "T{<q:x:<q:y:}", 16, [1], [16]), RawView(bytes(16), 0, "T{<q:x:<q:y:}", 16, [1], [16])),
        ("w-self", RawView(b"a\0\0\0", 0, "w", 4, [1], [4]), RawView(b"a\0\0\0", 0, "w", 4, [1], [4])),
        ("Zd-self", RawView(bytes(16), 0, "Zd", 16, [1], [16]), RawView(bytes(16), 0, "Zd", 16, [1], [16])),
        ("e-vs-f", contiguous_raw("e", [1.5]), contiguous_raw("f", [1.5])),
        ("P-vs-Q", contiguous_raw("P", [2**63 + 5]), contiguous_raw("Q", [2**63 + 5])),
        ("Q-vs-d-2**64", contiguous_raw("Q", [2**64 - 1]), contiguous_raw("d", [float(2**64)])),
        ("q-vs-d-2**53+1", contiguous_raw("q", [2**53 + 1]), contiguous_raw("d", [float(2**53)])),
        ("empty-0x2-vs-0x5", RawView(b"", 0, "B", 1, [0, 2], [2, 1]), RawView(b"", 0, "B", 1, [0, 5], [5, 1])),
        ("empty-2x0-vs-3x0", RawView(b"", 0, "B", 1, [2, 0], [0, 1]), RawView(b"", 0, "B", 1, [3, 0], [0, 1])),
        ("scalar-vs-1d", RawView(b"\x01", 0, "B", 1, [], []), RawView(b"\x01", 0, "B", 1, [1], [1])),
        ("at-i-vs-i", contiguous_raw("@i", [5]), contiguous_raw("i", [5])),
        ("g-self", RawView(bytes(16), 0, "g", 16, [1], [16]), RawView(bytes(16), 0, "g", 16, [1], [16])),
    ]
    for name, left, right in hand:
        equality_case(w, name, left, right)
    equality_case(w, "bytes-equal", contiguous_raw("B", list(b"abc")), b"abc")
    equality_case(w, "bytes-c-format", contiguous_raw("c", [b"a", b"b"]), b"ab")
    equality_case(w, "str", contiguous_raw("B", list(b"abc")), "abc")
    # PIL against C, random layouts of equal values, and single differences.
    items = list(range(12))
    equality_case(w, "pil-vs-c", NdView(Structure("h", (24, 2, 2, [3, 4], [8, 2], 0), pil=True, items=items)),
                  contiguous_raw("h", items, [3, 4]))
    for i in range(120):
        fmt = RANDOM_FORMATS[i % len(RANDOM_FORMATS)]
        s, readonly = random_structure(fmt)
        left = NdView(s, readonly)
        shape = list(s.nd.shape)
        flat = flatten(s.nd.tolist(), len(shape))
        st = struct.Struct(fmt)
        if random.randrange(3) == 0 and flat:
            k = random.randrange(len(flat))
            flat[k] = random_items(fmt, 1)[0]
        fortran = len(shape) > 1 and random.randrange(2) == 0
        ordered = fortran_order(flat, shape) if fortran else flat
        data = b"".join(st.pack(*(v if isinstance(v, tuple) else (v,))) for v in ordered)
        right = raw_bytes(fmt, st.size, data, shape, fortran=fortran)
        equality_case(w, f"random-{i}-{fmt}", left, right)
        # The same bytes under another format of the same size.
        other_fmt = {"B": "b", "b": "B", "h": "H", "H": "h", "i": "I", "I": "f", "f": "i", "q": "d", "d": "q",
                     "l": "L", "L": "Q", "Q": "l", "c": "B", "?": "B", "n": "N", "N": "n", "P": "Q"}.get(fmt)
        d = left.description
        if other_fmt and not d["pil"]:
            r = RawView(bytes.fromhex(d["memory"]), d["offset"], other_fmt, d["itemsize"], d["shape"], d["strides"])
            equality_case(w, f"random-{i}-{fmt}-as-{other_fmt}", left, r)


def flatten(values, ndim):
    if ndim == 0:
        return [values]
    for _ in range(ndim - 1):
        values = [x for row in values for x in row]
    return list(values)


def fortran_order(flat, shape):
    """The items of a C-ordered flat list in Fortran memory order."""
    import itertools
    c_strides = [math.prod(shape[i + 1:]) for i in range(len(shape))]
    return [flat[sum(i * s for i, s in zip(reversed(idx), c_strides))]
            for idx in itertools.product(*[range(e) for e in reversed(shape)])]


# ---- lifetime -------------------------------------------------------------------------------------------------------

# Each script is a list of steps; names refer to objects made by earlier steps.
LIFETIME_SCRIPTS = {
    "shared-acquisition": [
        ["bytearray", "b", "616263"], ["view", "m1", "b"], ["slice", "m2", "m1", [1, None, None]],
        ["view", "m3", "m1"], ["append", "b", 1], ["release", "m1"], ["append", "b", 1], ["tobytes", "m2"],
        ["tobytes", "m1"], ["release", "m2"], ["append", "b", 1], ["release", "m3"], ["append", "b", 1],
        ["release", "m3"], ["tobytes", "m3"]],
    "reexport-blocks-release": [
        ["bytearray", "b", "616263"], ["view", "m", "b"], ["reexport", "e", "m", PyBUF_FULL_RO], ["release", "m"],
        ["tobytes", "m"], ["drop", "e"], ["release", "m"], ["tobytes", "m"], ["append", "b", 1]],
    "two-reexports": [
        ["bytearray", "b", "6162636465"], ["view", "m", "b"], ["reexport", "e1", "m", PyBUF_FULL_RO],
        ["reexport", "e2", "m", _testbuffer.PyBUF_SIMPLE], ["release", "m"], ["drop", "e1"], ["release", "m"],
        ["drop", "e2"], ["release", "m"]],
    "reexport-of-slice": [
        ["bytearray", "b", "616263646566"], ["view", "m", "b"], ["slice", "s", "m", [None, None, 2]],
        ["reexport", "e", "s", _testbuffer.PyBUF_SIMPLE], ["reexport", "e", "s", _testbuffer.PyBUF_STRIDES],
        ["release", "m"], ["append", "b", 1], ["release", "s"], ["drop", "e"], ["release", "s"], ["append", "b", 1]],
    "readonly-twin": [
        ["bytearray", "b", "616263"], ["view", "m", "b"], ["toreadonly", "r", "m"], ["setitem", "r", 0, 120],
        ["setitem", "m", 0, 120], ["tobytes", "r"], ["reexport", "e", "r", _testbuffer.PyBUF_WRITABLE],
        ["release", "r"], ["tobytes", "m"], ["release", "m"], ["append", "b", 1]],
    "released-operations": [
        ["bytes", "b", "616263"], ["view", "m", "b"], ["hash", "m"], ["release", "m"], ["hash", "m"],
        ["tobytes", "m"], ["tolist", "m"], ["nbytes", "m"], ["getitem", "m", 0], ["slice", "s", "m", [1, None, None]],
        ["cast", "c", "m", "B"], ["toreadonly", "r", "m"], ["view", "v", "m"], ["equal", "m", "m"],
        ["reexport", "e", "m", PyBUF_FULL_RO], ["release", "m"], ["hex", "m"], ["len", "m"]],
    "released-equality": [
        ["bytes", "b", "616263"], ["view", "m1", "b"], ["view", "m2", "b"], ["equal", "m1", "m2"],
        ["release", "m1"], ["equal", "m1", "m1"], ["equal", "m1", "m2"], ["equal", "m2", "m1"]],
    "hash-before-release": [
        ["bytes", "b", "61"], ["view", "m", "b"], ["hash", "m"], ["release", "m"], ["hash", "m"]],
    "writable-hash": [
        ["bytearray", "b", "61"], ["view", "m", "b"], ["hash", "m"], ["toreadonly", "r", "m"], ["cast", "c", "r", "B"]],
    "cast-shares": [
        ["bytearray", "b", "0102030405060708"], ["view", "m", "b"], ["cast", "c", "m", "i"], ["release", "m"],
        ["append", "b", 1], ["tobytes", "c"], ["release", "c"], ["append", "b", 1]],
    "with-statement": [
        ["bytearray", "b", "616263"], ["with", "m", "b", []], ["tobytes", "m"], ["append", "b", 1],
        ["with", "m2", "b", [["reexport", "e", "m2", PyBUF_FULL_RO]]], ["drop", "e"], ["release", "m2"],
        ["append", "b", 1]],
}


def lifetime_case(w, name, script):
    objects = {}
    steps = []
    for step in script:
        op = step[0]
        def run(step=step, op=op):
            o = objects
            if op == "bytearray":
                o[step[1]] = bytearray(bytes.fromhex(step[2]))
            elif op == "bytes":
                o[step[1]] = bytes.fromhex(step[2])
            elif op == "view":
                o[step[1]] = memoryview(o[step[2]])
            elif op == "slice":
                o[step[1]] = o[step[2]][slice(*step[3])]
            elif op == "toreadonly":
                o[step[1]] = o[step[2]].toreadonly()
            elif op == "cast":
                o[step[1]] = o[step[2]].cast(step[3])
            elif op == "reexport":
                o[step[1]] = ndarray(o[step[2]], getbuf=step[3])
            elif op == "drop":
                del o[step[1]]
                gc.collect()
            elif op == "release":
                return o[step[1]].release()
            elif op == "append":
                return o[step[1]].append(step[2])
            elif op == "tobytes":
                return o[step[1]].tobytes().hex()
            elif op == "tolist":
                return o[step[1]].tolist()
            elif op == "hex":
                return o[step[1]].hex()
            elif op == "len":
                return len(o[step[1]])
            elif op == "nbytes":
                return o[step[1]].nbytes
            elif op == "getitem":
                return o[step[1]][step[2]]
            elif op == "setitem":
                o[step[1]][step[2]] = step[3]
            elif op == "hash":
                return isinstance(hash(o[step[1]]), int)
            elif op == "equal":
                return o[step[1]] == o[step[2]]
            elif op == "with":
                with memoryview(o[step[2]]) as m:
                    o[step[1]] = m
                    for inner in step[3]:
                        o[inner[1]] = ndarray(o[inner[2]], getbuf=inner[3])
            return None
        steps.append([step, out(run)])
    w.write(name, steps=steps)


def lifetime_cases(w):
    for name, script in LIFETIME_SCRIPTS.items():
        lifetime_case(w, name, script)


# ---- requests -------------------------------------------------------------------------------------------------------

def request_cases(w):
    random.seed(SEED + 4)
    structures = []
    for i in range(24):
        fmt = ["B", "i", "h", "d", "ii"][i % 5]
        structures.append(random_structure(fmt, readonly=i % 2 == 0, pil=i % 6 == 5))
    structures.append((Structure("i", (24, 4, 2, [2, 3], [12, 4], 0), readonly=True, items=list(range(6))), True))
    structures.append((Structure("h", (24, 2, 2, [1, 3], [100, 2], 0), readonly=True, items=list(range(12))), True))
    for i, (s, readonly) in enumerate(structures):
        rows = []
        for name in BASE_REQUESTS:
            for extra in (0, _testbuffer.PyBUF_WRITABLE, _testbuffer.PyBUF_FORMAT):
                flags = getattr(_testbuffer, name) | extra
                def make(flags=flags):
                    v = ndarray(s.nd, getbuf=flags).memoryview_from_buffer()
                    return {"format": v.format, "itemsize": v.itemsize, "ndim": v.ndim, "shape": list(v.shape),
                            "strides": list(v.strides), "suboffsets": list(v.suboffsets), "nbytes": v.nbytes,
                            "readonly": v.readonly, "tobytes": v.tobytes().hex()}
                rows.append([flags, raw(make)])
        w.write(f"{i}-{s.fmt}", structure=describe(s, readonly), requests=rows)


# ---- N-d slicing against _testbuffer.ndarray ------------------------------------------------------------------------

def random_triple(n, allow_zero_step=False):
    step = random.choice([None, 1, 1, 2, 3, -1, -1, -2, -3] + ([0] if allow_zero_step else []))
    start = random.choice([None, random.randrange(-n - 2, n + 3)])
    stop = random.choice([None, random.randrange(-n - 2, n + 3)])
    return [start, stop, step]


def nd_summary(v):
    return {"shape": list(v.shape), "strides": list(v.strides), "suboffsets": list(v.suboffsets), "tolist": enc(v.tolist())}


def squeeze(lst, dims, ndim):
    """Removes the dimensions in ``dims`` (each of extent 1) from a nested list of ``ndim`` levels."""
    def rec(x, d):
        if d == ndim:
            return x
        if d in dims:
            return rec(x[0], d + 1) if x else x
        return [rec(y, d + 1) for y in x]
    return rec(lst, 0)


def ndarray_cases(w):
    random.seed(SEED + 5)
    formats = ["B", "h", "i", "d", "q", "?", "c", "bhd", "<i", "ii"]
    for i in range(150):
        fmt = formats[i % len(formats)]
        s, _ = random_structure(fmt, maxdim=3, maxshape=4, readonly=False)
        nd = s.nd
        if nd.ndim == 0:
            continue
        shape = list(nd.shape)
        before = describe(s, False)
        slices = []
        for k in range(7):
            key = [random_triple(e, allow_zero_step=k == 6) for e in shape]
            slices.append([key, raw(lambda: nd_summary(nd[tuple(slice(*t) for t in key)]))])
        # A sub-view for ndim > 1; an item for 1-D.
        subviews = [[j, raw(lambda: nd_summary(nd[j]) if nd.ndim > 1 else enc(nd[j]))] for j in (0, -1, shape[0])]
        mixed = []
        for _ in range(3):
            key = []
            dims = set()
            for d, e in enumerate(shape):
                if e and random.randrange(2):
                    key.append({"index": random.randrange(-e, e)})
                    dims.add(d)
                else:
                    key.append(random_triple(e))
            def select(key=key, dims=dims):
                real = tuple(slice(k["index"] % shape[d], k["index"] % shape[d] + 1) if isinstance(k, dict) else slice(*k)
                             for d, k in enumerate(key))
                v = nd[real]
                return {"shape": [x for d, x in enumerate(v.shape) if d not in dims],
                        "tolist": enc(squeeze(v.tolist(), dims, nd.ndim))}
            mixed.append([key, raw(select)])
        assign = []
        for k in range(4):
            key = [random_triple(e) for e in shape]
            target = nd[tuple(slice(*t) for t in key)]
            tshape = list(target.shape)
            if k == 3:
                tshape = tshape[:-1] + [tshape[-1] + 1]
            items = random_items(fmt, max(math.prod(tshape), 1))
            def store(key=key, tshape=tshape, items=items):
                rvalue = ndarray(items if tshape else items[0], shape=tshape, format=fmt)
                nd[tuple(slice(*t) for t in key)] = rvalue
            outcome = raw(store)
            assign.append([key, {"items": enc(items), "shape": tshape}, outcome, enc(nd.tolist())])
        # An overlapping selection of the same array, copied first (_testbuffer's own copy is not overlap-safe).
        key = [[None, None, -1]] + [[None, None, None]] * (nd.ndim - 1)
        def store_self(key=key):
            source = nd[tuple(slice(*t) for t in key)]
            copy = ndarray(flatten(source.tolist(), source.ndim), shape=list(source.shape), format=fmt) \
                if 0 not in source.shape else source
            nd[tuple(slice(None) for _ in shape)] = copy
        assign.append([[[None, None, None]] * nd.ndim, {"self": key}, raw(store_self), enc(nd.tolist())])
        w.write(f"{i}-{fmt}", structure=before, slices=slices, subviews=subviews, mixed=mixed, assign=assign)


# ---- records against NumPy ------------------------------------------------------------------------------------------

RECORD_DTYPES = [
    [("a", "<i4"), ("b", "<f8")],
    np.dtype([("a", "<i4"), ("b", "<f8")], align=True),
    [("x", "u1"), ("p", "u1", (2, 3))],
    [("s", "S5"), ("u", "U3"), ("flag", "?")],
    [("inner", [("x", "<i2"), ("y", ">i2")]), ("z", "<f4")],
    [("c", "<c16"), ("h", "<f2")],
    ">i4", "<f2", ">f8", "<c8", "?", "S4", "U2", "<i8", ">u2", "g",
    [("a", ">f4"), ("b", "<u2", (2,)), ("c", "i1")],
]


def numpy_values(dtype, n):
    # Over a bytearray, so that padding bytes are random too and stay as generated (a copy may skip them).
    a = np.frombuffer(bytearray(random.randbytes(np.dtype(dtype).itemsize * n)), dtype=dtype)
    # Tame the random bytes: strings ASCII, bools 0/1, unicode code points small.
    def fix(arr, dt):
        if dt.fields:
            for name in dt.names:
                fix(arr[name], dt.fields[name][0])
        elif dt.subdtype:
            fix(arr, dt.subdtype[0])
        elif dt.kind == "S":
            arr[...] = np.vectorize(lambda _: bytes(random.randrange(97, 123) for _ in range(random.randrange(dt.itemsize + 1))),
                                    otypes=[dt])(arr)
        elif dt.kind == "U":
            arr[...] = np.vectorize(lambda _: "".join(chr(random.randrange(97, 1200)) for _ in range(random.randrange(dt.itemsize // 4 + 1))),
                                    otypes=[dt])(arr)
        elif dt.kind == "b":
            arr[...] = np.array([random.randrange(2) for _ in range(arr.size)]).reshape(arr.shape)
        elif dt.kind == "f" and dt.itemsize > 8:
            arr[...] = np.array([random.uniform(-1e6, 1e6) for _ in range(arr.size)]).reshape(arr.shape)
    fix(a, a.dtype)
    return a


def records_cases(w):
    random.seed(SEED + 6)
    for i, spec in enumerate(RECORD_DTYPES):
        dtype = np.dtype(spec)
        for layout in ("1d", "strided", "2d"):
            base = numpy_values(dtype, 6)
            if layout == "1d":
                a = base
                offset, memory = 0, base.tobytes()
            elif layout == "strided":
                a = base[::-2]
                offset, memory = (len(base) - 1) * dtype.itemsize, base.tobytes()
            else:
                a = base.reshape(2, 3)
                offset, memory = 0, base.tobytes()
            m = memoryview(a)
            structure = {"format": m.format, "itemsize": m.itemsize, "memory": memory.hex(), "offset": offset,
                         "shape": list(a.shape), "strides": list(a.strides), "pil": False, "readonly": True}
            fields = []
            for name in dtype.names or ():
                f = a[name]
                fields.append([name, {"format": memoryview(f).format, "shape": list(f.shape),
                                      "strides": list(f.strides), "tolist": enc(f.tolist())}])
            try:
                self_equal = bool((a == a).all())
            except Exception:  # noqa: BLE001 - NumPy cannot compare every dtype
                self_equal = None
            w.write(f"{i}-{layout}", dtype=str(dtype), structure=structure, tolist=enc(a.tolist()), fields=fields,
                    self_equal=self_equal, cpython_tolist=out(m.tolist), cpython_self_equal=raw(lambda: m == m))


# ---- slice_indices --------------------------------------------------------------------------------------------------

def slice_index_cases(w):
    for n in range(6):
        values = [None] + list(range(-n - 2, n + 3))
        rows = []
        for a in values:
            for b in values:
                for c in values + [2**63 - 1, -2**63]:
                    rows.append([a, b, c, raw(lambda: list(slice_indices(slice(a, b, c), n)))])
        rows.append([-2**63, 2**63 - 1, -1, raw(lambda: list(slice_indices(slice(-2**63, 2**63 - 1, -1), n)))])
        w.write(f"n{n}", n=n, rows=rows)


# Each suite: its name (also its file, NAME.jsonl) and the function that writes its cases.
SUITES = [
    ("memoryview", memoryview_cases),
    ("memoryview-assign", assign_cases),
    ("memoryview-cast", cast_cases),
    ("memoryview-equality", equality_cases),
    ("memoryview-lifetime", lifetime_cases),
    ("memoryview-requests", request_cases),
    ("memoryview-ndarray", ndarray_cases),
    ("memoryview-records", records_cases),
    ("slice-indices", slice_index_cases),
]


def generate(out_dir):
    for suite, write_cases in SUITES:
        with CaseWriter(out_dir, f"{suite}.jsonl", suite) as w:
            write_cases(w)
