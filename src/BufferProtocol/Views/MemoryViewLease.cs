using BufferProtocol.Interop.Memory;
using BufferProtocol.Layout;

namespace BufferProtocol.Views;

/// <summary>
/// Raw access to a view's memory for the duration of a <c>using</c> block (<see cref="MemoryView.Lease"/>): the view's
/// memory is kept in use — not freed by a concurrent <see cref="MemoryView.Release"/> — until the lease is disposed.
/// </summary>
/// <remarks>
/// A lease is a <c>ref struct</c> so it cannot be stored on the heap; the pointer and spans it hands out are valid only
/// until <see cref="Dispose"/>. A lease that is never disposed keeps its view's memory acquired for good.
/// </remarks>
public ref struct MemoryViewLease
{
    private MemoryView? _view;

    internal MemoryViewLease(MemoryView view, nint pointer, BufferLayout layout, bool readOnly)
    {
        _view = view;
        Pointer = pointer;
        Layout = layout;
        IsReadOnly = readOnly;
    }

    /// <summary>Address of the item at index (0, …, 0) (<c>Py_buffer.buf</c>).</summary>
    public readonly nint Pointer { get; }

    /// <summary>The view's layout.</summary>
    public readonly BufferLayout Layout { get; }

    /// <summary>True when the memory must not be written.</summary>
    public readonly bool IsReadOnly { get; }

    /// <summary>The bytes of a C-contiguous view, in order.</summary>
    /// <exception cref="InvalidOperationException">The view is not C-contiguous, or the lease has ended.</exception>
    public readonly ReadOnlySpan<byte> Bytes
    {
        get
        {
            CheckContiguous();
            return RawMemory.AsReadOnlySpan(Pointer, checked((int)Layout.Length));
        }
    }

    /// <summary>The writable bytes of a C-contiguous, writable view, in order.</summary>
    /// <exception cref="InvalidOperationException">The view is read-only or not C-contiguous, or the lease has ended.</exception>
    public readonly Span<byte> WritableBytes
    {
        get
        {
            if (IsReadOnly)
            {
                throw new InvalidOperationException("cannot modify read-only memory");
            }
            CheckContiguous();
            return RawMemory.AsSpan(Pointer, checked((int)Layout.Length));
        }
    }

    /// <summary>Ends the lease. Calling it again does nothing.</summary>
    public void Dispose()
    {
        var view = _view;
        _view = null;
        view?.EndLease();
    }

    private readonly void CheckContiguous()
    {
        if (_view is null)
        {
            throw new InvalidOperationException("the lease has ended");
        }
        if (!Layout.IsCContiguous)
        {
            throw new InvalidOperationException($"the view is not C-contiguous ({Layout})");
        }
    }
}
