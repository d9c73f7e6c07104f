"""Format strings: what CPython 3.11's struct and NumPy 1.24's PEP 3118 importer/exporter make of them.

Three suites:

* ``formats`` (formats.jsonl): one case per format string — hand-picked edge cases (every code, every prefix,
  counts, padding, nesting, names, sub-arrays, invalid strings, every vector quoted in shared/docs) plus random
  ones from fixed seeds. Records ``struct.calcsize`` with per-item offsets, ``_dtype_from_pep3118``'s dtype, and
  the format NumPy exports for an array of that dtype.
* ``struct-pack`` (struct-pack.jsonl): packed bytes and unpacked values of sample values for a random subset of
  struct formats, plus range errors — vectors for the item codec.
* ``numpy-export`` (numpy-export.jsonl): ``memoryview(array).format`` for NumPy dtypes (the export vectors of
  interop-protocols §2.3 and random structured dtypes: aligned/packed, big-endian, sub-arrays, nested, unaligned
  views), each with a lossless PEP 3118 description of the dtype's layout as the input to parse.
"""
import random
import re
import struct

import numpy as np
from numpy.core._internal import _dtype_from_pep3118

from oracle_common import CaseWriter, outcome

STRUCT_CODES = "xcbB?hHiIlLqQnNefdspP"
STRUCT_PREFIXES = "@=<>!"
WS = " \t\n\r\x0b\x0c"
NUMPY_CODES = ["?", "c", "b", "B", "h", "H", "i", "I", "l", "L", "q", "Q", "e", "f", "d", "g",
               "Zf", "Zd", "Zg", "s", "w", "O", "x"]
EXTENSION_CODES = NUMPY_CODES + ["n", "N", "P", "p", "u", "t", "&i", "&<d", "X{}", "X{ii->d}"]

# --------------------------------------------------------------------------------------------------------------
# hand-picked formats


