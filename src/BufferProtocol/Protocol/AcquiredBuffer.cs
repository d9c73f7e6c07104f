using BufferProtocol.Internal;
using BufferProtocol.Interop.Memory;
using BufferProtocol.Layout;

namespace BufferProtocol.Protocol;

/// <summary>
/// One export of an exporter's memory, as a consumer received it: the counterpart of CPython's <c>Py_buffer</c>.
/// Dispose it to release the export, exactly once; a second release is harmless.
/// </summary>
/// <remarks>
/// <para><b>Ownership.</b> The exporter owns the memory; this object owns one export of it (an export count and,
/// for managed memory, a pin). The shape, strides, suboffsets and format are immutable and readable until release.
/// After release every member but <see cref="IsReleased"/>, <see cref="Request"/> and <see cref="Owner"/> throws
/// <see cref="ObjectDisposedException"/>, from any thread.</para>
/// <para><b>Reported fields</b> mirror the request, NULLs included: <see cref="Format"/> is null without
/// <see cref="BufferRequest.Format"/>; <see cref="HasShape"/> is false without <see cref="BufferRequest.ND"/>
/// (CPython then reports <see cref="Rank"/> 1); <see cref="HasStrides"/> is false without
/// <see cref="BufferRequest.Strides"/>. For a 0-dimensional buffer the C-level arrays are NULL whatever was requested
/// (PEP 3118), so a C mirror reports <c>shape != NULL</c> as <c>HasShape &amp;&amp; Rank &gt; 0</c> (likewise strides).
/// <see cref="Layout"/> is what a consumer may rely on, reconstructed the way
/// <c>PyMemoryView_FromBuffer</c> reconstructs missing pieces: no shape means <c>Length / ItemSize</c> items in one
/// dimension, no strides means C-contiguous.</para>
/// </remarks>
public sealed class AcquiredBuffer : IDisposable
{
    private readonly nint _pointer;
    private readonly nint _length;
    private readonly nint _itemSize;
    private readonly string? _format;
    private readonly int _rank;
    private readonly BufferLayout _layout;
    private readonly bool _readOnly;
    private readonly bool _hasShape;
    private readonly bool _hasStrides;
    private readonly IBufferReleaser? _releaser;
    private int _released;

    private AcquiredBuffer(nint pointer, nint length, nint itemSize, bool readOnly, string? format, int rank,
        bool hasShape, bool hasStrides, BufferLayout layout, object owner, IBufferReleaser? releaser, BufferRequest request)
    {
        _pointer = pointer;
        _length = length;
        _itemSize = itemSize;
        _readOnly = readOnly;
        _format = format;
        _rank = rank;
        _hasShape = hasShape;
        _hasStrides = hasStrides;
        _layout = layout;
        Owner = owner;
        _releaser = releaser;
        Request = request;
    }

    /// <summary>The exporter (<c>Py_buffer.obj</c>); kept so the memory's owner stays reachable while exported.</summary>
    public object Owner { get; }

    /// <summary>The request this buffer answered.</summary>
    public BufferRequest Request { get; }

    /// <summary>True once the buffer has been released.</summary>
    public bool IsReleased => Volatile.Read(ref _released) != 0;

    /// <summary>Address of the first logical item (<c>Py_buffer.buf</c>).</summary>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    public nint Pointer { get { ThrowIfReleased(); return _pointer; } }

    /// <summary><c>ItemSize × Π Shape</c> (<c>Py_buffer.len</c>): the size a contiguous copy has.</summary>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    public nint Length { get { ThrowIfReleased(); return _length; } }

    /// <summary>Bytes per item (<c>Py_buffer.itemsize</c>); the exporter's item size even when no format was requested.</summary>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    public nint ItemSize { get { ThrowIfReleased(); return _itemSize; } }

    /// <summary>True when the memory must not be written (<c>Py_buffer.readonly</c>).</summary>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    public bool IsReadOnly { get { ThrowIfReleased(); return _readOnly; } }

