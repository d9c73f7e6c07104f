using System.Runtime.InteropServices;
using BufferProtocol.Interop.Memory;

namespace BufferProtocol.Exporters;

/// <summary>
/// Owns one block of aligned unmanaged memory from <see cref="NativeMemory.AlignedAlloc"/>, zeroed. Being a
/// <see cref="SafeHandle"/>, the block is freed by the finalizer when its owner is leaked instead of disposed, and
/// never while a <see cref="SafeHandle.DangerousAddRef"/> is outstanding.
/// </summary>
internal sealed class NativeMemoryHandle : SafeHandle
{
    private readonly long _pressure;

    /// <summary>Allocates <paramref name="length"/> zeroed bytes aligned to <paramref name="alignment"/>.</summary>
    /// <param name="length">Bytes (≥ 0); a zero-length block still has a unique, aligned address.</param>
    /// <param name="alignment">A power of two.</param>
    /// <exception cref="OutOfMemoryException">The allocation failed.</exception>
    public NativeMemoryHandle(nint length, nint alignment) : base(0, ownsHandle: true)
    {
        SetHandle(RawMemory.AlignedAllocZeroed(length, alignment));
        _pressure = length;
        if (_pressure > 0)
        {
            GC.AddMemoryPressure(_pressure);
        }
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == 0;

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        RawMemory.AlignedFree(handle);
        if (_pressure > 0)
        {
            GC.RemoveMemoryPressure(_pressure);
        }
        return true;
    }
}