def hand_picked():
    f = []
    # every struct code, alone, with every prefix, with counts 0/1/2/3/10
    for p in ["", "@", "=", "<", ">", "!", "^"]:
        for c in STRUCT_CODES + "gwuOt":
            f.append(p + c)
        for c in ["Zf", "Zd", "Zg", "&i", "X{}"]:
            f.append(p + c)
    for c in STRUCT_CODES + "gwuOt":
        for n in ["0", "1", "2", "3", "10"]:
            f.append(n + c)
            f.append("c" + n + c)
            f.append("=c" + n + c)
    # struct alignment, padding, zero counts (pep3118-cpython.md §5.2, §5.3, §6.4a; interop-protocols §1.3)
    f += ["ci", "@ci", "=ci", "<ci", "ic", "bhl", "lhb", "ce", "c3h", "xxi", "b3xi", "!hq", "ci0l", "c0i", "@i0q",
          "<i0l", "cid", "@bhlq", "=bhlq", "c3si0q", "bxh?e", "ib", "bi", "=ib", "<ib", "bxi", "ix", "ix0i", "n", "P",
          "e", "xi", "@ci", "=ci", "", "0i", "'", "T{i}", "5p", "0p", "1p", "0s", "3s", "255p", "256p", "?x?",
          "lxl", "qxq", "nN", "Pc", "cP", "c0P", "c0n", "ePe", "dxd", "hxxxxxi", "4s4c", "2c", "4c4s"]
    # whitespace (struct skips it between items, not between count and code)
    f += [" i", "i ", "i i", "2 i", "<i i", " <i", "< i", "<", "< ", "@ ", "i\ti", "i\x0bi", "i\x0ci", "i\ni",
          "i\ri", "i\x1ci", "i\xa0i", "\ti\n", "3i 4h", "3 i", "<\t2h", "=\n", "T{ i:a: }", "T{i :a:}", "( 2 , 3 )i",
          "(2, 3)i", "i :a:", "i:a: i:b:", "i: a :"]
    # counts and sizes at the nint limit (pep3118-cpython.md §5.1)
    f += ["99999999999999999999b", "99999999999999999999i", "9223372036854775807x", "9223372036854775808x",
          "9223372036854775807s", "9223372036854775807c", "4611686018427387904h", "4611686018427387903h",
          "2305843009213693952i", "2305843009213693951i", "9223372036854775806xx", "9223372036854775807xx",
          "c9223372036854775807x", "i9223372036854775803x", "i9223372036854775804x", "00000000000000000000001i",
          "1152921504606846975d", "1152921504606846976d", "(9223372036854775807)x", "(2,4611686018427387904)x",
          "T{9223372036854775807x}", "T{d9223372036854775800x}", "9223372036854775807w"]
    # invalid struct strings
    f += ["2", "i2", "<>i", "i@h", "<i>h", "@@i", "y", "i y", "\x00", "i\x00", "é", "ié", "<n", "=N", ">P", "!n",
          "Z", "Zi", "ZB", "Ze", "Z f", "T", "T(", "T{", "T{i", "T{i:a:", "T{i:a}", "T{i:a:i:a:}", "}", "i}",
          "i}xyz", "{", "T{}}", "()", "()i", "(2,)i", "(,2)i", "(2", "(2)", "(2)(", "(a)i", "(-1)i", "(+2)i", "((2))i",
          ":a:", "i::a:", "i:a::b:", "X", "X{", "X{i-d}", "X{->}", "&", "&&", "3(2)i", "3<i", "3:a:", "2T", "T{i<}",
          "i<", "<<", "T{<}i", "x:", ":"]
    # PEP 3118 extensions and NumPy's grammar (interop-protocols §3.6 import vectors I1–I65, §5.6)
    f += ["i", "<i", ">q", "!h", "=l", "l", "^l", "Zd", ">Zf", "Zg", "g", "<g", "=g", "<Zg", "?", "c", "5s", "3w",
          "w", "2w", "4x", "O", "ib", "=ib", "^ib", "bi", "@b3xi", "=b3xi", "T{i:a:d:b:}", "T{=i:a:d:b:}",
          "T{d:a:b:b:}", "T{b:a:xxxi:b:}", "b:a: i:b:", "T{T{b:x:i:y:}:inner:b:z:}", "(2,3)i:a:", "(2,3)i", "3i",
          "2c", "4c4s", "2T{b:a:i:b:}", "(3)T{b:a:i:b:}:s:", "(3)T{ix}", "x3T{xi}", "^x3T{xi}", "@T{^i}xi",
          "T{<b:a:}i:b:", "T{b:a:}i:b:", "T{i:a:i:a:}", "T{i::}", "x:pad:i", "ii:f0:", "T{}", "(2)>i", "<(3)i",
          "(2)(3)i", "T{>(2)i:a:}", "@bq", "^bq", "=bq", "ix", "ixxx", "^ix", "i7x", "T{i:a:8x}",
          "T{b:a:xxxi:b:T{b:f0:=i:f1:}:sub:xxxi:c:}", "T{b:a:xxxi:b:3b:c:xi:d:}", "T{Zd:z:?:flag:}", "T{e:h:Zf:c:}",
          ">T{h:a:d:b:}", "T{>h:a:d:b:}", "T{>h:a:@d:b:}", "T{3s:name:i:v:}", "T{(2,2)d:m:i:n:}", "(0)I:a:f:b:",
          "Zi", "Ze", "ZB", "&i", "u", "t", "X", "T{ i : a : }", "i}xyz", "T{i:a:", "T{i:a}", "0i", "i0x", "q:a:xxxx",
          "<i>h", "i:name:", "ii", "2i", "T{<i:a:(2,3)d:b:}", "T{b:a:h:b:^l:c:q:d:}", "i:a: i:a:", "&<i", "X{}",
          "T{i:a:d:b:}", "@ci", "^ci", "xxxi", "T{i}b", "T{i}", "T{ix}", "T{^ix}", "T{i^b}", "T{<b@i}", "T{i<b}",
          "bT{i<b}", "bT{ib}", "T{T{}}", "T{T{<i}}", "(1)i", "T{(1)i:a:}", "T{0s:a:}", "0w", "0x", "T{i:a:0x}",
          "T{x}", "T{x:p:}", "i:a:b", "T{(2)3i:a:}", "T{3i:a:}", "<O", "^g", "^Zg", "T{g:a:b:b:}", "T{b:b:Zg:a:}",
          "T{^g:a:}", "T{Zf:a:b:b:}", "T{(2)T{ix}:a:}", "T{2T{ib}:a:i:b:}", "T{3w:a:b:b:}", "T{?:a:w:b:}",
          "T{O:a:b:b:}", "T{b:b:O:a:}"]
    # ctypes-style strings (interop-protocols §1.5, pep3118-cpython.md §5.6)
    f += ["<q", "(3,2)<i", "<c", "<u", "<P", "&<i", "T{<B:a:<I:b:}", "T{>h:a:>d:b:}", "<g", "&<i", "<?", "<z",
          "T{<b:x:<d:y:}", "T{>i:x:>d:y:}", "T{(3)<i:a:(2,2)<h:m:&<i:p:(4)<c:s:}", "X{}", "T{<d:x:<d:y:}", "=bhlq"]
    # nesting, names, sub-arrays, prefixes mid-string
    f += ["T{T{T{i:a:}:b:}:c:}", "T{T{T{b:a:}:b:d:c:}:d:}", "T{b:a:T{d:x:}:b:b:c:}", "T{b:a:(2)T{h:x:}:b:}",
          "T{(2,2,2)b:a:d:b:}", "T{(0)d:a:i:b:}", "(2,0,3)i", "T{(0,3)d:a:b:b:}", "T{<i:a:>i:b:=i:c:@i:d:^i:e:}",
          "T{b:a:^i:b:@d:c:}", "T{^b:a:i:b:}@d", "<T{i:a:}>i", "T{i:a:}<T{i:b:}>i", "T{i:é:}", "T{i:a b:}",
          "T{i:}:}", "T{i:{:}", "T{i:T{:}", "T{2i:a:}", "T{2s:a:3p:b:}", "T{ZdZf}", "T{i:a:}:outer:",
          "(2)T{i:a:}:arr:", "T{h:a:}3i", "(4)x", "T{(4)x:pad:}", "T{x:a:x:b:}", "T{b:a:7x}", "T{q:a:b:b:}b",
          "T{i:a:T{}:e:b:b:}"]
    # nesting depth at and beyond the bound
    for depth in [1, 2, 8, 31, 32, 63, 64]:
        f.append("T{" * depth + "i" + "}" * depth)
    return f


