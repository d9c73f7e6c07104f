using BufferProtocol.Copying;
using BufferProtocol.Exporters;
using BufferProtocol.Formats;
using BufferProtocol.Interop.Memory;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;

namespace BufferProtocol.Views;

// Slice keys: m[1:3], m[::-1, 2], m["1:3, ..."] and their assignment. An extended view follows NumPy's basic indexing
// in every dimension; a CPython view slices the first dimension only, as memory_subscript does.
public sealed partial class MemoryView
{
    /// <summary>
    /// The view a key selects, without copying: integers pick one position and drop their dimension, slices keep it
    /// (any step), <see cref="SliceIndex.Ellipsis"/> stands for the dimensions not named, <see cref="SliceIndex.NewAxis"/>
    /// adds one; dimensions after the key are kept whole. Setting copies a buffer of the same structure into the
    /// selection (see <see cref="Assign"/>).
    /// </summary>
    /// <param name="key">The entries, e.g. <c>view[1..3]</c>, <c>view[Slice.Reverse, 0]</c>, <c>view[SliceIndex.Ellipsis, 1]</c>.</param>
    /// <remarks>
    /// <para>PIL views: an integer on the first dimension dereferences its pointer; an integer on a later dimension
    /// moves that dimension's dereference to the dimension before it, which is refused (<see cref="NotSupportedException"/>)
    /// when that one dereferences as well.</para>
    /// <para>A <see cref="MemoryViewMode.CPython"/> view accepts exactly Python's slice keys: one slice (applied to the first
    /// dimension, any number of dimensions) or, on a 0-dimensional view, a lone <see cref="SliceIndex.Ellipsis"/> (the view
    /// itself). Several slices are <c>NotImplementedError</c>; anything else is <c>TypeError: memoryview: invalid slice key</c>
    /// (integer keys go through the integer indexer).</para>
    /// </remarks>
    /// <exception cref="ArgumentException">A slice step of 0, or more than one ellipsis (<c>ValueError</c>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An integer out of bounds (<c>IndexError</c>).</exception>
    /// <exception cref="InvalidOperationException">More entries than dimensions, or a key a CPython view does not take (<c>TypeError</c>).</exception>
    /// <exception cref="NotSupportedException">Multi-dimensional slicing on a CPython view, or an integer a PIL view cannot apply.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public MemoryView this[params ReadOnlySpan<SliceIndex> key]
    {
        get => GetView(key);
        set => Assign(key, value);
    }

    /// <summary>The view a key in NumPy's notation selects (<c>view["1:3, ::-1"]</c>, <c>view["..., 0"]</c>); see <see cref="SliceIndex.Parse"/>.</summary>
    /// <param name="key">The key text.</param>
    /// <exception cref="ArgumentException">The text is not a key, or as for the <see cref="SliceIndex"/> indexer.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public MemoryView this[string key]
    {
        get => GetView(SliceIndex.Parse(key));
        set => Assign(SliceIndex.Parse(key), value);
    }

