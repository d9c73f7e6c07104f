using System.Runtime.InteropServices;

namespace BufferProtocol.Python.Interop;

/// <summary>
/// <c>PyMethodDef</c> (<c>Include/methodobject.h</c>, 32 bytes on 64-bit): one entry of a type's <c>Py_tp_methods</c>
/// array, which ends with an all-zero entry. The name and doc strings must outlive the type.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PyMethodDef
{
    /// <summary><c>METH_VARARGS</c>: <c>f(self, args)</c>.</summary>
    public const int METH_VARARGS = 0x0001;

    /// <summary><c>METH_KEYWORDS</c> (with <see cref="METH_VARARGS"/>): <c>f(self, args, kwargs)</c>, kwargs may be NULL.</summary>
    public const int METH_KEYWORDS = 0x0002;

    /// <summary><c>METH_NOARGS</c>: <c>f(self, NULL)</c>.</summary>
    public const int METH_NOARGS = 0x0004;

    public byte* ml_name;
    public void* ml_meth;
    public int ml_flags;
    public byte* ml_doc;
}

/// <summary>
/// <c>PyGetSetDef</c> (<c>Include/descrobject.h</c>, 40 bytes on 64-bit): one entry of a type's <c>Py_tp_getset</c>
/// array, which ends with an all-zero entry.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PyGetSetDef
{
    public byte* name;
    public void* get;
    public void* set;
    public byte* doc;
    public void* closure;
}
