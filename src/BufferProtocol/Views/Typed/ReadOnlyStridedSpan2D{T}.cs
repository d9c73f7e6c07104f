using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BufferProtocol.Views;

/// <summary>
/// A read-only 2-D window over items at arbitrary <em>byte</em> strides — negative, zero, or not a multiple of the
/// item size — such as a 2-D typed view of a NumPy array, a reversed or transposed slice, or one plane of an N-d view.
/// The read-only twin of <see cref="StridedSpan2D{T}"/>.
/// </summary>
/// <remarks>
/// <code>
///   item (r, c) is at  reference + r × RowStride + c × ColumnStride   (bytes)
/// </code>
/// <para>Unlike <c>Span2D&lt;T&gt;</c> (CommunityToolkit) the column stride is free, so every layout without pointer
/// dereferences in its last two dimensions fits; rows are spans (<see cref="GetRowSpan"/>) when the column stride is
/// the item size. Obtain one from a lease (<see cref="ReadOnlyMemoryViewLease{T}.AsSpan2D"/>): it is valid only while
/// the lease is, and must not be kept past the lease's <c>Dispose</c>.</para>
/// </remarks>
/// <typeparam name="T">The item type.</typeparam>
public readonly ref struct ReadOnlyStridedSpan2D<T>
{
    private readonly ref T _reference;
    private readonly nint _height;
    private readonly nint _width;
    private readonly nint _rowStride;
    private readonly nint _columnStride;

    internal ReadOnlyStridedSpan2D(ref T reference, nint height, nint width, nint rowStride, nint columnStride)
    {
        _reference = ref reference;
        _height = height;
        _width = width;
        _rowStride = rowStride;
        _columnStride = columnStride;
    }

    /// <summary>
    /// A span over items the caller vouches for: every <c>(r, c)</c> with <c>r &lt; height</c>, <c>c &lt; width</c> must
    /// address a readable item, for as long as the span is used. Nothing is checked but the extents' signs.
    /// </summary>
    /// <param name="reference">The item at (0, 0).</param>
    /// <param name="height">Rows (≥ 0).</param>
    /// <param name="width">Columns (≥ 0).</param>
    /// <param name="rowStride">Bytes from one row to the next (any sign).</param>
    /// <param name="columnStride">Bytes from one column to the next (any sign).</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative extent.</exception>
    public static ReadOnlyStridedSpan2D<T> DangerousCreate(ref readonly T reference, nint height, nint width, nint rowStride, nint columnStride)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        return new ReadOnlyStridedSpan2D<T>(ref Unsafe.AsRef(in reference), height, width, rowStride, columnStride);
    }

    /// <summary>Number of rows.</summary>
    public nint Height => _height;

    /// <summary>Number of columns.</summary>
    public nint Width => _width;

    /// <summary>Bytes from one row to the next.</summary>
    public nint RowStride => _rowStride;

    /// <summary>Bytes from one column to the next.</summary>
    public nint ColumnStride => _columnStride;

    /// <summary><c>Height × Width</c>.</summary>
    public nint Length => _height * _width;

    /// <summary>True when there are no items.</summary>
    public bool IsEmpty => _height == 0 || _width == 0;

    /// <summary>True when every row is a span (<see cref="GetRowSpan"/>): the column stride is the item size, or rows hold at most one item.</summary>
    public bool HasContiguousRows => _width <= 1 || _columnStride == Unsafe.SizeOf<T>();

    /// <summary>The item at (<paramref name="row"/>, <paramref name="column"/>).</summary>
    /// <param name="row">0 ≤ row &lt; <see cref="Height"/>.</param>
    /// <param name="column">0 ≤ column &lt; <see cref="Width"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index out of range.</exception>
    public ref readonly T this[nint row, nint column]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if ((nuint)row >= (nuint)_height)
            {
                TypedErrors.IndexOutOfRange(row, 0, _height);
            }
            if ((nuint)column >= (nuint)_width)
            {
                TypedErrors.IndexOutOfRange(column, 1, _width);
            }
            return ref Unsafe.AddByteOffset(ref _reference, row * _rowStride + column * _columnStride);
        }
    }

    /// <summary>The item at (<paramref name="row"/>, <paramref name="column"/>) without bounds checks.</summary>
    /// <param name="row">A row the caller has checked.</param>
    /// <param name="column">A column the caller has checked.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly T DangerousGetReferenceAt(nint row, nint column) =>
        ref Unsafe.AddByteOffset(ref _reference, row * _rowStride + column * _columnStride);

    /// <summary>Row <paramref name="row"/> as a span.</summary>
    /// <param name="row">0 ≤ row &lt; <see cref="Height"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The row is out of range.</exception>
    /// <exception cref="InvalidOperationException">The rows are not contiguous (<see cref="HasContiguousRows"/> is false), or longer than a span can be.</exception>
    public ReadOnlySpan<T> GetRowSpan(nint row)
    {
        if ((nuint)row >= (nuint)_height)
        {
            TypedErrors.IndexOutOfRange(row, 0, _height);
        }
        if (!HasContiguousRows)
        {
            TypedErrors.NotLayout($"the rows are not contiguous: the column stride is {_columnStride} bytes, not the item size {Unsafe.SizeOf<T>()}");
        }
        return MemoryMarshal.CreateReadOnlySpan(ref Unsafe.AddByteOffset(ref _reference, row * _rowStride), TypedAddressing.SpanLength(_width));
    }

    /// <summary>The sub-rectangle of <paramref name="height"/> × <paramref name="width"/> items starting at (<paramref name="row"/>, <paramref name="column"/>).</summary>
    /// <param name="row">First row.</param>
    /// <param name="column">First column.</param>
    /// <param name="height">Rows.</param>
    /// <param name="width">Columns.</param>
    /// <exception cref="ArgumentOutOfRangeException">The rectangle is not inside this one.</exception>
    public ReadOnlyStridedSpan2D<T> Slice(nint row, nint column, nint height, nint width)
    {
        StridedSpan2DChecks.CheckSlice(row, column, height, width, _height, _width);
        return new ReadOnlyStridedSpan2D<T>(ref Unsafe.AddByteOffset(ref _reference, row * _rowStride + column * _columnStride),
            height, width, _rowStride, _columnStride);
    }

    /// <summary>The same items with rows and columns exchanged; no copy.</summary>
    public ReadOnlyStridedSpan2D<T> Transpose() => new(ref _reference, _width, _height, _columnStride, _rowStride);

    /// <summary>Copies the items, row by row, to <paramref name="destination"/>.</summary>
    /// <param name="destination">At least <see cref="Length"/> items.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public void CopyTo(Span<T> destination) =>
        StridedSpan2DChecks.CopyTo(ref _reference, _height, _width, _rowStride, _columnStride, destination);

    /// <summary>A new <c>T[Height, Width]</c> holding the items.</summary>
    public T[,] ToArray()
    {
        var array = new T[_height, _width];
        if (array.Length > 0)
        {
            CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.As<byte, T>(ref MemoryMarshal.GetArrayDataReference(array)), array.Length));
        }
        return array;
    }

    /// <summary>A description such as <c>ReadOnlyStridedSpan2D&lt;Double&gt;[3, 4]</c>.</summary>
    public override string ToString() => $"ReadOnlyStridedSpan2D<{typeof(T).Name}>[{_height}, {_width}]";
}

