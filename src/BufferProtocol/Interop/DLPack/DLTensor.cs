using System.Runtime.InteropServices;

namespace BufferProtocol.Interop.DLPack;

/// <summary>
/// <c>DLTensor</c> (<c>dlpack.h</c>, 48 bytes: <c>data@0, device@8, ndim@16, dtype@20, shape@24, strides@32,
/// byte_offset@40</c>): a strided N-dimensional array, described but not owned.
/// </summary>
/// <remarks>
/// <para>Element <c>(i0, …, ik)</c> is at <c>data + byte_offset + Σ i_j · strides[j] · (bits · lanes / 8)</c>:
/// strides count <em>elements</em>, not bytes, and may be negative. NULL <c>strides</c> means C-contiguous; from
/// DLPack 1.2 producers must fill them whenever <c>ndim &gt; 0</c> (this library always does), but consumers still
/// accept NULL from older producers (NumPy &lt; 2.4 sends NULL for contiguous arrays).</para>
/// <para>The pointers belong to whoever owns the enclosing managed tensor and stay valid until its deleter runs.</para>
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
#pragma warning disable CA1707 // The C names are kept so that the mirror reads like dlpack.h.
public unsafe struct DLTensor
{
    /// <summary><c>void* data</c>: the base address (the element at index 0 is <c>data + byte_offset</c>).</summary>
    public void* data;

    /// <summary><c>DLDevice device</c>.</summary>
    public DLDevice device;

    /// <summary><c>int32_t ndim</c>.</summary>
    public int ndim;

    /// <summary><c>DLDataType dtype</c>.</summary>
    public DLDataType dtype;

    /// <summary><c>int64_t* shape</c>: <see cref="ndim"/> extents (NULL allowed only when <c>ndim == 0</c>).</summary>
    public long* shape;

    /// <summary><c>int64_t* strides</c>: <see cref="ndim"/> element strides, or NULL for C-contiguous.</summary>
    public long* strides;

    /// <summary><c>uint64_t byte_offset</c>: added to <see cref="data"/> (consumers must add it; producers here send 0).</summary>
    public ulong byte_offset;
}
#pragma warning restore CA1707
