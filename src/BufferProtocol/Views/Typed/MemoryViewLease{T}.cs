using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BufferProtocol.Layout;

namespace BufferProtocol.Views;

/// <summary>
/// Read and write access by reference to a writable typed view's memory for the duration of a <c>using</c> block
/// (<see cref="MemoryView{T}.Lease"/>); the writable twin of <see cref="ReadOnlyMemoryViewLease{T}"/>, with the same
/// guarantee: everything it hands out is valid until <see cref="Dispose"/>, and a concurrent
/// <see cref="MemoryView{T}.Release"/> does not free the memory before then.
/// </summary>
/// <remarks>
/// <code>
///   using var lease = view.Lease();          // view: MemoryView&lt;double&gt;, writable
///   lease[1, 2] = 7.5;                        // ref double
///   foreach (ref var x in lease.GetRowSpan(0)) x *= 2;
///   // no span, reference or 2-D span may be used after the block
/// </code>
/// </remarks>
/// <typeparam name="T">The element type the view was checked against.</typeparam>
public ref struct MemoryViewLease<T> where T : unmanaged
{
    private ReadOnlyMemoryViewLease<T> _lease;

    internal MemoryViewLease(LeaseToken token, nint pointer, in BufferLayout layout) => _lease = new(token, pointer, layout);

    /// <inheritdoc cref="ReadOnlyMemoryViewLease{T}.IsActive"/>
    public readonly bool IsActive => _lease.IsActive;

    /// <inheritdoc cref="ReadOnlyMemoryViewLease{T}.Pointer"/>
    public readonly nint Pointer => _lease.Pointer;

    /// <inheritdoc cref="ReadOnlyMemoryViewLease{T}.Layout"/>
    public readonly BufferLayout Layout => _lease.Layout;

    /// <inheritdoc cref="ReadOnlyMemoryViewLease{T}.Rank"/>
    public readonly int Rank => _lease.Rank;

    /// <inheritdoc cref="ReadOnlyMemoryViewLease{T}.Shape"/>
    public readonly ReadOnlySpan<nint> Shape => _lease.Shape;

    /// <inheritdoc cref="ReadOnlyMemoryViewLease{T}.this[nint]"/>
    public readonly ref T this[nint index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref Unsafe.AsRef(in _lease[index]);
    }

    /// <inheritdoc cref="ReadOnlyMemoryViewLease{T}.this[nint, nint]"/>
    public readonly ref T this[nint row, nint column]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref Unsafe.AsRef(in _lease[row, column]);
    }

    /// <inheritdoc cref="ReadOnlyMemoryViewLease{T}.this[ReadOnlySpan{nint}]"/>
    public readonly ref T this[params scoped ReadOnlySpan<nint> indices] => ref Unsafe.AsRef(in _lease.GetReference(indices));

    /// <inheritdoc cref="ReadOnlyMemoryViewLease{T}.GetReference"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ref T GetReference(params scoped ReadOnlySpan<nint> indices) => ref Unsafe.AsRef(in _lease.GetReference(indices));

    /// <inheritdoc cref="ReadOnlyMemoryViewLease{T}.DangerousGetReference"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ref T DangerousGetReference(params scoped ReadOnlySpan<nint> indices) =>
        ref Unsafe.AsRef(in _lease.DangerousGetReference(indices));

    /// <inheritdoc cref="ReadOnlyMemoryViewLease{T}.Span"/>
    public readonly Span<T> Span => GetSpan(ContiguityOrder.C);

    /// <inheritdoc cref="ReadOnlyMemoryViewLease{T}.GetSpan"/>
    public readonly Span<T> GetSpan(ContiguityOrder order) => Writable(_lease.GetSpan(order));

    /// <inheritdoc cref="ReadOnlyMemoryViewLease{T}.TryGetSpan"/>
    public readonly bool TryGetSpan(out Span<T> span, ContiguityOrder order = ContiguityOrder.C)
    {
        var ok = _lease.TryGetSpan(out var items, order);
        span = Writable(items);
        return ok;
    }

    /// <inheritdoc cref="ReadOnlyMemoryViewLease{T}.HasContiguousRows"/>
    public readonly bool HasContiguousRows => _lease.HasContiguousRows;

    /// <inheritdoc cref="ReadOnlyMemoryViewLease{T}.GetRowSpan"/>
    public readonly Span<T> GetRowSpan(params scoped ReadOnlySpan<nint> outer) => Writable(_lease.GetRowSpan(outer));

    /// <inheritdoc cref="ReadOnlyMemoryViewLease{T}.AsSpan2D"/>
    public readonly StridedSpan2D<T> AsSpan2D() => Writable(_lease.AsSpan2D());

    /// <inheritdoc cref="ReadOnlyMemoryViewLease{T}.GetSpan2D"/>
    public readonly StridedSpan2D<T> GetSpan2D(params scoped ReadOnlySpan<nint> outer) => Writable(_lease.GetSpan2D(outer));

    /// <inheritdoc cref="ReadOnlyMemoryViewLease{T}.Dispose"/>
    public void Dispose() => _lease.Dispose();

    /// <summary>
    /// The same lease, read-only: a copy that shares the hold, so disposing either ends both (and disposing both is
    /// harmless).
    /// </summary>
    /// <param name="lease">The writable lease.</param>
    public static implicit operator ReadOnlyMemoryViewLease<T>(MemoryViewLease<T> lease) => lease._lease;

    /// <summary>A description of the lease.</summary>
    public override readonly string ToString() =>
        IsActive ? $"MemoryViewLease<{typeof(T).Name}> {_lease.Layout}" : $"MemoryViewLease<{typeof(T).Name}> (ended)";

    private static Span<T> Writable(ReadOnlySpan<T> span) =>
        MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(span), span.Length);

    private static StridedSpan2D<T> Writable(ReadOnlyStridedSpan2D<T> span) =>
        new(ref Unsafe.AsRef(in span.DangerousGetReferenceAt(0, 0)), span.Height, span.Width, span.RowStride, span.ColumnStride);
}
