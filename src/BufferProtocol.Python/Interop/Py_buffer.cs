using System.Runtime.InteropServices;

namespace BufferProtocol.Python.Interop;

/// <summary>
/// CPython's <c>Py_buffer</c> (<c>Include/pybuffer.h</c>), blittable, with the C field names: 80 bytes on 64-bit
/// platforms, <c>buf@0, obj@8, len@16, itemsize@24, readonly@32, ndim@36, format@40, shape@48, strides@56,
/// suboffsets@64, internal@72</c>.
/// </summary>
/// <remarks>
/// <para>Why not pythonnet's <c>Py_buffer</c>: it declares <c>format</c> as a marshalled <c>string</c>, so the struct is
/// not blittable; the marshaller frees a <c>char*</c> it does not own and copies the struct, leaving <c>shape</c> and
/// <c>strides</c> that point into it dangling (pythonnet issue #2371). Here every pointer is a raw pointer and the
/// struct never moves: it lives in native memory from <c>PyObject_GetBuffer</c> to <c>PyBuffer_Release</c>.</para>
/// <para><b>Who owns what.</b></para>
/// <list type="bullet">
/// <item><c>obj</c>: a strong reference to the exporter, owned by the consumer and dropped by
/// <c>PyBuffer_Release</c> (never by <c>bf_releasebuffer</c>).</item>
/// <item><c>format</c>, <c>shape</c>, <c>strides</c>, <c>suboffsets</c>: owned by the exporter, valid until the matching
/// release. CPython's byte exporters point <c>shape</c> and <c>strides</c> at this struct's own <c>len</c> and
/// <c>itemsize</c> — the reason it must not move.</item>
/// <item><c>internal</c>: the exporter's; for buffers exported from .NET it is a <see cref="GCHandle"/> to the
/// per-export record (<see cref="ExportRecord"/>) that owns the <see cref="Protocol.AcquiredBuffer"/> and the native
/// copies of format/shape/strides/suboffsets.</item>
/// <item>The 80-byte block itself: whoever calls <c>PyObject_GetBuffer</c> (<see cref="PyBufferView"/>); for buffers
/// exported from .NET, the consumer.</item>
/// </list>
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Py_buffer
{
    /// <summary>Size in bytes on 64-bit platforms (checked by a test against <c>ctypes</c>).</summary>
    public const int Size = 80;

    /// <summary><c>void *buf</c>: the exporter's memory (the item at index 0 unless suboffsets say otherwise), valid until release.</summary>
    public void* buf;

    /// <summary><c>PyObject *obj</c>: a new reference to the exporter, dropped by <c>PyBuffer_Release</c>; NULL after a failed <c>bf_getbuffer</c>.</summary>
    public nint obj;

    /// <summary><c>Py_ssize_t len</c>: the bytes the items take (product of shape times itemsize).</summary>
    public nint len;

    /// <summary><c>Py_ssize_t itemsize</c>.</summary>
    public nint itemsize;

    /// <summary><c>int readonly</c>: non-zero when the consumer must not write.</summary>
    public int @readonly;

    /// <summary><c>int ndim</c>.</summary>
    public int ndim;

    /// <summary><c>char *format</c>: NUL-terminated struct syntax, or NULL (meaning <c>"B"</c>); the exporter's.</summary>
    public byte* format;

    /// <summary><c>Py_ssize_t *shape</c>: <see cref="ndim"/> extents, or NULL; the exporter's.</summary>
    public nint* shape;

    /// <summary><c>Py_ssize_t *strides</c>: <see cref="ndim"/> byte strides, or NULL (C-contiguous); the exporter's.</summary>
    public nint* strides;

    /// <summary><c>Py_ssize_t *suboffsets</c>: <see cref="ndim"/> PIL suboffsets (negative: no dereference), or NULL; the exporter's.</summary>
    public nint* suboffsets;

    /// <summary><c>void *internal</c>: the exporter's own (for .NET exports, a <see cref="GCHandle"/> to the <see cref="ExportRecord"/>).</summary>
    public void* @internal;
}
