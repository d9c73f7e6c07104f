using System.Diagnostics.CodeAnalysis;
using BufferProtocol.Layout;

namespace BufferProtocol.Tensors;

/// <summary>
/// Which PEP 3118 layouts a <c>System.Numerics.Tensors</c> span can describe, and how: the rules
/// <c>TensorSpan&lt;T&gt;</c>'s constructors enforce (System.Numerics.Tensors 10.0), checked up front so that a
/// conversion either succeeds or says why — it never throws from the tensor constructor.
/// </summary>
/// <remarks>
/// <para>A layout converts when:</para>
/// <list type="number">
/// <item>it dereferences no pointers (no PIL suboffsets: a tensor span addresses one block);</item>
/// <item>every byte stride of a dimension with more than one item is a whole multiple of <c>sizeof(T)</c>
/// (tensor strides count elements);</item>
/// <item>those strides are ≥ 0 (TensorSpan: "Strides cannot be less than 0" — a reversed view must be copied);</item>
/// <item>the non-zero strides, taken in increasing order, each are at least the previous stride times that
/// dimension's extent (TensorSpan's linear-order rule: no two positions share an item unless a stride is 0, and no
/// interleaving such as strides (3, 2) over extents (2, 3)).</item>
/// </list>
/// <para>Adjustments that change no item: a dimension of extent 0 or 1 gets stride 0 (TensorSpan requires it; its
/// stride addresses nothing else), every stride of an empty layout becomes 0, and a 0-dimensional layout becomes one
/// dimension of extent 1 (TensorSpan has no rank 0: it would turn empty lengths into an empty 1-D span). Zero strides
/// of longer dimensions (broadcasts) are kept: TensorSpan accepts them. The span's data length is exactly the
/// elements the layout reaches: <c>1 + Σ (extent − 1) × stride</c>.</para>
/// </remarks>
public static class TensorSpanLayout
{
    /// <summary>Whether <paramref name="layout"/> of <paramref name="elementSize"/>-byte elements converts to a tensor span.</summary>
    /// <param name="layout">The view's layout (byte strides).</param>
    /// <param name="elementSize">The element size, <c>sizeof(T)</c>; must be the layout's item size.</param>
    /// <param name="reason">Why not, or null.</param>
    /// <returns>True when the layout converts.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="elementSize"/> is not positive.</exception>
    public static bool CanConvert(in BufferLayout layout, int elementSize, [NotNullWhen(false)] out string? reason)
    {
        var rank = Math.Max(layout.Rank, 1);
        Span<nint> lengths = stackalloc nint[rank];
        Span<nint> strides = stackalloc nint[rank];
        return TryConvert(layout, elementSize, lengths, strides, out _, out reason);
    }

    /// <summary>
    /// The tensor lengths and element strides of <paramref name="layout"/>, and the number of elements its data spans.
    /// </summary>
    /// <param name="layout">The view's layout (byte strides).</param>
    /// <param name="elementSize">The element size, <c>sizeof(T)</c>; must be the layout's item size.</param>
    /// <param name="lengths">Receives <c>max(Rank, 1)</c> lengths.</param>
    /// <param name="strides">Receives <c>max(Rank, 1)</c> element strides.</param>
    /// <param name="dataLength">The elements from the first item to one past the last (0 when empty).</param>
    /// <param name="reason">Why the layout does not convert, or null.</param>
    /// <returns>True when the layout converts.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="elementSize"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="lengths"/> or <paramref name="strides"/> is too short.</exception>
    public static bool TryConvert(in BufferLayout layout, int elementSize, Span<nint> lengths, Span<nint> strides, out nint dataLength,
        [NotNullWhen(false)] out string? reason)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(elementSize);
        var rank = layout.Rank;
        if (lengths.Length < Math.Max(rank, 1) || strides.Length < Math.Max(rank, 1))
        {
            throw new ArgumentException($"lengths and strides need {Math.Max(rank, 1)} entries");
        }
        dataLength = 0;
        if (layout.ItemSize != elementSize)
        {
            reason = $"the view's items are {layout.ItemSize} bytes, not the element size {elementSize}";
            return false;
        }
        if (layout.HasSubOffsets)
        {
            reason = "the view dereferences pointers (PIL suboffsets); a tensor span addresses one block of memory — copy it (ToArray)";
            return false;
        }
        if (rank == 0)
        {
            lengths[0] = 1;
            strides[0] = 0;
            dataLength = 1;
            reason = null;
            return true;
        }

        var shape = layout.Shape;
        var byteStrides = layout.Strides;
        var empty = layout.IsEmpty;
        for (var d = 0; d < rank; d++)
        {
            var extent = shape[d];
            var stride = byteStrides[d];
            lengths[d] = extent;
            if (empty || extent <= 1)
            {
                strides[d] = 0;
                continue;
            }
            if (stride % elementSize != 0)
            {
                reason = $"the stride of dimension {d} ({stride} bytes) is not a multiple of the element size {elementSize}; tensor strides count elements";
                return false;
            }
            if (stride < 0)
            {
                reason = $"dimension {d} runs backwards (stride {stride / elementSize} elements); TensorSpan strides must be >= 0 — copy the view or reverse that dimension first";
                return false;
            }
            strides[d] = stride / elementSize;
        }
        if (!empty && OverlapReason(lengths[..rank], strides[..rank]) is { } overlap)
        {
            reason = overlap;
            return false;
        }
        nint last = 0;
        for (var d = 0; d < rank; d++)
        {
            last += (lengths[d] - 1) * strides[d];
        }
        dataLength = empty ? 0 : last + 1;
        reason = null;
        return true;
    }

    /// <summary>TensorSpan's linear-order rule over the non-zero strides, or null when it holds.</summary>
    private static string? OverlapReason(ReadOnlySpan<nint> lengths, ReadOnlySpan<nint> strides)
    {
        Span<int> order = stackalloc int[strides.Length];
        var count = 0;
        for (var d = 0; d < strides.Length; d++)
        {
            if (strides[d] != 0)
            {
                order[count++] = d;
            }
        }
        order = order[..count];
        // Insertion sort by stride (rank ≤ 64): stable, so the message names dimensions in a predictable order.
        for (var i = 1; i < order.Length; i++)
        {
            var d = order[i];
            var j = i - 1;
            while (j >= 0 && strides[order[j]] > strides[d])
            {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = d;
        }
        for (var i = 1; i < order.Length; i++)
        {
            int inner = order[i - 1], outer = order[i];
            var reach = strides[inner] * lengths[inner];
            if (strides[outer] < reach)
            {
                return $"dimensions {inner} and {outer} overlap or interleave: dimension {inner} covers {reach} elements " +
                       $"({lengths[inner]} × stride {strides[inner]}) but dimension {outer} steps {strides[outer]}; TensorSpan needs each " +
                       "non-zero stride, in increasing order, to be at least the previous stride times its extent — copy the view";
            }
        }
        return null;
    }
}
