namespace BufferProtocol.Protocol;

/// <summary>
/// Something that can hand out its memory as a buffer: the .NET counterpart of a Python type's
/// <c>bf_getbuffer</c> slot.
/// </summary>
/// <remarks>
/// Every successful <see cref="GetBuffer"/> is one <em>export</em>: the exporter must keep the memory at the same
/// address, at the same size and alive until the returned buffer is released (disposed), exactly once.
/// Exporters answer requests through <see cref="BufferRequestRules"/>, so every exporter fills and refuses
/// exactly as CPython's do.
/// </remarks>
public interface IBufferExporter
{
    /// <summary>Exports the memory under <paramref name="request"/>.</summary>
    /// <param name="request">What the consumer needs (<c>PyBUF_*</c> flags).</param>
    /// <returns>The acquired buffer; dispose it to release the export.</returns>
    /// <exception cref="BufferException">The memory cannot be exported as requested.</exception>
    /// <exception cref="ObjectDisposedException">The exporter has been disposed.</exception>
    AcquiredBuffer GetBuffer(BufferRequest request);
}

/// <summary>
/// Receives the release of a buffer it exported: the counterpart of <c>bf_releasebuffer</c>.
/// Called exactly once per <see cref="AcquiredBuffer"/>, from whichever thread disposes it.
/// </summary>
public interface IBufferReleaser
{
    /// <summary>Ends one export: decrement the export count, unpin, free per-export resources.</summary>
    /// <param name="buffer">The buffer being released; its fields are still readable during the call.</param>
    void ReleaseBuffer(AcquiredBuffer buffer);
}