# --------------------------------------------------------------------------------------------------------------
# random formats


def random_struct_format(r):
    """A string in (or near) struct's grammar."""
    s = r.choice(["", "", "", "@", "=", "<", ">", "!"])
    for _ in range(r.randint(0, 8)):
        if r.random() < 0.15:
            s += r.choice(WS)
        if r.random() < 0.4:
            s += str(r.choice([0, 1, 2, 3, 4, 5, 7, 8, 16, 100]))
        s += r.choice(STRUCT_CODES)
    if r.random() < 0.1:
        s += r.choice(WS)
    return s


def random_item(r, depth, named, numpy_only):
    codes = NUMPY_CODES if numpy_only else EXTENSION_CODES
    s = ""
    if r.random() < 0.15:
        s += "(" + ",".join(str(r.randint(0, 4)) for _ in range(r.randint(1, 3))) + ")"
    if r.random() < 0.25:
        s += r.choice("@=<>^!" if not numpy_only else "@=<>^")
    if r.random() < 0.25:
        s += str(r.choice([0, 2, 3, 4, 5]))
    if depth < 3 and r.random() < 0.2:
        s += "T{" + random_items(r, depth + 1, named, numpy_only, r.randint(0, 4)) + "}"
    else:
        code = r.choice(codes)
        if numpy_only and code in ("g", "Zg") and s and s[-1] in "=<>":
            code = "d"
        s += code
    if named:
        s += ":" + r.choice("abcdefgh") + str(r.randint(0, 99)) + ":"
    return s


