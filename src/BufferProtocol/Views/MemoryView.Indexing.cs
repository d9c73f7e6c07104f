using System.Runtime.CompilerServices;
using BufferProtocol.Internal;
using BufferProtocol.Interop.Memory;

namespace BufferProtocol.Views;

// Integer keys: m[i], m[i, j], m[()] — CPython's memory_subscript/memory_ass_sub for int-like keys and tuples of
// them, in CPython's evaluation order (released → format → [read-only] → 0-d → sub-view → bounds → value).
public sealed partial class MemoryView
{
    /// <summary>
    /// The item at <paramref name="indices"/> (<c>m[i]</c>, <c>m[i, j]</c>; Python semantics: a negative index counts
    /// from the end, once). With fewer indices than dimensions an extended view gives the sub-view
    /// (<see cref="MemoryView"/>) those indices select, as NumPy does; a CPython view refuses. Setting stores an item
    /// (or, for a sub-view, copies a buffer of the same structure into it).
    /// </summary>
    /// <param name="indices">One index per dimension (none for a 0-dimensional view).</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of bounds (<c>IndexError</c>).</exception>
    /// <exception cref="InvalidOperationException">More indices than dimensions, indices on a 0-dimensional view, or a
    /// write to a read-only view (<c>TypeError</c>).</exception>
    /// <exception cref="InvalidCastException">A value the format cannot hold (<c>TypeError</c>).</exception>
    /// <exception cref="ArgumentException">A value out of the format's range (<c>ValueError</c>).</exception>
    /// <exception cref="NotSupportedException">The format has no item access, or (CPython mode) fewer indices than dimensions (<c>NotImplementedError</c>).</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public object? this[params ReadOnlySpan<nint> indices]
    {
        get => GetItem(indices);
        set => SetItem(indices, value);
    }

    /// <summary>
    /// The integer indexer for callers without span support. From Python through pythonnet: <c>view[i]</c>,
    /// <c>view[i, j]</c> and <c>view[i] = v</c>; pythonnet 3.2.1 passes <c>view[i, j] = v</c> as three arguments,
    /// which a <c>params</c> indexer cannot take, so assign with a list key: <c>view[[i, j]] = v</c>.
    /// </summary>
    /// <param name="indices">One index per dimension; fewer select a sub-view (extended mode).</param>
    /// <exception cref="ArgumentNullException"><paramref name="indices"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of bounds (<c>IndexError</c>).</exception>
    /// <exception cref="InvalidOperationException">More indices than dimensions, indices on a 0-dimensional view, or a
    /// write to a read-only view (<c>TypeError</c>).</exception>
    /// <exception cref="InvalidCastException">A value the format cannot hold (<c>TypeError</c>).</exception>
    /// <exception cref="ArgumentException">A value out of the format's range (<c>ValueError</c>).</exception>
    /// <exception cref="NotSupportedException">The format has no item access, or (CPython mode) fewer indices than dimensions (<c>NotImplementedError</c>).</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    [OverloadResolutionPriority(-1)] // C# callers keep the span overload wherever it applies (e.g. an empty [] shape)
    public object? this[params long[] indices]
    {
        get => GetItem(DimensionArrays.ToNative(indices, nameof(indices)));
        set => SetItem(DimensionArrays.ToNative(indices, nameof(indices)), value);
    }

    /// <summary>
    /// One index, for callers without span support (from Python through pythonnet, <c>view[i]</c> and
    /// <c>view[i] = v</c>); see the <see cref="this[ReadOnlySpan{nint}]"/> indexer.
    /// </summary>
    /// <param name="index">The index on the first dimension; negative counts from the end.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of bounds (<c>IndexError</c>).</exception>
    /// <exception cref="InvalidOperationException">An index on a 0-dimensional view, or a write to a read-only view (<c>TypeError</c>).</exception>
    /// <exception cref="InvalidCastException">A value the format cannot hold (<c>TypeError</c>).</exception>
    /// <exception cref="ArgumentException">A value out of the format's range (<c>ValueError</c>).</exception>
    /// <exception cref="NotSupportedException">The format has no item access, or (CPython mode) a multi-dimensional view (<c>NotImplementedError</c>).</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    [OverloadResolutionPriority(-1)] // C# callers keep the span overload wherever it applies (e.g. an empty [] shape)
    public object? this[long index]
    {
        get => this[[index]];
        set => this[[index]] = value;
    }

