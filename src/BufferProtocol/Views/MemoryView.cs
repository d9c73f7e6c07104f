using System.Runtime.CompilerServices;
using BufferProtocol.Internal;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;

namespace BufferProtocol.Views;

/// <summary>
/// A view of an exporter's memory with CPython's <c>memoryview</c> semantics — item access, slicing, casts,
/// <c>tolist</c>/<c>tobytes</c>/<c>hex</c>, value equality, release rules — plus what PEP 3118 planned and CPython never
/// built: N-dimensional slicing and sub-views, N-dimensional slice assignment, transposes and reshapes, and item access
/// for every format the grammar accepts (<see cref="MemoryViewMode"/>).
/// </summary>
/// <remarks>
/// <para><b>Model.</b> A view is a shared acquisition (one <see cref="AcquiredBuffer"/>, CPython's managed buffer) plus
/// its own base pointer, <see cref="BufferLayout"/>, format and read-only flag. <c>new MemoryView(exporter)</c> acquires
/// the exporter's memory once (<see cref="BufferRequest.FullRO"/> unless another request is given); every view derived
/// from it — slices, sub-views, casts, <see cref="ToReadOnly"/>, <c>new MemoryView(view)</c> — shares that acquisition,
/// which is released when the last of them is released. Views never copy memory unless a method says so.</para>
/// <para><b>Release.</b> <see cref="Release"/> (= <see cref="Dispose"/>) ends this view: later use throws
/// <see cref="ObjectDisposedException"/> (CPython raises <c>ValueError</c>; see <c>docs/errors.md</c>), from any thread.
/// It is refused with <see cref="BufferException"/> while the view is re-exported (<see cref="GetBuffer"/>), and is a
/// no-op the second time. Views that are never released are released by their finalizer; release them explicitly
/// (<c>using</c>) when the exporter must be free again at a known point (a <see cref="Exporters.ByteBuffer"/> refuses to
/// grow while exported).</para>
/// <para><b>Threads.</b> Views are safe to use from several threads; item writes are not synchronised with each other
/// (as with any shared memory). Every operation that touches memory runs inside an "in use" count: a release that
/// races with a read in progress on another thread lets that read finish on valid memory and completes the release
/// (unregistering from the acquisition, possibly releasing it) when the read leaves. An operation that starts after
/// the release began throws <see cref="ObjectDisposedException"/>. The memory of a view is therefore never freed while
/// one of its operations — or one of its <see cref="Lease"/>s — is in progress.</para>
/// <para><b>Equality and hashing.</b> <see cref="Equals(MemoryView)"/> is CPython's value equality (struct semantics:
/// <c>NaN</c> is unequal to itself, <c>'B'</c> and <c>'b'</c> views compare by value). <see cref="GetHashCode"/> is
/// consistent with it and never throws (it hashes the shape); <see cref="GetContentHash()"/> has CPython's
/// <c>hash(memoryview)</c> rules.</para>
/// </remarks>
public sealed partial class MemoryView : IBufferExporter, IBufferReleaser, IDisposable, IEquatable<MemoryView>
{
    // _state: bit 0 = released; the rest counts operations in progress (in units of 2), so one interlocked add both
    // enters an operation and tells whether the view was released.
    private const int ReleasedBit = 1;
    private const int InUse = 2;

    private readonly ManagedBuffer _buffer;
    private readonly nint _pointer;
    private readonly BufferLayout _layout;
    private readonly string _format;
    private readonly bool _readOnly;
    private readonly MemoryViewMode _mode;
    private int _state;
    private int _unregistered;
    private int _exports;
    private int _hashState;
    private int _hash;
    private ItemAccessor? _items;

    /// <summary>
    /// <c>memoryview(exporter)</c>: a view of the exporter's memory acquired with <see cref="BufferRequest.FullRO"/>.
    /// A <see cref="MemoryView"/> argument gives a new view sharing its acquisition (<c>memoryview(view)</c>).
    /// </summary>
    /// <param name="exporter">The memory's exporter.</param>
    /// <exception cref="ArgumentNullException"><paramref name="exporter"/> is null.</exception>
    /// <exception cref="BufferException">The exporter cannot export its memory with a full request.</exception>
    /// <exception cref="ObjectDisposedException">The exporter, or the view given, has been released.</exception>
    public MemoryView(IBufferExporter exporter) : this(Source.Acquire(exporter, BufferRequest.FullRO), null)
    {
    }

