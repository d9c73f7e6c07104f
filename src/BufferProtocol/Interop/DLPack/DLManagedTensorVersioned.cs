using System.Runtime.InteropServices;

namespace BufferProtocol.Interop.DLPack;

/// <summary>
/// <c>DLManagedTensorVersioned</c> (<c>dlpack.h</c> ≥ 1.0; 80 bytes: <c>version@0, manager_ctx@8, deleter@16,
/// flags@24, dl_tensor@32</c>): a <see cref="DLTensor"/> with its ABI version, flags and deleter.
/// </summary>
/// <remarks>
/// <para>Everything up to and including <see cref="flags"/> stays where it is in every version, so a consumer can
/// always read <see cref="version"/> and call <see cref="deleter"/>; it must not read <see cref="dl_tensor"/> when
/// <c>version.major</c> is not one it knows.</para>
/// <para><b>Who releases what.</b> As for <see cref="DLManagedTensor"/>: the holder calls <c>deleter(self)</c> exactly
/// once, from any thread, and the deleter frees the struct (and, for this library's exports, releases the
/// <see cref="Protocol.AcquiredBuffer"/> that kept the .NET memory pinned).</para>
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
#pragma warning disable CA1707 // The C names are kept so that the mirror reads like dlpack.h.
public unsafe struct DLManagedTensorVersioned
{
    /// <summary><c>DLPACK_FLAG_BITMASK_READ_ONLY</c>: the consumer must not write.</summary>
    public const ulong DLPACK_FLAG_BITMASK_READ_ONLY = 1UL << 0;

    /// <summary><c>DLPACK_FLAG_BITMASK_IS_COPIED</c>: the producer made a copy that the consumer owns exclusively.</summary>
    public const ulong DLPACK_FLAG_BITMASK_IS_COPIED = 1UL << 1;

    /// <summary><c>DLPACK_FLAG_BITMASK_IS_SUBBYTE_TYPE_PADDED</c> (v1.1): sub-byte types are stored one per byte.</summary>
    public const ulong DLPACK_FLAG_BITMASK_IS_SUBBYTE_TYPE_PADDED = 1UL << 2;

    /// <summary><c>DLPackVersion version</c>.</summary>
    public DLPackVersion version;

    /// <summary><c>void* manager_ctx</c>: the producer's context (for this library's exports, a GC handle).</summary>
    public void* manager_ctx;

    /// <summary><c>void (*deleter)(struct DLManagedTensorVersioned* self)</c>.</summary>
    public delegate* unmanaged<DLManagedTensorVersioned*, void> deleter;

    /// <summary><c>uint64_t flags</c>: <c>DLPACK_FLAG_BITMASK_*</c>.</summary>
    public ulong flags;

    /// <summary><c>DLTensor dl_tensor</c>.</summary>
    public DLTensor dl_tensor;
}
#pragma warning restore CA1707