    /// <summary>The item format (<c>Py_buffer.format</c>), or null when <see cref="BufferRequest.Format"/> was not requested (meaning unsigned bytes).</summary>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    public string? Format { get { ThrowIfReleased(); return _format; } }

    /// <summary>The number of dimensions as reported (<c>Py_buffer.ndim</c>): 1 when no shape was requested.</summary>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    public int Rank { get { ThrowIfReleased(); return _rank; } }

    /// <summary>True when the shape was filled in (<c>Py_buffer.shape != NULL</c>).</summary>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    public bool HasShape { get { ThrowIfReleased(); return _hasShape; } }

    /// <summary>True when strides were filled in (<c>Py_buffer.strides != NULL</c>).</summary>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    public bool HasStrides { get { ThrowIfReleased(); return _hasStrides; } }

    /// <summary>True when suboffsets were filled in (<c>Py_buffer.suboffsets != NULL</c>).</summary>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    public bool HasSubOffsets { get { ThrowIfReleased(); return _layout.HasSubOffsets; } }

    /// <summary>The shape as reported: empty when <see cref="HasShape"/> is false.</summary>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    public ReadOnlySpan<nint> Shape { get { ThrowIfReleased(); return _hasShape ? _layout.Shape : default; } }

    /// <summary>The byte strides as reported: empty when <see cref="HasStrides"/> is false.</summary>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    public ReadOnlySpan<nint> Strides { get { ThrowIfReleased(); return _hasStrides ? _layout.Strides : default; } }

    /// <summary>The suboffsets as reported: empty when the layout has none.</summary>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    public ReadOnlySpan<nint> SubOffsets { get { ThrowIfReleased(); return _layout.SubOffsets; } }

    /// <summary>
    /// A copy of <see cref="Shape"/> as an array (empty when <see cref="HasShape"/> is false), for callers without
    /// span support: Python through pythonnet gets it as a sequence of ints.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    public long[] GetShape() => DimensionArrays.ToInt64(Shape);

    /// <summary>A copy of <see cref="Strides"/> as an array (empty when <see cref="HasStrides"/> is false); see <see cref="GetShape"/>.</summary>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    public long[] GetStrides() => DimensionArrays.ToInt64(Strides);

    /// <summary>A copy of <see cref="SubOffsets"/> as an array (empty without suboffsets); see <see cref="GetShape"/>.</summary>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    public long[] GetSubOffsets() => DimensionArrays.ToInt64(SubOffsets);

    /// <summary>
    /// The layout a consumer may rely on, with missing shape and strides reconstructed (see the remarks on the type).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    public BufferLayout Layout { get { ThrowIfReleased(); return _layout; } }

    /// <summary>
    /// The bytes of a C-contiguous buffer, in order. Valid until release; do not keep the span past it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The buffer is not C-contiguous.</exception>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    public ReadOnlySpan<byte> GetContiguousBytes()
    {
        ThrowIfReleased();
        ThrowIfNotContiguous();
        return RawMemory.AsReadOnlySpan(_pointer, checked((int)_length));
    }

    /// <summary>
    /// The writable bytes of a C-contiguous, writable buffer, in order. Valid until release; do not keep the span past it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The buffer is read-only or not C-contiguous.</exception>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    public Span<byte> GetWritableContiguousBytes()
    {
        ThrowIfReleased();
        if (_readOnly)
        {
            throw new InvalidOperationException("the buffer is read-only");
        }
        ThrowIfNotContiguous();
        return RawMemory.AsSpan(_pointer, checked((int)_length));
    }

