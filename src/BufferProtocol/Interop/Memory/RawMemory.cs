using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BufferProtocol.Interop.Memory;

/// <summary>
/// The few memory primitives of the core that need C# pointers. Everything else holds addresses as <see cref="nint"/>
/// and reaches memory through the <c>ref</c>s and spans these return, so the <c>unsafe</c> keyword stays in this
/// folder (team standard: unsafe code lives in an interop folder).
/// </summary>
/// <remarks>
/// Nothing here checks anything: a caller passes an address it has derived from a validated layout (or a pin, or a
/// block it allocated) and keeps the memory alive while it uses the result. Every member is aggressively inlined so
/// the hot loops that call them (copy kernels, item accessors, item walks) compile as if they used pointers.
/// </remarks>
internal static unsafe class RawMemory
{
    /// <summary>A reference to the byte at a native address (or inside a pinned object).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref byte AsRef(nint address) => ref Unsafe.AsRef<byte>((void*)address);

    /// <summary>A reference to the <typeparamref name="T"/> at a native address (or inside a pinned object).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref T AsRef<T>(nint address) where T : unmanaged => ref Unsafe.AsRef<T>((void*)address);

    /// <summary>The address of a reference into native or pinned memory (meaningless for a movable object).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint AddressOf(ref byte target) => (nint)Unsafe.AsPointer(ref target);

    /// <summary>The <paramref name="length"/> bytes at <paramref name="address"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Span<byte> AsSpan(nint address, int length) => new((void*)address, length);

    /// <summary>The <paramref name="length"/> bytes at <paramref name="address"/>, read-only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> AsReadOnlySpan(nint address, int length) => new((void*)address, length);

    /// <summary>The <paramref name="length"/> items of <typeparamref name="T"/> at <paramref name="address"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Span<T> AsSpan<T>(nint address, int length) where T : unmanaged => new((void*)address, length);

    /// <summary>Reads a <typeparamref name="T"/> at any alignment.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Read<T>(nint address) where T : unmanaged => Unsafe.ReadUnaligned<T>((void*)address);

    /// <summary>Writes a <typeparamref name="T"/> at any alignment.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write<T>(nint address, T value) where T : unmanaged => Unsafe.WriteUnaligned((void*)address, value);

    /// <summary>The pointer stored at <paramref name="address"/> (PIL suboffsets: CPython's <c>*(char **)ptr</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint ReadPointer(nint address) => Unsafe.ReadUnaligned<nint>((void*)address);

    /// <summary>Allocates an uninitialised native block of at least one byte (free with <see cref="Free"/>).</summary>
    /// <exception cref="OutOfMemoryException">The allocation failed.</exception>
    public static nint Allocate(nint length) => (nint)NativeMemory.Alloc((nuint)nint.Max(length, 1));

    /// <summary>Frees a block from <see cref="Allocate"/>.</summary>
    public static void Free(nint block) => NativeMemory.Free((void*)block);

    /// <summary>Allocates a zeroed native block of at least one byte at <paramref name="alignment"/> (free with <see cref="AlignedFree"/>).</summary>
    /// <exception cref="OutOfMemoryException">The allocation failed.</exception>
    public static nint AlignedAllocZeroed(nint length, nint alignment)
    {
        var size = (nuint)nint.Max(length, 1);
        var p = NativeMemory.AlignedAlloc(size, (nuint)alignment);
        NativeMemory.Clear(p, size);
        return (nint)p;
    }

    /// <summary>Frees a block from <see cref="AlignedAllocZeroed"/>.</summary>
    public static void AlignedFree(nint block) => NativeMemory.AlignedFree((void*)block);

    /// <summary>The address a <see cref="MemoryHandle"/> (from <c>Memory&lt;T&gt;.Pin()</c>) has fixed.</summary>
    public static nint AddressOf(in MemoryHandle handle) => (nint)handle.Pointer;

    /// <summary>
    /// <see cref="SafeBuffer.AcquirePointer"/> as an address: the start of the buffer's memory, valid until the matching
    /// <see cref="SafeBuffer.ReleasePointer"/>.
    /// </summary>
    public static nint AcquirePointer(SafeBuffer buffer)
    {
        byte* p = null;
        buffer.AcquirePointer(ref p);
        return (nint)p;
    }
}
