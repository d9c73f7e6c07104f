using System.Runtime.CompilerServices;

namespace BufferProtocol.Copying;

/// <summary>The order in which a copy must visit items.</summary>
internal enum VisitOrder
{
    /// <summary>Any order: the engine picks the fastest (the destination has no item twice).</summary>
    Free,

    /// <summary>C order, last index fastest: when destination items share memory, the last in C order wins.</summary>
    C,

    /// <summary>Fortran order, first index fastest.</summary>
    Fortran,
}

/// <summary>How the innermost one or two dimensions of a plan are copied.</summary>
internal enum InnerKind
{
    /// <summary>Nothing to copy (a zero extent or item size 0).</summary>
    Empty,

    /// <summary>The innermost dimension is contiguous in both operands: bulk moves of whole rows.</summary>
    Bulk,

    /// <summary>Item by item along the innermost dimension.</summary>
    Strided,

    /// <summary>The two innermost dimensions are copied in cache-sized tiles (a transpose).</summary>
    Tiled,
}

/// <summary>
/// A strided copy reduced to its essentials: the dimensions that matter, in loop order (outermost first), with
/// source and destination byte strides, the byte offsets of the first item visited, and the inner kernel.
/// </summary>
/// <remarks>
/// <para><see cref="Build"/> turns a shape and two stride vectors into a plan, without touching memory:</para>
/// <list type="number">
/// <item>dimensions of extent 1 are dropped (they move nothing); a zero extent or item size makes the plan empty;</item>
/// <item>with a free order, dimensions whose strides are both ≤ 0 are flipped (start at their far end) so that
/// reversed copies become forward ones, and the dimensions are sorted outermost-first by destination |stride|,
/// then source |stride| (the innermost loop writes the smallest steps, as rust-ndarray's <c>Zip</c> prefers);</item>
/// <item>neighbouring dimensions that are contiguous together in both operands are merged;</item>
/// <item>the innermost dimension is a bulk run when it is contiguous in both operands; otherwise, when its source
/// stride is large and another dimension reads compactly, that dimension becomes the second innermost and the
/// pair is copied in tiles (<see cref="InnerKind.Tiled"/>).</item>
/// </list>
/// <para>With <see cref="VisitOrder.C"/> or <see cref="VisitOrder.Fortran"/> nothing is reordered or flipped
/// (dropping and merging keep the visiting order), so destinations whose items share memory get CPython's
/// "last written wins".</para>
/// </remarks>
internal ref struct CopyPlan
{
    /// <summary>
    /// Source strides of a cache line or more make the innermost dimension a candidate for tiling: each item read
    /// then touches a line of its own, which must survive until the neighbouring columns use it.
    /// </summary>
    private const nint TileStrideThreshold = 64;

    public Span<nint> Shape;
    public Span<nint> SrcStrides;
    public Span<nint> DstStrides;
    public int Rank;
    public nint ItemSize;
    public nint SrcStart;
    public nint DstStart;
    public InnerKind Inner;

    /// <summary>Scratch space <see cref="Build"/> needs for a copy of <paramref name="rank"/> dimensions.</summary>
    public static int ScratchLength(int rank) => 3 * int.Max(rank, 1);

    /// <summary>Plans the copy of items of <paramref name="shape"/> between two stride vectors.</summary>
    /// <param name="shape">Extents (already checked ≥ 0).</param>
    /// <param name="srcStrides">Source byte strides, one per extent.</param>
    /// <param name="dstStrides">Destination byte strides, one per extent.</param>
    /// <param name="itemSize">Bytes per item.</param>
    /// <param name="order">Whether the engine may reorder the visit.</param>
    /// <param name="reverse">
    /// Visit in descending address order (for a destination above an identically laid out, overlapping source);
    /// only with <see cref="VisitOrder.Free"/>.
    /// </param>
    /// <param name="scratch">At least <see cref="ScratchLength"/> entries; the plan's spans live in it.</param>
    [SkipLocalsInit]
    public static CopyPlan Build(ReadOnlySpan<nint> shape, ReadOnlySpan<nint> srcStrides, ReadOnlySpan<nint> dstStrides,
        nint itemSize, VisitOrder order, bool reverse, Span<nint> scratch)
    {
        var rank = shape.Length;
        var capacity = int.Max(rank, 1);
        var plan = new CopyPlan
        {
            Shape = scratch[..capacity],
            SrcStrides = scratch.Slice(capacity, capacity),
            DstStrides = scratch.Slice(2 * capacity, capacity),
            ItemSize = itemSize,
        };
        if (itemSize == 0)
        {
            plan.Inner = InnerKind.Empty;
            return plan;
        }

        // 1. Keep the dimensions that move something, outermost first (Fortran order: last dimension outermost).
        var n = 0;
        for (var k = 0; k < rank; k++)
        {
            var i = order == VisitOrder.Fortran ? rank - 1 - k : k;
            var extent = shape[i];
            if (extent == 0)
            {
                plan.Inner = InnerKind.Empty;
                return plan;
            }
            if (extent == 1)
            {
                continue;
            }
            nint s = srcStrides[i], d = dstStrides[i];
            if (order == VisitOrder.Free && s <= 0 && d <= 0 && (s | d) != 0)
            {
                plan.SrcStart += s * (extent - 1);
                plan.DstStart += d * (extent - 1);
                s = -s;
                d = -d;
            }
            plan.Shape[n] = extent;
            plan.SrcStrides[n] = s;
            plan.DstStrides[n] = d;
            n++;
        }
        if (n == 0)
        {
            // A single item (a scalar, or every extent 1): one contiguous run.
            plan.Shape[0] = 1;
            plan.SrcStrides[0] = itemSize;
            plan.DstStrides[0] = itemSize;
            plan.Rank = 1;
            plan.Inner = InnerKind.Bulk;
            return plan;
        }

        // 2. Loop order: innermost = smallest destination step, then smallest source step (stable insertion sort).
        if (order == VisitOrder.Free)
        {
            for (var i = 1; i < n; i++)
            {
                for (var j = i; j > 0 && Outer(plan, j, j - 1); j--)
                {
                    plan.Swap(j, j - 1);
                }
            }
        }

        // 3. Merge each dimension into its outer neighbour when the pair is one run in both operands.
        var m = 0;
        for (var i = 1; i < n; i++)
        {
            if (plan.SrcStrides[m] == plan.SrcStrides[i] * plan.Shape[i] && plan.DstStrides[m] == plan.DstStrides[i] * plan.Shape[i])
            {
                plan.Shape[m] *= plan.Shape[i];
                plan.SrcStrides[m] = plan.SrcStrides[i];
                plan.DstStrides[m] = plan.DstStrides[i];
            }
            else
            {
                m++;
                plan.Shape[m] = plan.Shape[i];
                plan.SrcStrides[m] = plan.SrcStrides[i];
                plan.DstStrides[m] = plan.DstStrides[i];
            }
        }
        n = m + 1;
        plan.Rank = n;

        // 4. Descending visit: every dimension runs backwards, except a bulk innermost run (memmove orders itself).
        var last = n - 1;
        var bulk = plan.SrcStrides[last] == itemSize && plan.DstStrides[last] == itemSize;
        if (reverse && order == VisitOrder.Free)
        {
            for (var i = 0; i < (bulk ? last : n); i++)
            {
                plan.SrcStart += plan.SrcStrides[i] * (plan.Shape[i] - 1);
                plan.DstStart += plan.DstStrides[i] * (plan.Shape[i] - 1);
                plan.SrcStrides[i] = -plan.SrcStrides[i];
                plan.DstStrides[i] = -plan.DstStrides[i];
            }
        }

        // 5. The inner kernel.
        if (bulk)
        {
            plan.Inner = InnerKind.Bulk;
            return plan;
        }
        plan.Inner = InnerKind.Strided;
        if (order == VisitOrder.Free && !reverse && n >= 2 && nint.Abs(plan.SrcStrides[last]) >= TileStrideThreshold)
        {
            // The dimension that reads most compactly becomes the second innermost: the pair is a transpose.
            var best = -1;
            var bestStride = nint.Abs(plan.SrcStrides[last]);
            for (var i = 0; i < last; i++)
            {
                var s = nint.Abs(plan.SrcStrides[i]);
                if (s < bestStride)
                {
                    best = i;
                    bestStride = s;
                }
            }
            if (best >= 0 && bestStride < TileStrideThreshold)
            {
                for (var i = best; i < last - 1; i++)
                {
                    plan.Swap(i, i + 1);
                }
                plan.Inner = InnerKind.Tiled;
            }
        }
        return plan;
    }

    /// <summary>The innermost two dimensions (or the only one, as a single row) as a block.</summary>
    /// <param name="stream">Whether the kernels may use streaming stores (see <see cref="Streaming"/>).</param>
    /// <param name="interleave">Whether the kernels may copy rows interleaved (see <see cref="Block.Interleave"/>).</param>
    public readonly Block InnerBlock(bool stream, bool interleave)
    {
        var last = Rank - 1;
        return Rank >= 2
            ? new Block(Shape[last - 1], Shape[last], SrcStrides[last - 1], SrcStrides[last], DstStrides[last - 1], DstStrides[last], ItemSize, stream, interleave)
            : new Block(1, Shape[0], 0, SrcStrides[0], 0, DstStrides[0], ItemSize, stream, interleave);
    }

    /// <summary>The number of bytes the plan writes.</summary>
    public readonly nint ByteCount()
    {
        var bytes = Inner == InnerKind.Empty ? 0 : ItemSize;
        for (var i = 0; i < Rank; i++)
        {
            bytes *= Shape[i];
        }
        return bytes;
    }

    // Should dimension a be outside dimension b? Larger destination steps go outside; ties by source steps.
    private static bool Outer(in CopyPlan plan, int a, int b)
    {
        nint da = nint.Abs(plan.DstStrides[a]), db = nint.Abs(plan.DstStrides[b]);
        return da > db || (da == db && nint.Abs(plan.SrcStrides[a]) > nint.Abs(plan.SrcStrides[b]));
    }

    private readonly void Swap(int a, int b)
    {
        (Shape[a], Shape[b]) = (Shape[b], Shape[a]);
        (SrcStrides[a], SrcStrides[b]) = (SrcStrides[b], SrcStrides[a]);
        (DstStrides[a], DstStrides[b]) = (DstStrides[b], DstStrides[a]);
    }
}
