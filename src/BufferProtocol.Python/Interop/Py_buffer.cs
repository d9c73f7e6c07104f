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
/// per-export record that owns the <see cref="Protocol.AcquiredBuffer"/> and the native copies of
/// format/shape/strides/suboffsets.</item>
/// </list>
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Py_buffer
{
    /// <summary>Size in bytes on 64-bit platforms (checked by a test against <c>ctypes</c>).</summary>
    public const int Size = 80;

    public void* buf;
    public nint obj;
    public nint len;
    public nint itemsize;
    public int @readonly;
    public int ndim;
    public byte* format;
    public nint* shape;
    public nint* strides;
    public nint* suboffsets;
    public void* @internal;
}
