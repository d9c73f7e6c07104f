"""Expected output of the ``bufview`` command-line tool, from NumPy 1.24 and CPython 3.11.

Suites (bufview.jsonl):

* ``bufview-dump``: ``bufview dump FILE ... --json`` over small files. Each case gives the input file (``file`` hex:
  raw bytes, or ``np.save``'s bytes), the arguments (``args``: the command line after ``dump FILE``) and ``expected``:
  the exact line ``--json`` prints — ``{"format", "shape", "strides", "values"}`` written by ``json.dumps`` with
  compact separators and ``ensure_ascii=False`` — where ``values`` is the array's ``tolist()`` in bufview's
  documented encoding (floats as ``repr``; NaN/±inf as the strings "NaN", "Infinity", "-Infinity"; complex as
  ``{"real", "imag"}``; bytes as latin-1 strings, NUL bytes kept as ``struct`` keeps them; records as objects keyed
  by field name). Values come from NumPy (``np.ndarray`` over the bytes with the dtype of the PEP 3118 format, sliced
  with the same key); shape and strides from a void array with CPython's contiguous strides, sliced the same way.
  ``format`` is null for ``.npy`` inputs (the header's dtype as a format is checked by the npy suite).
* ``bufview-convert``: ``bufview convert IN OUT ...`` — ``input`` (hex of IN: raw bytes, ``np.save``'s or
  ``np.savez``'s bytes), ``input_name`` and ``output_name`` (their file names: ``.npy``, ``.npz`` or ``.bin``; an input
  name ``in.npz:x`` is the file ``in.npz`` given as ``IN`` with its member), ``args`` (after ``convert IN OUT``) and
  ``expected`` (hex of OUT): ``np.save`` of the array — in the order asked, ``np.ascontiguousarray`` /
  ``np.asfortranarray`` — after ``astype`` to the target format, its ``tobytes(order)`` for raw output, or ``np.savez``
  of it for ``.npz`` output (named as bufview names it). Values are chosen so that every conversion is exact in
  NumPy's sense (integers in range, floats truncated toward zero).
"""
import json
import random

import numpy as np
from numpy.core._internal import _dtype_from_pep3118

from oracle_common import CaseWriter

# Formats NumPy and bufview read the same way (PEP 3118 text, NumPy's dtype of it).
LEAF_FORMATS = ["b", "B", "h", "H", "i", "I", "q", "Q", "e", "f", "d", "?",
                "<h", ">h", "<i", ">i", "<I", ">q", "<Q", "<e", ">e", "<f", ">f", "<d", ">d",
                "Zf", "Zd", ">Zd", "c", "3s", "<2w", "@i", "=i", "!d"]
RECORD_FORMATS = ["T{<i:id:<d:x:}", "T{b:a:3xi:b:}", "T{>h:x:>h:y:}", "ii", "=bhq", "T{<i:id:5s:name:}",
                  "T{(2)<h:v:?:flag:}", "T{T{<h:p:<h:q:}:inner:<f:w:}", "T{<d:x:<d:y:}", "(2,2)<h", "3B"]


def cpython_strides(shape, itemsize, order):
    """PyBuffer_FillContiguousStrides: products of the extents, zero extents included."""
    strides = [0] * len(shape)
    size = itemsize
    axes = range(len(shape) - 1, -1, -1) if order == "C" else range(len(shape))
    for a in axes:
        strides[a] = size
        size *= shape[a]
    return strides


def sliced_strides(shape, strides, key):
    """The shape and strides a key gives, as memoryview/PEP 3118 slicing computes them: a slice multiplies the stride
    by its step even when it selects nothing (NumPy resets the step of empty slices to 1), an integer drops its axis,
    None inserts an axis of extent 1 and stride 0."""
    explicit = sum(1 for k in key if k is not None and k is not Ellipsis)
    out_shape, out_strides, axis = [], [], 0
    for k in key:
        if k is Ellipsis:
            for _ in range(len(shape) - explicit):
                out_shape.append(shape[axis])
                out_strides.append(strides[axis])
                axis += 1
        elif k is None:
            out_shape.append(1)
            out_strides.append(0)
        elif isinstance(k, slice):
            start, stop, step = k.indices(shape[axis])
            out_shape.append(len(range(start, stop, step)))
            out_strides.append(strides[axis] * step)
            axis += 1
        else:
            axis += 1
    return out_shape + list(shape[axis:]), out_strides + list(strides[axis:])


