using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BufferProtocol.Interop.Memory;

namespace BufferProtocol.Copying;

// The copy kernels: the only code of the copy engine that touches memory.
//
// Everything works on `ref byte` rather than pointers, so managed memory (a Span<byte> over a byte[]) needs no
// pinning and native memory is reached through RawMemory.AsRef (Interop/Memory, where the core's unsafe code lives).
// Two layers of static-abstract structs are plugged into one loop each (style-anchors practice 10):
//
//   IElement        moves one item: Element<T> for item sizes 1/2/4/8/16 (one unaligned load and store),
//                   ElementN for any other size; Element<ulong>/Element<uint> add SIMD transposes of 4x4 tiles.
//   IBlockKernel    copies a 2-D block (the two innermost dimensions of a plan): BulkRows (one memmove per
//                   row), StridedRows<E> (item by item), TiledRows<E> (cache-blocked, for transposes).
//
// The N-d odometer over the outer dimensions is written once, in CopyEngine.Run<TKernel>.

/// <summary>The two innermost dimensions of a copy: <c>Rows × Cols</c> items with their byte strides.</summary>
internal readonly struct Block
{
    public readonly nint Rows;
    public readonly nint Cols;
    public readonly nint SrcRowStride;
    public readonly nint SrcColStride;
    public readonly nint DstRowStride;
    public readonly nint DstColStride;
    public readonly nint ItemSize;

    /// <summary>Whether the kernel may use streaming stores (a large copy between disjoint ranges; see <see cref="Streaming"/>).</summary>
    public readonly bool Stream;

    /// <summary>
    /// Whether rows may be copied interleaved rather than one after the other: the operands are disjoint and no
    /// destination item is written twice, so no write can change what a later read or write sees.
    /// </summary>
    public readonly bool Interleave;

    public Block(nint rows, nint cols, nint srcRowStride, nint srcColStride, nint dstRowStride, nint dstColStride, nint itemSize, bool stream,
        bool interleave)
    {
        Stream = stream;
        Interleave = interleave;
        Rows = rows;
        Cols = cols;
        SrcRowStride = srcRowStride;
        SrcColStride = srcColStride;
        DstRowStride = dstRowStride;
        DstColStride = dstColStride;
        ItemSize = itemSize;
    }
}

/// <summary>Moves one item.</summary>
internal interface IElement
{
    /// <summary>Copies one item of <paramref name="itemSize"/> bytes (ignored by fixed-size elements).</summary>
    static abstract void Move(ref byte dst, ref byte src, nint itemSize);

    /// <summary>
    /// Copies a tile whose source is contiguous along rows and destination contiguous along columns (a transpose)
    /// with SIMD, or returns false to let the caller copy it item by item.
    /// </summary>
    static virtual bool TryTransposeTile(ref byte dst, ref byte src, nint rows, nint cols, nint srcColStride, nint dstRowStride) => false;

    /// <summary>
    /// Copies every other item of the source into contiguous destination items (<c>a[::2]</c>) with SIMD, or returns
    /// false to let the caller copy item by item. With <paramref name="stream"/>, whole destination lines are written
    /// with streaming stores (<see cref="Streaming"/>; the caller fences).
    /// </summary>
    static virtual bool TryEveryOther(ref byte dst, ref byte src, nint count, bool stream) => false;

    /// <summary>
    /// <see cref="TryEveryOther"/> for <paramref name="rows"/> rows, two at a time with their loads interleaved (two
    /// independent streams of source lines keep more reads in flight than one), or returns false. Only for blocks
    /// whose rows may be interleaved (<see cref="Block.Interleave"/>).
    /// </summary>
    static virtual bool TryEveryOtherRows(ref byte dst, ref byte src, nint rows, nint count, nint srcRowStride, nint dstRowStride) => false;
}

