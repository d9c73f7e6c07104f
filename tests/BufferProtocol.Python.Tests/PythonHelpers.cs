namespace BufferProtocol.Python.Tests;

/// <summary>
/// The Python half of the tests: CPython's <c>_testbuffer.ndarray(obj, getbuf=flags)</c> is the oracle. It is a
/// consumer that calls <c>PyObject_GetBuffer(obj, flags)</c> and exposes exactly the fields it received, so
/// <c>describe(x, flags)</c> says what any exporter answers to any request, in one comparable line.
/// </summary>
internal static class PythonHelpers
{
    public const string Source = """"
import _testbuffer as tb, numpy as np, array, mmap, sys, ctypes, zlib, hashlib, struct, gc

def request_flags():
    """Every request: 7 shape/stride/contiguity levels x WRITABLE x FORMAT, plus READ/WRITE (SIMPLE in 3.11)."""
    levels = [0, tb.PyBUF_ND, tb.PyBUF_STRIDES, tb.PyBUF_C_CONTIGUOUS, tb.PyBUF_F_CONTIGUOUS,
              tb.PyBUF_ANY_CONTIGUOUS, tb.PyBUF_INDIRECT]
    out = [level | w | f for level in levels for w in (0, tb.PyBUF_WRITABLE) for f in (0, tb.PyBUF_FORMAT)]
    return out + [tb.PyBUF_READ, tb.PyBUF_WRITE]

def shape_text(t):
    return repr(tuple(t))

def describe(obj, flags):
    """What obj's exporter answers to flags, as the consumer sees it (or the exception type it raises)."""
    try:
        n = tb.ndarray(obj, getbuf=flags)
    except Exception as e:
        return 'error ' + type(e).__name__
    try:
        data = n.tobytes().hex()
    except Exception as e:
        data = 'tobytes ' + type(e).__name__
    return (f"format={n.format!r} itemsize={n.itemsize} ndim={n.ndim} shape={shape_text(n.shape)} "
            f"strides={shape_text(n.strides)} suboffsets={shape_text(n.suboffsets)} readonly={bool(n.readonly)} "
            f"len={n.nbytes} data={data}")

def describe_all(obj):
    return [describe(obj, f) for f in request_flags()]

def make_mmap():
    m = mmap.mmap(-1, 16)
    m.write(bytes(range(16)))
    return m

def make_readonly():
    a = np.arange(6, dtype='<f8').reshape(2, 3)
    a.setflags(write=False)
    return a

_pil = tb.ndarray(list(range(12)), shape=[3, 4], format='i', flags=tb.ND_PIL | tb.ND_WRITABLE)

EXPORTERS = {
    'bytes': lambda: bytes(range(1, 7)),
    'bytearray': lambda: bytearray(range(1, 7)),
    'array_i': lambda: array.array('i', [1, -2, 3]),
    'array_d': lambda: array.array('d', [1.5, 2.5]),
    'mmap': make_mmap,
    'memoryview_step': lambda: memoryview(b'abcdefgh')[::2],
    'memoryview_2d': lambda: memoryview(bytearray(range(12))).cast('h', (2, 3)),
    'np_c': lambda: np.arange(6, dtype='<i4').reshape(2, 3),
    'np_fortran': lambda: np.asfortranarray(np.arange(12.0).reshape(3, 4)),
    'np_transposed': lambda: np.arange(6, dtype='<i2').reshape(2, 3).T,
    'np_sliced': lambda: np.arange(40, dtype='<i4').reshape(5, 8)[::2, 1::3],
    'np_negative': lambda: np.arange(5, dtype='<i8')[::-1],
    'np_negative_2d': lambda: np.arange(12, dtype='<u2').reshape(3, 4)[::-1, ::-2],
    'np_big_endian': lambda: np.arange(4, dtype='>i4'),
    'np_structured': lambda: np.array([(1, 2.5), (3, 4.5)], dtype=[('a', '<i4'), ('b', '<f8')]),
    'np_structured_aligned': lambda: np.array([(1, 2.5), (3, 4.5)], dtype=np.dtype([('a', '<i4'), ('b', '<f8')], align=True)),
    'np_scalar_0d': lambda: np.array(1.5),
    'np_readonly': make_readonly,
    'np_half': lambda: np.arange(3, dtype='<f2'),
    'np_complex': lambda: np.arange(3, dtype='<c16'),
    'np_empty': lambda: np.zeros((0, 3), dtype='<i4'),
    'np_bool': lambda: np.array([True, False, True]),
    'tb_pil': lambda: _pil,
    'tb_pil_sliced': lambda: _pil[::-1, 1:],
    'tb_fortran': lambda: tb.ndarray(list(range(6)), shape=[2, 3], format='i', flags=tb.ND_FORTRAN),
    'tb_scalar': lambda: tb.ndarray(5, shape=[], format='i', flags=tb.ND_WRITABLE),
}

TWINS = {
    'bytearray': lambda: bytearray(range(1, 7)),
    'bytes': lambda: bytes(range(1, 7)),
    'int32_2x3': lambda: tb.ndarray(list(range(6)), shape=[2, 3], format='i', flags=tb.ND_WRITABLE),
    'double_1d': lambda: array.array('d', [0.5, 1.5, 2.5]),
    'fortran_readonly': lambda: tb.ndarray(list(range(6)), shape=[2, 3], format='i', flags=tb.ND_FORTRAN),
    'fortran_writable': lambda: tb.ndarray(list(range(6)), shape=[2, 3], format='i', flags=tb.ND_FORTRAN | tb.ND_WRITABLE),
    'reversed': lambda: tb.ndarray(list(range(6)), shape=[6], format='q', flags=tb.ND_WRITABLE)[::-2],
    'pil': lambda: tb.ndarray(list(range(12)), shape=[3, 4], format='i', flags=tb.ND_PIL | tb.ND_WRITABLE),
    'scalar': lambda: tb.ndarray(5, shape=[], format='i', flags=tb.ND_WRITABLE),
    'empty': lambda: array.array('i'),
    'empty_2d': lambda: tb.ndarray([0], shape=[0, 3], format='i', flags=tb.ND_WRITABLE),
}

def twin(name):
    """The CPython exporter a .NET exporter of the same name must answer exactly like."""
    return TWINS[name]()

def make(name):
    return EXPORTERS[name]()

def exporter_names():
    return list(EXPORTERS)

def data_address(obj):
    """The address of obj's first logical item, found without the library under test."""
    if isinstance(obj, np.ndarray):
        return obj.__array_interface__['data'][0]
    if isinstance(obj, bytes):
        return id(obj) + sys.getsizeof(b'') - 1
    if isinstance(obj, bytearray):
        return ctypes.addressof((ctypes.c_char * len(obj)).from_buffer(obj)) if len(obj) else 0
    raise TypeError(type(obj))

def refcount(obj):
    return sys.getrefcount(obj) - 1

"""";
}
