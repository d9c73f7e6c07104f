using System.Runtime.InteropServices;

namespace BufferProtocol.Python.Interop;

/// <summary><c>PyType_Slot</c> (<c>Include/object.h</c>): a slot id from <see cref="TypeSlot"/> and a function or data pointer.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PyType_Slot
{
    public int slot;
    public void* pfunc;
}

/// <summary>
/// <c>PyType_Spec</c> (<c>Include/object.h</c>): what <c>PyType_FromSpec</c> builds a heap type from. The name, the slot
/// array and anything the slots point at (the doc string) must stay valid for the life of the type: they are
/// allocated once in native memory and never freed.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PyType_Spec
{
    public byte* name;
    public int basicsize;
    public int itemsize;
    public uint flags;
    public PyType_Slot* slots;
}

/// <summary>Slot ids from <c>Include/typeslots.h</c> (stable ABI; identical in 3.10–3.14).</summary>
internal static class TypeSlot
{
    public const int Py_bf_getbuffer = 1;
    public const int Py_bf_releasebuffer = 2;
    public const int Py_tp_alloc = 47;
    public const int Py_tp_dealloc = 52;
    public const int Py_tp_doc = 56;
    public const int Py_tp_repr = 66;
    public const int Py_tp_free = 74;
    public const int Py_tp_methods = 64;
    public const int Py_tp_getset = 73;
}

/// <summary><c>Py_TPFLAGS_*</c> values from <c>Include/object.h</c>.</summary>
internal static class TypeFlags
{
    /// <summary><c>Py_TPFLAGS_DISALLOW_INSTANTIATION</c> (3.10+): Python code cannot call the type.</summary>
    public const uint Py_TPFLAGS_DISALLOW_INSTANTIATION = 1u << 7;

    /// <summary><c>Py_TPFLAGS_DEFAULT</c>: 0 on non-Stackless builds since 3.10 (the version tag is always on).</summary>
    public const uint Py_TPFLAGS_DEFAULT = 0;
}