def enc_float(x):
    x = float(x)
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def item_json(x, dt):
    """One item of dtype ``dt`` in bufview's JSON encoding (struct's values: bytes keep their NULs)."""
    if dt.fields is not None:
        return {name: item_json(x[name], dt.fields[name][0]) for name in dt.names}
    if dt.subdtype is not None:
        base, _ = dt.subdtype
        return nested_json(np.asarray(x), base)
    if dt.kind == "S":
        raw = np.array(x, dtype=dt).tobytes()  # NumPy strips trailing NULs; padding them back gives the bytes
        return raw.decode("latin-1")
    if dt.kind == "U":
        return str(x)
    if dt.kind == "c":
        return {"real": enc_float(x.real), "imag": enc_float(x.imag)}
    if dt.kind == "f":
        return enc_float(x)
    if dt.kind == "b":
        return bool(x)
    if dt.kind in "iu":
        return int(x)
    raise ValueError(f"no JSON for dtype {dt}")


def nested_json(a, dt):
    if a.ndim == 0:
        return item_json(a[()], dt)
    return [nested_json(a[i, ...], dt) for i in range(a.shape[0])]


def key_of(text):
    """A bufview --slice key as a Python index (None: no slice)."""
    if text is None:
        return (Ellipsis,)
    key = eval(f"np.s_[{text}]", {"np": np})  # noqa: S307 - keys are the generator's own constants
    key = key if isinstance(key, tuple) else (key,)
    # A trailing ... keeps the result an array (a 0-d one for an all-integer key), as bufview's views are.
    return key if Ellipsis in key else key + (Ellipsis,)


