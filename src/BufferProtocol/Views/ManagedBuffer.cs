using BufferProtocol.Protocol;

namespace BufferProtocol.Views;

/// <summary>
/// One acquisition shared by every <see cref="MemoryView"/> derived from it: CPython's <c>_PyManagedBufferObject</c>.
/// </summary>
/// <remarks>
/// <para><b>Ownership rules</b> (CPython's ManagedBuffer block, restated for .NET):</para>
/// <list type="number">
/// <item>The exporter owns the memory. A managed buffer owns exactly one export of it: the <see cref="AcquiredBuffer"/>
/// it was created with, obtained once (with <see cref="BufferRequest.FullRO"/> unless the caller asked otherwise) and
/// never re-requested.</item>
/// <item>Every view over the acquisition — the first one, and every slice, cast, sub-view, read-only twin or
/// <c>new MemoryView(view)</c> made from it — registers here exactly once and unregisters exactly once, when it is
/// released (explicitly, or by its finalizer when it was forgotten). The last unregistration disposes the
/// <see cref="AcquiredBuffer"/>, which ends the export. Nothing else ever disposes it.</item>
/// <item>Views never read the acquisition's shape, strides or format after construction: each keeps its own base
/// pointer, <see cref="Layout.BufferLayout"/> and format (CPython copies them into each memoryview for the same
/// reason), so a derived view needs nothing from the exporter.</item>
/// <item>A view registers a derived view only while it is itself alive and inside an operation, so the count cannot
/// reach zero while a registration is in flight: once zero, it stays zero.</item>
/// </list>
/// </remarks>
internal sealed class ManagedBuffer
{
    private readonly AcquiredBuffer _buffer;
    private int _views;

    public ManagedBuffer(AcquiredBuffer buffer)
    {
        _buffer = buffer;
        Owner = buffer.Owner;
    }

    /// <summary>The exporter (<c>Py_buffer.obj</c>), reported as every view's <see cref="MemoryView.Owner"/>.</summary>
    public object Owner { get; }

    /// <summary>The acquisition (for its fields at construction time only).</summary>
    public AcquiredBuffer Buffer => _buffer;

    /// <summary>
    /// Serialises the transitions that must not interleave on any view of this acquisition: a re-export starting
    /// while its view is being released. Item access never takes it.
    /// </summary>
    public Lock Gate { get; } = new();

    /// <summary>The number of registered (not yet released) views.</summary>
    public int ViewCount => Volatile.Read(ref _views);

    /// <summary>True once the acquisition has been released (the last view is gone).</summary>
    public bool IsReleased => _buffer.IsReleased;

    /// <summary>Registers one more view. Called by the first view, or by a live view for a view derived from it.</summary>
    public void Register() => Interlocked.Increment(ref _views);

    /// <summary>Unregisters a view; the last one releases the acquisition.</summary>
    public void Unregister()
    {
        if (Interlocked.Decrement(ref _views) == 0)
        {
            _buffer.Dispose();
        }
    }
}
