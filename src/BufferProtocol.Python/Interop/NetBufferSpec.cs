using System.Runtime.InteropServices;
using BufferProtocol.Python.Export;

namespace BufferProtocol.Python.Interop;

/// <summary>
/// The C description of the heap type <c>bufferprotocol.NetBuffer</c>: its <see cref="PyType_Spec"/>, the slot array,
/// and the <c>Py_tp_methods</c> and <c>Py_tp_getset</c> arrays, pointing at the <see cref="UnmanagedCallersOnlyAttribute"/>
/// entry points of <see cref="NetBufferType"/> and <see cref="NetBufferProtocols"/> (whose C signatures are spelled
/// out here; they take every pointer as <see cref="nint"/>).
/// </summary>
/// <remarks>
/// Everything the spec points at must outlive the type: the arrays are allocated once in native memory and never freed,
/// the strings are process-lifetime (<see cref="PyValues.StaticString"/>).
/// </remarks>
internal static unsafe class NetBufferSpec
{
    /// <summary>
    /// <c>PyType_FromSpec</c> for <c>NetBuffer</c>: instances are <paramref name="basicSize"/> bytes (the object header
    /// plus the fields <see cref="NetBufferType"/> keeps); Python cannot instantiate it. A new reference, or 0 with a
    /// Python error set. The GIL is held.
    /// </summary>
    public static nint CreateType(string name, string doc, int basicSize)
    {
        var slots = (PyType_Slot*)NativeMemory.AllocZeroed((nuint)(8 * sizeof(PyType_Slot)));
        // bf_getbuffer(PyObject *self, Py_buffer *view, int flags) -> int
        slots[0] = new PyType_Slot { slot = TypeSlot.Py_bf_getbuffer, pfunc = (delegate* unmanaged<nint, nint, int, int>)&NetBufferType.GetBuffer };
        // bf_releasebuffer(PyObject *self, Py_buffer *view)
        slots[1] = new PyType_Slot { slot = TypeSlot.Py_bf_releasebuffer, pfunc = (delegate* unmanaged<nint, nint, void>)&NetBufferType.ReleaseBuffer };
        // tp_dealloc(PyObject *self)
        slots[2] = new PyType_Slot { slot = TypeSlot.Py_tp_dealloc, pfunc = (delegate* unmanaged<nint, void>)&NetBufferType.Dealloc };
        // tp_repr(PyObject *self) -> PyObject*
        slots[3] = new PyType_Slot { slot = TypeSlot.Py_tp_repr, pfunc = (delegate* unmanaged<nint, nint>)&NetBufferType.Repr };
        slots[4] = new PyType_Slot { slot = TypeSlot.Py_tp_doc, pfunc = (void*)PyValues.StaticString(doc) };
        slots[5] = new PyType_Slot { slot = TypeSlot.Py_tp_methods, pfunc = CreateMethods() };
        slots[6] = new PyType_Slot { slot = TypeSlot.Py_tp_getset, pfunc = CreateGetSets() };
        var spec = (PyType_Spec*)NativeMemory.AllocZeroed((nuint)sizeof(PyType_Spec));
        spec->name = (byte*)PyValues.StaticString(name);
        spec->basicsize = basicSize;
        spec->itemsize = 0;
        spec->flags = TypeFlags.Py_TPFLAGS_DEFAULT | TypeFlags.Py_TPFLAGS_DISALLOW_INSTANTIATION;
        spec->slots = slots;
        return CPython.PyType_FromSpec(spec);
    }

    private static PyMethodDef* CreateMethods()
    {
        var methods = (PyMethodDef*)NativeMemory.AllocZeroed((nuint)(3 * sizeof(PyMethodDef)));
        methods[0] = new PyMethodDef
        {
            ml_name = (byte*)PyValues.StaticString("__dlpack__"),
            // METH_VARARGS | METH_KEYWORDS: f(PyObject *self, PyObject *args, PyObject *kwargs) -> PyObject*
            ml_meth = (delegate* unmanaged<nint, nint, nint, nint>)&NetBufferProtocols.DLPack,
            ml_flags = PyMethodDef.METH_VARARGS | PyMethodDef.METH_KEYWORDS,
            ml_doc = (byte*)PyValues.StaticString("__dlpack__(*, stream=None, max_version=None, dl_device=None, copy=None)\n--\n\n" +
                "Exports the .NET buffer as a DLPack capsule (array API standard)."),
        };
        methods[1] = new PyMethodDef
        {
            ml_name = (byte*)PyValues.StaticString("__dlpack_device__"),
            // METH_NOARGS: f(PyObject *self, NULL) -> PyObject*
            ml_meth = (delegate* unmanaged<nint, nint, nint>)&NetBufferProtocols.DLPackDevice,
            ml_flags = PyMethodDef.METH_NOARGS,
            ml_doc = (byte*)PyValues.StaticString("__dlpack_device__()\n--\n\nThe DLPack device of the buffer: (1, 0), the CPU."),
        };
        return methods;
    }

    private static PyGetSetDef* CreateGetSets()
    {
        var getsets = (PyGetSetDef*)NativeMemory.AllocZeroed((nuint)(3 * sizeof(PyGetSetDef)));
        getsets[0] = new PyGetSetDef
        {
            name = (byte*)PyValues.StaticString("__array_interface__"),
            // getter(PyObject *self, void *closure) -> PyObject*
            get = (delegate* unmanaged<nint, nint, nint>)&NetBufferProtocols.ArrayInterface,
            doc = (byte*)PyValues.StaticString("The NumPy array interface (version 3) of the .NET buffer."),
        };
        getsets[1] = new PyGetSetDef
        {
            name = (byte*)PyValues.StaticString("__array_struct__"),
            get = (delegate* unmanaged<nint, nint, nint>)&NetBufferProtocols.ArrayStruct,
            doc = (byte*)PyValues.StaticString("A PyCapsule holding NumPy's PyArrayInterface struct for the .NET buffer."),
        };
        return getsets;
    }
}