def random_items(r, depth, named, numpy_only, n):
    return "".join(random_item(r, depth, named, numpy_only) for _ in range(n))


def random_pep3118_format(r):
    numpy_only = r.random() < 0.75
    if r.random() < 0.5:
        return "T{" + random_items(r, 1, True, numpy_only, r.randint(0, 6)) + "}"
    return random_items(r, 0, r.random() < 0.5, numpy_only, r.randint(1, 5))


def mutate(r, s):
    alphabet = STRUCT_CODES + "@=<>!^{}():,TXZ&-> 0123456789abgwuOt\x00é"
    s = list(s)
    for _ in range(r.randint(1, 3)):
        op = r.random()
        if op < 0.4 and s:
            del s[r.randrange(len(s))]
        elif op < 0.8:
            s.insert(r.randint(0, len(s)), r.choice(alphabet))
        elif s:
            s[r.randrange(len(s))] = r.choice(alphabet)
    return "".join(s)


def all_formats():
    seen = set()
    out = []

    def add(fmt, origin):
        if fmt not in seen:
            seen.add(fmt)
            out.append((fmt, origin))

    for fmt in hand_picked():
        add(fmt, "hand")
    r = random.Random(3118)
    for _ in range(900):
        add(random_struct_format(r), "random-struct")
    for _ in range(900):
        add(random_pep3118_format(r), "random-pep3118")
    base = [fmt for fmt, _ in out]
    for _ in range(600):
        add(mutate(r, r.choice(base)), "mutated")
    return out


# --------------------------------------------------------------------------------------------------------------
# struct


def struct_items(fmt):
    """Splits a struct-valid format into its items: (text, code) per item, after the leading order char."""
    i = 1 if fmt[:1] and fmt[0] in STRUCT_PREFIXES else 0
    items = []
    while i < len(fmt):
        if fmt[i] in WS:
            i += 1
            continue
        start = i
        while fmt[i].isdigit():
            i += 1
        items.append((start, i + 1))
        i += 1
    return items


def struct_record(fmt):
    res = outcome(lambda: struct.calcsize(fmt))
    if "ok" not in res:
        return res, None
    items = []
    for start, end in struct_items(fmt):
        code = fmt[end - 1]
        prefix = fmt[:start]
        offset = struct.calcsize(prefix + "0" + code)
        size = struct.calcsize(fmt[:end]) - offset
        items.append({"offset": offset, "size": size, "text": fmt[start:end]})
    return res, items


# --------------------------------------------------------------------------------------------------------------
# NumPy


def describe(dt, depth=0):
    """A dtype as plain data: scalar (dtype.str), sub-array (shape + base) or struct (fields in order).

    Below 12 levels only the itemsize is kept ("deeper": true), so that case files stay within the JSON nesting
    depth .NET reads by default (64)."""
    if depth >= 12:
        return {"itemsize": dt.itemsize, "deeper": True}
    if dt.subdtype is not None:
        base, shape = dt.subdtype
        return {"itemsize": dt.itemsize, "shape": list(shape), "base": describe(base, depth + 1)}
    if dt.names is not None:
        fields = [{"name": name, "offset": dt.fields[name][1], "type": describe(dt.fields[name][0], depth + 1)}
                  for name in dt.names]
        return {"itemsize": dt.itemsize, "fields": fields}
    return {"itemsize": dt.itemsize, "str": dt.str}


def export(dt, n):
    """memoryview(np.zeros(n, dt)).format with the item-level context (shape [n], strides [itemsize])."""
    a = np.zeros(n, dt)
    if a.dtype != dt and a.dtype.itemsize != dt.itemsize and dt.subdtype is None:
        return {"error": "LayoutChanged", "message": f"np.zeros gives dtype {a.dtype.str} for {dt.str}"}
    return outcome(lambda: memoryview(a).format)


