using Python.Runtime;

namespace BufferProtocol.Python.Tests;

/// <summary>
/// Python helpers for the DLPack, <c>__array_interface__</c> and <c>__array_struct__</c> tests: capsule decoding through ctypes (the layouts of
/// interop-protocols §5.1), and small producers NumPy's own objects do not provide.
/// </summary>
internal static class InteropHelpers
{
    private const string Source = """"
import ctypes, gc, sys
import numpy as np

class DLDataType(ctypes.Structure):
    _fields_ = [('code', ctypes.c_uint8), ('bits', ctypes.c_uint8), ('lanes', ctypes.c_uint16)]

class DLDevice(ctypes.Structure):
    _fields_ = [('device_type', ctypes.c_int32), ('device_id', ctypes.c_int32)]

class DLTensor(ctypes.Structure):
    _fields_ = [('data', ctypes.c_void_p), ('device', DLDevice), ('ndim', ctypes.c_int32), ('dtype', DLDataType),
                ('shape', ctypes.POINTER(ctypes.c_int64)), ('strides', ctypes.POINTER(ctypes.c_int64)),
                ('byte_offset', ctypes.c_uint64)]

class DLManagedTensor(ctypes.Structure):
    _fields_ = [('dl_tensor', DLTensor), ('manager_ctx', ctypes.c_void_p), ('deleter', ctypes.c_void_p)]

class DLPackVersion(ctypes.Structure):
    _fields_ = [('major', ctypes.c_uint32), ('minor', ctypes.c_uint32)]

class DLManagedTensorVersioned(ctypes.Structure):
    _fields_ = [('version', DLPackVersion), ('manager_ctx', ctypes.c_void_p), ('deleter', ctypes.c_void_p),
                ('flags', ctypes.c_uint64), ('dl_tensor', DLTensor)]

_name = ctypes.pythonapi.PyCapsule_GetName
_name.restype = ctypes.c_char_p
_name.argtypes = [ctypes.py_object]
_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_pointer.restype = ctypes.c_void_p
_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]

def capsule_name(c):
    return _name(c).decode()

def decode(c):
    """The fields of a DLPack capsule (without consuming it)."""
    name = _name(c)
    if name == b'dltensor_versioned':
        m = DLManagedTensorVersioned.from_address(_pointer(c, name))
        extra = {'version': (m.version.major, m.version.minor), 'flags': m.flags}
    else:
        m = DLManagedTensor.from_address(_pointer(c, name))
        extra = {}
    t = m.dl_tensor
    out = {'name': name.decode(), 'data': t.data or 0, 'device': (t.device.device_type, t.device.device_id), 'ndim': t.ndim,
           'dtype': (t.dtype.code, t.dtype.bits, t.dtype.lanes), 'shape': tuple(t.shape[i] for i in range(t.ndim)),
           'strides': None if not t.strides else tuple(t.strides[i] for i in range(t.ndim)), 'byte_offset': t.byte_offset}
    out.update(extra)
    return out

def error_of(f, *args, **kwargs):
    try:
        f(*args, **kwargs)
        return 'ok'
    except Exception as e:
        return type(e).__name__ + ': ' + str(e)

def address(a):
    return a.__array_interface__['data'][0]

def refcount(obj):
    return sys.getrefcount(obj) - 1

class LegacyProducer:
    """A producer from before the 2023.12 standard: __dlpack__ takes only `stream`, as NumPy 1.24's."""
    def __init__(self, a):
        self.a = a
    def __dlpack__(self, stream=None):
        return self.a.__dlpack__(stream=stream)
    def __dlpack_device__(self):
        return (1, 0)

class InterfaceOnly:
    """Carries only an __array_interface__ (no buffer protocol): what NumPy reads when the buffer protocol is absent."""
    def __init__(self, interface, owner=None):
        self.owner = owner
        self.__array_interface__ = interface

class PyArrayInterface(ctypes.Structure):
    _fields_ = [('two', ctypes.c_int), ('nd', ctypes.c_int), ('typekind', ctypes.c_char), ('itemsize', ctypes.c_int),
                ('flags', ctypes.c_int), ('shape', ctypes.POINTER(ctypes.c_ssize_t)),
                ('strides', ctypes.POINTER(ctypes.c_ssize_t)), ('data', ctypes.c_void_p), ('descr', ctypes.c_void_p)]

_capsule_new = ctypes.pythonapi.PyCapsule_New
_capsule_new.restype = ctypes.py_object
_capsule_new.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]

def decode_struct(c):
    """The fields of an __array_struct__ capsule (PyArrayInterface), descr as its repr."""
    p = PyArrayInterface.from_address(_pointer(c, None))
    return {'two': p.two, 'nd': p.nd, 'typekind': p.typekind.decode(), 'itemsize': p.itemsize, 'flags': p.flags,
            'shape': tuple(p.shape[i] for i in range(p.nd)),
            'strides': None if not p.strides else tuple(p.strides[i] for i in range(p.nd)), 'data': p.data or 0,
            'descr': None if not p.descr else repr(ctypes.cast(p.descr, ctypes.py_object).value)}

class StructOnly:
    """Carries only __array_struct__: NumPy reads it when the buffer protocol is absent. `source` is an object with
    one (each access is a new capsule) or the fields of a struct made here, over memory `owner` keeps."""
    def __init__(self, source=None, owner=None, **fields):
        self.source, self.owner = source, owner
        if source is None:
            nd = len(fields['shape'])
            self.shape = (ctypes.c_ssize_t * nd)(*fields['shape'])
            self.strides = None if fields.get('strides') is None else (ctypes.c_ssize_t * nd)(*fields['strides'])
            self.struct = PyArrayInterface(fields.get('two', 2), nd, fields['typekind'].encode(), fields['itemsize'],
                                           fields['flags'], self.shape, self.strides, fields['data'], None)
            self.capsule = _capsule_new(ctypes.addressof(self.struct), fields.get('name'), None)
    @property
    def __array_struct__(self):
        return self.source.__array_struct__ if self.source is not None else self.capsule
"""";

    /// <summary>The helper module (created once per interpreter). The GIL must be held.</summary>
    public static PyModule Module => s_module ??= PyModule.FromString("bp_interop_helpers", Source);

    private static PyModule? s_module;
}
