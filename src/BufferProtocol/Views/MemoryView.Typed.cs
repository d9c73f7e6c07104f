using System.Diagnostics.CodeAnalysis;
using BufferProtocol.Formats;

namespace BufferProtocol.Views;

// Typed views (MemoryView<T>) over this view's acquisition, and the hooks they use to join its "in use" count.
public sealed partial class MemoryView
{
    /// <summary>
    /// A typed view of the same memory: a new view sharing this one's acquisition whose items are read and written as
    /// <typeparamref name="T"/> in place (Cython's <c>T[:, :]</c>). The format is checked field by field the way Cython
    /// checks buffers (<see cref="ClrFormat.IsCompatible{T}(BufferFormat, nint, out string?, FormatCompatibilityOptions?)"/>:
    /// kind, size and offset of every leaf, names ignored, native byte order only, the item size equal to
    /// <c>sizeof(T)</c>). Releasing either view does not affect the other.
    /// </summary>
    /// <typeparam name="T">The unmanaged element type.</typeparam>
    /// <param name="options">Name and byte-order policy; null for Cython's (names ignored, native byte order only).</param>
    /// <returns>The typed view; release it (<c>using</c>).</returns>
    /// <exception cref="ArgumentException">The format does not describe <typeparamref name="T"/> (Cython's <c>ValueError</c>); the message says why.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public MemoryView<T> AsTyped<T>(FormatCompatibilityOptions? options = null) where T : unmanaged
    {
        if (!TryAsTyped<T>(out var view, out var reason, options))
        {
            ViewErrors.ValueError(reason);
        }
        return view;
    }

    /// <summary>
    /// A typed view of the same memory when the format describes <typeparamref name="T"/>; see <see cref="AsTyped{T}"/>.
    /// </summary>
    /// <typeparam name="T">The unmanaged element type.</typeparam>
    /// <param name="view">The typed view (release it), or null.</param>
    /// <param name="reason">Why the format does not describe <typeparamref name="T"/>, or null.</param>
    /// <param name="options">Name and byte-order policy; null for Cython's.</param>
    /// <returns>True when the typed view was made.</returns>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public bool TryAsTyped<T>([NotNullWhen(true)] out MemoryView<T>? view, [NotNullWhen(false)] out string? reason,
        FormatCompatibilityOptions? options = null) where T : unmanaged
    {
        Enter();
        try
        {
            if (!TypedViewRules.IsCompatible<T>(_format, _layout.ItemSize, options, out reason))
            {
                view = null;
                return false;
            }
            view = new MemoryView<T>(Derive(_pointer, _layout, _format, _readOnly, _items));
            return true;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Joins the view's "in use" count (a typed view's operation or lease); throws when released.</summary>
    internal void EnterOperation() => Enter();

    /// <summary>Leaves the "in use" count; the last operation out of a released view completes the release.</summary>
    internal void ExitOperation() => Exit();

    /// <summary>The view's base pointer; call only inside an operation.</summary>
    internal nint BasePointer => _pointer;

    /// <summary>The view's layout without the released check; call only inside an operation.</summary>
    internal Layout.BufferLayout CurrentLayout => _layout;

    /// <summary>The view's read-only flag without the released check.</summary>
    internal bool CurrentReadOnly => _readOnly;

    /// <summary>The view's format without the released check.</summary>
    internal string CurrentFormat => _format;
}