def numpy_quirk(fmt):
    """Why NumPy's acceptance of fmt is not evidence for a layout: its parser stops at a '}' at the top level
    ("stray-brace") or accepts an unclosed 'T{' ("unclosed-struct"); it reads sub-array extents with Python's
    int() ("lenient-int": '+2', '1_0'); its item sizes are C ints that silently wrap ("int-overflow")."""
    if any(int(n) >= 2**31 for n in re.findall(r"\d+", fmt)):
        return "int-overflow"
    for shape in re.findall(r"\(([^)]*)\)", fmt):
        if any(c not in "0123456789," + WS for c in shape):
            return "lenient-int"
    depth = 0
    i = 0
    while i < len(fmt):
        c = fmt[i]
        if c == ":":
            j = fmt.find(":", i + 1)
            if j < 0:
                return None
            i = j + 1
            continue
        if fmt.startswith("T{", i):
            depth += 1
            i += 2
            continue
        if c == "}":
            if depth == 0:
                return "stray-brace"
            depth -= 1
        i += 1
    return "unclosed-struct" if depth > 0 else None


def numpy_record(fmt):
    res = outcome(lambda: describe(_dtype_from_pep3118(fmt)))
    if "ok" not in res:
        return res, None
    dt = _dtype_from_pep3118(fmt)
    if not 0 <= dt.itemsize <= 1 << 16:
        return res, None  # too large to allocate an array of
    return res, {"stride": dt.itemsize, "one": export(dt, 1), "three": export(dt, 3)}


# --------------------------------------------------------------------------------------------------------------
# struct.pack vectors


def encode_value(v):
    if isinstance(v, bool):
        return {"bool": v}
    if isinstance(v, int):
        return {"int": str(v)}
    if isinstance(v, float):
        return {"float": v.hex()}
    if isinstance(v, bytes):
        return {"bytes": v.hex()}
    raise TypeError(type(v))


INT_RANGES = {"b": (-128, 127), "B": (0, 255), "h": (-2**15, 2**15 - 1), "H": (0, 2**16 - 1),
              "i": (-2**31, 2**31 - 1), "I": (0, 2**32 - 1), "q": (-2**63, 2**63 - 1), "Q": (0, 2**64 - 1),
              "n": (-2**63, 2**63 - 1), "N": (0, 2**64 - 1), "P": (0, 2**64 - 1)}


def int_range(code, native):
    if code in "lL":
        bits = 64 if native else 32
        return (-2**(bits - 1), 2**(bits - 1) - 1) if code == "l" else (0, 2**bits - 1)
    return INT_RANGES[code]


def sample_value(r, code, count, native):
    if code in INT_RANGES or code in "lL":
        lo, hi = int_range(code, native)
        return r.choice([lo, hi, 0, 1, -1 if lo < 0 else 2, r.randint(lo, hi)])
    if code == "?":
        return r.random() < 0.5
    if code == "c":
        return bytes([r.randrange(256)])
    if code in "ef":
        return r.choice([0.0, -0.0, 1.5, -2.25, 65504.0 if code == "e" else 3.4028234663852886e38, 1e-7,
                         float("inf"), float("nan"), r.uniform(-1000, 1000)])
    if code == "d":
        return r.choice([0.0, -0.0, 1.0 / 3, 1e308, 5e-324, float("-inf"), float("nan"), r.uniform(-1e9, 1e9)])
    if code in "sp":
        return bytes(r.randrange(256) for _ in range(r.randint(0, count + 2)))
    raise ValueError(code)


