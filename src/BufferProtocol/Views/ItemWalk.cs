using BufferProtocol.Interop.Memory;
using BufferProtocol.Layout;

namespace BufferProtocol.Views;

/// <summary>Receives the address of each item of a walk, in C order; returning false stops the walk.</summary>
internal interface IItemVisitor
{
    bool Visit(nint item);
}

/// <summary>Receives the addresses of the items at the same index of two walks of equal shape; false stops.</summary>
internal interface IItemPairVisitor
{
    bool Visit(nint left, nint right);
}

/// <summary>
/// The one N-dimensional item walk of the views (practice: write the loop once, plug operations in as structs): visits
/// every item in C order, following strides and PIL suboffsets; the innermost dimension is a plain strided loop.
/// </summary>
internal static class ItemWalk
{
    /// <summary>Visits every item of a layout at <paramref name="pointer"/>; false when a visitor stopped the walk.</summary>
    public static bool ForEach<T>(nint pointer, in BufferLayout layout, ref T visitor)
        where T : struct, IItemVisitor, allows ref struct
    {
        if (layout.IsEmpty)
        {
            return true;
        }
        if (layout.Rank == 0)
        {
            return visitor.Visit(pointer);
        }
        return Walk(pointer, layout.Shape, layout.Strides, layout.SubOffsets, 0, ref visitor);
    }

    /// <summary>Visits the items of two layouts of the same shape pairwise; false when the visitor stopped the walk.</summary>
    public static bool ForEachPair<T>(nint left, in BufferLayout leftLayout, nint right, in BufferLayout rightLayout, ref T visitor)
        where T : struct, IItemPairVisitor, allows ref struct
    {
        if (leftLayout.IsEmpty)
        {
            return true;
        }
        if (leftLayout.Rank == 0)
        {
            return visitor.Visit(left, right);
        }
        return WalkPair(left, leftLayout.Strides, leftLayout.SubOffsets, right, rightLayout.Strides, rightLayout.SubOffsets,
            leftLayout.Shape, 0, ref visitor);
    }

    /// <summary>The address of a dimension's entry after its suboffset is applied (CPython's <c>ADJUST_PTR</c>).</summary>
    public static nint Adjust(nint pointer, ReadOnlySpan<nint> subOffsets, int dimension) =>
        !subOffsets.IsEmpty && subOffsets[dimension] >= 0 ? RawMemory.ReadPointer(pointer) + subOffsets[dimension] : pointer;

    private static bool Walk<T>(nint p, ReadOnlySpan<nint> shape, ReadOnlySpan<nint> strides, ReadOnlySpan<nint> subOffsets, int dim, ref T visitor)
        where T : struct, IItemVisitor, allows ref struct
    {
        var n = shape[dim];
        var stride = strides[dim];
        var deref = !subOffsets.IsEmpty && subOffsets[dim] >= 0;
        var sub = deref ? subOffsets[dim] : 0;
        if (dim == shape.Length - 1)
        {
            if (!deref)
            {
                for (nint i = 0; i < n; i++, p += stride)
                {
                    if (!visitor.Visit(p))
                    {
                        return false;
                    }
                }
                return true;
            }
            for (nint i = 0; i < n; i++, p += stride)
            {
                if (!visitor.Visit(RawMemory.ReadPointer(p) + sub))
                {
                    return false;
                }
            }
            return true;
        }
        for (nint i = 0; i < n; i++, p += stride)
        {
            if (!Walk(deref ? RawMemory.ReadPointer(p) + sub : p, shape, strides, subOffsets, dim + 1, ref visitor))
            {
                return false;
            }
        }
        return true;
    }

    private static bool WalkPair<T>(nint a, ReadOnlySpan<nint> aStrides, ReadOnlySpan<nint> aSub, nint b, ReadOnlySpan<nint> bStrides,
        ReadOnlySpan<nint> bSub, ReadOnlySpan<nint> shape, int dim, ref T visitor)
        where T : struct, IItemPairVisitor, allows ref struct
    {
        var n = shape[dim];
        nint sa = aStrides[dim], sb = bStrides[dim];
        var derefA = !aSub.IsEmpty && aSub[dim] >= 0;
        var derefB = !bSub.IsEmpty && bSub[dim] >= 0;
        if (dim == shape.Length - 1 && !derefA && !derefB)
        {
            // The common innermost loop: two strided rows, nothing to dereference.
            for (nint i = 0; i < n; i++, a += sa, b += sb)
            {
                if (!visitor.Visit(a, b))
                {
                    return false;
                }
            }
            return true;
        }
        var last = dim == shape.Length - 1;
        for (nint i = 0; i < n; i++, a += sa, b += sb)
        {
            var pa = derefA ? RawMemory.ReadPointer(a) + aSub[dim] : a;
            var pb = derefB ? RawMemory.ReadPointer(b) + bSub[dim] : b;
            if (last ? !visitor.Visit(pa, pb) : !WalkPair(pa, aStrides, aSub, pb, bStrides, bSub, shape, dim + 1, ref visitor))
            {
                return false;
            }
        }
        return true;
    }
}
