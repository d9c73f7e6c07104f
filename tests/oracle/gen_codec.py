"""Item codec vectors: what CPython 3.11's struct and NumPy 1.24 make of values, beyond gen_formats' struct-pack.

Three suites:

* ``codec-pack`` (codec-pack.jsonl): ``struct.pack`` then ``struct.unpack`` of chosen values, same fields as
  ``struct-pack``: the error kind and message of out-of-range and wrong-type values for every integer code under
  every prefix (at and beyond each bound, beyond C long, 2**64), ``e``/``f``/``d`` rounding, overflow, NaN, ±inf,
  subnormals, ints and bools as reals, ``?`` truthiness, ``c``/``s``/``p`` edge cases, wrong item counts, and
  random struct formats with random values.
* ``codec-unpack`` (codec-unpack.jsonl): ``struct.unpack`` of given bytes: ``format``, ``bytes`` (hex),
  ``unpacked`` (outcome) — non-canonical bytes that packing never produces (``?`` bytes other than 0/1, Pascal
  length bytes beyond the count, NaN payloads, half-precision subnormals).
* ``codec-numpy`` (codec-numpy.jsonl): NumPy structured items for formats struct does not accept: ``dtype``
  (repr), ``format`` (a lossless PEP 3118 description of the dtype's layout), ``itemsize``, ``bytes`` (hex of
  ``a.tobytes()`` for a one-item array after ``a[0] = value``; the padding bytes of ``long double`` slots are
  zeroed, NumPy leaves whatever the FPU store left there), ``value`` (``a.tolist()[0]``; a long double as the nearest double, C's ``(double)x``), ``write_exact``
  (every long double of the value is a double, so writing ``value`` must give ``bytes`` back).

Values are written as ``{"int": "decimal"}``, ``{"float": float.hex()}`` (``{"float_bits": "<16 hex>"}`` for NaN,
keeping sign and payload), ``{"bool": b}``, ``{"bytes": "hex"}``, ``{"str": s}``, ``{"none": null}``,
``{"complex": [re, im]}`` (each a float encoding), ``{"record": [[name, value], ...]}`` for a NumPy structured
scalar, and JSON lists for sub-arrays.
"""
import math
import random
import struct

import numpy as np

from gen_formats import format_of  # the lossless PEP 3118 description of a dtype's layout
from oracle_common import CaseWriter, outcome

PREFIXES = ["", "@", "=", "<", ">", "!"]
INT_CODES = "bBhHiIlLqQnNP"


def float_value(v):
    if math.isnan(v):
        return {"float_bits": struct.pack(">d", v).hex()}
    return {"float": v.hex()}


def encode(v):
    if v is None:
        return {"none": None}
    if isinstance(v, bool) or isinstance(v, np.bool_):
        return {"bool": bool(v)}
    if isinstance(v, (int, np.integer)):
        return {"int": str(int(v))}
    if isinstance(v, (float, np.floating)):
        return float_value(float(v))  # a long double becomes the nearest double: C's (double)x
    if isinstance(v, (complex, np.complexfloating)):
        return {"complex": [float_value(float(v.real)), float_value(float(v.imag))]}
    if isinstance(v, bytes):
        return {"bytes": v.hex()}
    if isinstance(v, str):
        return {"str": v}
    if isinstance(v, list):
        return [encode(x) for x in v]
    raise TypeError(type(v))


def int_bounds(code, prefix):
    native = prefix in ("", "@")
    size = struct.calcsize(prefix + code)
    if code in "P":
        return -2 ** 63, 2 ** 64 - 1
    signed = code in "bhilqn"
    bits = size * 8
    return (-2 ** (bits - 1), 2 ** (bits - 1) - 1) if signed else (0, 2 ** bits - 1)