def dump_expected(data, fmt, shape, offset, order, key, show_format=True):
    dt = _dtype_from_pep3118(fmt)
    itemsize = dt.itemsize
    if shape is None:
        shape = ((len(data) - offset) // itemsize,)
    strides = cpython_strides(shape, itemsize, order)
    buffer = bytearray(data) if len(data) else bytearray(1)
    void = np.ndarray(shape, dtype=np.dtype((np.void, itemsize)), buffer=buffer, offset=offset, strides=strides)
    typed = np.ndarray(shape, dtype=dt, buffer=buffer, offset=offset, strides=strides)
    k = key_of(key)
    void, typed = void[k], typed[k]
    # A top-level sub-array item ("(2,2)<h") is spread by NumPy into trailing axes: walk the item-level ones.
    values = nested_json_items(typed, void.ndim, dt)
    shape, strides = sliced_strides(tuple(shape), tuple(strides), k)
    assert shape == list(void.shape), (shape, void.shape)
    obj = {"format": fmt if show_format else None, "shape": shape, "strides": strides, "values": values}
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def nested_json_items(typed, ndim, dt):
    """Walk the first ``ndim`` axes (the item-level ones), then encode each item with ``dt``."""
    if ndim == 0:
        if dt.subdtype is not None:
            return nested_json(np.asarray(typed), dt.subdtype[0])
        return item_json(typed[()], dt)
    return [nested_json_items(typed[i, ...], ndim - 1, dt) for i in range(typed.shape[0])]


def random_bytes(rng, n):
    return bytes(rng.randrange(256) for _ in range(n))


def valid_values(rng, fmt, count):
    """Bytes of ``count`` items whose values both sides read (bools 0/1, valid code points)."""
    dt = _dtype_from_pep3118(fmt)
    raw = bytearray(random_bytes(rng, dt.itemsize * count))
    a = np.frombuffer(raw, dtype=dt)

    def fix(view, d):
        if d.fields is not None:
            for name in d.names:
                fix(view[name], d.fields[name][0])
        elif d.subdtype is not None:
            base = d.subdtype[0]
            if base.kind in "bU":
                flat = view.reshape(view.shape[:1] + (-1,)) if view.ndim else view
                fix_leaf(flat, base)
        else:
            fix_leaf(view, d)

    def fix_leaf(view, d):
        if d.kind == "b":
            view[...] = np.asarray([rng.random() < 0.5 for _ in range(view.size)]).reshape(view.shape)
        elif d.kind == "U":
            n = d.itemsize // 4
            view[...] = np.asarray(["".join(chr(rng.choice([65, 97, 0x3b1, 0x1f600, 0x4e2d])) for _ in range(rng.randrange(n + 1)))
                                    for _ in range(view.size)], dtype=d).reshape(view.shape)

    if count:
        fix(a, dt)
    return bytes(raw)


def dump_cases(w):
    rng = random.Random(3118)
    n = 0

    def case(data, args, fmt, shape, offset, order, key):
        nonlocal n
        w.write(f"dump-{n:04d}", file=data.hex(), args=args,
                expected=dump_expected(data, fmt, shape, offset, order, key))
        n += 1

    # Every leaf and record format, 1-D as many items as fit (with a trailing partial item) and 2-D.
    for fmt in LEAF_FORMATS + RECORD_FORMATS:
        size = _dtype_from_pep3118(fmt).itemsize
        data = valid_values(rng, fmt, 6) + b"\x01"
        case(data, ["--format", fmt], fmt, None, 0, "C", None)
        case(data[:size * 6], ["--format", fmt, "--shape", "2,3", "--order", "F"], fmt, (2, 3), 0, "F", None)
    # Floats that need every branch of repr: exponents, subnormals, -0.0, NaN, infinities, float32 values as doubles.
    specials = [0.0, -0.0, 1.0, 0.1, 1e16, 1e15, 123456789012345680.0, 1e-4, 1e-5, 5e-324, 2.2250738585072014e-308,
                1.7976931348623157e308, float("nan"), float("inf"), float("-inf"), 1 / 3, 2.5, 100.0, 1e22, 9007199254740993.0]
    case(np.asarray(specials, dtype="<f8").tobytes(), ["--format", "<d"], "<d", None, 0, "C", None)
    with np.errstate(over="ignore"):
        case(np.asarray(specials, dtype=">f4").tobytes(), ["--format", ">f"], ">f", None, 0, "C", None)
        case(np.asarray(specials, dtype="<f2").tobytes(), ["--format", "<e"], "<e", None, 0, "C", None)
    case(np.asarray([complex(0, 1), complex(-0.0, 2), complex(float("nan"), float("inf"))], dtype="<c16").tobytes(),
         ["--format", "<Zd"], "<Zd", None, 0, "C", None)
    ints = np.asarray([0, 1, -1, 2**63 - 1, -2**63], dtype="<i8").tobytes() + np.asarray([2**64 - 1], dtype="<u8").tobytes()
    case(ints, ["--format", "<q", "--shape", "5"], "<q", (5,), 0, "C", None)
    case(ints, ["--format", "<Q", "--offset", "40"], "<Q", None, 40, "C", None)
    case(bytes(range(256)), ["--format", "16s"], "16s", None, 0, "C", None)
    case(bytes(range(256)), ["--format", "c", "--shape", "(16, 16)", "--slice", "::5, 3"], "c", (16, 16), 0, "C", "::5, 3")
    # Offsets, orders, -1 extents, 0-d and empty arrays.
    data = valid_values(rng, "<i", 24)
    case(data, ["--format", "<i", "--shape", "2,3,4", "--offset", "0x0"], "<i", (2, 3, 4), 0, "C", None)
    case(data, ["--format", "<i", "--shape", "2,3,4", "--order", "F"], "<i", (2, 3, 4), 0, "F", None)
    case(data, ["--format", "<i", "--shape", "-1,5", "--offset", "4"], "<i", (4, 5), 4, "C", None)
    case(data, ["--format", "<i", "--shape", "()", "--offset", "8"], "<i", (), 8, "C", None)
    case(data, ["--format", "<i", "--shape", "0,3"], "<i", (0, 3), 0, "C", None)
    case(data, ["--format", "<i", "--shape", "3,0"], "<i", (3, 0), 0, "C", None)
    case(b"", ["--format", "<d"], "<d", None, 0, "C", None)
    # Slices: steps, negative steps, integers dropping axes, ellipsis, new axes, empty results.
    keys = ["1:3, ::-1", "::2", "..., 0", "-1", "None, 1", "1:1", "::-2, 1::3", "0, 0", ":, None, :", "..., ::-1"]
    for order in "CF":
        for key in keys:
            case(data, ["--format", "<i", "--shape", "4,6", "--order", order, "--slice", key], "<i", (4, 6), 0, order, key)
    # Random formats, shapes, orders, offsets and slices.
    for _ in range(120):
        fmt = rng.choice(LEAF_FORMATS + RECORD_FORMATS)
        rank = rng.randrange(0, 4)
        shape = tuple(rng.randrange(0, 5) for _ in range(rank))
        count = int(np.prod(shape)) if shape else 1
        offset = rng.randrange(0, 9)
        order = rng.choice("CF")
        data = random_bytes(rng, offset) + valid_values(rng, fmt, count) + random_bytes(rng, rng.randrange(0, 3))
        key = None
        if rank and rng.random() < 0.6:
            parts = []
            for extent in shape:
                r = rng.random()
                if r < 0.2 and extent:
                    parts.append(str(rng.randrange(-extent, extent)))
                elif r < 0.7:
                    start = rng.choice(["", str(rng.randrange(-5, 6))])
                    stop = rng.choice(["", str(rng.randrange(-5, 6))])
                    step = rng.choice(["", "", "1", "2", "-1", "-2", "3"])
                    parts.append(f"{start}:{stop}" + (f":{step}" if step else ""))
                else:
                    parts.append(":")
            key = ", ".join(parts)
        args = ["--format", fmt, "--shape", ",".join(map(str, shape)) if shape else "()", "--order", order]
        if offset:
            args += ["--offset", str(offset)]
        if key is not None:
            args += ["--slice", key]
        case(data, args, fmt, shape, offset, order, key)
    # .npy files written by np.save (the header gives format, shape and order).
    arrays = {
        "f8-2d": np.arange(12, dtype="<f8").reshape(3, 4) / 7,
        "i4-fortran": np.asfortranarray(np.arange(6, dtype=">i4").reshape(2, 3)),
        "records": np.array([(1, 0.5, b"ab"), (2, np.nan, b"c\x00d"), (3, 1e300, b"hello")],
                            dtype=[("id", "<i4"), ("x", "<f8"), ("name", "S5")]),
        "0d": np.array(2.5),
        "empty": np.zeros((0, 3), dtype="<u2"),
        "bool-3d": np.arange(24).reshape(2, 3, 4) % 3 == 0,
        "unicode": np.array(["a", "βγ", ""], dtype="<U2"),
        "complex": np.array([1 + 2j, -3.5j], dtype="<c8"),
    }
    for name, a in arrays.items():
        import io
        f = io.BytesIO()
        np.save(f, a)
        data = f.getvalue()
        for key in [None, "::-1"] if a.ndim else [None]:
            args = [] if key is None else ["--slice", key]
            loaded = np.load(io.BytesIO(data))
            k = key_of(key)
            base_strides = cpython_strides(loaded.shape, loaded.dtype.itemsize, "F" if np.isfortran(loaded) else "C")
            shape, strides = sliced_strides(loaded.shape, base_strides, k)
            values = nested_json_items(loaded[k], len(shape), loaded.dtype)
            obj = {"format": None, "shape": shape, "strides": strides, "values": values}
            w.write(f"npy-{name}{'' if key is None else '-sliced'}", file=data.hex(), args=args,
                    expected=json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False))


