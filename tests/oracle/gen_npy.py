"""NumPy 1.24's .npy files, __array_interface__ dicts and DLPack exports, as expected values for the interop code.

Three suites:

* ``npy`` (npy.jsonl): ``np.save`` of small arrays over a dtype x shape x order matrix (C, Fortran, transposed,
  sliced), plus headers that need format 2.0 (long) and 3.0 (non-latin-1 names). Each case gives the array as memory
  (``memory`` hex of the block it lives in, ``offset``, ``shape``, ``strides``, ``itemsize``), the dtype (``typestr``,
  ``descr`` as ``numpy.lib.format`` writes it), ``format`` (outcome of ``memoryview(array).format``), the file
  (``file`` hex of ``np.save``'s bytes, ``fortran_order``, ``data_offset``), the items in C order (``c_data`` hex) and
  the strides ``np.load(mmap_mode='r')`` gives (``load_strides``). C# must read NumPy's files and write the same bytes.
* ``array-interface`` (array-interface.jsonl): ``kind: "array"`` cases give ``__array_interface__`` (``typestr``,
  ``descr`` repr, ``shape``, ``strides``, ``readonly``) next to ``memoryview(array).format`` and ``itemsize``;
  ``kind: "typestr"`` cases give what ``np.dtype(typestr)`` makes of a typestr (``str`` and ``itemsize``, or the error).
* ``npz`` (npz.jsonl): ``np.savez`` and ``np.savez_compressed`` archives written to a seekable stream and to one that
  cannot seek (``file`` hex, ``compressed``, ``seekable``; NumPy dates every member 1980-01-01, so the bytes are
  deterministic)
  and, per member, ``name``, ``descr``, ``fortran_order``, the items in C order (``c_data`` hex), the member's own
  bytes (``npy`` hex, what ``np.save`` writes) and the array as memory, like ``npy``.
* ``dlpack-numpy`` (dlpack-numpy.jsonl): ``ndarray.__dlpack__()`` of arrays over the dtype matrix and layouts of
  interop-protocols §5.5, decoded through ctypes: ``export`` is ``{code, bits, lanes, ndim, shape, strides (elements,
  null for NULL), byte_offset, device}`` or the error; each case also gives the array as memory, like ``npy``.
"""
import ctypes
import io
import os
import tempfile
import warnings

import numpy as np
from numpy.lib import format as npformat

from oracle_common import CaseWriter, outcome

SIMPLE_DTYPES = ["|b1", "|i1", "|u1", "<i2", ">i2", "<u2", "<i4", ">i4", "<u4", "<i8", ">i8", "<u8",
                 "<f2", ">f2", "<f4", ">f4", "<f8", ">f8", "<f16", "<c8", "<c16", ">c16", "<c32",
                 "|S5", "<U3", ">U2", "|V4"]

STRUCTURED_DTYPES = {
    "packed": np.dtype([("a", "<i4"), ("b", "<f8")]),
    "aligned": np.dtype([("a", "<i4"), ("b", "<f8")], align=True),
    "aligned_u1_f8": np.dtype([("a", "u1"), ("b", "<f8")], align=True),
    "mixed_order": np.dtype([("x", ">i2"), ("y", "<i2"), ("z", "i2")]),
    "nested_subarray": np.dtype([("p", [("q", "u1"), ("r", ">f4")]), ("s", "<i2", (2, 3))]),
    "offsets_padding": np.dtype({"names": ["x"], "formats": ["<i4"], "offsets": [4], "itemsize": 12}),
    "offsets_gap": np.dtype({"names": ["a", "b"], "formats": ["u1", "<i4"], "offsets": [0, 8], "itemsize": 16}),
    "strings": np.dtype([("s", "S3"), ("u", "<U2")]),
    "void_field": np.dtype([("v", "V3"), ("w", "u1")]),
    "subarray_of_struct": np.dtype([("a", [("x", "<i2"), ("y", "<i2")], (2,)), ("b", ("<f4", (2,)), (3,))]),
    "complex_bool": np.dtype([("h", "<f2"), ("z", "<c8"), ("t", "?")], align=True),
    "longdouble_field": np.dtype([("c", "u1"), ("g", "<f16")]),
    "titles": np.dtype({"names": ["a"], "formats": ["<i4"], "titles": ["Title A"]}),
    "non_latin1_name": np.dtype([("é", "<i4"), ("名", "<f4")]),
    "quote_name": np.dtype([("it's", "<i2")]),
}