    /// <summary>A view of the exporter's memory acquired with <see cref="BufferRequest.FullRO"/>, following <paramref name="mode"/>'s rules.</summary>
    /// <param name="exporter">The memory's exporter (or a view, whose acquisition is shared).</param>
    /// <param name="mode">CPython's rules or the extended ones.</param>
    /// <exception cref="ArgumentNullException"><paramref name="exporter"/> is null.</exception>
    /// <exception cref="BufferException">The exporter cannot export its memory with a full request.</exception>
    /// <exception cref="ObjectDisposedException">The exporter, or the view given, has been released.</exception>
    public MemoryView(IBufferExporter exporter, MemoryViewMode mode) : this(Source.Acquire(exporter, BufferRequest.FullRO), mode)
    {
    }

    /// <summary>
    /// A view of the exporter's memory acquired with any request (CPython 3.12's <c>memoryview._from_flags</c>).
    /// What the request leaves out is reconstructed as <c>PyMemoryView_FromBuffer</c> does: no format means
    /// <c>'B'</c> (the item size is kept), no shape means <c>Length / ItemSize</c> items in one dimension, no strides
    /// means C-contiguous. For a <see cref="MemoryView"/> argument the request is ignored and the acquisition shared.
    /// </summary>
    /// <param name="exporter">The memory's exporter.</param>
    /// <param name="request">The request to acquire the memory with.</param>
    /// <param name="mode">The rules to follow; null keeps a view argument's mode, else <see cref="MemoryViewMode.Extended"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="exporter"/> is null.</exception>
    /// <exception cref="BufferException">The exporter refuses the request.</exception>
    /// <exception cref="ObjectDisposedException">The exporter, or the view given, has been released.</exception>
    public MemoryView(IBufferExporter exporter, BufferRequest request, MemoryViewMode? mode = null) : this(Source.Acquire(exporter, request), mode)
    {
    }

    private MemoryView(in Source source, MemoryViewMode? mode)
    {
        _buffer = source.Buffer;
        _pointer = source.Pointer;
        _layout = source.Layout;
        _format = source.Format;
        _readOnly = source.ReadOnly;
        _mode = mode ?? source.Mode;
        _items = _mode == source.Mode ? source.Items : null;
    }