def pack_cases(r, formats):
    cases = []
    valid = [f for f in formats if "ok" in outcome(lambda f=f: struct.calcsize(f)) and struct.calcsize(f) <= 256
             and not any(c in WS for c in f)]
    for fmt in r.sample(valid, min(300, len(valid))) + ["=e", "<e", ">d", "@P", "p", "5p", "0p", "1p", "3s", "0s"]:
        native = not fmt[:1] or fmt[0] not in "=<>!"
        values = []
        for start, end in struct_items(fmt):
            text = fmt[start:end]
            code = text[-1]
            count = int(text[:-1]) if text[:-1] else 1
            if code == "x":
                continue
            if code in "sp":
                values.append(sample_value(r, code, count, native))
            else:
                values.extend(sample_value(r, code, count, native) for _ in range(count))
        cases.append((fmt, values))
    # range and type errors
    for code, bad in [("b", 128), ("b", -129), ("B", 256), ("B", -1), ("h", 2**15), ("H", -1), ("i", 2**31),
                      ("I", 2**32), ("q", 2**63), ("Q", -1), ("<l", 2**31), ("l", 2**63), ("<L", 2**32),
                      ("n", 2**63), ("N", 2**64), ("P", 2**64), ("P", -1), ("e", 1e6), ("<e", 65520.0),
                      ("<f", 1e300), ("f", 1e300), ("c", b"ab"), ("c", b"")]:
        cases.append((code, [bad]))
    return cases


def write_pack_cases(out_dir, formats):
    r = random.Random(20230)
    with CaseWriter(out_dir, "struct-pack.jsonl", "struct-pack") as w:
        for n, (fmt, values) in enumerate(pack_cases(r, formats)):
            packed = outcome(lambda: struct.pack(fmt, *values).hex())
            unpacked = None
            if "ok" in packed:
                data = bytes.fromhex(packed["ok"])
                unpacked = outcome(lambda: [encode_value(v) for v in struct.unpack(fmt, data)])
            w.write(f"p{n:04d}", format=fmt, values=[encode_value(v) for v in values], packed=packed,
                    unpacked=unpacked)


# --------------------------------------------------------------------------------------------------------------
# NumPy export vectors


def format_of(dt):
    """A lossless PEP 3118 description of dt's layout: '^' or '>' before every leaf, explicit padding bytes."""
    if dt.subdtype is not None:
        base, shape = dt.subdtype
        return "(" + ",".join(str(d) for d in shape) + ")" + format_of(base)
    if dt.names is not None:
        s = "T{"
        offset = 0
        for name in dt.names:
            sub, off = dt.fields[name][:2]
            if off < offset or ":" in name:
                raise ValueError("not expressible as a format")
            if off > offset:
                s += "%dx" % (off - offset)
            s += format_of(sub) + ":" + name + ":"
            offset = off + sub.itemsize
        if dt.itemsize > offset:
            s += "%dx" % (dt.itemsize - offset)
        return s + "}"
    order = ">" if dt.byteorder == ">" else "^"
    if dt.char in "SUV":
        n = dt.itemsize // 4 if dt.char == "U" else dt.itemsize
        return order + "%d%s" % (n, {"S": "s", "U": "w", "V": "x"}[dt.char])
    if order == ">" and dt.kind in "iu":
        letter = {1: "b", 2: "h", 4: "i", 8: "q"}[dt.itemsize]
        return order + (letter.upper() if dt.kind == "u" else letter)
    letter = {"F": "Zf", "D": "Zd", "G": "Zg"}.get(dt.char, dt.char)
    return order + letter


