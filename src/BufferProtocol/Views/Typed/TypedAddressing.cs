using System.Runtime.CompilerServices;
using BufferProtocol.Interop.Memory;
using BufferProtocol.Layout;

namespace BufferProtocol.Views;

/// <summary>
/// Element addressing for typed views and leases: <c>PyBuffer_GetPointer</c> with bounds checks (and an unchecked
/// twin), row and 2-D bases, and the reasons a layout cannot serve a span. Every method takes the base pointer and
/// the layout explicitly; nothing here knows about lifetimes.
/// </summary>
/// <remarks>
/// Addressing, as everywhere in the library: <c>p = base</c>, then for each dimension <c>d</c>:
/// <c>p += index[d] × Strides[d]</c>, and when <c>SubOffsets[d] ≥ 0</c>, <c>p = RawMemory.ReadPointer(p) + SubOffsets[d]</c>.
/// Indices are .NET indices (<c>0 ≤ i &lt; extent</c>; no negative wrap-around).
/// </remarks>
internal static class TypedAddressing
{
    /// <summary>The address of the item at <paramref name="indices"/>, whose count the caller has checked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint Locate(nint p, ReadOnlySpan<nint> shape, ReadOnlySpan<nint> strides, ReadOnlySpan<nint> subOffsets,
        scoped ReadOnlySpan<nint> indices)
    {
        if (subOffsets.IsEmpty)
        {
            for (var d = 0; d < indices.Length; d++)
            {
                var i = indices[d];
                if ((nuint)i >= (nuint)shape[d])
                {
                    TypedErrors.IndexOutOfRange(i, d, shape[d]);
                }
                p += i * strides[d];
            }
            return p;
        }
        return LocateIndirect(p, shape, strides, subOffsets, indices);
    }

    /// <summary>The address of the item at <paramref name="indices"/> with no checks at all (suboffsets still followed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint LocateUnchecked(nint p, ReadOnlySpan<nint> strides, ReadOnlySpan<nint> subOffsets, scoped ReadOnlySpan<nint> indices)
    {
        if (subOffsets.IsEmpty)
        {
            for (var d = 0; d < indices.Length; d++)
            {
                p += indices[d] * strides[d];
            }
            return p;
        }
        for (var d = 0; d < indices.Length; d++)
        {
            p += indices[d] * strides[d];
            if (subOffsets[d] >= 0)
            {
                p = RawMemory.ReadPointer(p) + subOffsets[d];
            }
        }
        return p;
    }

    /// <summary>
    /// Walks the first <c>indices.Length</c> dimensions: every index is checked before any pointer is followed, so a
    /// bad index never dereferences a table entry.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static nint LocateIndirect(nint p, ReadOnlySpan<nint> shape, ReadOnlySpan<nint> strides, ReadOnlySpan<nint> subOffsets,
        scoped ReadOnlySpan<nint> indices)
    {
        CheckBounds(shape, indices);
        return LocateUnchecked(p, strides, subOffsets, indices);
    }

    /// <summary>
    /// The first item of the row (last dimension) selected by <paramref name="outer"/>, and the row's length; the
    /// caller has checked <see cref="RowRefusal"/>.
    /// </summary>
    public static nint Row(nint p, in BufferLayout layout, scoped ReadOnlySpan<nint> outer, out nint length)
    {
        var rank = layout.Rank;
        if (outer.Length != rank - 1)
        {
            TypedErrors.WrongOuterIndexCount(rank, outer.Length, 1);
        }
        var shape = layout.Shape;
        CheckBounds(shape, outer);
        var last = rank - 1;
        length = shape[last];
        if (layout.IsEmpty)
        {
            // The row is empty: nothing is addressed, and an empty PIL layout need not have valid pointer tables.
            return p;
        }
        var subOffsets = layout.SubOffsets;
        p = LocateUnchecked(p, layout.Strides, subOffsets, outer);
        if (length == 1 && !subOffsets.IsEmpty && subOffsets[last] >= 0)
        {
            // One item reached through its own pointer: still a row of one.
            p = RawMemory.ReadPointer(p) + subOffsets[last];
        }
        return p;
    }

    /// <summary>The item at index 0 of the last two dimensions selected by <paramref name="outer"/>; the caller has checked <see cref="Span2DRefusal"/>.</summary>
    public static nint Plane(nint p, in BufferLayout layout, scoped ReadOnlySpan<nint> outer)
    {
        var rank = layout.Rank;
        if (outer.Length != rank - 2)
        {
            TypedErrors.WrongOuterIndexCount(rank, outer.Length, 2);
        }
        CheckBounds(layout.Shape, outer);
        return layout.IsEmpty ? p : LocateUnchecked(p, layout.Strides, layout.SubOffsets, outer);
    }

    private static void CheckBounds(ReadOnlySpan<nint> shape, scoped ReadOnlySpan<nint> indices)
    {
        for (var d = 0; d < indices.Length; d++)
        {
            if ((nuint)indices[d] >= (nuint)shape[d])
            {
                TypedErrors.IndexOutOfRange(indices[d], d, shape[d]);
            }
        }
    }

    /// <summary>Why the rows (last dimension) of <paramref name="layout"/> are not spans of <paramref name="elementSize"/>-byte items, or null.</summary>
    public static string? RowRefusal(in BufferLayout layout, nint elementSize)
    {
        var rank = layout.Rank;
        if (rank == 0)
        {
            return "a 0-dimensional view has no rows";
        }
        var last = rank - 1;
        var extent = layout.Shape[last];
        if (extent <= 1)
        {
            return null;
        }
        var subOffsets = layout.SubOffsets;
        if (!subOffsets.IsEmpty && subOffsets[last] >= 0)
        {
            return $"the last dimension dereferences pointers (suboffset {subOffsets[last]}): its items are not contiguous";
        }
        var stride = layout.Strides[last];
        return stride == elementSize
            ? null
            : $"the rows are not contiguous: the last dimension's stride is {stride} bytes, not the element size {elementSize}";
    }

    /// <summary>Why the whole view is not one span in <paramref name="order"/>, or null.</summary>
    public static string? SpanRefusal(in BufferLayout layout, ContiguityOrder order)
    {
        if (layout.IsContiguous(order))
        {
            return null;
        }
        var what = order switch
        {
            ContiguityOrder.C => "C-contiguous",
            ContiguityOrder.Fortran => "Fortran-contiguous",
            _ => "contiguous",
        };
        var why = layout.HasSubOffsets ? "it dereferences pointers (PIL suboffsets)" : $"its layout is {layout}";
        return $"the view is not {what} ({why}); use GetRowSpan, the indexer or CopyTo";
    }

    /// <summary>Why the last two dimensions of <paramref name="layout"/> are not a 2-D strided span, or null.</summary>
    public static string? Span2DRefusal(in BufferLayout layout)
    {
        var rank = layout.Rank;
        if (rank < 2)
        {
            return $"a {rank}-dimensional view has no 2-D planes";
        }
        var subOffsets = layout.SubOffsets;
        if (!subOffsets.IsEmpty && (subOffsets[rank - 2] >= 0 || subOffsets[rank - 1] >= 0))
        {
            return "the last two dimensions dereference pointers (PIL suboffsets): a 2-D span addresses one block";
        }
        return null;
    }

    /// <summary>The length of a span over <paramref name="count"/> items, or an exception when it does not fit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SpanLength(nint count)
    {
        if ((nuint)count > int.MaxValue)
        {
            TypedErrors.TooLong(count);
        }
        return (int)count;
    }
}
