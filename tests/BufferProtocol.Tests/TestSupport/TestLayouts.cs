using BufferProtocol.Layout;
using CsCheck;

namespace BufferProtocol.Tests.TestSupport;

/// <summary>
/// A random strided structure, described compactly enough to print: item size, shape, the byte strides of the
/// items in their data block, and optionally the dimensions that dereference (PIL) with their suboffsets.
/// </summary>
/// <param name="ItemSize">Bytes per item.</param>
/// <param name="Shape">Extents.</param>
/// <param name="Strides">Byte strides of the items inside the data block (any sign, zero allowed).</param>
/// <param name="DerefDims">Dimensions that dereference a pointer, ascending; empty for a plain layout.</param>
/// <param name="SubOffsets">The suboffset of each dereferencing dimension (≥ 0).</param>
/// <param name="TableSigns">Bit i set: the pointer tables run backwards along dimension i.</param>
/// <param name="Placement">Which guard page the data (and pointer tables) are flush against.</param>
/// <param name="Seed">Seed of the data bytes.</param>
public sealed record LayoutSpec(int ItemSize, nint[] Shape, nint[] Strides, int[] DerefDims, nint[] SubOffsets, ulong TableSigns,
    GuardPlacement Placement, int Seed)
{
    /// <summary>The bytes the data block needs, and the offset of the first item in it.</summary>
    public (nint Length, nint Offset) DataExtent()
    {
        if (Shape.Contains(0))
        {
            return (0, 0);
        }
        nint min = 0, max = ItemSize;
        for (var i = 0; i < Shape.Length; i++)
        {
            var reach = Strides[i] * (Shape[i] - 1);
            if (reach > 0)
            {
                max += reach;
            }
            else
            {
                min += reach;
            }
        }
        return (max - min, -min);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"itemsize {ItemSize}, shape ({string.Join(", ", Shape)}), strides ({string.Join(", ", Strides)})" +
        (DerefDims.Length > 0 ? $", PIL at [{string.Join(", ", DerefDims)}] suboffsets ({string.Join(", ", SubOffsets)}) signs {TableSigns:x}" : "") +
        $", {Placement}, seed {Seed}";
}

/// <summary>A <see cref="LayoutSpec"/> made real over guarded memory: a data block, pointer tables for PIL, the layout.</summary>
public sealed unsafe class TestBuffer : IDisposable
{
    private readonly GuardedMemory? _ownedData;

    private TestBuffer(GuardedMemory data, GuardedMemory? ownedData, GuardedMemory? tables, nint pointer, BufferLayout layout)
    {
        Data = data;
        _ownedData = ownedData;
        Tables = tables;
        Pointer = pointer;
        Layout = layout;
    }

    /// <summary>The block holding the items.</summary>
    public GuardedMemory Data { get; }

    /// <summary>The block holding the pointer tables of a PIL layout.</summary>
    public GuardedMemory? Tables { get; }

    /// <summary>Address of the first logical item (<c>buf</c>).</summary>
    public nint Pointer { get; }

    /// <summary>The layout a consumer sees (table strides and suboffsets for PIL).</summary>
    public BufferLayout Layout { get; }

    /// <summary>The data block's bytes.</summary>
    public byte[] Snapshot() => Data.Span.ToArray();

    /// <summary>Builds the structure in its own guarded data block, filled with bytes from <see cref="LayoutSpec.Seed"/>.</summary>
    public static TestBuffer Create(LayoutSpec spec)
    {
        var (length, offset) = spec.DataExtent();
        var data = GuardedMemory.Allocate(length, spec.Placement);
        new Random(spec.Seed).NextBytes(data.Span);
        return Build(spec, data, data, offset);
    }

    /// <summary>Builds the structure over an existing data block (for overlapping pairs), at a byte offset in it.</summary>
    public static TestBuffer Over(LayoutSpec spec, GuardedMemory data, nint offset) => Build(spec, data, null, offset);

    private static TestBuffer Build(LayoutSpec spec, GuardedMemory data, GuardedMemory? owned, nint offset)
    {
        var shape = spec.Shape;
        var rank = shape.Length;
        var dataBase = data.Pointer + offset;
        if (spec.DerefDims.Length == 0 || shape.Contains(0))
        {
            var sub = spec.DerefDims.Length == 0 ? [] : SubOffsetsOf(spec);
            return new TestBuffer(data, owned, null, dataBase, BufferLayout.Create(spec.ItemSize, shape, spec.Strides, sub));
        }

        // Segments: dims (previous deref + 1) .. deref; each level's tables hold 8-byte slots in C order.
        var strides = (nint[])spec.Strides.Clone();
        var derefs = spec.DerefDims;
        nint totalSlots = 0, tables = 1;
        var start = 0;
        foreach (var d in derefs)
        {
            nint slots = 1;
            for (var i = start; i <= d; i++)
            {
                slots *= shape[i];
            }
            totalSlots += tables * slots;
            tables *= slots;
            start = d + 1;
        }
        var tableMemory = GuardedMemory.Allocate(totalSlots * IntPtr.Size, spec.Placement);
        nint next = tableMemory.Pointer;

        // The table strides (C order over the segment, backwards where TableSigns says) and where index 0 sits.
        nint TableBase(int first, int last, out nint region)
        {
            nint step = IntPtr.Size, shift = 0;
            for (var i = last; i >= first; i--)
            {
                var backwards = (spec.TableSigns >> i & 1) != 0;
                strides[i] = backwards ? -step : step;
                if (backwards)
                {
                    shift += step * (shape[i] - 1);
                }
                step *= shape[i];
            }
            region = step;
            return shift;
        }

        // Fill level k for one prefix index; returns the table base the previous level must point at.
        nint FillLevel(int level, nint[] index)
        {
            var first = level == 0 ? 0 : derefs[level - 1] + 1;
            var last = derefs[level];
            var shift = TableBase(first, last, out var region);
            var tableBase = next + shift;
            next += region;
            var segment = shape[first..(last + 1)];
            foreach (var k in ReferenceCopy.Indices(segment, fortran: false))
            {
                nint slot = tableBase, target;
                for (var i = 0; i < k.Length; i++)
                {
                    slot += strides[first + i] * k[i];
                    index[first + i] = k[i];
                }
                if (level + 1 < derefs.Length)
                {
                    target = FillLevel(level + 1, index);
                }
                else
                {
                    target = dataBase;
                    for (var i = 0; i <= last; i++)
                    {
                        target += spec.Strides[i] * index[i];
                    }
                }
                *(nint*)slot = target - spec.SubOffsets[level];
            }
            return tableBase;
        }

        var buf = FillLevel(0, new nint[rank]);
        var layout = BufferLayout.Create(spec.ItemSize, shape, strides, SubOffsetsOf(spec));
        return new TestBuffer(data, owned, tableMemory, buf, layout);
    }

    private static nint[] SubOffsetsOf(LayoutSpec spec)
    {
        var sub = Enumerable.Repeat((nint)(-1), spec.Shape.Length).ToArray();
        for (var j = 0; j < spec.DerefDims.Length; j++)
        {
            sub[spec.DerefDims[j]] = spec.SubOffsets[j];
        }
        return sub;
    }

    /// <summary>Unmaps the blocks this buffer owns.</summary>
    public void Dispose()
    {
        _ownedData?.Dispose();
        Tables?.Dispose();
    }
}

/// <summary>CsCheck generators of layouts.</summary>
public static class TestLayouts
{
    private static readonly int[] ItemSizes = [1, 2, 4, 8, 16, 3, 6, 12];

    /// <summary>Item sizes, the specialised ones most often.</summary>
    public static readonly Gen<int> ItemSize = Gen.Int[0, ItemSizes.Length - 1].Select(i => ItemSizes[i]);

    /// <summary>Shapes of rank 0–4 with extents 0–5 (zero rarely).</summary>
    public static readonly Gen<nint[]> Shape =
        from rank in Gen.Frequency((1, Gen.Const(0)), (3, Gen.Const(1)), (4, Gen.Const(2)), (3, Gen.Const(3)), (2, Gen.Const(4)))
        from extents in Gen.Frequency((1, Gen.Const(0)), (4, Gen.Const(1)), (25, Gen.Int[2, 5])).Array[rank]
        select extents.Select(e => (nint)e).ToArray();

    /// <summary>Byte strides for a shape: dense in a random dimension order, with gaps, reversals, zeros, overlap, misalignment.</summary>
    public static Gen<nint[]> Strides(nint[] shape, int itemSize) =>
        from kind in Gen.Int[0, 9]
        from order in Gen.Int[0, 1000].Array[shape.Length]
        from gaps in Gen.Frequency((3, Gen.Const(1)), (1, Gen.Int[2, 3])).Array[shape.Length]
        from signs in Gen.Bool.Array[shape.Length]
        from zero in Gen.Int[0, int.Max(shape.Length - 1, 0)]
        from raw in Gen.Int[-6, 6].Array[shape.Length]
        select MakeStrides(shape, itemSize, kind, order, gaps, signs, zero, raw);

    private static nint[] MakeStrides(nint[] shape, int itemSize, int kind, int[] order, int[] gaps, bool[] signs, int zero, int[] raw)
    {
        var rank = shape.Length;
        var strides = new nint[rank];
        if (kind == 9)
        {
            // Small random multiples (items may overlap); sometimes one byte off the item grid.
            for (var i = 0; i < rank; i++)
            {
                strides[i] = raw[i] * itemSize + (itemSize > 1 && raw[i] == 5 ? 1 : 0);
            }
            return strides;
        }
        // Dense in a random dimension order, then stretched and flipped.
        var dims = Enumerable.Range(0, rank).OrderBy(i => kind < 3 ? -i : order[i]).ToArray();
        nint step = itemSize;
        foreach (var i in dims)
        {
            var gap = kind >= 3 ? gaps[i] : 1;
            strides[i] = step * gap;
            step *= gap * nint.Max(shape[i], 1);
        }
        for (var i = 0; i < rank; i++)
        {
            if (kind >= 5 && signs[i])
            {
                strides[i] = -strides[i];
            }
        }
        if (kind == 8 && rank > 0)
        {
            strides[zero] = 0;
        }
        return strides;
    }

    /// <summary>A structure of the given shape and item size (plain or PIL).</summary>
    public static Gen<LayoutSpec> Of(nint[] shape, int itemSize, bool allowPil = true) =>
        from strides in Strides(shape, itemSize)
        from pil in Gen.Int[0, 3]
        from derefMask in Gen.Int[1, int.Max((1 << shape.Length) - 1, 1)]
        from subs in Gen.Int[0, 24].Array[shape.Length]
        from signs in Gen.ULong
        from flushEnd in Gen.Bool
        from seed in Gen.Int
        let derefs = allowPil && pil == 0 && shape.Length > 0
            ? Enumerable.Range(0, shape.Length).Where(i => (derefMask >> i & 1) != 0).ToArray()
            : []
        select new LayoutSpec(itemSize, shape, strides, derefs, derefs.Select(d => (nint)subs[d]).ToArray(), signs,
            flushEnd ? GuardPlacement.FlushEnd : GuardPlacement.FlushStart, seed);

    /// <summary>Any structure.</summary>
    public static readonly Gen<LayoutSpec> Any =
        from itemSize in ItemSize
        from shape in Shape
        from spec in Of(shape, itemSize)
        select spec;

    /// <summary>Two structures of the same shape and item size (source, destination).</summary>
    public static readonly Gen<(LayoutSpec Source, LayoutSpec Destination)> Pair =
        from itemSize in ItemSize
        from shape in Shape
        from source in Of(shape, itemSize)
        from destination in Of(shape, itemSize)
        select (source, destination);
}
