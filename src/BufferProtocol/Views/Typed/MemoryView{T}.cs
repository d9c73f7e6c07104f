using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BufferProtocol.Copying;
using BufferProtocol.Formats;
using BufferProtocol.Interop.Memory;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;

namespace BufferProtocol.Views;

/// <summary>
/// A typed view: an exporter's memory read and written as items of the unmanaged type <typeparamref name="T"/> in
/// place — Cython's <c>double[:, :]</c> for .NET. Made by <see cref="MemoryView.AsTyped{T}"/> or <see cref="Create"/>,
/// after the format has been checked field by field against <typeparamref name="T"/> the way Cython checks buffers.
/// </summary>
/// <remarks>
/// <para><b>Model.</b> A typed view is a <see cref="MemoryView"/> of its own (sharing the acquisition of the view or
/// exporter it came from, released with the last view over it) whose format is known to describe
/// <typeparamref name="T"/>: the same base pointer, shape, byte strides (any sign) and PIL suboffsets. Sub-views
/// (<c>view[1.., Slice.Reverse]</c>, <see cref="Transpose"/>, <see cref="GetField{TField}"/>) are typed views sharing
/// the acquisition too, and stay usable after this one is released, as <see cref="MemoryView"/>'s do.</para>
/// <para><b>Format check</b> (<see cref="ClrFormat.IsCompatible{T}(BufferFormat, nint, out string?, FormatCompatibilityOptions?)"/>,
/// Cython's model with its defects fixed): every leaf of the format must match the next field of
/// <typeparamref name="T"/> by kind, size and absolute offset (names ignored unless asked, C alignment in <c>@</c>
/// mode, <c>fixed</c>/<c>[InlineArray]</c> fields against sub-arrays of the same shape, repeat counts pooled across
/// scalar fields); the item size must be <c>sizeof(T)</c>; the non-native byte order is refused ("Big-endian buffer
/// not supported on little-endian compiler") unless <see cref="FormatCompatibilityOptions.AllowNonNativeByteOrder"/>
/// says the caller swaps bytes itself. A refusal is an <see cref="ArgumentException"/> (Cython's <c>ValueError</c>)
/// whose message says which field does not match and why.</para>
/// <para><b>Access.</b> Values through the indexer, <see cref="CopyTo"/>, <see cref="ToArray"/>,
/// <see cref="CopyFrom"/> and <see cref="Fill"/> are safe from any thread at any time: each runs inside the view's
/// "in use" count, so a concurrent <see cref="Release"/> cannot free the memory under it, and once the view is
/// released they throw <see cref="ObjectDisposedException"/>. References and spans — the fast path — come only from a
/// lease (<see cref="Lease"/>, <see cref="LeaseReadOnly"/>): a <c>ref struct</c> that holds the memory until it is
/// disposed. Indices are .NET indices (<c>0 ≤ i &lt; extent</c>), not Python's.</para>
/// <para><b>Writes</b> to a read-only view (the exporter's memory is read-only, or the view came from
/// <see cref="ToReadOnly"/>) are refused with <see cref="InvalidOperationException"/> ("cannot modify read-only
/// memory"), as is a writable <see cref="Lease"/>.</para>
/// </remarks>
/// <typeparam name="T">The unmanaged element type: a primitive, enum or blittable struct.</typeparam>
public sealed class MemoryView<T> : IBufferExporter, IDisposable, ITypedMemoryView where T : unmanaged
{
    private readonly MemoryView _view; // owned: registered on the acquisition, released with this view
    private readonly nint _pointer;
    private readonly BufferLayout _layout;
    private readonly bool _readOnly;

    /// <summary>Takes ownership of <paramref name="view"/>, whose format has been checked against <typeparamref name="T"/>.</summary>
    internal MemoryView(MemoryView view)
    {
        _view = view;
        _pointer = view.BasePointer;
        _layout = view.CurrentLayout;
        _readOnly = view.CurrentReadOnly;
    }

