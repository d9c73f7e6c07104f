using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BufferProtocol.Views;

/// <summary>
/// A writable 2-D window over items at arbitrary <em>byte</em> strides (negative, zero, or not a multiple of the item
/// size): a 2-D typed view of a NumPy array, a reversed or transposed slice, or one plane of an N-d view. The writable
/// twin of <see cref="ReadOnlyStridedSpan2D{T}"/>.
/// </summary>
/// <remarks>
/// <code>
///   item (r, c) is at  reference + r × RowStride + c × ColumnStride   (bytes)
/// </code>
/// <para>Obtain one from a writable lease (<see cref="MemoryViewLease{T}.AsSpan2D"/>): it is valid only while the
/// lease is, and must not be kept past the lease's <c>Dispose</c>. A zero stride makes several positions one item, so
/// writing one writes them all (NumPy's broadcast views behave the same).</para>
/// </remarks>
/// <typeparam name="T">The item type.</typeparam>
public readonly ref struct StridedSpan2D<T>
{
    private readonly ReadOnlyStridedSpan2D<T> _span;

    internal StridedSpan2D(ref T reference, nint height, nint width, nint rowStride, nint columnStride) =>
        _span = new ReadOnlyStridedSpan2D<T>(ref reference, height, width, rowStride, columnStride);

    private StridedSpan2D(ReadOnlyStridedSpan2D<T> span) => _span = span;

    /// <inheritdoc cref="ReadOnlyStridedSpan2D{T}.DangerousCreate"/>
    public static StridedSpan2D<T> DangerousCreate(ref T reference, nint height, nint width, nint rowStride, nint columnStride) =>
        new(ReadOnlyStridedSpan2D<T>.DangerousCreate(ref reference, height, width, rowStride, columnStride));

    /// <inheritdoc cref="ReadOnlyStridedSpan2D{T}.Height"/>
    public nint Height => _span.Height;

    /// <inheritdoc cref="ReadOnlyStridedSpan2D{T}.Width"/>
    public nint Width => _span.Width;

    /// <inheritdoc cref="ReadOnlyStridedSpan2D{T}.RowStride"/>
    public nint RowStride => _span.RowStride;

    /// <inheritdoc cref="ReadOnlyStridedSpan2D{T}.ColumnStride"/>
    public nint ColumnStride => _span.ColumnStride;

    /// <inheritdoc cref="ReadOnlyStridedSpan2D{T}.Length"/>
    public nint Length => _span.Length;

    /// <inheritdoc cref="ReadOnlyStridedSpan2D{T}.IsEmpty"/>
    public bool IsEmpty => _span.IsEmpty;

    /// <inheritdoc cref="ReadOnlyStridedSpan2D{T}.HasContiguousRows"/>
    public bool HasContiguousRows => _span.HasContiguousRows;

    /// <inheritdoc cref="ReadOnlyStridedSpan2D{T}.this"/>
    public ref T this[nint row, nint column]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref Unsafe.AsRef(in _span[row, column]);
    }

    /// <inheritdoc cref="ReadOnlyStridedSpan2D{T}.DangerousGetReferenceAt"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T DangerousGetReferenceAt(nint row, nint column) => ref Unsafe.AsRef(in _span.DangerousGetReferenceAt(row, column));

    /// <inheritdoc cref="ReadOnlyStridedSpan2D{T}.GetRowSpan"/>
    public Span<T> GetRowSpan(nint row)
    {
        var items = _span.GetRowSpan(row);
        return MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(items), items.Length);
    }

    /// <inheritdoc cref="ReadOnlyStridedSpan2D{T}.Slice"/>
    public StridedSpan2D<T> Slice(nint row, nint column, nint height, nint width) => new(_span.Slice(row, column, height, width));

    /// <inheritdoc cref="ReadOnlyStridedSpan2D{T}.Transpose"/>
    public StridedSpan2D<T> Transpose() => new(_span.Transpose());

    /// <summary>Stores <paramref name="value"/> in every item.</summary>
    /// <param name="value">The value.</param>
    public void Fill(T value)
    {
        for (nint r = 0; r < Height; r++)
        {
            if (HasContiguousRows)
            {
                GetRowSpan(r).Fill(value);
                continue;
            }
            for (nint c = 0; c < Width; c++)
            {
                DangerousGetReferenceAt(r, c) = value;
            }
        }
    }

    /// <inheritdoc cref="ReadOnlyStridedSpan2D{T}.CopyTo"/>
    public void CopyTo(Span<T> destination) => _span.CopyTo(destination);

    /// <inheritdoc cref="ReadOnlyStridedSpan2D{T}.ToArray"/>
    public T[,] ToArray() => _span.ToArray();

    /// <summary>The same items, read-only.</summary>
    /// <param name="span">The writable span.</param>
    public static implicit operator ReadOnlyStridedSpan2D<T>(StridedSpan2D<T> span) => span._span;

    /// <summary>A description such as <c>StridedSpan2D&lt;Double&gt;[3, 4]</c>.</summary>
    public override string ToString() => $"StridedSpan2D<{typeof(T).Name}>[{Height}, {Width}]";
}
