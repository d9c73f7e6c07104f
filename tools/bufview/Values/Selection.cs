namespace BufferProtocol.Bufview.Values;

/// <summary>
/// Which items of an array are shown: all of them, or NumPy's summary — the first and last <c>e</c> indices of every
/// axis longer than <c>2e</c>, with the rest elided.
/// </summary>
internal sealed class Selection
{
    /// <summary>Arrays with more items than this are summarised by default (NumPy's <c>threshold</c>).</summary>
    public const long DefaultThreshold = 1000;

    /// <summary>Indices kept at each end of a summarised axis by default (NumPy's <c>edgeitems</c>).</summary>
    public const int DefaultEdgeItems = 3;

    private Selection(nint[] shape, nint[][] kept, bool none)
    {
        Shape = shape;
        Kept = kept;
        IsNone = none;
        long shown = none ? 0 : 1;
        long total = 1;
        foreach (nint[] axis in kept)
        {
            shown = Saturating(shown, axis.Length);
        }
        foreach (nint extent in shape)
        {
            total = Saturating(total, extent);
        }
        Shown = shown;
        Total = total;
    }

    /// <summary>The array's shape.</summary>
    public nint[] Shape { get; }

    /// <summary>The kept indices of every axis, ascending.</summary>
    public nint[][] Kept { get; }

    /// <summary>True when no item is shown (<c>--limit 0</c>).</summary>
    public bool IsNone { get; }

    /// <summary>Items shown.</summary>
    public long Shown { get; }

    /// <summary>Items in the array (saturating at <see cref="long.MaxValue"/>).</summary>
    public long Total { get; }

    /// <summary>True when some items are left out.</summary>
    public bool IsElided => Shown < Total;

    /// <summary>Every item.</summary>
    public static Selection All(ReadOnlySpan<nint> shape) => Edges(shape, nint.MaxValue / 2);

    /// <summary>
    /// The items to show: with <paramref name="limit"/> null (no <c>--limit</c>), every item of an array of at most
    /// <see cref="DefaultThreshold"/> items, else <see cref="DefaultEdgeItems"/> at each end of every axis; with a
    /// limit, every item when they are at most that many, else the largest number of edge items that keeps the count
    /// within the limit (at least one at each end); 0 shows none.
    /// </summary>
    public static Selection Create(ReadOnlySpan<nint> shape, long? limit)
    {
        long total = 1;
        foreach (nint extent in shape)
        {
            total = Saturating(total, extent);
        }
        if (limit is null)
        {
            return total <= DefaultThreshold ? All(shape) : Edges(shape, DefaultEdgeItems);
        }
        if (limit.Value == 0)
        {
            return new Selection(shape.ToArray(), [.. shape.ToArray().Select(_ => Array.Empty<nint>())], none: true);
        }
        if (total <= limit.Value)
        {
            return All(shape);
        }
        nint low = 1, high = 1;
        foreach (nint extent in shape)
        {
            high = Math.Max(high, extent / 2 + 1);
        }
        while (low < high)
        {
            nint mid = low + (high - low + 1) / 2;
            if (Count(shape, mid) <= limit.Value)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }
        return Edges(shape, low);
    }

    private static long Count(ReadOnlySpan<nint> shape, nint edge)
    {
        long count = 1;
        foreach (nint extent in shape)
        {
            count = Saturating(count, extent <= 2 * (long)edge ? extent : 2 * edge);
        }
        return count;
    }

    private static Selection Edges(ReadOnlySpan<nint> shape, nint edge)
    {
        var kept = new nint[shape.Length][];
        for (int axis = 0; axis < shape.Length; axis++)
        {
            nint n = shape[axis];
            if (n <= 2 * (long)edge)
            {
                kept[axis] = new nint[n];
                for (nint i = 0; i < n; i++)
                {
                    kept[axis][i] = i;
                }
            }
            else
            {
                kept[axis] = new nint[2 * edge];
                for (nint i = 0; i < edge; i++)
                {
                    kept[axis][i] = i;
                    kept[axis][edge + i] = n - edge + i;
                }
            }
        }
        return new Selection(shape.ToArray(), kept, none: false);
    }

    /// <summary>True when the kept index at position <paramref name="position"/> of <paramref name="axis"/> follows a gap.</summary>
    public bool GapBefore(int axis, int position) => position > 0 && Kept[axis][position] != Kept[axis][position - 1] + 1;

    /// <summary>Every shown index tuple in C order, with whether a gap (elided items) comes before it.</summary>
    public IEnumerable<(nint[] Index, bool GapBefore)> Items()
    {
        if (IsNone || Kept.Any(k => k.Length == 0))
        {
            yield break;
        }
        int rank = Shape.Length;
        var position = new int[rank];
        var index = new nint[rank];
        for (int a = 0; a < rank; a++)
        {
            index[a] = Kept[a][0];
        }
        bool gap = false;
        while (true)
        {
            yield return ((nint[])index.Clone(), gap);
            gap = false;
            int axis = rank - 1;
            while (axis >= 0)
            {
                position[axis]++;
                if (position[axis] < Kept[axis].Length)
                {
                    gap |= GapBefore(axis, position[axis]);
                    index[axis] = Kept[axis][position[axis]];
                    break;
                }
                position[axis] = 0;
                index[axis] = Kept[axis][0];
                axis--;
            }
            if (axis < 0)
            {
                yield break;
            }
        }
    }

    private static long Saturating(long a, long b) => a != 0 && b > long.MaxValue / a ? long.MaxValue : a * b;
}