def raw_array(dtype, shape):
    """Deterministic contents: the bytes 0, 1, 2, ... (mod 251), so that padding and exotic values round-trip raw."""
    n = int(np.prod(shape)) if len(shape) else 1
    raw = bytes((i * 7 + 3) % 251 for i in range(n * dtype.itemsize))
    return np.frombuffer(bytearray(raw), dtype=dtype).reshape(shape)


def layouts(base):
    """(name, array) pairs viewing ``base`` (C-contiguous, ndim >= 1) in several orders."""
    out = [("c", base)]
    if base.ndim >= 2:
        out.append(("fortran", np.asfortranarray(base)))
        out.append(("transposed", base.T))
    if base.ndim >= 1 and base.shape[0] > 1:
        out.append(("sliced", base[::2]))
    if base.ndim >= 2 and base.shape[-1] > 1:
        out.append(("reversed", base[..., ::-1]))
    return out


def memory_of(a):
    """The block an array lives in (its root base's bytes in memory order), and the array's offset in it."""
    root = a
    while isinstance(root.base, np.ndarray):
        root = root.base
    assert root.flags.c_contiguous or root.flags.f_contiguous
    start = root.__array_interface__["data"][0]
    return root.tobytes("C" if root.flags.c_contiguous else "F").hex(), a.__array_interface__["data"][0] - start


def array_fields(a):
    memory, offset = memory_of(a)
    return dict(memory=memory, offset=offset, shape=list(a.shape), strides=list(a.strides), itemsize=a.itemsize,
                typestr=a.dtype.str, readonly=not a.flags.writeable, format=outcome(lambda: memoryview(a).format))


def saved(a):
    f = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.save(f, a)
    return f.getvalue()


def load_strides(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "a.npy")
        with open(path, "wb") as f:
            f.write(data)
        m = np.load(path, mmap_mode="r", max_header_size=1 << 20)
        strides = list(m.strides)
        del m
    return strides


def npy_case(a):
    data = saved(a)
    f = io.BytesIO(data)
    major, minor = npformat.read_magic(f)
    shape, fortran, dtype = npformat._read_array_header(f, (major, minor), max_header_size=1 << 20)
    return dict(array_fields(a), descr=repr(npformat.dtype_to_descr(a.dtype)), file=data.hex(), version=[major, minor],
                fortran_order=fortran, data_offset=f.tell(), c_data=a.tobytes("C").hex(), load_strides=load_strides(data))


def write_npy(out_dir):
    with CaseWriter(out_dir, "npy.jsonl", "npy") as w:
        for name in SIMPLE_DTYPES:
            dt = np.dtype(name)
            shapes = [(2, 3)] if name not in ("<f8", "|u1", ">i4", "<U3") else [(), (0,), (5,), (2, 3), (2, 3, 4), (3, 0, 2), (1, 1)]
            for shape in shapes:
                base = raw_array(dt, shape)
                views = [("c", base)] if len(shape) == 0 else layouts(base)
                for order, a in views:
                    w.write(f"{name}_{'x'.join(map(str, shape)) or 'scalar'}_{order}", dtype=name, **npy_case(a))
        for name, dt in STRUCTURED_DTYPES.items():
            for order, a in layouts(raw_array(dt, (2, 3))):
                if order == "reversed":
                    continue  # np.save copies it first, leaving the padding bytes uninitialised
                w.write(f"struct_{name}_{order}", dtype=repr(dt), **npy_case(a))
        # A header longer than 65535 bytes needs format 2.0.
        wide = np.dtype([("field%05d" % i, "u1") for i in range(4000)])
        w.write("struct_wide_header_v2", dtype="4000 u1 fields", **npy_case(raw_array(wide, (1,))))
        # Headers that only just fit or overflow a 64-byte boundary, and the growth-axis padding for long extents.
        for n in (1, 9, 10, 99, 100, 12345678901):
            a = raw_array(np.dtype("<i2"), (n,)) if n <= 100 else np.zeros((n, 0), "<i2")
            w.write(f"extent_{n}", dtype="<i2", **npy_case(a))
        for n in range(1, 12):
            dt = np.dtype([("n" * n, "u1")])
            w.write(f"header_length_{n}", dtype=repr(dt), **npy_case(raw_array(dt, (2,))))