/// <summary>An item of <c>sizeof(T)</c> bytes: one unaligned load and one unaligned store.</summary>
internal readonly struct Element<T> : IElement where T : unmanaged
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Move(ref byte dst, ref byte src, nint itemSize) =>
        Unsafe.WriteUnaligned(ref dst, Unsafe.ReadUnaligned<T>(ref src));

    public static bool TryTransposeTile(ref byte dst, ref byte src, nint rows, nint cols, nint srcColStride, nint dstRowStride)
    {
        if (typeof(T) == typeof(ulong) && Avx.IsSupported)
        {
            Transpose.Tile<Transpose64, ulong>(ref dst, ref src, rows, cols, srcColStride, dstRowStride);
            return true;
        }
        if (typeof(T) == typeof(uint) && Sse.IsSupported)
        {
            Transpose.Tile<Transpose32, uint>(ref dst, ref src, rows, cols, srcColStride, dstRowStride);
            return true;
        }
        return false;
    }

    public static bool TryEveryOther(ref byte dst, ref byte src, nint count, bool stream)
    {
        if (!Avx2.IsSupported || (typeof(T) != typeof(ulong) && typeof(T) != typeof(uint)))
        {
            return false;
        }
        var i = stream ? StreamingStores.EveryOther<T>(ref dst, ref src, count) : 0;
        // Two source vectors hold one destination vector's items at their even positions. Their last (odd) item lies
        // past the source's last item, so the final group is left to the scalar loop unless another item follows.
        var perVector = (nint)(Vector256<byte>.Count / Unsafe.SizeOf<T>());
        for (; i + perVector < count; i += perVector)
        {
            ref var s = ref Unsafe.Add(ref src, 2 * i * Unsafe.SizeOf<T>());
            var a = Vector256.LoadUnsafe(ref s);
            var b = Vector256.LoadUnsafe(ref Unsafe.Add(ref s, Vector256<byte>.Count));
            Streaming.EvenItems<T>(a, b).StoreUnsafe(ref Unsafe.Add(ref dst, i * Unsafe.SizeOf<T>()));
        }
        for (; i < count; i++)
        {
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, i * Unsafe.SizeOf<T>()), Unsafe.ReadUnaligned<T>(ref Unsafe.Add(ref src, 2 * i * Unsafe.SizeOf<T>())));
        }
        return true;
    }

    public static bool TryEveryOtherRows(ref byte dst, ref byte src, nint rows, nint count, nint srcRowStride, nint dstRowStride)
    {
        if (!Avx2.IsSupported || (typeof(T) != typeof(ulong) && typeof(T) != typeof(uint)))
        {
            return false;
        }
        var size = Unsafe.SizeOf<T>();
        var perVector = (nint)(Vector256<byte>.Count / size);
        nint r = 0;
        for (; r + 1 < rows; r += 2)
        {
            ref var s0 = ref Unsafe.Add(ref src, r * srcRowStride);
            ref var s1 = ref Unsafe.Add(ref s0, srcRowStride);
            ref var d0 = ref Unsafe.Add(ref dst, r * dstRowStride);
            ref var d1 = ref Unsafe.Add(ref d0, dstRowStride);
            // The same bound as TryEveryOther: a group's second vector ends one item past its last even item, which
            // must still be an item of the row (another group or the scalar tail follows).
            nint i = 0;
            for (; i + perVector < count; i += perVector)
            {
                var offset = 2 * i * size;
                var a0 = Vector256.LoadUnsafe(ref Unsafe.Add(ref s0, offset));
                var b0 = Vector256.LoadUnsafe(ref Unsafe.Add(ref s0, offset + Vector256<byte>.Count));
                var a1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref s1, offset));
                var b1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref s1, offset + Vector256<byte>.Count));
                Streaming.EvenItems<T>(a0, b0).StoreUnsafe(ref Unsafe.Add(ref d0, i * size));
                Streaming.EvenItems<T>(a1, b1).StoreUnsafe(ref Unsafe.Add(ref d1, i * size));
            }
            for (; i < count; i++)
            {
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref d0, i * size), Unsafe.ReadUnaligned<T>(ref Unsafe.Add(ref s0, 2 * i * size)));
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref d1, i * size), Unsafe.ReadUnaligned<T>(ref Unsafe.Add(ref s1, 2 * i * size)));
            }
        }
        if (r < rows)
        {
            TryEveryOther(ref Unsafe.Add(ref dst, r * dstRowStride), ref Unsafe.Add(ref src, r * srcRowStride), count, stream: false);
        }
        return true;
    }
}

/// <summary>An item of any size: a block copy of <c>itemSize</c> bytes.</summary>
internal readonly struct ElementN : IElement
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Move(ref byte dst, ref byte src, nint itemSize) =>
        Unsafe.CopyBlockUnaligned(ref dst, ref src, (uint)itemSize);
}

/// <summary>Copies a 2-D block.</summary>
internal interface IBlockKernel
{
    static abstract void Copy(ref byte dst, ref byte src, in Block block);
}