    /// <summary>
    /// <c>PyMemoryView_FromBuffer</c>: a view over a buffer already acquired (for example one imported from Python). The
    /// view takes ownership: the buffer is released with the last view over it.
    /// </summary>
    /// <param name="buffer">An acquired, unreleased buffer.</param>
    /// <param name="mode">The rules to follow.</param>
    /// <exception cref="ArgumentNullException"><paramref name="buffer"/> is null.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="buffer"/> has been released.</exception>
    public static MemoryView FromBuffer(AcquiredBuffer buffer, MemoryViewMode mode = MemoryViewMode.Extended)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        return new MemoryView(Source.Wrap(buffer), mode);
    }

    /// <summary>Finalizes a view that was never released: unregisters it from its acquisition (nothing can use it any more).</summary>
    ~MemoryView()
    {
        // _buffer is null when a constructor threw before registering anything.
        if (_buffer is not null && Interlocked.Exchange(ref _unregistered, 1) == 0)
        {
            _buffer.Unregister();
        }
    }

    /// <summary>The rules this view follows (kept by every view derived from it).</summary>
    public MemoryViewMode Mode => _mode;

    /// <summary>True once <see cref="Release"/> has been called.</summary>
    public bool IsReleased => (Volatile.Read(ref _state) & ReleasedBit) != 0;

    /// <summary>The exporter whose memory this is (<c>memoryview.obj</c>).</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public object Owner { get { ThrowIfReleased(); return _buffer.Owner; } }

    /// <summary><c>nbytes</c>: <c>ItemSize × Π Shape</c>, the size a contiguous copy has (not the memory spanned).</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public nint NBytes { get { ThrowIfReleased(); return _layout.Length; } }

    /// <summary>True when the memory must not be written through this view.</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public bool IsReadOnly { get { ThrowIfReleased(); return _readOnly; } }

    /// <summary>Bytes per item.</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public nint ItemSize { get { ThrowIfReleased(); return _layout.ItemSize; } }

    /// <summary>The item format, verbatim from the exporter (<c>"B"</c> when it gave none) or as given to <see cref="Cast(string)"/>.</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public string Format { get { ThrowIfReleased(); return _format; } }

    /// <summary>The number of dimensions (<c>ndim</c>); 0 for a scalar view.</summary>
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

    /// <summary>
    /// A copy of <see cref="Shape"/> as an array, for callers without span support: Python through pythonnet gets it
    /// as a sequence of ints (<c>tuple(view.GetShape())</c> is <c>memoryview.shape</c>).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public long[] GetShape() => DimensionArrays.ToInt64(Shape);

    /// <summary>A copy of <see cref="Strides"/> as an array; see <see cref="GetShape"/>.</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public long[] GetStrides() => DimensionArrays.ToInt64(Strides);

    /// <summary>A copy of <see cref="SubOffsets"/> as an array, empty without suboffsets; see <see cref="GetShape"/>.</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public long[] GetSubOffsets() => DimensionArrays.ToInt64(SubOffsets);

    /// <summary>The whole layout (item size, shape, strides, suboffsets, cached contiguity).</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public BufferLayout Layout { get { ThrowIfReleased(); return _layout; } }

    /// <summary><c>c_contiguous</c>, by memoryview's own rule (a 1-D view with extent ≠ 1 is contiguous only when its stride is the item size).</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public bool IsCContiguous { get { ThrowIfReleased(); return (_layout.Flags & LayoutFlags.ViewCContiguous) != 0; } }

    /// <summary><c>f_contiguous</c>, by memoryview's own rule.</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public bool IsFContiguous { get { ThrowIfReleased(); return (_layout.Flags & LayoutFlags.ViewFContiguous) != 0; } }

    /// <summary><c>contiguous</c>: C- or Fortran-contiguous by memoryview's own rule.</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public bool IsContiguous { get { ThrowIfReleased(); return (_layout.Flags & (LayoutFlags.ViewCContiguous | LayoutFlags.ViewFContiguous)) != 0; } }

    /// <summary>
    /// <c>len(view)</c>: the extent of the first dimension. A 0-dimensional view has length 1 under
    /// <see cref="MemoryViewMode.CPython"/> (3.11) and no length under <see cref="MemoryViewMode.Extended"/> (3.12+).
    /// </summary>
    /// <exception cref="InvalidOperationException">An extended 0-dimensional view (CPython 3.12: <c>TypeError</c>).</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public nint Length
    {
        get
        {
            ThrowIfReleased();
            if (_layout.Rank == 0)
            {
                return _mode == MemoryViewMode.CPython ? 1 : ViewErrors.TypeError<nint>("0-dim memory has no length");
            }
            return _layout.Shape[0];
        }
    }

    /// <summary>
    /// <c>toreadonly()</c>: a new read-only view of the same memory (always a new view, even of a read-only one).
    /// Releasing it does not affect this one.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public MemoryView ToReadOnly()
    {
        Enter();
        try
        {
            return Derive(_pointer, _layout, _format, readOnly: true, _items);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// <c>release()</c>: ends this view. The acquisition is released when the last view sharing it is. Calling it again
    /// does nothing. Operations in progress on other threads finish first (see the remarks on the type).
    /// </summary>
    /// <exception cref="BufferException">The view is re-exported: "memoryview has N exported buffer(s)".</exception>
    public void Release()
    {
        if (IsReleased)
        {
            return;
        }
        int before;
        lock (_buffer.Gate)
        {
            if (IsReleased)
            {
                return;
            }
            if (_exports > 0)
            {
                ViewErrors.BufferError($"memoryview has {_exports} exported buffer{(_exports == 1 ? "" : "s")}");
            }
            before = Interlocked.Or(ref _state, ReleasedBit);
        }
        if (before == 0)
        {
            // Nothing in progress: unregister now. Otherwise the last operation to leave does it (Exit).
            Unregister();
        }
    }

    /// <summary>Same as <see cref="Release"/> (CPython's <c>with memoryview(x) as m:</c> releases on exit, refusing while re-exported).</summary>
    /// <exception cref="BufferException">The view is re-exported.</exception>
    public void Dispose() => Release();

    /// <summary>
    /// Holds the view's memory in use until the lease is disposed: while a lease is alive a <see cref="Release"/> of the
    /// view (from any thread) does not free the memory, so the pointer and spans the lease gives stay valid. Keep
    /// leases short; do not keep their spans or pointer past <see cref="MemoryViewLease.Dispose"/>.
    /// </summary>
    /// <returns>The lease; dispose it (<c>using</c>).</returns>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public MemoryViewLease Lease()
    {
        Enter();
        return new MemoryViewLease(this, _pointer, _layout, _readOnly);
    }

    /// <summary>A description: format, shape, strides and flags, or that the view is released.</summary>
    public override string ToString()
    {
        if (IsReleased)
        {
            return "MemoryView (released)";
        }
        var text = $"MemoryView '{_format}' {_layout}";
        return _readOnly ? text + ", read-only" : text;
    }

    internal void EndLease() => Exit();

    /// <summary>Marks an operation in progress; throws when the view has been released.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Enter()
    {
        if ((Interlocked.Add(ref _state, InUse) & ReleasedBit) != 0)
        {
            EnterReleased();
        }
    }

    /// <summary>Ends an operation; the last one out of a released view unregisters it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Exit()
    {
        if (Interlocked.Add(ref _state, -InUse) == ReleasedBit)
        {
            Unregister();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EnterReleased()
    {
        Exit();
        ViewErrors.Released();
    }

    private void Unregister()
    {
        if (Interlocked.Exchange(ref _unregistered, 1) == 0)
        {
            GC.SuppressFinalize(this);
            _buffer.Unregister();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ThrowIfReleased()
    {
        if ((Volatile.Read(ref _state) & ReleasedBit) != 0)
        {
            ViewErrors.Released();
        }
    }

    /// <summary>A view sharing this one's acquisition. Call only inside an operation (between Enter and Exit).</summary>
    private MemoryView Derive(nint pointer, BufferLayout layout, string format, bool readOnly, ItemAccessor? items)
    {
        _buffer.Register();
        return new MemoryView(new Source(_buffer, pointer, layout, format, readOnly, _mode, items), null);
    }

    /// <summary>The item accessor of the view's format: CPython's <c>adjust_fmt</c> check (<see cref="NotSupportedException"/>).</summary>
    private ItemAccessor Items => _items ??= ItemAccessors.Resolve(_format, _layout.ItemSize, _mode);

    /// <summary>What a view is made of; <see cref="Acquire"/> and <see cref="Wrap"/> register the new view.</summary>
    private readonly record struct Source(ManagedBuffer Buffer, nint Pointer, BufferLayout Layout, string Format, bool ReadOnly,
        MemoryViewMode Mode, ItemAccessor? Items)
    {
        public static Source Acquire(IBufferExporter exporter, BufferRequest request)
        {
            ArgumentNullException.ThrowIfNull(exporter);
            if (exporter is MemoryView view)
            {
                // memoryview(view): a new view on the same managed buffer; the request does not apply.
                view.Enter();
                try
                {
                    view._buffer.Register();
                    return new Source(view._buffer, view._pointer, view._layout, view._format, view._readOnly, view._mode, view._items);
                }
                finally
                {
                    view.Exit();
                }
            }
            var buffer = exporter.GetBuffer(request);
            try
            {
                return Wrap(buffer);
            }
            catch
            {
                buffer.Dispose();
                throw;
            }
        }

        public static Source Wrap(AcquiredBuffer buffer)
        {
            var managed = new ManagedBuffer(buffer);
            var source = new Source(managed, buffer.Pointer, buffer.Layout, buffer.Format ?? "B", buffer.IsReadOnly, MemoryViewMode.Extended, null);
            managed.Register();
            return source;
        }
    }
}