def npy_bytes(a):
    import io
    f = io.BytesIO()
    np.save(f, a)
    return f.getvalue()


def npz_bytes(**arrays):
    import io
    f = io.BytesIO()
    np.savez(f, **arrays)
    return f.getvalue()


# (PEP 3118 or typestr as given to --to-format, NumPy dtype) pairs.
NUMERIC = [("b", "i1"), ("B", "u1"), ("<h", "<i2"), (">h", ">i2"), ("<H", "<u2"), ("<i", "<i4"), (">i", ">i4"),
           ("<I", "<u4"), ("<q", "<i8"), (">q", ">i8"), ("<Q", "<u8"), ("<e", "<f2"), (">e", ">f2"), ("<f", "<f4"),
           (">f", ">f4"), ("<d", "<f8"), (">d", ">f8"), ("?", "?"), ("<Zf", "<c8"), (">Zd", ">c16")]
TYPESTRS = ["<f8", ">f8", "f8", "i4", ">i2", "u1", "<f4", "f2", "?", "c16"]


def convert_values(rng, source, target, n):
    """n values of NumPy dtype ``source`` that convert exactly to ``target`` in NumPy's sense."""
    s, t = np.dtype(source), np.dtype(target)
    if s.kind == "b":
        return np.asarray([rng.random() < 0.5 for _ in range(n)], dtype=s)
    if t.kind in "iu":
        lo, hi = np.iinfo(t).min, np.iinfo(t).max
        if s.kind in "iu":
            lo, hi = max(lo, np.iinfo(s).min), min(hi, np.iinfo(s).max)
            return np.asarray([rng.randint(lo, hi) for _ in range(n)], dtype=s)
        if s.kind == "f":
            lim = min(hi, np.finfo(s).max, 2**53) * 0.9
            lo = max(lo, -lim)
            vals = [rng.uniform(lo, min(hi, lim)) if rng.random() < 0.5 else rng.uniform(-3, 3) for _ in range(n)]
            vals = [v if lo <= v else 0.0 for v in vals]
            return np.asarray(vals, dtype=s)
    if t.kind == "b":
        if s.kind == "c":
            return np.asarray([complex(rng.choice([0, 0, 1.5]), rng.choice([0, -2.0])) for _ in range(n)], dtype=s)
        return np.asarray([rng.choice([0, 0, 1, 2, -1]) if s.kind in "iu" and s.kind != "u" else rng.choice([0, 1, 7]) for _ in range(n)], dtype=s)
    if s.kind in "iu":
        lo, hi = np.iinfo(s).min, np.iinfo(s).max
        return np.asarray([rng.randint(lo, hi) for _ in range(n)], dtype=s)
    if s.kind == "f":
        specials = [0.0, -0.0, 1.5, -2.25, float("nan"), float("inf"), float("-inf"), 1e-3, 65519.0, 65520.0, 1e30, 3.4028235e38]
        with np.errstate(over="ignore"):
            return np.asarray([rng.choice(specials) if rng.random() < 0.4 else rng.uniform(-1e4, 1e4) for _ in range(n)], dtype=s)
    return np.asarray([complex(rng.uniform(-10, 10), rng.uniform(-10, 10)) for _ in range(n)], dtype=s)


