using System.Collections.Immutable;
using BufferProtocol.Formats;
using BufferProtocol.Layout;

namespace BufferProtocol.Interop;

/// <summary>
/// Layout helpers shared by the NumPy-style interop formats (DLPack, <c>__array_interface__</c>, <c>.npy</c>): none of
/// them can describe an item that is itself an array, so a top-level sub-array format (<c>"3i"</c>,
/// <c>"(2,3)d"</c>) is spread into extra trailing dimensions, as NumPy's buffer import does.
/// </summary>
internal static class ItemShapes
{
    /// <summary>
    /// Splits a top-level sub-array type into its element and the extents it adds (outermost first, nested
    /// sub-arrays concatenated: <c>"(2)(3)i"</c> gives <c>i</c> and <c>[2, 3]</c>). Any other type is its own element.
    /// </summary>
    public static DataType SplitSubArray(DataType root, out ImmutableArray<nint> subShape)
    {
        var extents = ImmutableArray.CreateBuilder<nint>();
        var type = root;
        while (type is SubArrayType sub)
        {
            extents.AddRange(sub.Shape);
            type = sub.Element;
        }
        subShape = extents.ToImmutable();
        return type;
    }

    /// <summary>
    /// The layout of the elements when every item of <paramref name="layout"/> is a C-contiguous array of
    /// <paramref name="subShape"/> elements of <paramref name="elementSize"/> bytes: the shape and strides gain the
    /// sub-array's extents and C strides (and suboffsets of -1).
    /// </summary>
    /// <exception cref="ArgumentException">The sub-array does not fill the item exactly, or the rank exceeds 64.</exception>
    public static BufferLayout Spread(in BufferLayout layout, ReadOnlySpan<nint> subShape, nint elementSize)
    {
        if (subShape.IsEmpty)
        {
            return layout;
        }
        var rank = layout.Rank + subShape.Length;
        if (rank > BufferLayout.MaxRank)
        {
            throw new ArgumentException($"spreading the item's sub-array gives {rank} dimensions; at most {BufferLayout.MaxRank} are allowed");
        }
        Span<nint> shape = stackalloc nint[rank];
        Span<nint> strides = stackalloc nint[rank];
        layout.Shape.CopyTo(shape);
        layout.Strides.CopyTo(strides);
        subShape.CopyTo(shape[layout.Rank..]);
        BufferLayout.FillContiguousStrides(subShape, strides[layout.Rank..], elementSize, ContiguityOrder.C);
        var subItems = elementSize;
        foreach (var extent in subShape)
        {
            subItems = checked(subItems * extent);
        }
        if (subItems != layout.ItemSize)
        {
            throw new ArgumentException($"a sub-array of {BufferLayout.Tuple(subShape)} elements of {elementSize} bytes does not fill an item of {layout.ItemSize} bytes");
        }
        Span<nint> subOffsets = stackalloc nint[layout.HasSubOffsets ? rank : 0];
        if (layout.HasSubOffsets)
        {
            layout.SubOffsets.CopyTo(subOffsets);
            subOffsets[layout.Rank..].Fill(-1);
        }
        return BufferLayout.Create(elementSize, shape, strides, subOffsets);
    }
}
