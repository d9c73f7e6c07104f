using BufferProtocol.Protocol;

namespace BufferProtocol.Views;

// A view is itself an exporter (memory_getbuf): re-exports answer every request through the shared request rules,
// with memoryview's own contiguity flags, and are counted so that release is refused while any is alive.
public sealed partial class MemoryView
{
    /// <summary>The number of live re-exports (buffers handed out by <see cref="GetBuffer"/> and not yet released).</summary>
    public int ExportCount
    {
        get
        {
            lock (_buffer.Gate)
            {
                return _exports;
            }
        }
    }

    /// <summary>
    /// Re-exports the view's memory (CPython's <c>memory_getbuf</c>): the request is answered from this view's layout,
    /// format and read-only flag by <see cref="BufferRequestRules.Apply"/> with memoryview's contiguity rule. The
    /// buffer's <see cref="AcquiredBuffer.Owner"/> is this view, which cannot be released until the buffer is.
    /// </summary>
    /// <param name="request">The consumer's request.</param>
    /// <returns>The buffer; dispose it to end the export.</returns>
    /// <exception cref="BufferException">The request cannot be met (a writable request on a read-only view, contiguity it lacks, ...).</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public AcquiredBuffer GetBuffer(BufferRequest request)
    {
        // Under the gate, so that a release cannot slip between the check and the count.
        lock (_buffer.Gate)
        {
            ThrowIfReleased();
            var source = new ExportSource(_pointer, _layout, _format, _readOnly, ContiguityRule.MemoryView);
            var buffer = BufferRequestRules.Apply(source, request, this, this);
            _exports++;
            return buffer;
        }
    }

    void IBufferReleaser.ReleaseBuffer(AcquiredBuffer buffer)
    {
        lock (_buffer.Gate)
        {
            if (_exports <= 0)
            {
                throw new InvalidOperationException("release without a matching export");
            }
            _exports--;
        }
    }
}