    /// <summary>
    /// <c>PyBuffer_GetPointer</c> with bounds checks: the address of the item at <paramref name="indices"/>,
    /// following suboffsets. Negative indices count from the end.
    /// </summary>
    /// <param name="indices">One index per dimension of <see cref="Layout"/>.</param>
    /// <exception cref="ArgumentException">The number of indices differs from the rank.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of bounds.</exception>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    public nint GetPointer(ReadOnlySpan<nint> indices)
    {
        ThrowIfReleased();
        var layout = _layout;
        if (indices.Length != layout.Rank)
        {
            throw new ArgumentException($"expected {layout.Rank} indices, got {indices.Length}", nameof(indices));
        }
        Span<nint> normalized = stackalloc nint[indices.Length];
        var shape = layout.Shape;
        for (var i = 0; i < indices.Length; i++)
        {
            normalized[i] = BufferLayout.NormalizeIndex(indices[i], shape[i], i);
        }
        return WalkPointer(_pointer, layout, normalized);
    }

    /// <summary>
    /// <c>PyBuffer_GetPointer</c> exactly: no bounds checks and no negative-index handling. Out-of-range indices
    /// give addresses outside the buffer; use only with indices already known to be valid.
    /// </summary>
    /// <param name="indices">One non-negative, in-range index per dimension of <see cref="Layout"/>.</param>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    public nint DangerousGetPointer(ReadOnlySpan<nint> indices)
    {
        ThrowIfReleased();
        return WalkPointer(_pointer, _layout, indices);
    }

