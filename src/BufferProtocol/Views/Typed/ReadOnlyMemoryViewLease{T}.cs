using System.Runtime.CompilerServices;
using BufferProtocol.Interop.Memory;
using BufferProtocol.Layout;

namespace BufferProtocol.Views;

/// <summary>
/// Read access by reference to a typed view's memory for the duration of a <c>using</c> block
/// (<see cref="MemoryView{T}.LeaseReadOnly"/>): references to items, spans over rows and contiguous views, 2-D spans.
/// While the lease is alive the view's memory is not freed — a <see cref="MemoryView{T}.Release"/> on any thread waits
/// for it (the view is marked released at once; the exporter is released when the lease ends).
/// </summary>
/// <remarks>
/// <para><b>The guarantee, precisely.</b> Every reference, span and 2-D span the lease hands out is valid from the
/// moment it is handed out until <see cref="Dispose"/>. The runtime cannot track spans, so the rule is the caller's:
/// keep them inside the <c>using</c> block (the lease is a <c>ref struct</c>, so it cannot be stored on the heap or
/// captured). After <see cref="Dispose"/> every member of this lease but <see cref="IsActive"/>,
/// <see cref="Dispose"/> and <c>ToString</c> throws <see cref="ObjectDisposedException"/>.
/// Disposing twice — also through a copy of the lease — is harmless; a lease that is never disposed keeps the view's
/// memory acquired for good.</para>
/// <para><b>Indices</b> are .NET indices, <c>0 ≤ i &lt; extent</c> (no negative wrap-around as in
/// <see cref="MemoryView"/>'s Python-style indexer), checked unless a method is called <c>Dangerous</c>. Items are
/// found as <c>PyBuffer_GetPointer</c> finds them: byte strides of any sign, PIL suboffsets followed.</para>
/// <para><b>Alignment.</b> Items are where the exporter put them; when <see cref="MemoryView{T}.IsAligned"/> is false
/// a reference may be misaligned for <typeparamref name="T"/> (NumPy's unaligned arrays). x86, x64 and Arm64 read and
/// write such references correctly.</para>
/// </remarks>
/// <typeparam name="T">The element type the view was checked against.</typeparam>
public ref struct ReadOnlyMemoryViewLease<T> where T : unmanaged
{
    private readonly LeaseToken? _token;
    private readonly nint _pointer;
    private readonly BufferLayout _layout;
    private readonly ReadOnlySpan<nint> _shape;
    private readonly ReadOnlySpan<nint> _strides;
    private readonly ReadOnlySpan<nint> _subOffsets;
    private int _rank; // the layout's rank while alive, -1 once disposed (one compare on the hot path tells both)

    internal ReadOnlyMemoryViewLease(LeaseToken token, nint pointer, in BufferLayout layout)
    {
        _token = token;
        _pointer = pointer;
        _layout = layout;
        _shape = layout.Shape;
        _strides = layout.Strides;
        _subOffsets = layout.SubOffsets;
        _rank = layout.Rank;
    }

    /// <summary>True until the lease is disposed.</summary>
    public readonly bool IsActive => _rank >= 0 && _token is { IsEnded: false };

    /// <summary>Address of the item at index (0, …, 0) (<c>Py_buffer.buf</c>).</summary>
    /// <exception cref="ObjectDisposedException">The lease has ended.</exception>
    public readonly nint Pointer { get { EnsureActive(); return _pointer; } }

    /// <summary>The view's layout: shape, byte strides, suboffsets.</summary>
    /// <exception cref="ObjectDisposedException">The lease has ended.</exception>
    public readonly BufferLayout Layout { get { EnsureActive(); return _layout; } }

    /// <summary>The number of dimensions.</summary>
    /// <exception cref="ObjectDisposedException">The lease has ended.</exception>
    public readonly int Rank { get { EnsureActive(); return _layout.Rank; } }

    /// <summary>The extent of each dimension.</summary>
    /// <exception cref="ObjectDisposedException">The lease has ended.</exception>
    public readonly ReadOnlySpan<nint> Shape { get { EnsureActive(); return _shape; } }

    /// <summary>The item at <paramref name="index"/> of a 1-dimensional view.</summary>
    /// <param name="index">0 ≤ index &lt; extent.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    /// <exception cref="ArgumentException">The view is not 1-dimensional.</exception>
    /// <exception cref="ObjectDisposedException">The lease has ended.</exception>
    public readonly ref readonly T this[nint index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (_rank != 1 || !_subOffsets.IsEmpty)
            {
                return ref Slow([index]);
            }
            var extent = _shape[0];
            if ((nuint)index >= (nuint)extent)
            {
                TypedErrors.IndexOutOfRange(index, 0, extent);
            }
            return ref RawMemory.AsRef<T>(_pointer + index * _strides[0]);
        }
    }

    /// <summary>The item at (<paramref name="row"/>, <paramref name="column"/>) of a 2-dimensional view.</summary>
    /// <param name="row">0 ≤ row &lt; Shape[0].</param>
    /// <param name="column">0 ≤ column &lt; Shape[1].</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    /// <exception cref="ArgumentException">The view is not 2-dimensional.</exception>
    /// <exception cref="ObjectDisposedException">The lease has ended.</exception>
    public readonly ref readonly T this[nint row, nint column]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (_rank != 2 || !_subOffsets.IsEmpty)
            {
                return ref Slow([row, column]);
            }
            var shape = _shape;
            if ((nuint)row >= (nuint)shape[0])
            {
                TypedErrors.IndexOutOfRange(row, 0, shape[0]);
            }
            if ((nuint)column >= (nuint)shape[1])
            {
                TypedErrors.IndexOutOfRange(column, 1, shape[1]);
            }
            var strides = _strides;
            return ref RawMemory.AsRef<T>(_pointer + row * strides[0] + column * strides[1]);
        }
    }

    /// <summary>The item at <paramref name="indices"/>: one index per dimension.</summary>
    /// <param name="indices">0 ≤ indices[d] &lt; Shape[d].</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    /// <exception cref="ArgumentException">The number of indices is not the rank.</exception>
    /// <exception cref="ObjectDisposedException">The lease has ended.</exception>
    public readonly ref readonly T this[params scoped ReadOnlySpan<nint> indices] => ref GetReference(indices);

    /// <summary>The item at <paramref name="indices"/> (callable without indices for a 0-dimensional view).</summary>
    /// <param name="indices">0 ≤ indices[d] &lt; Shape[d].</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    /// <exception cref="ArgumentException">The number of indices is not the rank.</exception>
    /// <exception cref="ObjectDisposedException">The lease has ended.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ref readonly T GetReference(params scoped ReadOnlySpan<nint> indices)
    {
        if (indices.Length != _rank || _token is null)
        {
            return ref Slow(indices);
        }
        return ref RawMemory.AsRef<T>(TypedAddressing.Locate(_pointer, _shape, _strides, _subOffsets, indices));
    }

    /// <summary>
    /// The item at <paramref name="indices"/> without any check: neither the number of indices, nor their bounds, nor
    /// the lease's state. Suboffsets are still followed. Out-of-range indices read arbitrary memory.
    /// </summary>
    /// <param name="indices">One valid index per dimension.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ref readonly T DangerousGetReference(params scoped ReadOnlySpan<nint> indices) =>
        ref RawMemory.AsRef<T>(TypedAddressing.LocateUnchecked(_pointer, _strides, _subOffsets, indices));

    /// <summary>All items as one span in C order.</summary>
    /// <exception cref="InvalidOperationException">The view is not C-contiguous (the message says why), or holds more items than a span can.</exception>
    /// <exception cref="ObjectDisposedException">The lease has ended.</exception>
    public readonly ReadOnlySpan<T> Span => GetSpan(ContiguityOrder.C);

    /// <summary>All items as one span in memory order, when the view is contiguous in <paramref name="order"/>.</summary>
    /// <param name="order">C (row-major), Fortran (column-major), or either.</param>
    /// <exception cref="InvalidOperationException">The view is not contiguous in that order, or holds more items than a span can.</exception>
    /// <exception cref="ObjectDisposedException">The lease has ended.</exception>
    public readonly ReadOnlySpan<T> GetSpan(ContiguityOrder order)
    {
        EnsureActive();
        if (TypedAddressing.SpanRefusal(_layout, order) is { } reason)
        {
            TypedErrors.NotLayout(reason);
        }
        return RawMemory.AsSpan<T>(_pointer, TypedAddressing.SpanLength(_layout.ItemCount));
    }

    /// <summary>All items as one span, when the view is contiguous in <paramref name="order"/>.</summary>
    /// <param name="span">The items in memory order, or empty.</param>
    /// <param name="order">C (row-major), Fortran (column-major), or either.</param>
    /// <returns>False when the view is not contiguous in that order.</returns>
    /// <exception cref="InvalidOperationException">More items than a span can hold.</exception>
    /// <exception cref="ObjectDisposedException">The lease has ended.</exception>
    public readonly bool TryGetSpan(out ReadOnlySpan<T> span, ContiguityOrder order = ContiguityOrder.C)
    {
        EnsureActive();
        if (!_layout.IsContiguous(order))
        {
            span = default;
            return false;
        }
        span = RawMemory.AsSpan<T>(_pointer, TypedAddressing.SpanLength(_layout.ItemCount));
        return true;
    }

    /// <summary>True when every row (the last dimension) is a span: its stride is <c>sizeof(T)</c> (or it holds at most one item) and it dereferences nothing.</summary>
    public readonly bool HasContiguousRows => TypedAddressing.RowRefusal(_layout, Unsafe.SizeOf<T>()) is null;

    /// <summary>The row (last dimension) at <paramref name="outer"/>, one index per other dimension, as a span.</summary>
    /// <param name="outer">Rank − 1 indices (none for a 1-dimensional view).</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    /// <exception cref="ArgumentException">The number of indices is not Rank − 1.</exception>
    /// <exception cref="InvalidOperationException">The rows are not contiguous (the message says why), or a row is longer than a span can be.</exception>
    /// <exception cref="ObjectDisposedException">The lease has ended.</exception>
    public readonly ReadOnlySpan<T> GetRowSpan(params scoped ReadOnlySpan<nint> outer)
    {
        EnsureActive();
        if (TypedAddressing.RowRefusal(_layout, Unsafe.SizeOf<T>()) is { } reason)
        {
            TypedErrors.NotLayout(reason);
        }
        var row = TypedAddressing.Row(_pointer, _layout, outer, out var length);
        return RawMemory.AsSpan<T>(row, TypedAddressing.SpanLength(length));
    }

    /// <summary>A 2-dimensional view as a 2-D span.</summary>
    /// <exception cref="InvalidOperationException">The view is not 2-dimensional, or dereferences pointers.</exception>
    /// <exception cref="ObjectDisposedException">The lease has ended.</exception>
    public readonly ReadOnlyStridedSpan2D<T> AsSpan2D()
    {
        if (_layout.Rank != 2 && IsActive)
        {
            TypedErrors.NotLayout($"a {_layout.Rank}-dimensional view is not a 2-D span; GetSpan2D(outer indices) gives its planes");
        }
        return GetSpan2D();
    }

    /// <summary>The plane of the last two dimensions at <paramref name="outer"/> (one index per other dimension) as a 2-D span.</summary>
    /// <param name="outer">Rank − 2 indices.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    /// <exception cref="ArgumentException">The number of indices is not Rank − 2.</exception>
    /// <exception cref="InvalidOperationException">The view has fewer than 2 dimensions, or its last two dereference pointers.</exception>
    /// <exception cref="ObjectDisposedException">The lease has ended.</exception>
    public readonly ReadOnlyStridedSpan2D<T> GetSpan2D(params scoped ReadOnlySpan<nint> outer)
    {
        EnsureActive();
        if (TypedAddressing.Span2DRefusal(_layout) is { } reason)
        {
            TypedErrors.NotLayout(reason);
        }
        var p = TypedAddressing.Plane(_pointer, _layout, outer);
        var rank = _layout.Rank;
        return new ReadOnlyStridedSpan2D<T>(ref RawMemory.AsRef<T>(p), _shape[rank - 2], _shape[rank - 1], _strides[rank - 2], _strides[rank - 1]);
    }

    /// <summary>Ends the lease: the view's memory may be released from now on. Calling it again does nothing.</summary>
    public void Dispose()
    {
        _rank = -1;
        _token?.End();
    }

    /// <summary>A description of the lease.</summary>
    public override readonly string ToString() =>
        IsActive ? $"ReadOnlyMemoryViewLease<{typeof(T).Name}> {_layout}" : $"ReadOnlyMemoryViewLease<{typeof(T).Name}> (ended)";

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly ref T Slow(scoped ReadOnlySpan<nint> indices)
    {
        EnsureActive();
        if (indices.Length != _layout.Rank)
        {
            TypedErrors.WrongIndexCount(_layout.Rank, indices.Length);
        }
        return ref RawMemory.AsRef<T>(TypedAddressing.Locate(_pointer, _shape, _strides, _subOffsets, indices));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void EnsureActive()
    {
        if (_rank < 0 || _token is null || _token.IsEnded)
        {
            TypedErrors.LeaseEnded();
        }
    }
}