def convert_cases(w):
    rng = random.Random(1234)
    n = 0

    def case(source, args, expected, source_npy, output_npy, tag="", input_name=None, output_name=None):
        nonlocal n
        w.write(f"convert-{n:04d}{tag}", input=source.hex(), input_name=input_name or ("in.npy" if source_npy else "in.bin"),
                output_name=output_name or ("out.npy" if output_npy else "out.bin"), args=args, expected=expected.hex())
        n += 1

    # raw -> .npy for every numeric and record format, C and Fortran input, with and without -1 extents.
    for fmt in LEAF_FORMATS + RECORD_FORMATS:
        dt = _dtype_from_pep3118(fmt)
        data = valid_values(rng, fmt, 12)
        for order in "CF":
            a = np.ndarray((3, 4), dtype=dt, buffer=bytearray(data), order=order)
            if dt.subdtype is not None:
                continue  # spread into trailing axes by NumPy; checked below in C order only
            case(data, ["--format", fmt, "--shape", "3,-1", "--order", order], npy_bytes(a), False, True)
    a = np.ndarray((3, 4), dtype=_dtype_from_pep3118("(2,2)<h"), buffer=bytearray(valid_values(rng, "(2,2)<h", 12)))
    case(a.tobytes(), ["--format", "(2,2)<h", "--shape", "3,4"], npy_bytes(a), False, True)
    # .npy -> .npy in either order, .npy -> raw, raw -> raw, 0-d, empty, slices.
    arrays = [np.arange(24, dtype="<f8").reshape(2, 3, 4) / 3, np.asfortranarray(np.arange(12, dtype=">i2").reshape(3, 4)),
              np.array([(1, 2.5), (-3, np.nan)], dtype=[("id", "<i4"), ("x", ">f8")]), np.array(7, dtype="<u4"),
              np.zeros((0, 3), dtype="<f4"), np.zeros((3, 0), dtype="<f4"), np.arange(10, dtype="u1")]
    for a in arrays:
        src = npy_bytes(a)
        case(src, [], npy_bytes(a), True, True)
        case(src, ["--to-order", "C"], npy_bytes(np.array(a, order="C")), True, True)  # (ascontiguousarray makes 0-d 1-d)
        case(src, ["--to-order", "F"], npy_bytes(np.array(a, order="F")), True, True)
        case(src, [], a.tobytes(order="F" if (a.flags.f_contiguous and not a.flags.c_contiguous) else "C"), True, False)
        case(src, ["--to-order", "F"], a.tobytes(order="F"), True, False)
        if a.ndim >= 1 and a.size:
            for key in ["::-1", "1:", "..., ::2"] if a.ndim > 1 else ["::-1", "1::3"]:
                k = key_of(key)
                case(src, ["--slice", key, "--to-order", "C"], npy_bytes(np.ascontiguousarray(a[k])), True, True)
    data = bytes(range(48))
    a = np.ndarray((4, 3), dtype="<i4", buffer=bytearray(data), order="F")
    case(data, ["--format", "<i", "--shape", "4,3", "--order", "F", "--to-order", "C"], a.tobytes(order="C"), False, False)
    case(data, ["--format", "<i", "--shape", "4,3", "--to-order", "F", "--offset", "0"], np.ndarray((4, 3), "<i4", bytearray(data)).tobytes(order="F"), False, False)
    case(data, ["--format", "<i", "--offset", "8", "--shape", "5,2"], npy_bytes(np.ndarray((5, 2), "<i4", bytearray(data), offset=8)), False, True)
    # Element conversions: every pair of numeric formats (values NumPy converts exactly), typestr targets.
    for source_fmt, source_dt in NUMERIC:
        for target_fmt, target_dt in NUMERIC:
            if source_fmt == target_fmt or (np.dtype(source_dt).kind == "c" and np.dtype(target_dt).kind not in "cb"):
                continue
            a = convert_values(rng, source_dt, target_dt, 6).reshape(2, 3)
            with np.errstate(over="ignore", invalid="ignore"), __import__("warnings").catch_warnings():
                __import__("warnings").simplefilter("ignore")
                b = a.astype(target_dt)
            case(npy_bytes(a), ["--to-format", target_fmt], npy_bytes(b), True, True)
    for typestr in TYPESTRS:
        a = np.arange(6, dtype="<f8").reshape(2, 3) * 1.5
        with __import__("warnings").catch_warnings():
            __import__("warnings").simplefilter("ignore")
            b = a.astype(typestr if np.dtype(typestr).kind != "i" else typestr)
        case(npy_bytes(a), ["--to-format", typestr, "--to-order", "F"], npy_bytes(np.asfortranarray(b)), True, True)
    # Records: byte order of every field (through the codec), raw records to .npy.
    rec = np.array([(1, 2.5, b"ab"), (-3, np.nan, b"xyz")], dtype=[("id", "<i4"), ("x", "<f8"), ("s", "S3")])
    case(npy_bytes(rec), ["--to-format", "T{>i:id:>d:x:3s:s:}"], npy_bytes(rec.astype([("id", ">i4"), ("x", ">f8"), ("s", "S3")])), True, True)
    case(npy_bytes(rec), ["--to-format", "T{>i:id:>d:x:3s:s:}"], rec.astype([("id", ">i4"), ("x", ">f8"), ("s", "S3")]).tobytes(), True, False)
    # .npz output: np.savez's bytes, the member named after the input file (in.npy, in.bin), its member, or --name.
    for a in arrays:
        case(npy_bytes(a), [], npz_bytes(**{"in": a}), True, False, "-npz", output_name="out.npz")
        case(npy_bytes(a), ["--to-order", "F", "--name", "arr_0"], npz_bytes(arr_0=np.array(a, order="F")), True, False, "-npz",
             output_name="out.npz")
    a = np.arange(12, dtype="<i2").reshape(3, 4)
    case(npy_bytes(a), ["--to-format", ">f4", "--to-order", "F"], npz_bytes(**{"in": np.asfortranarray(a.astype(">f4"))}), True, False, "-npz",
         output_name="out.npz")
    case(a.tobytes(), ["--format", "<h", "--shape", "3,4", "--to", "npz"], npz_bytes(**{"in": a}), False, False, "-npz", output_name="out.bin")
    case(npz_bytes(x=a, y=rec), ["--member", "y"], npz_bytes(y=rec), False, False, "-npz", input_name="in.npz", output_name="out.npz")
    case(npz_bytes(x=a, y=rec), ["--name", "z", "--slice", "::-1"], npz_bytes(z=a[::-1]), False, False, "-npz", input_name="in.npz:x",
         output_name="out.npz")


def generate(out_dir):
    with CaseWriter(out_dir, "bufview.jsonl", "bufview-dump") as w:
        dump_cases(w)
        w.suite = "bufview-convert"
        convert_cases(w)
