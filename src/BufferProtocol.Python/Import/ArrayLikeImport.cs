using BufferProtocol.Protocol;
using BufferProtocol.Python.Interop;
using Python.Runtime;

namespace BufferProtocol.Python.Import;

/// <summary>
/// What <see cref="PythonBuffers.AcquireBuffer"/> reads when an object has no buffer protocol: NumPy 1.24's order in
/// <c>_array_from_array_like</c> after the PEP 3118 buffer, <c>__array_struct__</c> (<c>PyArray_FromStructInterface</c>)
/// and then <c>__array_interface__</c> (<c>PyArray_FromInterface</c>).
/// </summary>
/// <remarks>
/// <para><b>Present or absent.</b> As NumPy's <c>PyArray_LookupSpecial_OnInstance</c>: an attribute whose lookup raises
/// <c>AttributeError</c> is absent and the next protocol is tried; any other error is thrown. An attribute that is
/// present but malformed is refused and the next protocol is not tried (NumPy raises "invalid __array_struct__" for a
/// struct that is not a capsule even when <c>__array_interface__</c> would do).</para>
/// <para><b>Classes.</b> On a class, a protocol attribute that is a descriptor (a <c>property</c> the instances would
/// answer) counts as absent, as in NumPy.</para>
/// </remarks>
internal static class ArrayLikeImport
{
    /// <summary>The buffer of the first protocol <paramref name="obj"/> carries, or null if it carries neither. The caller holds the GIL.</summary>
    public static AcquiredBuffer? TryAcquire(PyObject obj, BufferRequest request, object owner)
    {
        if (Lookup(obj, "__array_struct__") is { } capsule)
        {
            return ArrayStructImport.Acquire(obj, capsule, request, owner);
        }
        if (Lookup(obj, "__array_interface__") is { } iface)
        {
            return ArrayInterfaceImport.Acquire(obj, iface, request, owner);
        }
        return null;
    }

    private static PyObject? Lookup(PyObject obj, string name)
    {
        var address = CPython.GetAttributeOrNull(CPython.AddressOf(obj), name);
        if (address == 0)
        {
            return null;
        }
        var attribute = CPython.ToPyObject(address);
        if (PyType.IsType(obj) && attribute.HasAttr("__get__"))
        {
            attribute.Dispose();
            return null;
        }
        return attribute;
    }
}
