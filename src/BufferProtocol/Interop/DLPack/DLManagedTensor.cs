using System.Runtime.InteropServices;

namespace BufferProtocol.Interop.DLPack;

/// <summary>
/// <c>DLManagedTensor</c> (<c>dlpack.h</c>, legacy, deprecated since DLPack 0.8; 64 bytes:
/// <c>dl_tensor@0, manager_ctx@48, deleter@56</c>): a <see cref="DLTensor"/> plus what is needed to release it.
/// </summary>
/// <remarks>
/// <para><b>Who releases what.</b> The producer allocates the struct and sets <see cref="deleter"/>; whoever holds the
/// struct (the consumer, once it has taken it) calls <c>deleter(self)</c> exactly once when done, from any thread,
/// and must not touch the struct afterwards: the deleter frees it. A NULL deleter means there is nothing to release.</para>
/// <para>The legacy struct has no version and no flags: it cannot say that memory is read-only or that it was copied.
/// This library therefore refuses to export read-only memory through it and imports it read-only unless told otherwise.</para>
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
#pragma warning disable CA1707 // The C names are kept so that the mirror reads like dlpack.h.
public unsafe struct DLManagedTensor
{
    /// <summary><c>DLTensor dl_tensor</c>.</summary>
    public DLTensor dl_tensor;

    /// <summary><c>void* manager_ctx</c>: the producer's context (for this library's exports, a GC handle).</summary>
    public void* manager_ctx;

    /// <summary><c>void (*deleter)(struct DLManagedTensor* self)</c>.</summary>
    public delegate* unmanaged<DLManagedTensor*, void> deleter;
}
#pragma warning restore CA1707