    /// <summary>The view a key selects; see the <see cref="SliceIndex"/> indexer.</summary>
    /// <param name="key">The entries.</param>
    /// <exception cref="ArgumentException">A slice step of 0, or more than one ellipsis.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An integer out of bounds.</exception>
    /// <exception cref="InvalidOperationException">More entries than dimensions, or a key a CPython view does not take.</exception>
    /// <exception cref="NotSupportedException">Multi-dimensional slicing on a CPython view, or an integer a PIL view cannot apply.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public MemoryView GetView(params ReadOnlySpan<SliceIndex> key)
    {
        Enter();
        try
        {
            if (_layout.Rank == 0)
            {
                // memory_subscript: m[...] is m itself; every other key is refused.
                if (key.Length == 1 && key[0].Kind == SliceIndexKind.Ellipsis)
                {
                    return this;
                }
                if (_mode == MemoryViewMode.CPython)
                {
                    ViewErrors.ZeroDimIndexing();
                }
            }
            if (_mode == MemoryViewMode.CPython)
            {
                CheckCPythonSliceKey(key, "multi-dimensional slicing is not implemented");
            }
            var (pointer, layout) = Resolve(key);
            return Derive(pointer, layout, _format, _readOnly, _items);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Copies <paramref name="source"/> into the selection of <paramref name="key"/> (<c>m[key] = source</c>). The
    /// source must have the selection's structure — the same format (one leading <c>@</c> ignored; for an extended
    /// view also an equal parsed format), item size, number of dimensions and shape — and may overlap it in any way
    /// (<c>m[:] = m[::-1]</c> reverses). A key that selects one item stores <paramref name="source"/> as its value.
    /// </summary>
    /// <param name="key">The entries (see the <see cref="SliceIndex"/> indexer).</param>
    /// <param name="source">
    /// A <see cref="MemoryView"/>, any <see cref="IBufferExporter"/> (acquired with <see cref="BufferRequest.FullRO"/> for
    /// the copy), a <c>byte[]</c> or <see cref="ReadOnlyMemory{T}"/> of bytes (format <c>'B'</c>); an item value when
    /// the key selects a single item.
    /// </param>
    /// <exception cref="InvalidOperationException">A read-only view, or a key a CPython view does not take (<c>TypeError</c>).</exception>
    /// <exception cref="InvalidCastException">The source is not a buffer (<c>TypeError: a bytes-like object is required</c>).</exception>
    /// <exception cref="ArgumentException">A different structure, or a slice step of 0 (<c>ValueError</c>).</exception>
    /// <exception cref="NotSupportedException">An unsupported format or multi-dimensional assignment on a CPython view.</exception>
    /// <exception cref="BufferException">The source refuses a full read-only request.</exception>
    /// <exception cref="ObjectDisposedException">The view or a source view has been released.</exception>
    public void Assign(ReadOnlySpan<SliceIndex> key, object? source)
    {
        Enter();
        try
        {
            CheckAssignable();
            if (_layout.Rank == 0 && key.Length == 1 && key[0].Kind == SliceIndexKind.Ellipsis)
            {
                // m[...] = value packs the item, as CPython does (an extended view could take a 0-d buffer too,
                // but a value that happens to be a buffer would then change meaning).
                Items.Write(_pointer, source);
                return;
            }
            if (_layout.Rank == 0 && _mode == MemoryViewMode.CPython)
            {
                ViewErrors.ZeroDimIndexing();
            }
            if (_mode == MemoryViewMode.CPython)
            {
                CheckCPythonSliceKey(key, "memoryview slice assignments are currently restricted to ndim = 1");
                if (_layout.Rank > 1)
                {
                    ViewErrors.NotImplemented("memoryview slice assignments are currently restricted to ndim = 1");
                }
            }
            AssignToKey(key, source);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Copies <paramref name="source"/> into the whole view (<c>m[...] = source</c> in NumPy; <c>m[:] = source</c> for 1-D).</summary>
    /// <param name="source">A buffer of the view's structure (see <see cref="Assign"/>).</param>
    /// <exception cref="InvalidOperationException">A read-only view.</exception>
    /// <exception cref="InvalidCastException">The source is not a buffer.</exception>
    /// <exception cref="ArgumentException">A different structure.</exception>
    /// <exception cref="ObjectDisposedException">The view or a source view has been released.</exception>
    public void CopyFrom(object? source) => Assign([SliceIndex.Ellipsis], source);

    /// <summary>A CPython view takes one slice only; checked after the format and read-only checks, as CPython does.</summary>
    private void CheckCPythonSliceKey(ReadOnlySpan<SliceIndex> key, string multiSliceMessage)
    {
        if (key.Length == 1 && key[0].Kind == SliceIndexKind.Slice)
        {
            return;
        }
        var allSlices = key.Length > 0;
        foreach (var entry in key)
        {
            allSlices &= entry.Kind == SliceIndexKind.Slice;
        }
        if (allSlices)
        {
            ViewErrors.NotImplemented(multiSliceMessage);
        }
        ViewErrors.TypeError("memoryview: invalid slice key");
    }

    /// <summary>The assignment itself, inside an operation, after the mode's key and read-only checks.</summary>
    private void AssignToKey(ReadOnlySpan<SliceIndex> key, object? source)
    {
        if (SelectsOneItem(key))
        {
            var (item, _) = Resolve(key);
            Items.Write(item, source);
            return;
        }
        // CPython acquires the rvalue before it looks at the key (a step of 0 with a non-buffer rvalue is a TypeError).
        using var rvalue = RValue.Acquire(source);
        var (pointer, layout) = Resolve(key);
        if (!SameFormat(_format, rvalue.Format) || layout.ItemSize != rvalue.Layout.ItemSize || !EquivalentShape(layout, rvalue.Layout))
        {
            ViewErrors.ValueError("memoryview assignment: lvalue and rvalue have different structures");
        }
        BufferCopy.Copy(pointer, layout, rvalue.Pointer, rvalue.Layout);
    }

    /// <summary>True when every dimension is picked by an integer (and nothing adds one): the key names one item.</summary>
    private bool SelectsOneItem(ReadOnlySpan<SliceIndex> key)
    {
        var integers = 0;
        foreach (var entry in key)
        {
            switch (entry.Kind)
            {
                case SliceIndexKind.Integer:
                    integers++;
                    break;
                case SliceIndexKind.Slice or SliceIndexKind.NewAxis:
                    return false;
            }
        }
        return integers == _layout.Rank;
    }

    /// <summary>
    /// CPython's <c>equiv_format</c> (strings equal after one leading <c>'@'</c> each); an extended view also accepts
    /// formats that parse to the same item (<c>"ii"</c> and <c>"i i"</c>).
    /// </summary>
    private bool SameFormat(string destination, string source)
    {
        var d = destination.StartsWith('@') ? destination.AsSpan(1) : destination;
        var s = source.StartsWith('@') ? source.AsSpan(1) : source;
        if (d.SequenceEqual(s))
        {
            return true;
        }
        return _mode == MemoryViewMode.Extended && BufferFormat.TryParse(destination, out var df) &&
               BufferFormat.TryParse(source, out var sf) && df.Equals(sf);
    }

    /// <summary>CPython's <c>equiv_shape</c>: same rank, extents equal up to and including the first zero.</summary>
    private static bool EquivalentShape(in BufferLayout a, in BufferLayout b)
    {
        if (a.Rank != b.Rank)
        {
            return false;
        }
        for (var i = 0; i < a.Rank; i++)
        {
            if (a.Shape[i] != b.Shape[i])
            {
                return false;
            }
            if (a.Shape[i] == 0)
            {
                break;
            }
        }
        return true;
    }

    /// <summary>
    /// Applies a key to this view's layout: the base pointer and layout of the selection. Runs inside an operation
    /// (an integer on a PIL view's first dimension reads the pointer table).
    /// </summary>
    private (nint Pointer, BufferLayout Layout) Resolve(ReadOnlySpan<SliceIndex> key)
    {
        var rank = _layout.Rank;
        int consuming = 0, ellipses = 0, newAxes = 0, integers = 0;
        foreach (var entry in key)
        {
            switch (entry.Kind)
            {
                case SliceIndexKind.Integer:
                    consuming++;
                    integers++;
                    break;
                case SliceIndexKind.Slice:
                    consuming++;
                    break;
                case SliceIndexKind.Ellipsis:
                    ellipses++;
                    break;
                default:
                    newAxes++;
                    break;
            }
        }
        if (ellipses > 1)
        {
            ViewErrors.ValueError("an index can only have a single ellipsis ('...')");
        }
        if (consuming > rank)
        {
            ViewErrors.TypeError($"cannot index {rank}-dimension view with {consuming}-element key");
        }
        if (rank - integers + newAxes > BufferLayout.MaxRank)
        {
            ViewErrors.ValueError($"memoryview: number of dimensions must not exceed {BufferLayout.MaxRank}");
        }

        var dims = new Dimensions(_layout, _pointer, newAxes);
        int position = 0, original = 0;
        foreach (var entry in key)
        {
            switch (entry.Kind)
            {
                case SliceIndexKind.Slice:
                    var (start, _, step, count) = entry.Slice.GetIndices(dims.Shape[position]);
                    dims.SliceDimension(position, start, step, count);
                    position++;
                    original++;
                    break;
                case SliceIndexKind.Integer:
                    var index = entry.ResolveIndex(dims.Shape[position], original);
                    dims.SliceDimension(position, index, 1, 1);
                    dims.DropDimension(position);
                    original++;
                    break;
                case SliceIndexKind.NewAxis:
                    dims.InsertDimension(position);
                    position++;
                    break;
                default:
                    position += rank - consuming;
                    original += rank - consuming;
                    break;
            }
        }
        return (dims.Pointer, dims.ToLayout(_layout.ItemSize));
    }

    /// <summary>The dimensions of a selection under construction, with CPython's PIL rules for moving the base.</summary>
    private ref struct Dimensions
    {
        private readonly Span<nint> _shape;
        private readonly Span<nint> _strides;
        private readonly Span<nint> _subOffsets;
        private readonly bool _hasSubOffsets;
        private int _rank;
        private bool _empty;

        public Dimensions(in BufferLayout layout, nint pointer, int extra)
        {
            var capacity = layout.Rank + extra;
            _shape = new nint[capacity];
            _strides = new nint[capacity];
            _subOffsets = new nint[capacity];
            layout.Shape.CopyTo(_shape);
            layout.Strides.CopyTo(_strides);
            _subOffsets.Fill(-1);
            layout.SubOffsets.CopyTo(_subOffsets);
            _hasSubOffsets = layout.HasSubOffsets;
            _rank = layout.Rank;
            _empty = layout.IsEmpty;
            Pointer = pointer;
        }

        public nint Pointer { get; private set; }

        public readonly ReadOnlySpan<nint> Shape => _shape[.._rank];

        /// <summary>
        /// <c>init_slice</c>: moves the start into the base, or for a later dimension of a PIL layout into the suboffset
        /// of the nearest earlier dimension that dereferences. An empty selection moves nothing (it addresses nothing).
        /// </summary>
        public void SliceDimension(int dim, nint start, nint step, nint count)
        {
            if (count > 0 && !_empty)
            {
                var delta = _strides[dim] * start;
                var folded = false;
                if (_hasSubOffsets)
                {
                    for (var n = dim - 1; n >= 0; n--)
                    {
                        if (_subOffsets[n] >= 0)
                        {
                            _subOffsets[n] += delta;
                            if (_subOffsets[n] < 0)
                            {
                                // CPython would store it, and a negative suboffset silently means "no dereference".
                                ViewErrors.NotImplemented($"slicing dimension {dim + 1} from {start} would make suboffset {n + 1} negative, which PEP 3118 cannot represent");
                            }
                            folded = true;
                            break;
                        }
                    }
                }
                if (!folded)
                {
                    Pointer += delta;
                }
            }
            try
            {
                _strides[dim] = checked(_strides[dim] * step);
            }
            catch (OverflowException)
            {
                ViewErrors.ValueError($"stride {_strides[dim]} times step {step} overflows");
            }
            _shape[dim] = count;
            _empty |= count == 0;
        }

        /// <summary>Removes a dimension of extent 1 whose position has been applied.</summary>
        public void DropDimension(int dim)
        {
            if (_hasSubOffsets && _subOffsets[dim] >= 0)
            {
                if (dim == 0)
                {
                    // The first dimension dereferences now (CPython's sub-view of m[i]); an empty selection reads nothing.
                    if (!_empty)
                    {
                        Pointer = RawMemory.ReadPointer(Pointer) + _subOffsets[0];
                    }
                }
                else if (_subOffsets[dim - 1] < 0)
                {
                    // ptr + stride·i, then deref + suboffset: the same as dimension dim-1 dereferencing itself.
                    _subOffsets[dim - 1] = _subOffsets[dim];
                }
                else
                {
                    ViewErrors.NotImplemented(
                        $"an integer index on dimension {dim + 1} of this PIL view would need two dereferences in one dimension; slice it (i:i+1) instead");
                }
            }
            Remove(_shape, dim);
            Remove(_strides, dim);
            Remove(_subOffsets, dim);
            _rank--;
        }

        /// <summary>Inserts a dimension of extent 1 (stride 0, no dereference).</summary>
        public void InsertDimension(int dim)
        {
            Insert(_shape, dim, 1);
            Insert(_strides, dim, 0);
            Insert(_subOffsets, dim, -1);
            _rank++;
        }

        public readonly BufferLayout ToLayout(nint itemSize) =>
            BufferLayout.Create(itemSize, _shape[.._rank], _strides[.._rank], _hasSubOffsets ? _subOffsets[.._rank] : default);

        private readonly void Remove(Span<nint> values, int at) => values[(at + 1).._rank].CopyTo(values[at..]);

        private readonly void Insert(Span<nint> values, int at, nint value)
        {
            values[at.._rank].CopyTo(values[(at + 1)..]);
            values[at] = value;
        }
    }

    /// <summary>The rvalue of a slice assignment, acquired for the copy (CPython: <c>PyObject_GetBuffer(value, PyBUF_FULL_RO)</c>).</summary>
    private readonly struct RValue : IDisposable
    {
        private readonly MemoryView? _view;
        private readonly AcquiredBuffer? _buffer;

        private RValue(MemoryView? view, AcquiredBuffer? buffer, nint pointer, BufferLayout layout, string format)
        {
            _view = view;
            _buffer = buffer;
            Pointer = pointer;
            Layout = layout;
            Format = format;
        }

        public nint Pointer { get; }

        public BufferLayout Layout { get; }

        public string Format { get; }

        public static RValue Acquire(object? value)
        {
            switch (value)
            {
                case MemoryView view:
                    view.Enter();
                    return new RValue(view, null, view._pointer, view._layout, view._format);
                case IBufferExporter exporter:
                    return FromBuffer(exporter.GetBuffer(BufferRequest.FullRO));
                case byte[] bytes:
                    return FromBuffer(MemoryExporter.CreateReadOnly<byte>(bytes, "B").GetBuffer(BufferRequest.FullRO));
                case ReadOnlyMemory<byte> memory:
                    return FromBuffer(MemoryExporter.CreateReadOnly(memory, "B").GetBuffer(BufferRequest.FullRO));
                case Memory<byte> memory:
                    return FromBuffer(MemoryExporter.CreateReadOnly<byte>(memory, "B").GetBuffer(BufferRequest.FullRO));
                default:
                    return ViewErrors.ConversionError<RValue>($"a bytes-like object is required, not '{TypeName(value)}'");
            }
        }

        public void Dispose()
        {
            _view?.Exit();
            _buffer?.Dispose();
        }

        private static RValue FromBuffer(AcquiredBuffer buffer) =>
            new(null, buffer, buffer.Pointer, buffer.Layout, buffer.Format ?? "B");

        private static string TypeName(object? value) => value is null ? "null" : value.GetType().Name;
    }
}