def pack_cases(r):
    cases = []
    # integers: every code under every prefix, at and beyond the bounds, beyond C long, wrong types
    for prefix in PREFIXES:
        for code in INT_CODES:
            if code in "nNP" and prefix not in ("", "@"):
                continue
            lo, hi = int_bounds(code, prefix)
            for v in [lo, hi, lo - 1, hi + 1, 0, -1, 2 ** 63 - 1, 2 ** 63, -2 ** 63, -2 ** 63 - 1, 2 ** 64 - 1,
                      2 ** 64, 2 ** 100, -2 ** 100, True, False, 1.5, 1.0, b"1", "1", None]:
                cases.append((prefix + code, [v]))
    # reals: rounding, overflow, NaN, infinities, subnormals, ints and bools as reals, wrong types
    specials = [0.0, -0.0, 1.0, -1.5, 0.1, 1 / 3, float("inf"), float("-inf"), float("nan"), -float("nan"),
                5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 1e300, -1e300,
                65504.0, 65519.99, 65520.0, -65520.0, 6.1e-5, 5.960464477539063e-08, 2.9802322387695312e-08,
                2.980232238769532e-08, 8.940696716308594e-08, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 1 + 2 ** -24,
                1 + 3 * 2 ** -24, 3.4028234663852886e38, 3.4028235677973366e38, 3.402823669209385e38,
                1.401298464324817e-45, 7.006492321624085e-46, 7.006492321624087e-46, 1e-8, 1e-50,
                0, 1, -7, 2 ** 53 + 1, 2 ** 64, 10 ** 400, 2 ** 1024 - 2 ** 970, 2 ** 1024 - 2 ** 971, True,
                b"1", "1.0", None]
    for prefix in PREFIXES:
        for code in "efd":
            for v in specials:
                cases.append((prefix + code, [v]))
    # '?': truthiness
    for prefix in PREFIXES:
        for v in [0, 1, 2, -1, 2 ** 70, 0.0, 0.5, float("nan"), b"", b"\x00", "", "x", None, True, False]:
            cases.append((prefix + "?", [v]))
    # 'c', 's', 'p'
    for v in [b"", b"a", b"\x00", b"ab", 65, "a", None]:
        cases.append(("c", [v]))
    for count in ["", "0", "1", "3", "5"]:
        for v in [b"", b"a", b"abc", b"abcdef", b"\x00\x01", "abc", 1, None]:
            cases.append((count + "s", [v]))
    for count in ["", "0", "1", "2", "5", "255", "256", "257", "300"]:
        for n in sorted({0, 1, 2, 4, 5, 6, 254, 255, 256, 299, 300, 400}):
            cases.append((count + "p", [bytes(range(7, 7 + n % 200)) * (n // 200 + 1) if n else b""]))
        cases.append((count + "p", ["abc"]))
    # item counts
    for fmt, values in [("ii", [1]), ("ii", [1, 2, 3]), ("3s", [b"a", b"b"]), ("0i", [1]), ("", []), ("", [1]),
                        ("3c", [b"a", b"b"]), ("x", []), ("x", [1]), ("0s", []), ("2x2c", [b"a", b"b"])]:
        cases.append((fmt, values))
    # random struct formats with random values
    for _ in range(400):
        fmt, values = random_struct(r)
        cases.append((fmt, values))
    return cases


def random_value(r, code, count, prefix):
    if code in INT_CODES:
        lo, hi = int_bounds(code, prefix)
        return r.choice([lo, hi, 0, 1, r.randint(lo, hi), r.randint(lo, hi)])
    if code == "?":
        return r.choice([True, False, 0, 1, 7])
    if code == "c":
        return bytes([r.randrange(256)])
    if code in "efd":
        v = r.choice([r.uniform(-1e4, 1e4), r.uniform(-1, 1), float(r.randint(-2 ** 11, 2 ** 11)),
                      r.choice([0.0, -0.0, float("inf"), float("nan")]), r.uniform(-60000, 60000)])
        return v
    return bytes(r.randrange(256) for _ in range(r.randint(0, count + 2)))


def random_struct(r):
    prefix = r.choice(PREFIXES)
    codes = "xcbB?hHiIlLqQefdsp" + ("nNP" if prefix in ("", "@") else "")
    fmt = prefix
    values = []
    for _ in range(r.randint(1, 6)):
        code = r.choice(codes)
        count = r.choice([None, None, None, 0, 1, 2, 3, 5])
        if code == "p" and count == 0:
            count = 1  # CPython writes the length byte of "0p" out of bounds, into a following pad byte
        fmt += ("" if count is None else str(count)) + code
        n = 1 if count is None else count
        if code == "x":
            continue
        if code in "sp":
            values.append(random_value(r, code, n, prefix))
        else:
            values.extend(random_value(r, code, n, prefix) for _ in range(n))
    return fmt, values


def unpack_cases(r):
    cases = []
    for b in ["00", "01", "02", "7f", "80", "ff"]:
        for prefix in ["", "<", ">"]:
            cases.append((prefix + "?", b))
    for fmt, b in [("5p", "09616263 64"), ("3p", "ff6162"), ("1p", "05"), ("2p", "0061"), ("300p", "ff" + "61" * 299),
                   ("256p", "ff" + "62" * 255), ("3s", "000000"), ("c", "00")]:
        cases.append((fmt, b.replace(" ", "")))
    for bits in ["7c00", "fc00", "7e00", "7e01", "7c01", "fe00", "0001", "8001", "03ff", "0400", "7bff", "3c00", "3555"]:
        cases.append((">e", bits))
        cases.append(("<e", bits))
    for bits in ["7f800001", "7fc00000", "ffc00001", "00000001", "80000001", "7f7fffff"]:
        cases.append((">f", bits))
    for bits in ["7ff0000000000001", "7ff8000000000000", "fff8000000000001", "0000000000000001", "7fefffffffffffff"]:
        cases.append((">d", bits))
    for _ in range(60):
        fmt, _values = random_struct(r)
        size = struct.calcsize(fmt)
        cases.append((fmt, bytes(r.randrange(256) for _ in range(size)).hex()))
    return cases


# --------------------------------------------------------------------------------------------------------------
# NumPy structured values


LEAVES = ["?", "i1", "u1", "<i2", ">i2", "<u2", ">u2", "<i4", ">i4", "<u4", ">u4", "<i8", ">i8", "<u8", ">u8",
          "<f2", ">f2", "<f4", ">f4", "<f8", ">f8", "g", ">g", "<c8", ">c8", "<c16", ">c16", "G", "S1", "S4",
          "<U1", ">U3", "<U2"]


def random_dtype(r, depth=0):
    if depth < 2 and r.random() < 0.3:
        n = r.randint(1, 4)
        fields = [("f%d%s" % (i, "abcdefgh"[depth]), random_dtype(r, depth + 1)) for i in range(n)]
        return np.dtype(fields, align=r.random() < 0.5)
    dt = np.dtype(r.choice(LEAVES))
    if r.random() < 0.2:
        dt = np.dtype((dt, tuple(r.randint(1, 3) for _ in range(r.randint(1, 2)))))
    return dt


def random_leaf_value(r, dt):
    k = dt.kind
    if k == "b":
        return r.random() < 0.5
    if k in "iu":
        info = np.iinfo(dt)
        return r.choice([int(info.min), int(info.max), 0, r.randint(int(info.min), int(info.max))])
    if k == "f" and dt.char == "g":
        ld = np.longdouble
        return r.choice([1.5, -0.0, float("inf"), r.uniform(-1e9, 1e9),
                         ld(1) + ld(2) ** -60, ld(1) + ld(2) ** -53, ld(1) + ld(2) ** -53 + ld(2) ** -60,
                         ld(2) ** 16000, -ld(2) ** -16000, ld(2) ** -1074 * ld(1.5), ld(2) ** -1075,
                         ld(2) ** 1023 * (ld(2) - ld(2) ** -53), ld(1) / ld(3)])
    if k == "f":
        if dt.itemsize == 2:
            return r.choice([0.0, -0.0, 1.5, 65504.0, 6.103515625e-05, 5.960464477539063e-08, float("inf"),
                             float(np.float16(r.uniform(-1000, 1000)))])
        if dt.itemsize == 4:
            return r.choice([0.0, -0.0, 3.4028234663852886e38, 1.401298464324817e-45, float("-inf"),
                             float(np.float32(r.uniform(-1e6, 1e6)))])
        return r.choice([0.0, -0.0, 1e308, 5e-324, float("inf"), 1 / 3, r.uniform(-1e9, 1e9)])
    if k == "c" and dt.char == "G":
        ld = np.longdouble
        return np.clongdouble(complex(r.uniform(-1e9, 1e9), 2.5)) + np.clongdouble(ld(2) ** -60) * r.choice([0, 1])
    if k == "c":
        part = (lambda: float(np.float32(r.uniform(-1e3, 1e3)))) if dt.itemsize == 8 else (lambda: r.uniform(-1e9, 1e9))
        return complex(part(), part())
    if k == "S":
        return bytes(r.randrange(1, 256) for _ in range(r.randint(0, dt.itemsize)))
    if k == "U":
        alphabet = "aZ\u00e9\u4e2d\U0001f600 "
        return "".join(r.choice(alphabet) for _ in range(r.randint(0, dt.itemsize // 4)))
    raise ValueError(dt)


def random_value_of(r, dt):
    if dt.subdtype is not None:
        base, shape = dt.subdtype
        def build(axis):
            if axis == len(shape):
                return random_value_of(r, base)
            return [build(axis + 1) for _ in range(shape[axis])]
        return build(0)
    if dt.names is not None:
        return tuple(random_value_of(r, dt.fields[name][0]) for name in dt.names)
    return random_leaf_value(r, dt)


def long_double_slots(dt, offset=0):
    """(offset, size, big_endian) of every long double slot of dt."""
    if dt.subdtype is not None:
        base, shape = dt.subdtype
        for i in range(int(np.prod(shape))):
            yield from long_double_slots(base, offset + i * base.itemsize)
    elif dt.names is not None:
        for name in dt.names:
            sub, off = dt.fields[name][:2]
            yield from long_double_slots(sub, offset + off)
    elif dt.char in "gG":
        half = np.dtype("g").itemsize
        for k in range(dt.itemsize // half):
            yield offset + k * half, half, dt.byteorder == ">"


def clean_bytes(dt, raw):
    raw = bytearray(raw)
    for off, size, big in long_double_slots(dt):
        if size == 16:
            if big:
                raw[off:off + 6] = bytes(6)
            else:
                raw[off + 10:off + 16] = bytes(6)
    return bytes(raw)


def encode_numpy(dt, v):
    if dt.subdtype is not None:
        base, _ = dt.subdtype
        return encode_nested(base, v)
    if dt.names is not None:
        return {"record": [[name, encode_numpy(dt.fields[name][0], x)] for name, x in zip(dt.names, v)]}
    return encode(v)


def encode_nested(base, v):
    if isinstance(v, np.ndarray):
        v = v.tolist()
    if isinstance(v, list):
        return [encode_nested(base, x) for x in v]
    return encode_numpy(base, v)


NUMPY_HAND = [
    "np.dtype([('x','<f8'),('y','<f8')])", "np.dtype([('a','<i4'),('b','<f8')], align=True)",
    "np.dtype([('a','>i4'),('b','>f8')])", "np.dtype([('a','u1'),('b','<i8')], align=True)",
    "np.dtype([('p',[('q','u1'),('r','<f4')]),('s','<i4',(2,3))])", "np.dtype([('c','<c16'),('z','>c8')])",
    "np.dtype([('g','g'),('G','G')])", "np.dtype([('s','S3'),('u','<U2'),('b','?')])",
    "np.dtype([('m','<f2',(2,2)),('n','>u2')])", "np.dtype([('a',[('x','<i2'),('y','<i2')],(2,))])",
    "np.dtype([('e','>g'),('f','>G')])", "np.dtype(('<i4',(2,3)))", "np.dtype(('>f8',(3,)))",
    "np.dtype([('w','>U3'),('v','<U1')])",
]


def numpy_cases(r):
    dtypes = [eval(text) for text in NUMPY_HAND]  # noqa: S307 - fixed expressions above
    while len(dtypes) < 300:
        dt = random_dtype(r)
        if dt.names is None and dt.subdtype is None:
            dt = np.dtype([("only", dt)])
        if dt.itemsize > 0:
            dtypes.append(dt)
    for dt in dtypes:
        a = np.zeros(1, dt)
        value = random_value_of(r, dt)
        if dt.names is None and dt.subdtype is not None:
            a[0] = np.array(value, dtype=dt.subdtype[0])
        else:
            a[0] = value
        raw = clean_bytes(dt, a.tobytes())
        item = a.tolist()[0]
        yield dt, raw, item, exact_in_double(item)


def exact_in_double(v):
    """True when every long double in the value is a double, so writing the tolist value gives the bytes back."""
    if isinstance(v, (tuple, list)):
        return all(exact_in_double(x) for x in v)
    if isinstance(v, np.ndarray):
        return exact_in_double(v.tolist()) if v.dtype.char not in "gG" else all(exact_in_double(x) for x in v.flat)
    if isinstance(v, np.clongdouble):
        return exact_in_double(v.real) and exact_in_double(v.imag)
    if isinstance(v, np.longdouble):
        return bool(np.isnan(v)) or np.longdouble(float(v)) == v
    return True


def generate(out_dir):
    r = random.Random(31180)
    with CaseWriter(out_dir, "codec-pack.jsonl", "codec-pack") as w:
        for n, (fmt, values) in enumerate(pack_cases(r)):
            packed = outcome(lambda: struct.pack(fmt, *values).hex())
            unpacked = None
            if "ok" in packed:
                data = bytes.fromhex(packed["ok"])
                unpacked = outcome(lambda: [encode(v) for v in struct.unpack(fmt, data)])
            w.write("c%04d" % n, format=fmt, values=[encode(v) for v in values], packed=packed, unpacked=unpacked)
    with CaseWriter(out_dir, "codec-unpack.jsonl", "codec-unpack") as w:
        for n, (fmt, hexbytes) in enumerate(unpack_cases(r)):
            unpacked = outcome(lambda: [encode(v) for v in struct.unpack(fmt, bytes.fromhex(hexbytes))])
            w.write("u%04d" % n, format=fmt, bytes=hexbytes, unpacked=unpacked)
    with CaseWriter(out_dir, "codec-numpy.jsonl", "codec-numpy") as w:
        for n, (dt, raw, value, exact) in enumerate(numpy_cases(r)):
            w.write("n%04d" % n, dtype=repr(dt), format=format_of(dt), itemsize=dt.itemsize, bytes=raw.hex(),
                    value=encode_numpy(dt, value), write_exact=exact)
