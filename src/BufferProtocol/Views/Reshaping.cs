using BufferProtocol.Layout;

namespace BufferProtocol.Views;

/// <summary>
/// Reshaping without copying, as NumPy's <c>_attempt_nocopy_reshape</c> (C order) decides it: runs of old dimensions
/// are merged and split into new ones wherever the old strides are contiguous with each other.
/// </summary>
internal static class Reshaping
{
    /// <summary>The requested shape with a -1 extent inferred; checks that the number of items stays the same.</summary>
    /// <exception cref="ArgumentException">More than one -1, another negative extent, too many dimensions, or another number of items.</exception>
    public static nint[] ResolveShape(in BufferLayout layout, ReadOnlySpan<nint> shape)
    {
        if (shape.Length > BufferLayout.MaxRank)
        {
            ViewErrors.ValueError($"number of dimensions must not exceed {BufferLayout.MaxRank}");
        }
        var result = shape.ToArray();
        var unknown = -1;
        nint known = 1;
        var overflow = false;
        for (var i = 0; i < result.Length; i++)
        {
            if (result[i] == -1)
            {
                if (unknown >= 0)
                {
                    ViewErrors.ValueError("can only specify one unknown dimension");
                }
                unknown = i;
            }
            else if (result[i] < 0)
            {
                ViewErrors.ValueError($"negative dimensions not allowed: {BufferLayout.Tuple(shape)}");
            }
            else
            {
                overflow |= result[i] != 0 && known > nint.MaxValue / result[i];
                known = overflow ? known : known * result[i];
            }
        }
        var count = ItemCount(layout);
        if (unknown >= 0 && !overflow && known != 0 && count % known == 0)
        {
            result[unknown] = count / known;
        }
        else if (unknown >= 0 || overflow || known != count)
        {
            ViewErrors.ValueError($"cannot reshape a view of {count} items into shape {BufferLayout.Tuple(shape)}");
        }
        return result;
    }

    /// <summary>The strides that give <paramref name="shape"/> over the layout's items in C order, if no copy is needed.</summary>
    public static bool TryStrides(in BufferLayout layout, ReadOnlySpan<nint> shape, out nint[] strides)
    {
        strides = new nint[shape.Length];
        if (layout.HasSubOffsets)
        {
            return false;
        }
        if (layout.IsCContiguous || layout.IsEmpty)
        {
            BufferLayout.FillContiguousStrides(shape, strides, layout.ItemSize, ContiguityOrder.C);
            return true;
        }

        // Drop the old dimensions of extent 1: their strides do not matter.
        Span<nint> oldDims = stackalloc nint[layout.Rank];
        Span<nint> oldStrides = stackalloc nint[layout.Rank];
        var oldRank = 0;
        for (var i = 0; i < layout.Rank; i++)
        {
            if (layout.Shape[i] != 1)
            {
                oldDims[oldRank] = layout.Shape[i];
                oldStrides[oldRank] = layout.Strides[i];
                oldRank++;
            }
        }

        int oi = 0, oj = 1, ni = 0, nj = 1;
        while (ni < shape.Length && oi < oldRank)
        {
            var np = shape[ni];
            var op = oldDims[oi];
            while (np != op)
            {
                if (np < op)
                {
                    np *= shape[nj++];
                }
                else
                {
                    op *= oldDims[oj++];
                }
            }
            // The old dimensions oi..oj-1 merge only if each steps over exactly the next one.
            for (var ok = oi; ok < oj - 1; ok++)
            {
                if (oldStrides[ok] != oldDims[ok + 1] * oldStrides[ok + 1])
                {
                    return false;
                }
            }
            strides[nj - 1] = oldStrides[oj - 1];
            for (var nk = nj - 1; nk > ni; nk--)
            {
                strides[nk - 1] = strides[nk] * shape[nk];
            }
            ni = nj++;
            oi = oj++;
        }
        // Trailing new dimensions of extent 1.
        var last = ni >= 1 ? strides[ni - 1] : layout.ItemSize;
        for (var nk = ni; nk < shape.Length; nk++)
        {
            strides[nk] = last;
        }
        return true;
    }

    private static nint ItemCount(in BufferLayout layout)
    {
        nint count = 1;
        foreach (var extent in layout.Shape)
        {
            count *= extent;
        }
        return count;
    }
}
