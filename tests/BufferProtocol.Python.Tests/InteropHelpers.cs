using Python.Runtime;

namespace BufferProtocol.Python.Tests;

/// <summary>
/// Python helpers for the DLPack and <c>__array_interface__</c> tests: capsule decoding through ctypes (the layouts of
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
"""";

    /// <summary>The helper module (created once per interpreter). The GIL must be held.</summary>
    public static PyModule Module => s_module ??= PyModule.FromString("bp_interop_helpers", Source);

    private static PyModule? s_module;
}
