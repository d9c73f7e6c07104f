using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BufferProtocol.Copying;

namespace BufferProtocol.Interop.Memory;

/// <summary>
/// The pointer half of the copy engine's streaming (non-temporal) stores: the intrinsics take pointers, so the
/// operands are pinned here. When to stream is decided in <see cref="Streaming"/>.
/// </summary>
/// <remarks>
/// Streaming stores are only issued for whole, 64-byte-aligned destination lines; the partial lines at either end of
/// a run get ordinary stores, so no line is written both ways (a line half written by each would be read back from
/// memory, which is what streaming avoids). They are weakly ordered: the caller ends the copy with
/// <see cref="Fence"/>. Nothing here checks anything: callers pass disjoint ranges derived from validated layouts.
/// </remarks>
internal static unsafe class StreamingStores
{
    private const int Line = 64;

    /// <summary>Whether this machine has the 256-bit streaming store used here.</summary>
    public static bool IsSupported => Avx.IsSupported;

    /// <summary>Orders the streaming stores before every later store (<c>sfence</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Fence()
    {
        if (Sse.IsSupported)
        {
            Sse.StoreFence();
        }
    }

    /// <summary>Copies <paramref name="length"/> bytes between two ranges that do not overlap.</summary>
    public static void Move(ref byte dst, ref byte src, nuint length)
    {
        fixed (byte* d = &dst)
        fixed (byte* s = &src)
        {
            Move(d, s, length);
        }
    }

    /// <summary>
    /// Copies <paramref name="rows"/> runs of <paramref name="run"/> bytes, the <c>r</c>-th at <c>r × stride</c> from
    /// each base; no destination run overlaps any source run.
    /// </summary>
    public static void MoveRows(ref byte dst, ref byte src, nint rows, nint dstStride, nint srcStride, nuint run)
    {
        fixed (byte* d = &dst)
        fixed (byte* s = &src)
        {
            for (nint r = 0; r < rows; r++)
            {
                Move(d + r * dstStride, s + r * srcStride, run);
            }
        }
    }

    /// <summary>
    /// The streaming part of an every-other copy of <paramref name="count"/> items of 4 or 8 bytes (<c>a[::2]</c>):
    /// copies the items up to the first whole destination line with ordinary stores, then whole lines with streaming
    /// stores, and returns the index of the first item it left to the caller (the items of at most two lines).
    /// Returns 0 when the destination is not aligned to the item size (its lines cannot be filled with whole items).
    /// </summary>
    /// <remarks>
    /// One destination line is two source lines. The last source byte a step reads is the one just before item
    /// <c>2 (i + 2 perVector)</c>, and the loop runs only while that item exists (<c>i + 2 perVector &lt; count</c>),
    /// so it never reads past the source's last item: the final line is left to the caller's vector and scalar
    /// loops, which stop at the last item exactly.
    /// </remarks>
    public static nint EveryOther<T>(ref byte dst, ref byte src, nint count) where T : unmanaged
    {
        var size = sizeof(T);
        fixed (byte* d = &dst)
        fixed (byte* s = &src)
        {
            if (((nint)d & (size - 1)) != 0)
            {
                return 0;
            }
            nint i = 0;
            for (; i < count && ((nint)(d + i * size) & (Line - 1)) != 0; i++)
            {
                *(T*)(d + i * size) = *(T*)(s + 2 * i * size);
            }
            var perVector = 32 / size;
            for (; i + 2 * perVector < count; i += 2 * perVector)
            {
                var from = s + 2 * i * size;
                var to = d + i * size;
                Streaming.EvenItems<T>(Vector256.Load(from), Vector256.Load(from + 32)).StoreAlignedNonTemporal(to);
                Streaming.EvenItems<T>(Vector256.Load(from + 64), Vector256.Load(from + 96)).StoreAlignedNonTemporal(to + 32);
            }
            return i;
        }
    }

    private static void Move(byte* d, byte* s, nuint length)
    {
        var head = nuint.Min((nuint)(-(nint)d) & (Line - 1), length);
        Unsafe.CopyBlockUnaligned(d, s, (uint)head);
        d += head;
        s += head;
        length -= head;
        for (; length >= 2 * Line; length -= 2 * Line)
        {
            var a = Vector256.Load(s);
            var b = Vector256.Load(s + 32);
            var c = Vector256.Load(s + 64);
            var e = Vector256.Load(s + 96);
            a.StoreAlignedNonTemporal(d);
            b.StoreAlignedNonTemporal(d + 32);
            c.StoreAlignedNonTemporal(d + 64);
            e.StoreAlignedNonTemporal(d + 96);
            d += 2 * Line;
            s += 2 * Line;
        }
        if (length >= Line)
        {
            Vector256.Load(s).StoreAlignedNonTemporal(d);
            Vector256.Load(s + 32).StoreAlignedNonTemporal(d + 32);
            d += Line;
            s += Line;
            length -= Line;
        }
        Unsafe.CopyBlockUnaligned(d, s, (uint)length);
    }
}