/// <summary>Checks and loops shared by the two 2-D spans.</summary>
internal static class StridedSpan2DChecks
{
    public static void CheckSlice(nint row, nint column, nint height, nint width, nint totalHeight, nint totalWidth)
    {
        if ((nuint)row > (nuint)totalHeight || (nuint)height > (nuint)(totalHeight - row))
        {
            throw new ArgumentOutOfRangeException(null, $"rows {row} .. {row + height} are not inside 0 .. {totalHeight}");
        }
        if ((nuint)column > (nuint)totalWidth || (nuint)width > (nuint)(totalWidth - column))
        {
            throw new ArgumentOutOfRangeException(null, $"columns {column} .. {column + width} are not inside 0 .. {totalWidth}");
        }
    }

    public static void CopyTo<T>(ref T reference, nint height, nint width, nint rowStride, nint columnStride, Span<T> destination)
    {
        var length = height * width;
        if (destination.Length < length)
        {
            throw new ArgumentException($"the destination has {destination.Length} items but the span has {length}", nameof(destination));
        }
        ref var target = ref MemoryMarshal.GetReference(destination);
        nint k = 0;
        var contiguous = width <= 1 || columnStride == Unsafe.SizeOf<T>();
        for (nint r = 0; r < height; r++)
        {
            ref var rowStart = ref Unsafe.AddByteOffset(ref reference, r * rowStride);
            if (contiguous)
            {
                MemoryMarshal.CreateReadOnlySpan(ref rowStart, (int)width).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref target, k), (int)width));
                k += width;
                continue;
            }
            for (nint c = 0; c < width; c++, k++)
            {
                Unsafe.Add(ref target, k) = Unsafe.AddByteOffset(ref rowStart, c * columnStride);
            }
        }
    }
}
