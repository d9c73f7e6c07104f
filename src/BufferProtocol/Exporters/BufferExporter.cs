using BufferProtocol.Protocol;

namespace BufferProtocol.Exporters;

/// <summary>
/// Base of the library's exporters: export counting, pinning while exported, and disposal deferred until the last
/// export is released.
/// </summary>
/// <remarks>
/// <para><b>Lifetime.</b> An exporter owns its memory. Each <see cref="GetBuffer"/> that succeeds is one export; the
/// memory stays at the same address and size until the export's <see cref="AcquiredBuffer"/> is disposed.
/// <see cref="Dispose()"/> with live exports is <em>deferred</em>, not refused: the exporter stops exporting at once
/// (<see cref="ObjectDisposedException"/>) and frees its memory when the last export is released. Operations that
/// would move or resize memory while exported are refused with <see cref="BufferException"/>
/// (<see cref="RunUnlessExported"/>), as CPython's <c>bytearray</c> and <c>mmap</c> refuse them.</para>
/// <para><b>Threads.</b> Exports and releases may happen on any thread; the count is kept under a lock, and the
/// hooks (<see cref="OnFirstExport"/>, <see cref="OnLastRelease"/>, <see cref="FreeResources"/>) run under it.</para>
/// </remarks>
public abstract class BufferExporter : IBufferExporter, IBufferReleaser, IDisposable
{
    private readonly Lock _gate = new();
    private int _exports;
    private bool _disposed;
    private bool _freed;

    /// <summary>The number of live exports (buffers handed out and not yet released).</summary>
    public int ExportCount
    {
        get
        {
            lock (_gate)
            {
                return _exports;
            }
        }
    }

    /// <summary>True once <see cref="Dispose()"/> has been called (the memory may still be alive for live exports).</summary>
    public bool IsDisposed
    {
        get
        {
            lock (_gate)
            {
                return _disposed;
            }
        }
    }

    /// <inheritdoc />
    public AcquiredBuffer GetBuffer(BufferRequest request)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_exports == 0)
            {
                OnFirstExport();
            }
            try
            {
                var buffer = Answer(Describe(), request);
                _exports++;
                return buffer;
            }
            catch
            {
                if (_exports == 0)
                {
                    OnLastRelease();
                }
                throw;
            }
        }
    }

    void IBufferReleaser.ReleaseBuffer(AcquiredBuffer buffer)
    {
        lock (_gate)
        {
            if (_exports <= 0)
            {
                throw new InvalidOperationException("release without a matching export");
            }
            if (--_exports == 0)
            {
                OnLastRelease();
                if (_disposed)
                {
                    FreeOnce();
                }
            }
        }
    }

    /// <summary>
    /// Stops exporting. The memory is freed now when nothing is exported, else when the last export is released.
    /// Calling it again does nothing.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            if (_exports == 0)
            {
                FreeOnce();
            }
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>The complete description of the memory (called under the lock, after <see cref="OnFirstExport"/>).</summary>
    protected abstract ExportSource Describe();

    /// <summary>Trims the description to the request. The default applies <see cref="BufferRequestRules.Apply"/>.</summary>
    /// <param name="source">The complete description.</param>
    /// <param name="request">The consumer's request.</param>
    protected virtual AcquiredBuffer Answer(in ExportSource source, BufferRequest request) =>
        BufferRequestRules.Apply(source, request, this, this);

    /// <summary>Called when the export count leaves zero: pin managed memory here.</summary>
    protected virtual void OnFirstExport()
    {
    }

    /// <summary>Called when the export count returns to zero (or a first export fails): unpin here.</summary>
    protected virtual void OnLastRelease()
    {
    }

    /// <summary>Frees the memory; called once, when disposed and nothing is exported.</summary>
    protected virtual void FreeResources()
    {
    }

    /// <summary>Throws <see cref="ObjectDisposedException"/> when the exporter has been disposed.</summary>
    protected void ThrowIfDisposed()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> under the export lock, refusing with <see cref="BufferException"/> while the
    /// memory is exported: for operations that would move, resize or free it.
    /// </summary>
    /// <param name="message">The refusal's message.</param>
    /// <param name="action">The operation.</param>
    /// <exception cref="BufferException">The memory is exported.</exception>
    /// <exception cref="ObjectDisposedException">The exporter has been disposed.</exception>
    protected void RunUnlessExported(string message, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        using (EnterUnlessExported(message))
        {
            action();
        }
    }

    /// <summary>
    /// Enters the export lock, refusing with <see cref="BufferException"/> while the memory is exported: for
    /// operations that would move, resize or free it and that cannot be written as a delegate (they take spans).
    /// Dispose the returned scope to leave the lock: <c>using (EnterUnlessExported(message)) { ... }</c>.
    /// </summary>
    /// <param name="message">The refusal's message.</param>
    /// <returns>The held lock; no export can start until it is disposed.</returns>
    /// <exception cref="BufferException">The memory is exported.</exception>
    /// <exception cref="ObjectDisposedException">The exporter has been disposed.</exception>
    protected Lock.Scope EnterUnlessExported(string message)
    {
        var scope = _gate.EnterScope();
        if (_disposed || _exports > 0)
        {
            var disposed = _disposed;
            scope.Dispose();
            ObjectDisposedException.ThrowIf(disposed, this);
            throw new BufferException(message);
        }
        return scope;
    }

    /// <summary>Enters the export lock (for reading state that exports and releases change).</summary>
    /// <returns>The held lock; dispose it to leave.</returns>
    protected Lock.Scope EnterLock() => _gate.EnterScope();

    private void FreeOnce()
    {
        if (!_freed)
        {
            _freed = true;
            FreeResources();
        }
    }
}
