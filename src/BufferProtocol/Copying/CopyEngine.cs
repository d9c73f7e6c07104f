using System.Runtime.CompilerServices;
using BufferProtocol.Interop.Memory;

namespace BufferProtocol.Copying;

/// <summary>
/// One side of a copy: a base reference and its byte strides, with PIL suboffsets when it has any, and optionally
/// the index the copied block starts at (a sub-block of a PIL layout cannot be expressed by moving the base).
/// </summary>
internal readonly ref struct Operand
{
    public readonly ref byte Base;
    public readonly ReadOnlySpan<nint> Strides;
    public readonly ReadOnlySpan<nint> SubOffsets;
    public readonly ReadOnlySpan<nint> Start;

    public Operand(ref byte @base, ReadOnlySpan<nint> strides, ReadOnlySpan<nint> subOffsets = default, ReadOnlySpan<nint> start = default)
    {
        Base = ref @base;
        Strides = strides;
        SubOffsets = subOffsets;
        Start = start;
    }

    /// <summary>The byte offset of the start index over dimensions <paramref name="from"/>.. (plain strides only).</summary>
    public nint StartOffset(int from)
    {
        nint offset = 0;
        for (var i = from; i < Start.Length; i++)
        {
            offset += Strides[i] * Start[i];
        }
        return offset;
    }

    /// <summary>1 + the last dimension that dereferences a pointer (0 without suboffsets).</summary>
    public int DerefDepth
    {
        get
        {
            for (var i = SubOffsets.Length - 1; i >= 0; i--)
            {
                if (SubOffsets[i] >= 0)
                {
                    return i + 1;
                }
            }
            return 0;
        }
    }
}