E_VECTORS = [
    ("E1", "np.dtype('?')"), ("E2a", "np.dtype('i1')"), ("E2b", "np.dtype('u1')"), ("E3a", "np.dtype('i2')"),
    ("E3b", "np.dtype('<u2')"), ("E4", "np.dtype('>i2')"), ("E5a", "np.dtype('i4')"), ("E5b", "np.dtype(np.intc)"),
    ("E6", "np.dtype('>i4')"), ("E7", "np.dtype('u4')"), ("E8", "np.dtype('i8')"), ("E9", "np.dtype('<u8')"),
    ("E10", "np.dtype(np.longlong)"), ("E11", "np.dtype('>i8')"), ("E12a", "np.dtype('f2')"),
    ("E12b", "np.dtype('>f2')"), ("E13a", "np.dtype('f4')"), ("E13b", "np.dtype('f8')"), ("E13c", "np.dtype('>f8')"),
    ("E14", "np.dtype('g')"), ("E15a", "np.dtype('c8')"), ("E15b", "np.dtype('c16')"), ("E15c", "np.dtype('>c16')"),
    ("E15d", "np.dtype('G')"), ("E16", "np.dtype('O')"), ("E17", "np.dtype('S5')"), ("E18a", "np.dtype('U3')"),
    ("E18b", "np.dtype('>U3')"), ("E19", "np.dtype('V8')"), ("E21a", "np.dtype('>g')"), ("E21b", "np.dtype('>G')"),
    ("E22", "np.dtype([('a','<i4'),('b','<f8')])"), ("E23", "np.dtype([('a','<i4'),('b','<f8')], align=True)"),
    ("E24", "np.dtype({'names':['a','b'],'formats':['u1','<i4'],'offsets':[0,8],'itemsize':16})"),
    ("E25", "np.dtype([('x','>i2'),('y','<i2'),('z','i2')])"),
    ("E26", "np.dtype([('p',[('q','u1'),('r','<f4')]),('s','<i4',(2,3))])"),
    ("E27", "np.dtype([('p',[('q','u1'),('r','<f4')]),('s','<i8')], align=True)"),
    ("E28", "np.dtype([('v','V3'),('w','u1')])"), ("E29", "np.dtype([('s','S3'),('u','<U2')])"),
    ("E30", "np.dtype(('<i4',(2,2)))"), ("E31", "np.dtype([('o','O'),('i','<i4')])"),
    ("E32", "np.dtype([('a','u1'),('b','<f8')], align=True)"), ("E33", "np.dtype([('a','<f8',(0,))])"),
    ("E34", "np.dtype([('a','>i4'),('b','<i4'),('c','>f8')], align=True)"),
    ("E37", "np.dtype({'names':['a'],'formats':['<i4'],'offsets':[0],'itemsize':12})"),
    ("E39", "np.dtype([('\\u00e9','<i4')])"), ("E40", "np.dtype({'names':['a'],'formats':['<i4'],'titles':['T']})"),
    ("E41", "np.dtype([('a',[('x','<i2'),('y','<i2')],(2,)),('b',('<f4',(2,)),(3,))])"),
    ("E42", "np.dtype([('h','<f2'),('z','<c8'),('t','?')], align=True)"),
    ("E43", "np.dtype([('c','u1'),('l','<i8')])"),
    ("E44", "np.dtype([('a','u1'),('b','<f8'),('c','u1')], align=True)"),
    ("E45", "np.dtype([('foo',('<i4',(3,)),(2,))])"),
    ("long-aligned", "np.dtype([('a','u1'),('b','<i8')], align=True)"),
    ("ulong-packed", "np.dtype([('a','u1'),('b','<u8')])"),
    ("longlong-packed", "np.dtype([('a','u1'),('b',np.longlong)])"),
    ("g-packed", "np.dtype([('a','u1'),('b','g')])"), ("G-packed", "np.dtype([('a','u1'),('b','G')])"),
    ("g-aligned", "np.dtype([('a','u1'),('b','g')], align=True)"),
    ("tail-packed", "np.dtype([('a','<i8'),('b','u1')])"), ("U-packed", "np.dtype([('a','u1'),('b','<U2')])"),
    ("big-nested", "np.dtype([('a','>i4'),('s',[('x','>f8'),('y','u1')])], align=True)"),
    ("bool-after-big", "np.dtype([('a','>i4'),('b','?'),('c','i1'),('d','>i2')])"),
    ("empty", "np.dtype([])"), ("void-field", "np.dtype([('a','V5'),('b','<i2')])"),
]