def write_array_interface(out_dir):
    with CaseWriter(out_dir, "array-interface.jsonl", "array-interface") as w:
        arrays = []
        for name in SIMPLE_DTYPES:
            arrays.append((name, raw_array(np.dtype(name), (2, 3))))
        for name, dt in STRUCTURED_DTYPES.items():
            arrays.append((name, raw_array(dt, (2, 3))))
        arrays.append(("f8_transposed", raw_array(np.dtype("<f8"), (2, 3)).T))
        arrays.append(("i4_sliced", raw_array(np.dtype("<i4"), (6, 4))[::2, 1::2]))
        arrays.append(("f8_scalar", raw_array(np.dtype("<f8"), ())))
        ro = raw_array(np.dtype("<i8"), (4,))
        ro.setflags(write=False)
        arrays.append(("i8_readonly", ro))
        arrays.append(("datetime", np.zeros(3, "<M8[ns]")))
        arrays.append(("timedelta", np.zeros(3, "<m8[s]")))
        arrays.append(("object", np.array([None, 1], dtype=object)))
        for name, a in arrays:
            ai = a.__array_interface__
            w.write(f"array_{name}", kind="array", typestr=ai["typestr"], descr=repr(ai["descr"]), shape=list(ai["shape"]),
                    strides=None if ai["strides"] is None else list(ai["strides"]), readonly=ai["data"][1],
                    version=ai["version"], itemsize=a.itemsize, format=outcome(lambda: memoryview(a).format),
                    keys=sorted(ai))
        typestrs = ["<i4", "i4", "=i4", ">i4", "|i4", "<u1", "<b1", "|b1", "<f2", "<c16", "<V8", "|V0", "<M8[ns]", "<M8",
                    "<m8[us]", "|O", "|O8", "|S0", "|S5", "<U3", ">U1", "<f16", "<g", ">c32", "<q", "d", "?", "b", "B",
                    "h", "H", "i", "I", "l", "L", "q", "Q", "e", "f", "g", "F", "D", "G", "O", "<t8", "|i3", "<x8",
                    "<f3", "<c4", "|u16", "", "<", "!i2", "a5", "<i0", "|V12"]
        for t in typestrs:
            w.write(f"typestr_{t or 'empty'}", kind="typestr", typestr=t,
                    result=outcome(lambda: {"str": np.dtype(t).str, "itemsize": np.dtype(t).itemsize,
                                            "kind": np.dtype(t).kind}))


class DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class DLTensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("device", DLDevice), ("ndim", ctypes.c_int32), ("dtype", DLDataType),
                ("shape", ctypes.POINTER(ctypes.c_int64)), ("strides", ctypes.POINTER(ctypes.c_int64)),
                ("byte_offset", ctypes.c_uint64)]


class DLManagedTensor(ctypes.Structure):
    _fields_ = [("dl_tensor", DLTensor), ("manager_ctx", ctypes.c_void_p), ("deleter", ctypes.c_void_p)]


_get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_get_pointer.restype = ctypes.c_void_p
_get_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]


def decode_dlpack(a):
    capsule = a.__dlpack__()
    m = DLManagedTensor.from_address(_get_pointer(capsule, b"dltensor"))
    t = m.dl_tensor
    result = {"code": t.dtype.code, "bits": t.dtype.bits, "lanes": t.dtype.lanes, "ndim": t.ndim,
              "shape": [t.shape[i] for i in range(t.ndim)],
              "strides": None if not t.strides else [t.strides[i] for i in range(t.ndim)],
              "byte_offset": t.byte_offset, "device": [t.device.device_type, t.device.device_id],
              "data_is_array_data": t.data == a.__array_interface__["data"][0]}
    del capsule  # the capsule's destructor calls NumPy's deleter
    return result