    /// <summary>
    /// Acquires <paramref name="exporter"/>'s memory with <paramref name="request"/> and checks its format against
    /// <typeparamref name="T"/>. A <see cref="MemoryView"/> or <see cref="MemoryView{T}"/> argument shares its
    /// acquisition instead (the request is ignored, as for <c>new MemoryView(view)</c>).
    /// </summary>
    /// <param name="exporter">The memory's exporter.</param>
    /// <param name="request">The request; the default, <see cref="BufferRequest.FullRO"/>, takes every layout and tells whether the memory is writable.</param>
    /// <param name="options">Name and byte-order policy; null for Cython's (names ignored, native byte order only).</param>
    /// <returns>The typed view; release it (<c>using</c>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exporter"/> is null.</exception>
    /// <exception cref="ArgumentException">The format does not describe <typeparamref name="T"/>; the message says why.</exception>
    /// <exception cref="BufferException">The exporter refuses the request (passed through, as Cython passes NumPy's errors through).</exception>
    /// <exception cref="ObjectDisposedException">The exporter, or the view given, has been released.</exception>
    public static MemoryView<T> Create(IBufferExporter exporter, BufferRequest request = BufferRequest.FullRO, FormatCompatibilityOptions? options = null)
    {
        if (!TryCreate(exporter, request, out var view, out var reason, options))
        {
            TypedErrors.Incompatible(reason);
        }
        return view;
    }

    /// <summary>
    /// Acquires <paramref name="exporter"/>'s memory and makes a typed view when its format describes
    /// <typeparamref name="T"/>; otherwise releases it again and says why. See <see cref="Create"/>.
    /// </summary>
    /// <param name="exporter">The memory's exporter.</param>
    /// <param name="request">The request.</param>
    /// <param name="view">The typed view (release it), or null.</param>
    /// <param name="reason">Why the format does not describe <typeparamref name="T"/>, or null.</param>
    /// <param name="options">Name and byte-order policy; null for Cython's.</param>
    /// <returns>True when the typed view was made.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exporter"/> is null.</exception>
    /// <exception cref="BufferException">The exporter refuses the request.</exception>
    /// <exception cref="ObjectDisposedException">The exporter, or the view given, has been released.</exception>
    public static bool TryCreate(IBufferExporter exporter, BufferRequest request, [NotNullWhen(true)] out MemoryView<T>? view,
        [NotNullWhen(false)] out string? reason, FormatCompatibilityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(exporter);
        var untyped = new MemoryView(exporter is ITypedMemoryView typed ? typed.Untyped : exporter, request);
        return Adopt(untyped, options, out view, out reason);
    }

    /// <summary>Wraps a view this code owns when its format describes <typeparamref name="T"/>; releases it otherwise.</summary>
    internal static bool Adopt(MemoryView untyped, FormatCompatibilityOptions? options, [NotNullWhen(true)] out MemoryView<T>? view,
        [NotNullWhen(false)] out string? reason)
    {
        try
        {
            if (TypedViewRules.IsCompatible<T>(untyped.CurrentFormat, untyped.CurrentLayout.ItemSize, options, out reason))
            {
                view = new MemoryView<T>(untyped);
                return true;
            }
        }
        catch
        {
            untyped.Release();
            throw;
        }
        untyped.Release();
        view = null;
        return false;
    }

    /// <summary>True once <see cref="Release"/> has been called.</summary>
    public bool IsReleased => _view.IsReleased;

    /// <summary>The exporter whose memory this is.</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public object Owner => _view.Owner;

    /// <summary>True when the memory must not be written through this view.</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public bool IsReadOnly { get { ThrowIfReleased(); return _readOnly; } }

    /// <summary>The item format as the exporter gave it (checked against <typeparamref name="T"/>).</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public string Format => _view.Format;

    /// <summary>The number of dimensions; 0 for a single item.</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public int Rank { get { ThrowIfReleased(); return _layout.Rank; } }

    /// <summary>The extent of each dimension.</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public ReadOnlySpan<nint> Shape { get { ThrowIfReleased(); return _layout.Shape; } }

    /// <summary>The byte step of each dimension (negative and zero allowed).</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public ReadOnlySpan<nint> Strides { get { ThrowIfReleased(); return _layout.Strides; } }

    /// <summary>PIL-style suboffsets, empty unless the view dereferences pointers.</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public ReadOnlySpan<nint> SubOffsets { get { ThrowIfReleased(); return _layout.SubOffsets; } }

    /// <summary>The whole layout.</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public BufferLayout Layout { get { ThrowIfReleased(); return _layout; } }

    /// <summary>The number of items, <c>Π Shape</c> (1 for a 0-dimensional view).</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public nint ItemCount { get { ThrowIfReleased(); return _layout.ItemCount; } }

    /// <summary>True when the items are one C-ordered block (<c>PyBuffer_IsContiguous(view, 'C')</c>): leases give <c>Span</c>.</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public bool IsCContiguous { get { ThrowIfReleased(); return _layout.IsCContiguous; } }

    /// <summary>True when the items are one Fortran-ordered block.</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public bool IsFContiguous { get { ThrowIfReleased(); return _layout.IsFContiguous; } }