def random_dtype(r, depth=0):
    choice = r.random()
    if depth < 2 and choice < 0.25:
        n = r.randint(1, 4)
        fields = [("f%d_%d" % (depth, i), random_dtype(r, depth + 1)) for i in range(n)]
        return np.dtype(fields, align=r.random() < 0.5)
    leaf = r.choice(["?", "i1", "u1", "<i2", ">i2", "<u2", "<i4", ">i4", "<u4", ">u4", "<i8", ">i8", "<u8",
                     np.longlong, np.ulonglong, "<f2", ">f2", "<f4", ">f4", "<f8", ">f8", "g", "<c8", ">c8", "<c16",
                     ">c16", "G", "O", "S1", "S3", "<U1", ">U2", "V2", "V3"])
    dt = np.dtype(leaf)
    if r.random() < 0.2:
        dt = np.dtype((dt, tuple(r.randint(0, 3) for _ in range(r.randint(1, 2)))))
    return dt


def export_contexts(dt):
    """(name, array) pairs: a single item, three items, and views that move the data or the stride."""
    yield "one", np.zeros(1, dt)
    yield "three", np.zeros(3, dt)
    yield "zero-d", np.zeros((), dt)
    if dt.itemsize > 0 and dt.subdtype is None and not dt.hasobject:
        raw = np.zeros(dt.itemsize * 6 + 16, "u1")
        yield "offset1", raw[1:1 + dt.itemsize * 4].view(dt)
        yield "every-other", np.zeros(6, dt)[::2]


def export_case(dt, array):
    fmt = outcome(lambda: memoryview(array).format)
    return {"address_mod16": array.ctypes.data % 16, "shape": list(array.shape[:array.ndim - len(dt.shape)]),
            "strides": list(array.strides[:array.ndim - len(dt.shape)]), "expected": fmt}


def write_export_cases(out_dir):
    r = random.Random(7797)
    dtypes = [(name, eval(expr)) for name, expr in E_VECTORS]  # noqa: S307 - fixed expressions above
    dtypes += [("random%03d" % i, random_dtype(r)) for i in range(150)]
    with CaseWriter(out_dir, "numpy-export.jsonl", "numpy-export") as w:
        # interop-protocols §2.3 A1–A7: misaligned data, odd strides, 0-d
        raw = np.zeros(40, "u1")
        views = [("A1", raw[1:33].view("<i4")), ("A2", raw[1:33].view(">i4")), ("A3", raw[1:33].view("i8")),
                 ("A4", np.zeros(40, "u1")[1:33].view("g")), ("A5", np.zeros(9, "i4")[::3]),
                 ("A6", np.lib.stride_tricks.as_strided(np.zeros(6, "i4"), shape=(3,), strides=(6,))),
                 ("A7", np.array(1.0))]
        for name, array in views:
            dt = array.dtype
            w.write(name, dtype=dt.str, itemsize=dt.itemsize, format=format_of(dt), reimport="same",
                    context=export_case(dt, array))
        for name, dt in dtypes:
            try:
                fmt = format_of(dt)
            except ValueError:
                continue
            imported = outcome(lambda: describe(_dtype_from_pep3118(fmt)) == describe(dt))  # titles aside
            reimport = "error" if "ok" not in imported else "same" if imported["ok"] else "different"
            for ctx, array in export_contexts(dt):
                w.write(f"{name}-{ctx}", dtype=str(dt), itemsize=dt.itemsize, format=fmt,
                        reimport=reimport, context=export_case(dt, array))


# --------------------------------------------------------------------------------------------------------------


def generate(out_dir):
    formats = all_formats()
    with CaseWriter(out_dir, "formats.jsonl", "formats") as w:
        for n, (fmt, origin) in enumerate(formats):
            st, items = struct_record(fmt)
            npy, exported = numpy_record(fmt)
            w.write(f"f{n:04d}", format=fmt, origin=origin, struct=st, struct_items=items, numpy=npy,
                    numpy_export=exported, numpy_quirk=numpy_quirk(fmt) if "ok" in npy else None)
    write_pack_cases(out_dir, [fmt for fmt, _ in formats])
    write_export_cases(out_dir)