    /// <summary>The item at <paramref name="indices"/>; see the indexer.</summary>
    /// <param name="indices">One index per dimension (none for a 0-dimensional view).</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of bounds.</exception>
    /// <exception cref="InvalidOperationException">More indices than dimensions, or indices on a 0-dimensional view.</exception>
    /// <exception cref="NotSupportedException">The format has no item access, or (CPython mode) a sub-view was asked for.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public object? GetItem(params ReadOnlySpan<nint> indices)
    {
        Enter();
        try
        {
            var rank = _layout.Rank;
            if (rank == 0)
            {
                if (indices.Length != 0)
                {
                    ViewErrors.ZeroDimIndexing();
                }
                return Items.Read(_pointer);
            }
            if (_mode == MemoryViewMode.CPython)
            {
                // memory_item / memory_item_multi: the format is checked before the sub-view refusal.
                _ = Items;
                if (indices.Length == 1 && rank > 1)
                {
                    ViewErrors.NotImplemented("multi-dimensional sub-views are not implemented");
                }
                if (indices.Length < rank)
                {
                    ViewErrors.NotImplemented("sub-views are not implemented");
                }
            }
            else if (indices.Length < rank)
            {
                return SubView(indices);
            }
            if (indices.Length > rank)
            {
                TooManyIndices(indices.Length);
            }
            return Items.Read(ItemPointer(indices));
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Stores <paramref name="value"/> at <paramref name="indices"/>; see the indexer.</summary>
    /// <param name="indices">One index per dimension (none for a 0-dimensional view); fewer select a sub-view (extended mode).</param>
    /// <param name="value">The item value, or for a sub-view a buffer of the same structure (see <see cref="Assign"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of bounds.</exception>
    /// <exception cref="InvalidOperationException">A read-only view, more indices than dimensions, or indices on a 0-dimensional view.</exception>
    /// <exception cref="InvalidCastException">A value the format cannot hold.</exception>
    /// <exception cref="ArgumentException">A value out of the format's range, or a buffer of another structure.</exception>
    /// <exception cref="NotSupportedException">The format has no item access, or (CPython mode) a sub-view was addressed.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public void SetItem(ReadOnlySpan<nint> indices, object? value)
    {
        Enter();
        try
        {
            CheckAssignable();
            var rank = _layout.Rank;
            if (rank == 0)
            {
                if (indices.Length != 0)
                {
                    ViewErrors.ZeroDimIndexing();
                }
                Items.Write(_pointer, value);
                return;
            }
            if (indices.Length < rank || (indices.Length == 1 && rank > 1))
            {
                if (_mode == MemoryViewMode.CPython)
                {
                    ViewErrors.NotImplemented("sub-views are not implemented");
                }
                AssignToKey(ToKey(indices, stackalloc SliceIndex[indices.Length]), value);
                return;
            }
            if (indices.Length > rank)
            {
                TooManyIndices(indices.Length);
            }
            var item = ItemPointer(indices);
            Items.Write(item, value);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// memory_ass_sub's prologue: a CPython view checks its format first (<c>NotImplementedError</c> even for a slice
    /// assignment), then every view refuses to write read-only memory.
    /// </summary>
    private void CheckAssignable()
    {
        if (_mode == MemoryViewMode.CPython)
        {
            _ = Items;
        }
        if (_readOnly)
        {
            ViewErrors.ReadOnly();
        }
    }

    /// <summary>The address of the item at a full index tuple (CPython's <c>ptr_from_tuple</c>): bounds, then suboffsets.</summary>
    private nint ItemPointer(ReadOnlySpan<nint> indices)
    {
        var p = _pointer;
        var shape = _layout.Shape;
        var strides = _layout.Strides;
        var sub = _layout.SubOffsets;
        for (var d = 0; d < indices.Length; d++)
        {
            var i = indices[d];
            var n = shape[d];
            if (i < 0)
            {
                i += n;
            }
            if ((nuint)i >= (nuint)n)
            {
                ViewErrors.IndexOutOfBounds(d);
            }
            p += strides[d] * i;
            if (!sub.IsEmpty && sub[d] >= 0)
            {
                p = RawMemory.ReadPointer(p) + sub[d];
            }
        }
        return p;
    }

    private MemoryView SubView(ReadOnlySpan<nint> indices)
    {
        var (pointer, layout) = Resolve(ToKey(indices, stackalloc SliceIndex[indices.Length]));
        return Derive(pointer, layout, _format, _readOnly, _items);
    }

    private static ReadOnlySpan<SliceIndex> ToKey(ReadOnlySpan<nint> indices, Span<SliceIndex> key)
    {
        for (var i = 0; i < indices.Length; i++)
        {
            key[i] = indices[i];
        }
        return key;
    }

    private void TooManyIndices(int count) =>
        ViewErrors.TypeError($"cannot index {_layout.Rank}-dimension view with {count}-element tuple");
}