/// <summary>Rows whose items are contiguous in both source and destination: one memmove per row.</summary>
internal readonly struct BulkRows : IBlockKernel
{
    public static void Copy(ref byte dst, ref byte src, in Block block)
    {
        var run = (nuint)(block.Cols * block.ItemSize);
        if (block.Stream && (nint)run >= Streaming.MinimumRun && Streaming.IsSupported)
        {
            StreamingStores.MoveRows(ref dst, ref src, block.Rows, block.DstRowStride, block.SrcRowStride, run);
            return;
        }
        for (nint r = 0; r < block.Rows; r++)
        {
            CopyKernels.Move(ref Unsafe.Add(ref dst, r * block.DstRowStride), ref Unsafe.Add(ref src, r * block.SrcRowStride), run);
        }
    }
}

/// <summary>Item by item, row by row, the innermost loop running along the columns.</summary>
internal readonly struct StridedRows<TElement> : IBlockKernel where TElement : struct, IElement
{
    public static void Copy(ref byte dst, ref byte src, in Block block)
    {
        nint cols = block.Cols, itemSize = block.ItemSize;
        nint ss = block.SrcColStride, ds = block.DstColStride;
        if (block.Interleave && !block.Stream && block.Rows >= 2 && ss == 2 * itemSize && ds == itemSize &&
            TElement.TryEveryOtherRows(ref dst, ref src, block.Rows, cols, block.SrcRowStride, block.DstRowStride))
        {
            return;
        }
        for (nint r = 0; r < block.Rows; r++)
        {
            Row(ref Unsafe.Add(ref dst, r * block.DstRowStride), ref Unsafe.Add(ref src, r * block.SrcRowStride), cols, ss, ds, itemSize, block.Stream);
        }
    }

    // One row, four items per step (the strides bumped, not multiplied).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Row(ref byte d, ref byte s, nint count, nint ss, nint ds, nint itemSize, bool stream)
    {
        if (ss == 2 * itemSize && ds == itemSize && TElement.TryEveryOther(ref d, ref s, count, stream))
        {
            return;
        }
        for (; count >= 4; count -= 4)
        {
            TElement.Move(ref d, ref s, itemSize);
            TElement.Move(ref Unsafe.Add(ref d, ds), ref Unsafe.Add(ref s, ss), itemSize);
            TElement.Move(ref Unsafe.Add(ref d, 2 * ds), ref Unsafe.Add(ref s, 2 * ss), itemSize);
            TElement.Move(ref Unsafe.Add(ref d, 3 * ds), ref Unsafe.Add(ref s, 3 * ss), itemSize);
            d = ref Unsafe.Add(ref d, 4 * ds);
            s = ref Unsafe.Add(ref s, 4 * ss);
        }
        for (; count > 0; count--)
        {
            TElement.Move(ref d, ref s, itemSize);
            d = ref Unsafe.Add(ref d, ds);
            s = ref Unsafe.Add(ref s, ss);
        }
    }
}

/// <summary>
/// A transpose-like block: the source is compact along the rows, the destination along the columns. Copied in
/// square tiles small enough that the source lines a tile reads stay in L1 until every item of them is used.
/// </summary>
internal readonly struct TiledRows<TElement> : IBlockKernel where TElement : struct, IElement
{
    public static void Copy(ref byte dst, ref byte src, in Block block)
    {
        nint rows = block.Rows, cols = block.Cols, itemSize = block.ItemSize;
        nint ssr = block.SrcRowStride, ssc = block.SrcColStride, dsr = block.DstRowStride, dsc = block.DstColStride;
        var tile = CopyKernels.TileEdge(itemSize);
        var simd = ssr == itemSize && dsc == itemSize;
        for (nint r0 = 0; r0 < rows; r0 += tile)
        {
            var rn = nint.Min(tile, rows - r0);
            for (nint c0 = 0; c0 < cols; c0 += tile)
            {
                var cn = nint.Min(tile, cols - c0);
                ref var s = ref Unsafe.Add(ref src, r0 * ssr + c0 * ssc);
                ref var d = ref Unsafe.Add(ref dst, r0 * dsr + c0 * dsc);
                if (simd && TElement.TryTransposeTile(ref d, ref s, rn, cn, ssc, dsr))
                {
                    continue;
                }
                for (nint r = 0; r < rn; r++)
                {
                    ref var sr = ref Unsafe.Add(ref s, r * ssr);
                    ref var dr = ref Unsafe.Add(ref d, r * dsr);
                    for (nint c = 0; c < cn; c++)
                    {
                        TElement.Move(ref Unsafe.Add(ref dr, c * dsc), ref Unsafe.Add(ref sr, c * ssc), itemSize);
                    }
                }
            }
        }
    }
}