/// <summary>
/// Executes strided copies between two operands of the same shape and item size. Callers validate everything
/// first (shapes, sizes, bounds); from here on the only failure left is running out of memory for a temporary,
/// which happens before the first byte is written.
/// </summary>
/// <remarks>
/// <para><b>Overlap.</b> The byte extents of both sides are compared before anything is written. Identical
/// layouts at the same address are a no-op. Identical, self-disjoint layouts that are shifted against each other
/// are copied in the direction that never overwrites an unread item (memmove's rule, in N dimensions). Any other
/// overlap goes through a temporary contiguous copy of the source, so the result is always as if the source had
/// been read completely before the destination was written.</para>
/// <para><b>PIL layouts.</b> The leading dimensions up to the last one that dereferences (on either side) are
/// walked in order, resolving pointers; the remaining dimensions form a plain strided block, planned once and
/// copied for every walked index.</para>
/// </remarks>
internal static class CopyEngine
{
    /// <summary>
    /// Copies every item of <paramref name="src"/> to the same index of <paramref name="dst"/>.
    /// </summary>
    /// <param name="dst">The destination.</param>
    /// <param name="src">The source.</param>
    /// <param name="shape">The common shape.</param>
    /// <param name="itemSize">The common item size.</param>
    /// <param name="sharedItemsOrder">
    /// The order to visit items in when destination items may share memory (C for <c>CopyData</c>, the requested
    /// order for <c>FromContiguous</c>), so that the last item written in that order wins; <see cref="VisitOrder.Free"/>
    /// when the destination is known to hold every item once (a contiguous block).
    /// </param>
    /// <param name="disjoint">True when the caller knows the operands cannot share memory (a fresh temporary).</param>
    [SkipLocalsInit]
    public static void Copy(scoped in Operand dst, scoped in Operand src, ReadOnlySpan<nint> shape, nint itemSize, VisitOrder sharedItemsOrder,
        bool disjoint = false)
    {
        if (itemSize == 0 || shape.Contains(0))
        {
            return;
        }
        var depth = int.Max(dst.DerefDepth, src.DerefDepth);
        if (depth > 0)
        {
            CopyIndirect(dst, src, shape, itemSize, sharedItemsOrder, depth, disjoint);
            return;
        }

        if (!dst.Start.IsEmpty || !src.Start.IsEmpty)
        {
            Copy(new Operand(ref Unsafe.Add(ref dst.Base, dst.StartOffset(0)), dst.Strides),
                new Operand(ref Unsafe.Add(ref src.Base, src.StartOffset(0)), src.Strides), shape, itemSize, sharedItemsOrder, disjoint);
            return;
        }
        var order = sharedItemsOrder != VisitOrder.Free && MayShareItems(shape, dst.Strides, itemSize) ? sharedItemsOrder : VisitOrder.Free;
        var reverse = false;
        Extent(shape, src.Strides, itemSize, out var srcMin, out var srcMax);
        Extent(shape, dst.Strides, itemSize, out var dstMin, out var dstMax);
        var delta = Unsafe.ByteOffset(ref src.Base, ref dst.Base);  // dst - src
        var overlaps = !disjoint && Overlaps(srcMin, srcMax, delta + dstMin, delta + dstMax);
        if (overlaps)
        {
            var sameStrides = src.Strides.SequenceEqual(dst.Strides);
            if (sameStrides && delta == 0)
            {
                return;  // every item is copied onto itself
            }
            if (sameStrides && !MayShareItems(shape, dst.Strides, itemSize))
            {
                // Self-disjoint: visiting by address (all strides made positive) is monotonic, so walking away from
                // the other operand never overwrites an item before it is read.
                order = VisitOrder.Free;
                reverse = delta > 0;
            }
            else
            {
                Span<nint> scratch = stackalloc nint[CopyPlan.ScratchLength(shape.Length)];
                var probe = CopyPlan.Build(shape, src.Strides, dst.Strides, itemSize, order, false, scratch);
                if (!(probe.Inner == InnerKind.Bulk && probe.Rank == 1))
                {
                    ViaTemporary(dst, src, shape, itemSize, sharedItemsOrder);
                    return;
                }
                // One contiguous run on both sides: memmove copes with the overlap.
            }
        }

        Span<nint> planScratch = stackalloc nint[CopyPlan.ScratchLength(shape.Length)];
        var plan = CopyPlan.Build(shape, src.Strides, dst.Strides, itemSize, order, reverse, planScratch);
        // Streaming stores only where nothing written is read later in the same copy (disjoint operands) and every
        // destination byte is written once (a free order: with shared destination items the last write in order must
        // win, which is left to ordinary stores).
        var free = !overlaps && order == VisitOrder.Free;
        var stream = free && Streaming.IsSupported && plan.ByteCount() >= Streaming.Threshold;
        Execute(plan, ref dst.Base, ref src.Base, stream, interleave: free);
    }

    /// <summary>Runs a plan from two base references.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="dst">The destination's base.</param>
    /// <param name="src">The source's base.</param>
    /// <param name="stream">
    /// Write whole destination lines with streaming stores (see <see cref="Streaming"/>): only for operands that do not
    /// overlap. The copy is fenced before this returns.
    /// </param>
    /// <param name="interleave">
    /// Let kernels copy rows interleaved (see <see cref="Block.Interleave"/>): only for operands that do not overlap and
    /// a destination without shared items.
    /// </param>
    public static void Execute(in CopyPlan plan, ref byte dst, ref byte src, bool stream = false, bool interleave = false)
    {
        ref var d = ref Unsafe.Add(ref dst, plan.DstStart);
        ref var s = ref Unsafe.Add(ref src, plan.SrcStart);
        switch (plan.Inner)
        {
            case InnerKind.Empty:
                return;
            case InnerKind.Bulk:
                Run<BulkRows>(plan, ref d, ref s, stream, interleave);
                break;
            default:
                var tiled = plan.Inner == InnerKind.Tiled;
                switch (plan.ItemSize)
                {
                    case 1: RunItems<Element<byte>>(plan, ref d, ref s, tiled, stream, interleave); break;
                    case 2: RunItems<Element<ushort>>(plan, ref d, ref s, tiled, stream, interleave); break;
                    case 4: RunItems<Element<uint>>(plan, ref d, ref s, tiled, stream, interleave); break;
                    case 8: RunItems<Element<ulong>>(plan, ref d, ref s, tiled, stream, interleave); break;
                    case 16: RunItems<Element<UInt128>>(plan, ref d, ref s, tiled, stream, interleave); break;
                    default: RunItems<ElementN>(plan, ref d, ref s, tiled, stream, interleave); break;
                }
                break;
        }
        if (stream)
        {
            StreamingStores.Fence();
        }
    }

