namespace BufferProtocol.Protocol;

/// <summary>
/// The exporter's side of the protocol, written once: how a request trims a complete description of memory into
/// the buffer a consumer receives, and when it must be refused. Every exporter in this library answers through
/// here, so all of them fill and refuse exactly as CPython's do.
/// </summary>
/// <remarks>
/// <see cref="Apply"/> is the algorithm of CPython's <c>memory_getbuf</c> and <c>_testbuffer</c>'s
/// <c>ndarray_getbuf</c> (line for line the same), checked in this order:
/// <list type="number">
/// <item><see cref="BufferRequest.Writable"/> on read-only memory → refused.</item>
/// <item>no <see cref="BufferRequest.Format"/> → format is null (item size unchanged).</item>
/// <item>C-, F- or any-contiguity requested and not met → refused.</item>
/// <item>no <see cref="BufferRequest.Indirect"/> but the layout needs suboffsets → refused.</item>
/// <item>no <see cref="BufferRequest.Strides"/>: refused unless C-contiguous; strides null.</item>
/// <item>no <see cref="BufferRequest.ND"/>: refused when a format was requested ("cannot cast to unsigned bytes if
/// the format flag is present"); else shape null and rank 1.</item>
/// </list>
/// <c>FillInfo</c> is <c>PyBuffer_FillInfo</c>, used by exporters of plain bytes (<c>bytes</c>,
/// <c>bytearray</c>, <c>mmap</c>) and, with the item size and format kept, by <c>array.array</c>: 1-D contiguous
/// items, only the writable check can fail.
/// </remarks>
public static class BufferRequestRules
{
    /// <summary>Answers <paramref name="request"/> from the complete description of an exporter's memory.</summary>
    /// <param name="source">The exporter's memory: pointer, full layout, format, read-only.</param>
    /// <param name="request">The consumer's request.</param>
    /// <param name="owner">The exporter, reported as <see cref="AcquiredBuffer.Owner"/>.</param>
    /// <param name="releaser">Receives the release, once.</param>
    /// <returns>The buffer the consumer receives.</returns>
    /// <exception cref="BufferException">The request cannot be met; the message gives CPython's reason.</exception>
    public static AcquiredBuffer Apply(in ExportSource source, BufferRequest request, object owner, IBufferReleaser releaser)
    {
        ArgumentNullException.ThrowIfNull(source.Format);
        var layout = source.Layout;
        var viewRule = source.Contiguity == ContiguityRule.MemoryView;
        var cContiguous = viewRule ? (layout.Flags & Layout.LayoutFlags.ViewCContiguous) != 0 : layout.IsCContiguous;
        var fContiguous = viewRule ? (layout.Flags & Layout.LayoutFlags.ViewFContiguous) != 0 : layout.IsFContiguous;

        if (request.Has(BufferRequest.Writable) && source.IsReadOnly)
        {
            throw new BufferException("the buffer is not writable");
        }
        var format = request.Has(BufferRequest.Format) ? source.Format : null;
        if (request.Has(BufferRequest.CContiguous) && !cContiguous)
        {
            throw new BufferException("the buffer is not C-contiguous");
        }
        if (request.Has(BufferRequest.FContiguous) && !fContiguous)
        {
            throw new BufferException("the buffer is not Fortran contiguous");
        }
        if (request.Has(BufferRequest.AnyContiguous) && !cContiguous && !fContiguous)
        {
            throw new BufferException("the buffer is not contiguous");
        }
        if (!request.Has(BufferRequest.Indirect) && layout.HasSubOffsets)
        {
            throw new BufferException("the buffer requires suboffsets");
        }
        var hasStrides = true;
        if (!request.Has(BufferRequest.Strides))
        {
            if (!cContiguous)
            {
                throw new BufferException("the buffer is not C-contiguous");
            }
            hasStrides = false;
        }
        var hasShape = true;
        var rank = layout.Rank;
        if (!request.Has(BufferRequest.ND))
        {
            if (format is not null)
            {
                throw new BufferException("cannot cast to unsigned bytes if the format flag is present");
            }
            hasShape = false;
            rank = 1;
        }
        return AcquiredBuffer.Create(source.Pointer, layout, source.IsReadOnly, format, rank, hasShape, hasStrides, owner, releaser, request);
    }

    /// <summary>
    /// <c>PyBuffer_FillInfo</c>: exports <paramref name="length"/> contiguous unsigned bytes. Only a writable request
    /// on read-only memory is refused; <see cref="BufferRequest.Format"/> without <see cref="BufferRequest.ND"/> is
    /// accepted (as <c>bytes</c>, <c>bytearray</c> and <c>mmap</c> accept it).
    /// </summary>
    /// <param name="pointer">Address of the first byte.</param>
    /// <param name="length">Number of bytes.</param>
    /// <param name="isReadOnly">True when consumers must not write.</param>
    /// <param name="request">The consumer's request.</param>
    /// <param name="owner">The exporter.</param>
    /// <param name="releaser">Receives the release, once.</param>
    /// <returns>The buffer the consumer receives.</returns>
    /// <exception cref="BufferException">A writable request on read-only memory: "Object is not writable."</exception>
    public static AcquiredBuffer FillInfo(nint pointer, nint length, bool isReadOnly, BufferRequest request, object owner, IBufferReleaser releaser) =>
        FillInfo(new ExportSource(pointer, Layout.BufferLayout.Create(1, [length], [1]), "B", isReadOnly), request, owner, releaser);

    /// <summary>
    /// <c>PyBuffer_FillInfo</c> generalised to the items of a one-dimensional contiguous exporter, as
    /// <c>array.array</c>'s getbuffer answers: the item size is kept, the format is filled in with
    /// <see cref="BufferRequest.Format"/> (also without <see cref="BufferRequest.ND"/>), the shape with
    /// <see cref="BufferRequest.ND"/>, the strides with <see cref="BufferRequest.Strides"/>. Only a writable request
    /// on read-only memory is refused: the items are trivially C- and Fortran-contiguous.
    /// </summary>
    /// <param name="source">
    /// The exporter's memory: a one-dimensional layout whose stride is its item size (or whose extent is at most
    /// 1), without suboffsets.
    /// </param>
    /// <param name="request">The consumer's request.</param>
    /// <param name="owner">The exporter.</param>
    /// <param name="releaser">Receives the release, once.</param>
    /// <returns>The buffer the consumer receives.</returns>
    /// <exception cref="BufferException">A writable request on read-only memory: "Object is not writable."</exception>
    /// <exception cref="ArgumentException">The source is not one-dimensional and contiguous.</exception>
    public static AcquiredBuffer FillInfo(in ExportSource source, BufferRequest request, object owner, IBufferReleaser releaser)
    {
        ArgumentNullException.ThrowIfNull(source.Format);
        var layout = source.Layout;
        if (layout.Rank != 1 || layout.HasSubOffsets || !layout.IsCContiguous)
        {
            throw new ArgumentException($"FillInfo exports one-dimensional contiguous memory, not {layout}", nameof(source));
        }
        if (request.Has(BufferRequest.Writable) && source.IsReadOnly)
        {
            throw new BufferException("Object is not writable.");
        }
        return AcquiredBuffer.Create(source.Pointer, layout, source.IsReadOnly, request.Has(BufferRequest.Format) ? source.Format : null, 1,
            request.Has(BufferRequest.ND), request.Has(BufferRequest.Strides), owner, releaser, request);
    }
}