    /// <summary>Releases the export (<c>PyBuffer_Release</c>). Safe to call more than once and from any thread.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _releaser?.ReleaseBuffer(this);
        }
    }

    /// <summary>
    /// Creates a buffer from fields an exporter has already filled in (for example a <c>Py_buffer</c> received
    /// from Python), checking the protocol's invariants but applying no request rules.
    /// </summary>
    /// <param name="pointer">Address of the first logical item; zero only for an empty buffer.</param>
    /// <param name="length"><c>Py_buffer.len</c>.</param>
    /// <param name="itemSize"><c>Py_buffer.itemsize</c>.</param>
    /// <param name="isReadOnly"><c>Py_buffer.readonly</c>.</param>
    /// <param name="format"><c>Py_buffer.format</c>, null for none.</param>
    /// <param name="rank"><c>Py_buffer.ndim</c>.</param>
    /// <param name="shape"><paramref name="rank"/> extents when <paramref name="hasShape"/>.</param>
    /// <param name="strides"><paramref name="rank"/> byte strides when <paramref name="hasStrides"/>.</param>
    /// <param name="subOffsets">Empty for none, else <paramref name="rank"/> suboffsets.</param>
    /// <param name="hasShape">False when <c>Py_buffer.shape</c> is NULL.</param>
    /// <param name="hasStrides">False when <c>Py_buffer.strides</c> is NULL.</param>
    /// <param name="owner">The exporter.</param>
    /// <param name="releaser">Called once on release; null when nothing needs releasing.</param>
    /// <param name="request">The request the fields answer.</param>
    /// <exception cref="BufferException">The fields break an invariant of the protocol (length, rank, missing shape with strides, …).</exception>
    public static AcquiredBuffer FromFields(nint pointer, nint length, nint itemSize, bool isReadOnly, string? format, int rank,
        ReadOnlySpan<nint> shape, ReadOnlySpan<nint> strides, ReadOnlySpan<nint> subOffsets, bool hasShape, bool hasStrides,
        object owner, IBufferReleaser? releaser, BufferRequest request)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (rank < 0 || rank > BufferLayout.MaxRank)
        {
            throw new BufferException($"the exporter reported {rank} dimensions; at most {BufferLayout.MaxRank} are allowed");
        }
        if (length < 0 || itemSize < 0)
        {
            throw new BufferException($"the exporter reported a negative length ({length}) or item size ({itemSize})");
        }
        if (pointer == 0 && length != 0)
        {
            throw new BufferException("the exporter reported a null pointer for a non-empty buffer");
        }
        if (hasStrides && !hasShape)
        {
            throw new BufferException("the exporter reported strides without a shape");
        }
        if ((hasShape && shape.Length != rank) || (hasStrides && strides.Length != rank) || (!subOffsets.IsEmpty && subOffsets.Length != rank))
        {
            throw new BufferException($"the exporter's shape, strides or suboffsets do not have {rank} entries");
        }
        if (!subOffsets.IsEmpty && !hasStrides)
        {
            throw new BufferException("the exporter reported suboffsets without strides");
        }

        BufferLayout layout;
        string? error;
        if (hasShape)
        {
            Span<nint> cStrides = stackalloc nint[rank];
            if (!hasStrides)
            {
                try
                {
                    BufferLayout.FillContiguousStrides(shape, cStrides, itemSize, ContiguityOrder.C);
                }
                catch (ArgumentException e)
                {
                    throw new BufferException("the exporter's shape is invalid: " + e.Message);
                }
            }
            if (!BufferLayout.TryCreate(itemSize, shape, hasStrides ? strides : cStrides, subOffsets, out layout, out error))
            {
                throw new BufferException("the exporter's layout is invalid: " + error);
            }
            if (layout.Length != length)
            {
                throw new BufferException($"the exporter reported length {length}, but item size × product(shape) is {layout.Length}");
            }
        }
        else
        {
            // "Just len bytes": PyMemoryView_FromBuffer makes it 1-D with len / itemsize items.
            if (itemSize == 0 ? length != 0 : length % itemSize != 0)
            {
                throw new BufferException($"the exporter reported length {length}, which is not a multiple of its item size {itemSize}");
            }
            nint count = itemSize == 0 ? 0 : length / itemSize;
            if (!BufferLayout.TryCreate(itemSize, [count], [itemSize], default, out layout, out error))
            {
                throw new BufferException("the exporter's layout is invalid: " + error);
            }
        }
        return new AcquiredBuffer(pointer, length, itemSize, isReadOnly, format, rank, hasShape, hasStrides, layout, owner, releaser, request);
    }

    internal static AcquiredBuffer Create(nint pointer, BufferLayout fullLayout, bool readOnly, string? format, int rank,
        bool hasShape, bool hasStrides, object owner, IBufferReleaser releaser, BufferRequest request)
    {
        var layout = fullLayout;
        if (!hasShape)
        {
            nint count = fullLayout.ItemSize == 0 ? 0 : fullLayout.Length / fullLayout.ItemSize;
            layout = BufferLayout.Create(fullLayout.ItemSize, [count], [fullLayout.ItemSize]);
        }
        else if (!hasStrides && fullLayout.Rank > 0)
        {
            // No strides means C strides (init_strides_from_shape). The exporter's own strides can differ where
            // contiguity does not look: dimensions of extent 1, and any stride of an empty buffer.
            layout = BufferLayout.Contiguous(fullLayout.ItemSize, fullLayout.Shape);
        }
        return new AcquiredBuffer(pointer, fullLayout.Length, fullLayout.ItemSize, readOnly, format, rank, hasShape, hasStrides,
            layout, owner, releaser, request);
    }

    internal static nint WalkPointer(nint pointer, in BufferLayout layout, ReadOnlySpan<nint> indices)
    {
        var p = pointer;
        var strides = layout.Strides;
        var sub = layout.SubOffsets;
        for (var i = 0; i < indices.Length; i++)
        {
            p += strides[i] * indices[i];
            if (!sub.IsEmpty && sub[i] >= 0)
            {
                p = RawMemory.ReadPointer(p) + sub[i];
            }
        }
        return p;
    }

    private void ThrowIfNotContiguous()
    {
        if (!_layout.IsCContiguous)
        {
            throw new InvalidOperationException($"the buffer is not C-contiguous ({_layout})");
        }
    }

    private void ThrowIfReleased()
    {
        if (Volatile.Read(ref _released) != 0)
        {
            throw new ObjectDisposedException(nameof(AcquiredBuffer), "the buffer has been released");
        }
    }
}