    /// <summary>
    /// True when every item is known to sit at an address aligned for <typeparamref name="T"/>: the base pointer and
    /// every stride (of an extent above 1) are multiples of its alignment, and nothing is reached through pointers.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public bool IsAligned
    {
        get
        {
            ThrowIfReleased();
            var mask = Alignment.Of - 1;
            if (_layout.HasSubOffsets || ((_pointer & mask) != 0 && !_layout.IsEmpty))
            {
                return false;
            }
            var shape = _layout.Shape;
            var strides = _layout.Strides;
            for (var d = 0; d < shape.Length; d++)
            {
                if (shape[d] > 1 && (strides[d] & mask) != 0)
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>The number of live re-exports of this view (<see cref="GetBuffer"/>).</summary>
    public int ExportCount => _view.ExportCount;

    /// <summary>The item at <paramref name="indices"/>, by value; setting stores an item.</summary>
    /// <param name="indices">One index per dimension, <c>0 ≤ indices[d] &lt; Shape[d]</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    /// <exception cref="ArgumentException">The number of indices is not the rank.</exception>
    /// <exception cref="InvalidOperationException">A write to a read-only view.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public T this[params ReadOnlySpan<nint> indices]
    {
        get => GetItem(indices);
        set => SetItem(indices, value);
    }

    /// <summary>The item at <paramref name="indices"/> (callable without indices for a 0-dimensional view).</summary>
    /// <param name="indices">One index per dimension.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    /// <exception cref="ArgumentException">The number of indices is not the rank.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public T GetItem(params ReadOnlySpan<nint> indices)
    {
        _view.EnterOperation();
        try
        {
            return RawMemory.Read<T>(Locate(indices));
        }
        finally
        {
            _view.ExitOperation();
        }
    }

    /// <summary>Stores <paramref name="value"/> at <paramref name="indices"/>.</summary>
    /// <param name="indices">One index per dimension.</param>
    /// <param name="value">The item.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    /// <exception cref="ArgumentException">The number of indices is not the rank.</exception>
    /// <exception cref="InvalidOperationException">The view is read-only.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public void SetItem(ReadOnlySpan<nint> indices, T value)
    {
        _view.EnterOperation();
        try
        {
            if (_readOnly)
            {
                TypedErrors.ReadOnly();
            }
            RawMemory.Write(Locate(indices), value);
        }
        finally
        {
            _view.ExitOperation();
        }
    }

    /// <summary>A typed sub-view (N-d slicing, as <see cref="MemoryView.GetView"/>: integers drop their dimension, <c>Range</c>, <see cref="Slice"/>, ellipsis, new axes; Python semantics for the key).</summary>
    /// <param name="key">One entry per dimension (fewer: the rest are taken whole).</param>
    /// <exception cref="ArgumentOutOfRangeException">An integer entry is out of bounds.</exception>
    /// <exception cref="ArgumentException">A step of zero.</exception>
    /// <exception cref="InvalidOperationException">More entries than dimensions.</exception>
    /// <exception cref="NotSupportedException">A PIL selection PEP 3118 cannot describe.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public MemoryView<T> this[params ReadOnlySpan<SliceIndex> key] => GetView(key);

    /// <summary>A typed sub-view from NumPy notation (<c>"1:3, ::-1"</c>, <c>"..., 0"</c>); see <see cref="MemoryView.this[string]"/>.</summary>
    /// <param name="key">The key.</param>
    /// <exception cref="ArgumentException">The key does not parse, or has a step of zero.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An integer entry is out of bounds.</exception>
    /// <exception cref="InvalidOperationException">More entries than dimensions.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public MemoryView<T> this[string key] => new(_view[key]);

    /// <summary>A typed sub-view; see the indexer.</summary>
    /// <param name="key">One entry per dimension.</param>
    /// <exception cref="ArgumentOutOfRangeException">An integer entry is out of bounds.</exception>
    /// <exception cref="ArgumentException">A step of zero.</exception>
    /// <exception cref="InvalidOperationException">More entries than dimensions.</exception>
    /// <exception cref="NotSupportedException">A PIL selection PEP 3118 cannot describe.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public MemoryView<T> GetView(params ReadOnlySpan<SliceIndex> key) => new(_view.GetView(key));

    /// <summary>The view with its dimensions reversed; no copy.</summary>
    /// <exception cref="NotSupportedException">A PIL view.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public MemoryView<T> Transpose() => new(_view.Transpose());

    /// <summary>The view with its dimensions reordered (dimension <c>i</c> of the result is <c>axes[i]</c> of this one); no copy.</summary>
    /// <param name="axes">A permutation of <c>0 .. Rank-1</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="axes"/> is not a permutation.</exception>
    /// <exception cref="NotSupportedException">A PIL view.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public MemoryView<T> Permute(params ReadOnlySpan<int> axes) => new(_view.Permute(axes));

    /// <summary>The same items with another shape, in C order, without copying; see <see cref="MemoryView.Reshape(ReadOnlySpan{nint})"/>.</summary>
    /// <param name="shape">The new shape (one extent may be -1).</param>
    /// <exception cref="ArgumentException">A product that differs from the number of items.</exception>
    /// <exception cref="InvalidOperationException">The layout cannot be reshaped without copying.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public MemoryView<T> Reshape(params ReadOnlySpan<nint> shape) => new(_view.Reshape(shape));

    /// <summary>A read-only typed view of the same memory.</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public MemoryView<T> ToReadOnly() => new(_view.ToReadOnly());

    /// <summary>
    /// A typed view of one named field of every item (NumPy's <c>a['x']</c>): <c>points.GetField&lt;double&gt;("x")</c>
    /// over <c>T{d:x:d:y:}</c> items gives the x coordinates, strided by the record size. Sub-array fields add their
    /// dimensions.
    /// </summary>
    /// <typeparam name="TField">The field's element type.</typeparam>
    /// <param name="name">The field name in the format.</param>
    /// <param name="options">Name and byte-order policy for the field's check.</param>
    /// <exception cref="ArgumentException">The format has no such field, or the field's format does not describe <typeparamref name="TField"/>.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public MemoryView<TField> GetField<TField>(string name, FormatCompatibilityOptions? options = null) where TField : unmanaged
    {
        if (!MemoryView<TField>.Adopt(_view.GetField(name), options, out var field, out var reason))
        {
            TypedErrors.Incompatible(reason);
        }
        return field;
    }

    /// <summary>An untyped <see cref="MemoryView"/> of the same memory, sharing the acquisition (release it too).</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public MemoryView AsMemoryView() => new(_view);

    /// <summary>
    /// Writable access by reference until the lease is disposed: <c>using var lease = view.Lease();</c>. The memory is
    /// not freed while the lease is alive, even by a concurrent <see cref="Release"/>.
    /// </summary>
    /// <returns>The lease; dispose it, and use nothing it handed out afterwards.</returns>
    /// <exception cref="InvalidOperationException">The view is read-only (use <see cref="LeaseReadOnly"/>).</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public MemoryViewLease<T> Lease()
    {
        _view.EnterOperation();
        if (_readOnly)
        {
            _view.ExitOperation();
            TypedErrors.ReadOnly();
        }
        return new MemoryViewLease<T>(new LeaseToken(_view), _pointer, _layout);
    }

    /// <summary>Read access by reference until the lease is disposed: <c>using var lease = view.LeaseReadOnly();</c>.</summary>
    /// <returns>The lease; dispose it, and use nothing it handed out afterwards.</returns>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public ReadOnlyMemoryViewLease<T> LeaseReadOnly()
    {
        _view.EnterOperation();
        return new ReadOnlyMemoryViewLease<T>(new LeaseToken(_view), _pointer, _layout);
    }

    /// <summary>A new array holding the items in C order.</summary>
    /// <exception cref="OutOfMemoryException">More items than an array holds.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public T[] ToArray()
    {
        _view.EnterOperation();
        try
        {
            var count = _layout.ItemCount;
            if (count > Array.MaxLength)
            {
                throw new OutOfMemoryException($"{count} items do not fit in an array");
            }
            var array = GC.AllocateUninitializedArray<T>((int)count);
            BufferCopy.ToContiguous(_pointer, _layout, MemoryMarshal.AsBytes(array.AsSpan()), ContiguityOrder.C);
            return array;
        }
        finally
        {
            _view.ExitOperation();
        }
    }

    /// <summary>Copies the items in C order to the start of <paramref name="destination"/>.</summary>
    /// <param name="destination">At least <see cref="ItemCount"/> items.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public void CopyTo(Span<T> destination)
    {
        _view.EnterOperation();
        try
        {
            var count = _layout.ItemCount;
            if (destination.Length < count)
            {
                TypedErrors.LengthMismatch("the destination", count, destination.Length);
            }
            BufferCopy.ToContiguous(_pointer, _layout, MemoryMarshal.AsBytes(destination[..(int)count]), ContiguityOrder.C);
        }
        finally
        {
            _view.ExitOperation();
        }
    }

    /// <summary>Stores the items of <paramref name="source"/>, in C order, into the view.</summary>
    /// <param name="source">Exactly <see cref="ItemCount"/> items, not overlapping the view's memory.</param>
    /// <exception cref="ArgumentException"><paramref name="source"/> has another length.</exception>
    /// <exception cref="InvalidOperationException">The view is read-only.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public void CopyFrom(ReadOnlySpan<T> source)
    {
        _view.EnterOperation();
        try
        {
            if (_readOnly)
            {
                TypedErrors.ReadOnly();
            }
            var count = _layout.ItemCount;
            if (source.Length != count)
            {
                TypedErrors.LengthMismatch("the source", count, source.Length);
            }
            BufferCopy.FromContiguous(_pointer, _layout, MemoryMarshal.AsBytes(source), ContiguityOrder.C);
        }
        finally
        {
            _view.ExitOperation();
        }
    }

    /// <summary>Stores <paramref name="value"/> in every item.</summary>
    /// <param name="value">The value.</param>
    /// <exception cref="InvalidOperationException">The view is read-only.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public void Fill(T value)
    {
        _view.EnterOperation();
        try
        {
            if (_readOnly)
            {
                TypedErrors.ReadOnly();
            }
            if (_layout.IsCContiguous && _layout.ItemCount <= int.MaxValue)
            {
                RawMemory.AsSpan<T>(_pointer, (int)_layout.ItemCount).Fill(value);
                return;
            }
            var filler = new Filler(value);
            ItemWalk.ForEach(_pointer, _layout, ref filler);
        }
        finally
        {
            _view.ExitOperation();
        }
    }

    /// <summary>Re-exports the memory (through the untyped view this one is made of, which is the buffer's owner); release is refused while a re-export is alive.</summary>
    /// <param name="request">The consumer's request.</param>
    /// <returns>The buffer; dispose it to end the export.</returns>
    /// <exception cref="BufferException">The request cannot be met.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public AcquiredBuffer GetBuffer(BufferRequest request) => _view.GetBuffer(request);

    /// <summary>
    /// Ends this view: later use throws <see cref="ObjectDisposedException"/> from any thread. Operations and leases in
    /// progress keep the memory until they end; the acquisition is released with the last view over it. Calling it
    /// again does nothing.
    /// </summary>
    /// <exception cref="BufferException">The view is re-exported.</exception>
    public void Release() => _view.Release();

    /// <summary>Same as <see cref="Release"/>.</summary>
    /// <exception cref="BufferException">The view is re-exported.</exception>
    public void Dispose() => _view.Release();

    /// <summary>A description: the element type, format and layout, or that the view is released.</summary>
    public override string ToString()
    {
        if (IsReleased)
        {
            return $"MemoryView<{typeof(T).Name}> (released)";
        }
        var text = $"MemoryView<{typeof(T).Name}> '{_view.CurrentFormat}' {_layout}";
        return _readOnly ? text + ", read-only" : text;
    }

    /// <summary>The untyped view (for sharing the acquisition with a new view).</summary>
    MemoryView ITypedMemoryView.Untyped => _view;

    private nint Locate(ReadOnlySpan<nint> indices)
    {
        var rank = _layout.Rank;
        if (indices.Length != rank)
        {
            TypedErrors.WrongIndexCount(rank, indices.Length);
        }
        return TypedAddressing.Locate(_pointer, _layout.Shape, _layout.Strides, _layout.SubOffsets, indices);
    }

    private void ThrowIfReleased()
    {
        if (_view.IsReleased)
        {
            ThrowReleased();
        }
    }

    [DoesNotReturn]
    private static void ThrowReleased() => throw new ObjectDisposedException(nameof(MemoryView), ViewErrors.ReleasedMessage);

    private struct Filler(T value) : IItemVisitor
    {
        public readonly bool Visit(nint item)
        {
            RawMemory.Write(item, value);
            return true;
        }
    }

    private static class Alignment
    {
        public static readonly nint Of = Measure();

        private static nint Measure()
        {
            Probe probe = default;
            return Unsafe.ByteOffset(ref probe.Pad, ref Unsafe.As<T, byte>(ref probe.Value));
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct Probe
        {
            public byte Pad;
            public T Value;
        }
    }
}

/// <summary>What every <see cref="MemoryView{T}"/> shares, whatever its element type: the untyped view it is made of.</summary>
internal interface ITypedMemoryView
{
    /// <summary>The untyped view the typed view is made of (never handed out: it is owned by the typed view).</summary>
    MemoryView Untyped { get; }
}