    private static void RunItems<TElement>(in CopyPlan plan, ref byte dst, ref byte src, bool tiled, bool stream, bool interleave) where TElement : struct, IElement
    {
        if (tiled)
        {
            Run<TiledRows<TElement>>(plan, ref dst, ref src, stream, interleave);
        }
        else
        {
            Run<StridedRows<TElement>>(plan, ref dst, ref src, stream, interleave);
        }
    }

    // The odometer over the outer dimensions, written once for every kernel.
    [SkipLocalsInit]
    private static void Run<TKernel>(in CopyPlan plan, ref byte dst, ref byte src, bool stream, bool interleave) where TKernel : struct, IBlockKernel
    {
        var block = plan.InnerBlock(stream, interleave);
        var outer = plan.Rank - 2;
        if (outer <= 0)
        {
            TKernel.Copy(ref dst, ref src, block);
            return;
        }
        Span<nint> index = stackalloc nint[outer];
        index.Clear();
        var shape = plan.Shape;
        var ss = plan.SrcStrides;
        var ds = plan.DstStrides;
        while (true)
        {
            TKernel.Copy(ref dst, ref src, block);
            var k = outer - 1;
            while (true)
            {
                src = ref Unsafe.Add(ref src, ss[k]);
                dst = ref Unsafe.Add(ref dst, ds[k]);
                if (++index[k] < shape[k])
                {
                    break;
                }
                src = ref Unsafe.Add(ref src, -ss[k] * shape[k]);
                dst = ref Unsafe.Add(ref dst, -ds[k] * shape[k]);
                index[k] = 0;
                if (--k < 0)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Copies through a temporary C-contiguous copy of the source (any overlap).</summary>
    private static void ViaTemporary(scoped in Operand dst, scoped in Operand src, ReadOnlySpan<nint> shape, nint itemSize, VisitOrder sharedItemsOrder)
    {
        Span<nint> strides = stackalloc nint[shape.Length];
        nint length = itemSize;
        for (var i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = length;
            length *= shape[i];
        }
        var block = RawMemory.Allocate(length);
        try
        {
            var temp = new Operand(ref RawMemory.AsRef(block), strides);
            Copy(temp, src, shape, itemSize, VisitOrder.Free, disjoint: true);
            Copy(dst, temp, shape, itemSize, sharedItemsOrder, disjoint: true);
        }
        finally
        {
            RawMemory.Free(block);
        }
    }

    // ---- PIL (suboffsets) ---------------------------------------------------------------------------------

    [SkipLocalsInit]
    private static void CopyIndirect(scoped in Operand dst, scoped in Operand src, ReadOnlySpan<nint> shape, nint itemSize,
        VisitOrder sharedItemsOrder, int depth, bool disjoint)
    {
        var innerShape = shape[depth..];
        var srcInner = src.Strides[depth..];
        var dstInner = dst.Strides[depth..];

        // Overlap: the bytes the blocks write against the bytes the blocks and the pointer slots read, each as a
        // bounding box (a false alarm only costs a temporary copy).
        Span<nint> index = stackalloc nint[depth];
        ref var origin = ref src.Base;
        if (!disjoint)
        {
            Extent(innerShape, srcInner, itemSize, out var srcMin, out var srcMax);
            Extent(innerShape, dstInner, itemSize, out var dstMin, out var dstMax);
            index.Clear();
            nint slotLow = nint.MaxValue, slotHigh = nint.MinValue, readLow = nint.MaxValue, readHigh = nint.MinValue;
            nint writeLow = nint.MaxValue, writeHigh = nint.MinValue;
            do
            {
                ref var s = ref Resolve(src, index, depth, ref origin, ref slotLow, ref slotHigh);
                ref var d = ref Resolve(dst, index, depth, ref origin, ref Unsafe.NullRef<nint>(), ref Unsafe.NullRef<nint>());
                var sOff = Unsafe.ByteOffset(ref origin, ref s);
                var dOff = Unsafe.ByteOffset(ref origin, ref d);
                readLow = nint.Min(readLow, sOff + srcMin);
                readHigh = nint.Max(readHigh, sOff + srcMax);
                writeLow = nint.Min(writeLow, dOff + dstMin);
                writeHigh = nint.Max(writeHigh, dOff + dstMax);
            }
            while (Increment(index, shape, VisitOrder.C));
            if (Overlaps(readLow, readHigh, writeLow, writeHigh) || Overlaps(slotLow, slotHigh, writeLow, writeHigh))
            {
                ViaTemporary(dst, src, shape, itemSize, sharedItemsOrder);
                return;
            }
        }

        // Fortran order runs the walked dimensions fastest, so it cannot be split into whole blocks: if destination
        // items may share memory across blocks, only an item-by-item visit in that order gives the last write.
        if (sharedItemsOrder == VisitOrder.Fortran && depth < shape.Length && BlocksMayShare(dst, shape, depth, itemSize))
        {
            CopyItemwise(dst, src, shape, itemSize);
            return;
        }

        // One plan for the plain block behind the pointers; the walk visits blocks in C order.
        var innerOrder = sharedItemsOrder != VisitOrder.Free && MayShareItems(innerShape, dstInner, itemSize) ? sharedItemsOrder : VisitOrder.Free;
        Span<nint> scratch = stackalloc nint[CopyPlan.ScratchLength(innerShape.Length)];
        var plan = CopyPlan.Build(innerShape, srcInner, dstInner, itemSize, innerOrder, false, scratch);
        index.Clear();
        do
        {
            ref var s = ref Resolve(src, index, depth, ref origin, ref Unsafe.NullRef<nint>(), ref Unsafe.NullRef<nint>());
            ref var d = ref Resolve(dst, index, depth, ref origin, ref Unsafe.NullRef<nint>(), ref Unsafe.NullRef<nint>());
            Execute(plan, ref d, ref s);
        }
        while (Increment(index, shape, sharedItemsOrder == VisitOrder.Fortran ? VisitOrder.Fortran : VisitOrder.C));
    }

    // Whether the destination blocks behind different walked indices may share a byte (their extents intersect).
    private static bool BlocksMayShare(scoped in Operand dst, ReadOnlySpan<nint> shape, int depth, nint itemSize)
    {
        Extent(shape[depth..], dst.Strides[depth..], itemSize, out var min, out var max);
        nint blocks = 1;
        foreach (var extent in shape[..depth])
        {
            blocks *= extent;
        }
        var lows = new nint[blocks];
        var highs = new nint[blocks];
        Span<nint> index = stackalloc nint[depth];
        index.Clear();
        ref var origin = ref dst.Base;
        var n = 0;
        do
        {
            var at = Unsafe.ByteOffset(ref origin, ref Resolve(dst, index, depth, ref origin, ref Unsafe.NullRef<nint>(), ref Unsafe.NullRef<nint>()));
            lows[n] = at + min;
            highs[n++] = at + max;
        }
        while (Increment(index, shape, VisitOrder.C));
        Array.Sort(lows, highs);
        for (var i = 1; i < n; i++)
        {
            if (lows[i] < highs[i - 1])
            {
                return true;
            }
            highs[i] = nint.Max(highs[i], highs[i - 1]);
        }
        return false;
    }

    // Item by item in Fortran order, resolving both addresses per item (PyBuffer_FromContiguous's own loop).
    [SkipLocalsInit]
    private static void CopyItemwise(scoped in Operand dst, scoped in Operand src, ReadOnlySpan<nint> shape, nint itemSize)
    {
        Span<nint> index = stackalloc nint[shape.Length];
        index.Clear();
        ref var origin = ref src.Base;
        do
        {
            ref var s = ref Resolve(src, index, shape.Length, ref origin, ref Unsafe.NullRef<nint>(), ref Unsafe.NullRef<nint>());
            ref var d = ref Resolve(dst, index, shape.Length, ref origin, ref Unsafe.NullRef<nint>(), ref Unsafe.NullRef<nint>());
            CopyKernels.Move(ref d, ref s, (nuint)itemSize);
        }
        while (Increment(index, shape, VisitOrder.Fortran));
    }

    // PyBuffer_GetPointer over the first index.Length dimensions (from the operand's start index), then the start
    // offset of the plain dimensions from `depth` on; optionally widens [low, high) (offsets from origin) by every
    // pointer slot it reads.
    private static ref byte Resolve(scoped in Operand operand, ReadOnlySpan<nint> index, int depth, ref byte origin, ref nint low, ref nint high)
    {
        ref var p = ref operand.Base;
        var sub = operand.SubOffsets;
        var start = operand.Start;
        for (var i = 0; i < index.Length; i++)
        {
            var at = start.IsEmpty ? index[i] : start[i] + index[i];
            p = ref Unsafe.Add(ref p, operand.Strides[i] * at);
            if (i < sub.Length && sub[i] >= 0)
            {
                if (!Unsafe.IsNullRef(ref low))
                {
                    var slot = Unsafe.ByteOffset(ref origin, ref p);
                    low = nint.Min(low, slot);
                    high = nint.Max(high, slot + IntPtr.Size);
                }
                p = ref CopyKernels.Dereference(ref p, sub[i]);
            }
        }
        return ref Unsafe.Add(ref p, operand.StartOffset(depth));
    }

    /// <summary>Advances an index over the leading <c>index.Length</c> dimensions of <paramref name="shape"/>; false after the last.</summary>
    private static bool Increment(Span<nint> index, ReadOnlySpan<nint> shape, VisitOrder order)
    {
        var n = index.Length;
        for (var k = 0; k < n; k++)
        {
            var i = order == VisitOrder.Fortran ? k : n - 1 - k;
            if (++index[i] < shape[i])
            {
                return true;
            }
            index[i] = 0;
        }
        return false;
    }

    // ---- layout facts ----------------------------------------------------------------------------------------

    /// <summary>The bytes a non-empty strided layout reaches, as offsets from its base: [min, max).</summary>
    public static void Extent(ReadOnlySpan<nint> shape, ReadOnlySpan<nint> strides, nint itemSize, out nint min, out nint max)
    {
        min = 0;
        max = itemSize;
        for (var i = 0; i < shape.Length; i++)
        {
            var reach = strides[i] * (shape[i] - 1);
            if (reach > 0)
            {
                max += reach;
            }
            else
            {
                min += reach;
            }
        }
    }

    /// <summary>Whether two half-open byte ranges intersect.</summary>
    public static bool Overlaps(nint aMin, nint aMax, nint bMin, nint bMax) => aMin < bMax && bMin < aMax && aMin < aMax && bMin < bMax;

    /// <summary>
    /// False when no two items of the strided layout can share a byte: sorted by |stride|, every stride clears
    /// everything the smaller ones reach. A sufficient test (it may say true for some disjoint layouts).
    /// </summary>
    [SkipLocalsInit]
    public static bool MayShareItems(ReadOnlySpan<nint> shape, ReadOnlySpan<nint> strides, nint itemSize)
    {
        Span<nint> steps = stackalloc nint[shape.Length];
        Span<nint> extents = stackalloc nint[shape.Length];
        var n = 0;
        for (var i = 0; i < shape.Length; i++)
        {
            if (shape[i] > 1)
            {
                // Insertion by |stride|, ascending.
                var step = nint.Abs(strides[i]);
                var j = n++;
                for (; j > 0 && steps[j - 1] > step; j--)
                {
                    steps[j] = steps[j - 1];
                    extents[j] = extents[j - 1];
                }
                steps[j] = step;
                extents[j] = shape[i];
            }
        }
        var reach = itemSize;
        for (var i = 0; i < n; i++)
        {
            if (steps[i] < reach)
            {
                return true;
            }
            reach += steps[i] * (extents[i] - 1);
        }
        return false;
    }
}
