using System.Runtime.InteropServices;

namespace BufferProtocol.Exporters;

/// <summary>
/// Owns one block of aligned unmanaged memory from <see cref="NativeMemory.AlignedAlloc"/>, zeroed. Being a
/// <see cref="SafeHandle"/>, the block is freed by the finalizer when its owner is leaked instead of disposed, and
/// never while a <see cref="SafeHandle.DangerousAddRef"/> is outstanding.
/// </summary>
internal sealed unsafe class NativeMemoryHandle : SafeHandle
{
    private readonly long _pressure;

    /// <summary>Allocates <paramref name="length"/> zeroed bytes aligned to <paramref name="alignment"/>.</summary>
    /// <param name="length">Bytes (≥ 0); a zero-length block still has a unique, aligned address.</param>
    /// <param name="alignment">A power of two.</param>
    /// <exception cref="OutOfMemoryException">The allocation failed.</exception>
    public NativeMemoryHandle(nint length, nint alignment) : base(0, ownsHandle: true)
    {
        var size = (nuint)Math.Max(length, 1);
        var p = NativeMemory.AlignedAlloc(size, (nuint)alignment);
        NativeMemory.Clear(p, size);
        SetHandle((nint)p);
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
        NativeMemory.AlignedFree((void*)handle);
        if (_pressure > 0)
        {
            GC.RemoveMemoryPressure(_pressure);
        }
        return true;
    }
}
