using BufferProtocol.Protocol;
using BufferProtocol.Python.Interop;

namespace BufferProtocol.Python.Import;

/// <summary>
/// One Python export held by .NET: the native <see cref="Py_buffer"/> filled by <c>PyObject_GetBuffer</c>, released
/// by <c>PyBuffer_Release</c> exactly once.
/// </summary>
/// <remarks>
/// <para><b>Ownership.</b> The lease owns the 80-byte native <see cref="Py_buffer"/> (it must not move: byte exporters
/// point <c>shape</c>/<c>strides</c> into it) and, through its <c>obj</c> field, one strong reference to the Python
/// exporter and one export on it. The <see cref="AcquiredBuffer"/> built from it is the only object that references
/// the lease, as its <see cref="IBufferReleaser"/>.</para>
/// <para><b>Release paths.</b> Disposing the <see cref="AcquiredBuffer"/> calls <see cref="Release"/> on the
/// disposing thread, which takes the GIL (<see cref="PendingReleases.ReleaseNow"/>). If the buffer is never disposed,
/// the finalizer must not block on the GIL: it only queues the view (<see cref="PendingReleases.Enqueue"/>), and
/// the queue is drained by a background thread and whenever this library next holds the GIL.</para>
/// </remarks>
internal sealed class PythonBufferLease : IBufferReleaser
{
    private readonly nint _view;
    private int _released;

    public PythonBufferLease()
    {
        _view = PyBufferView.Allocate();
    }

    ~PythonBufferLease()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            PendingReleases.Enqueue(_view);
        }
    }

    /// <summary>The address of the native <see cref="Py_buffer"/>; valid until released.</summary>
    public nint View => _view;

    /// <summary>Releases a view that <c>PyObject_GetBuffer</c> refused (nothing to release) or that never left this library.</summary>
    public void Abandon()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            GC.SuppressFinalize(this);
            PyBufferView.Free(_view);
        }
    }

    /// <summary>Releases the view now, on this thread, with the GIL.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            GC.SuppressFinalize(this);
            PendingReleases.ReleaseNow(_view);
        }
    }

    /// <inheritdoc />
    void IBufferReleaser.ReleaseBuffer(AcquiredBuffer buffer) => Release();
}