def write_dlpack(out_dir):
    with CaseWriter(out_dir, "dlpack-numpy.jsonl", "dlpack-numpy") as w:
        arrays = []
        for name in SIMPLE_DTYPES:
            arrays.append((name, raw_array(np.dtype(name), (2, 3))))
        for name in ("packed", "nested_subarray"):
            arrays.append((f"struct_{name}", raw_array(STRUCTURED_DTYPES[name], (2, 3))))
        f4 = raw_array(np.dtype("<f4"), (2, 3))
        arrays += [("f4_transposed", f4.T), ("f4_sliced", f4[:, ::2]), ("f4_reversed", f4[::-1]),
                   ("f8_scalar", raw_array(np.dtype("<f8"), ())), ("f8_size1_odd_stride", raw_array(np.dtype("<f8"), (5,))[2:3]),
                   ("i4_empty", raw_array(np.dtype("<i4"), (0, 3))), ("i2_3d_fortran", np.asfortranarray(raw_array(np.dtype("<i2"), (2, 3, 4)))),
                   ("i4_odd_byte_stride", np.ndarray((3,), "<i4", buffer=raw_array(np.dtype("u1"), (40,)), offset=2, strides=(6,)))]
        ro = raw_array(np.dtype("<f8"), (3,))
        ro.setflags(write=False)
        arrays.append(("f8_readonly", ro))
        arrays.append(("datetime", np.zeros(3, "<M8[ns]")))
        for name, a in arrays:
            w.write(name, export=outcome(lambda: decode_dlpack(a)), **array_fields(a))


class _Unseekable(io.RawIOBase):
    """A stream without tell/seek, as a pipe: zipfile then writes data descriptors after each member."""

    def __init__(self):
        super().__init__()
        self.data = io.BytesIO()

    def writable(self):
        return True

    def write(self, b):
        return self.data.write(b)

    def tell(self):
        raise OSError("unseekable")

    def seek(self, *args):
        raise OSError("unseekable")


def write_npz(out_dir):
    members = {
        "a": raw_array(np.dtype("<f8"), (2, 3)),
        "b": np.asfortranarray(raw_array(np.dtype("<i2"), (3, 4))),
        "arr_0": raw_array(STRUCTURED_DTYPES["aligned"], (2,)),
        "empty": raw_array(np.dtype("|u1"), (0, 5)),
        "scalar": raw_array(np.dtype("<c16"), ()),
        "strided_é": raw_array(np.dtype(">i4"), (4, 6))[::2, ::-3],
    }
    described = [dict(array_fields(v), name=k, descr=repr(npformat.dtype_to_descr(v.dtype)),
                      fortran_order=bool(v.flags.f_contiguous and not v.flags.c_contiguous), c_data=v.tobytes("C").hex(),
                      npy=saved(v).hex())
                 for k, v in members.items()]
    with CaseWriter(out_dir, "npz.jsonl", "npz") as w:
        for name, save, compressed, seekable in (("stored", np.savez, False, True),
                                                 ("compressed", np.savez_compressed, True, True),
                                                 ("stored_unseekable", np.savez, False, False),
                                                 ("compressed_unseekable", np.savez_compressed, True, False)):
            f = io.BytesIO() if seekable else _Unseekable()
            # No clock is read: zipf.open(name, 'w') makes a ZipInfo(name), dated 1980-01-01 00:00:00.
            save(f, **members)
            data = f.getvalue() if seekable else f.data.getvalue()
            w.write(name, file=data.hex(), compressed=compressed, seekable=seekable, members=described)


def generate(out_dir):
    write_npy(out_dir)
    write_npz(out_dir)
    write_array_interface(out_dir)
    write_dlpack(out_dir)
