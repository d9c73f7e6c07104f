using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BufferProtocol.Interop.Memory;

namespace BufferProtocol.Copying;

/// <summary>
/// When the copy engine writes with streaming (non-temporal) stores: copies whose destination is too large to stay in
/// the cache anyway. The stores themselves are in <see cref="StreamingStores"/>.
/// </summary>
/// <remarks>
/// An ordinary store to a line that is not cached first reads the line from memory (read for ownership) and later
/// writes it back: a copy of N bytes moves 3N bytes over the memory bus. A streaming store writes whole lines without
/// reading them, so the same copy moves 2N (<c>a[::2]</c>, which reads 2N to write N: 3N instead of 4N). The price is
/// that the destination is not in the cache afterwards, which only matters when it would have fitted; hence
/// <see cref="Threshold"/>. Only copies between operands that cannot overlap stream, and every copy that streamed is
/// fenced before it returns.
/// </remarks>
internal static class Streaming
{
    /// <summary>
    /// Destination bytes from which a copy streams. A copy this large reads at least as much again, so the pair
    /// outgrows one core's share of the last-level cache on current desktop and server parts (2–4 MiB a core), and
    /// the destination's first lines are evicted before its last ones are written. Below it, ordinary stores leave
    /// the result in the cache for whoever reads it next (a 5 MiB <c>a[::3, ::2]</c> is 1.5–2× slower streamed).
    /// </summary>
    public const nint Threshold = 8 << 20;

    /// <summary>Rows shorter than this are not worth streaming: most of their lines would be partial.</summary>
    public const nint MinimumRun = 256;

    /// <summary>Whether this machine can stream (the kernels need AVX).</summary>
    public static bool IsSupported => StreamingStores.IsSupported;

    /// <summary>
    /// memmove for a whole copy of <paramref name="length"/> bytes: streams when the copy is past
    /// <see cref="Threshold"/> and the two ranges are disjoint, else <see cref="CopyKernels.Move"/>.
    /// </summary>
    public static void MoveWhole(ref byte dst, ref byte src, nuint length)
    {
        // Two references into different objects (or native memory) never share a byte, so a distance that a moving
        // GC could change only ever turns a disjoint pair into a false "overlap", which memmove handles.
        var distance = Unsafe.ByteOffset(ref src, ref dst);
        if (length < (nuint)Threshold || !IsSupported || (nuint)nint.Abs(distance) < length)
        {
            CopyKernels.Move(ref dst, ref src, length);
            return;
        }
        StreamingStores.Move(ref dst, ref src, length);
        StreamingStores.Fence();
    }

    /// <summary>The even items of <paramref name="a"/> then <paramref name="b"/> (items of 4 or 8 bytes), in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> EvenItems<T>(Vector256<byte> a, Vector256<byte> b) where T : unmanaged
    {
        var even = Unsafe.SizeOf<T>() == 8
            ? Avx.UnpackLow(a.AsDouble(), b.AsDouble())                          // a0 b0 a2 b2
            : Avx.Shuffle(a.AsSingle(), b.AsSingle(), 0b10_00_10_00).AsDouble();   // a0 a2 b0 b2 | a4 a6 b4 b6
        return Avx2.Permute4x64(even, 0b11_01_10_00).AsByte();
    }
}