/// <summary>A 4×4 SIMD transpose of items of <see cref="Size"/> bytes.</summary>
internal interface ITranspose4x4
{
    /// <summary>The item size.</summary>
    static abstract nint Size { get; }

    /// <summary>Reads four source columns of four contiguous items and writes them as four contiguous destination rows.</summary>
    static abstract void Transpose(ref byte dst, ref byte src, nint srcColStride, nint dstRowStride);

    /// <summary>
    /// Four source columns of one whole cache line each (<c>64 / Size</c> items: several 4×4 transposes down the
    /// line), written as that many destination rows of four items.
    /// </summary>
    static abstract void Strip(ref byte dst, ref byte src, nint srcColStride, nint dstRowStride);
}

/// <summary>8-byte items with AVX: unpack low/high pairs, then swap 128-bit lanes.</summary>
internal readonly struct Transpose64 : ITranspose4x4
{
    public static nint Size => 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Strip(ref byte dst, ref byte src, nint ssc, nint dsr)
    {
        Transpose(ref dst, ref src, ssc, dsr);
        Transpose(ref Unsafe.Add(ref dst, 4 * dsr), ref Unsafe.Add(ref src, 32), ssc, dsr);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(ref byte dst, ref byte src, nint ssc, nint dsr)
    {
        var a = Vector256.LoadUnsafe(ref Unsafe.As<byte, double>(ref src));
        var b = Vector256.LoadUnsafe(ref Unsafe.As<byte, double>(ref Unsafe.Add(ref src, ssc)));
        var e = Vector256.LoadUnsafe(ref Unsafe.As<byte, double>(ref Unsafe.Add(ref src, 2 * ssc)));
        var f = Vector256.LoadUnsafe(ref Unsafe.As<byte, double>(ref Unsafe.Add(ref src, 3 * ssc)));
        var t0 = Avx.UnpackLow(a, b);   // a0 b0 a2 b2
        var t1 = Avx.UnpackHigh(a, b);  // a1 b1 a3 b3
        var t2 = Avx.UnpackLow(e, f);   // e0 f0 e2 f2
        var t3 = Avx.UnpackHigh(e, f);  // e1 f1 e3 f3
        Avx.Permute2x128(t0, t2, 0x20).StoreUnsafe(ref Unsafe.As<byte, double>(ref dst));
        Avx.Permute2x128(t1, t3, 0x20).StoreUnsafe(ref Unsafe.As<byte, double>(ref Unsafe.Add(ref dst, dsr)));
        Avx.Permute2x128(t0, t2, 0x31).StoreUnsafe(ref Unsafe.As<byte, double>(ref Unsafe.Add(ref dst, 2 * dsr)));
        Avx.Permute2x128(t1, t3, 0x31).StoreUnsafe(ref Unsafe.As<byte, double>(ref Unsafe.Add(ref dst, 3 * dsr)));
    }
}

/// <summary>4-byte items with SSE (<c>_MM_TRANSPOSE4_PS</c>).</summary>
internal readonly struct Transpose32 : ITranspose4x4
{
    public static nint Size => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Strip(ref byte dst, ref byte src, nint ssc, nint dsr)
    {
        Transpose(ref dst, ref src, ssc, dsr);
        Transpose(ref Unsafe.Add(ref dst, 4 * dsr), ref Unsafe.Add(ref src, 16), ssc, dsr);
        Transpose(ref Unsafe.Add(ref dst, 8 * dsr), ref Unsafe.Add(ref src, 32), ssc, dsr);
        Transpose(ref Unsafe.Add(ref dst, 12 * dsr), ref Unsafe.Add(ref src, 48), ssc, dsr);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(ref byte dst, ref byte src, nint ssc, nint dsr)
    {
        var a = Vector128.LoadUnsafe(ref Unsafe.As<byte, float>(ref src));
        var b = Vector128.LoadUnsafe(ref Unsafe.As<byte, float>(ref Unsafe.Add(ref src, ssc)));
        var e = Vector128.LoadUnsafe(ref Unsafe.As<byte, float>(ref Unsafe.Add(ref src, 2 * ssc)));
        var f = Vector128.LoadUnsafe(ref Unsafe.As<byte, float>(ref Unsafe.Add(ref src, 3 * ssc)));
        var t0 = Sse.UnpackLow(a, b);   // a0 b0 a1 b1
        var t1 = Sse.UnpackLow(e, f);   // e0 f0 e1 f1
        var t2 = Sse.UnpackHigh(a, b);  // a2 b2 a3 b3
        var t3 = Sse.UnpackHigh(e, f);  // e2 f2 e3 f3
        Sse.MoveLowToHigh(t0, t1).StoreUnsafe(ref Unsafe.As<byte, float>(ref dst));
        Sse.MoveHighToLow(t1, t0).StoreUnsafe(ref Unsafe.As<byte, float>(ref Unsafe.Add(ref dst, dsr)));
        Sse.MoveLowToHigh(t2, t3).StoreUnsafe(ref Unsafe.As<byte, float>(ref Unsafe.Add(ref dst, 2 * dsr)));
        Sse.MoveHighToLow(t3, t2).StoreUnsafe(ref Unsafe.As<byte, float>(ref Unsafe.Add(ref dst, 3 * dsr)));
    }
}

/// <summary>Tiles whose source is contiguous along rows and destination along columns, in 4×4 SIMD micro-tiles.</summary>
internal static class Transpose
{
    // Rows are taken a whole source cache line at a time (8 doubles, 16 floats: a strip of 4x4 transposes down the
    // line), so every source line is used completely the one time it is read; destination rows are written left to
    // right. Then groups of 4 rows, then item by item for the ragged edges.
    public static void Tile<TTranspose, TItem>(ref byte dst, ref byte src, nint rows, nint cols, nint ssc, nint dsr)
        where TTranspose : struct, ITranspose4x4
        where TItem : unmanaged
    {
        var size = TTranspose.Size;
        var line = 64 / size;
        var c4 = cols & ~(nint)3;
        nint r = 0;
        for (; r + line <= rows; r += line)
        {
            ref var s = ref Unsafe.Add(ref src, r * size);
            ref var d = ref Unsafe.Add(ref dst, r * dsr);
            for (nint c = 0; c < c4; c += 4)
            {
                TTranspose.Strip(ref d, ref s, ssc, dsr);
                s = ref Unsafe.Add(ref s, 4 * ssc);
                d = ref Unsafe.Add(ref d, 4 * size);
            }
        }
        for (; r + 4 <= rows; r += 4)
        {
            ref var s = ref Unsafe.Add(ref src, r * size);
            ref var d = ref Unsafe.Add(ref dst, r * dsr);
            for (nint c = 0; c < c4; c += 4)
            {
                TTranspose.Transpose(ref d, ref s, ssc, dsr);
                s = ref Unsafe.Add(ref s, 4 * ssc);
                d = ref Unsafe.Add(ref d, 4 * size);
            }
        }
        for (nint i = 0; i < r; i++)
        {
            for (var c = c4; c < cols; c++)
            {
                Item<TItem>(ref dst, ref src, i, c, size, ssc, dsr);
            }
        }
        for (var i = r; i < rows; i++)
        {
            for (nint c = 0; c < cols; c++)
            {
                Item<TItem>(ref dst, ref src, i, c, size, ssc, dsr);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Item<T>(ref byte dst, ref byte src, nint r, nint c, nint size, nint ssc, nint dsr) where T : unmanaged =>
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, r * dsr + c * size), Unsafe.ReadUnaligned<T>(ref Unsafe.Add(ref src, r * size + c * ssc)));
}

/// <summary>Memory primitives of the copy engine: bulk moves and pointer reads for PIL layouts.</summary>
internal static class CopyKernels
{
    /// <summary>
    /// The edge, in items, of the square tiles <see cref="TiledRows{TElement}"/> copies: small enough that the pages
    /// of a tile's source columns and destination rows fit the first-level TLB, and its lines L1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint TileEdge(nint itemSize) => itemSize > 8 ? 32 : 64;

    /// <summary>PIL dereference: the pointer stored (unaligned) at <paramref name="slot"/>, plus <paramref name="subOffset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref byte Dereference(ref byte slot, nint subOffset) =>
        ref Unsafe.Add(ref RawMemory.AsRef(Unsafe.ReadUnaligned<nint>(ref slot)), subOffset);

    /// <summary>memmove: copies <paramref name="length"/> bytes, correct when the two ranges overlap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Move(ref byte dst, ref byte src, nuint length)
    {
        while (length > int.MaxValue)
        {
            MemoryMarshal.CreateReadOnlySpan(ref src, int.MaxValue).CopyTo(MemoryMarshal.CreateSpan(ref dst, int.MaxValue));
            src = ref Unsafe.Add(ref src, int.MaxValue);
            dst = ref Unsafe.Add(ref dst, int.MaxValue);
            length -= int.MaxValue;
        }
        MemoryMarshal.CreateReadOnlySpan(ref src, (int)length).CopyTo(MemoryMarshal.CreateSpan(ref dst, (int)length));
    }
}
