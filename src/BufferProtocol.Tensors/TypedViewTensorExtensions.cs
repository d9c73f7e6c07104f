using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using BufferProtocol.Layout;
using BufferProtocol.Tensors.Interop;
using BufferProtocol.Views;

namespace BufferProtocol.Tensors;

/// <summary>
/// Typed views as <c>System.Numerics.Tensors</c> spans, without copying, where <see cref="TensorSpanLayout"/>'s rules
/// allow; otherwise a copy into a new <see cref="Tensor{T}"/>.
/// </summary>
/// <remarks>
/// A tensor span over a view's memory comes from a lease and is valid exactly as long as the lease: use it inside the
/// lease's <c>using</c> block and never after (the runtime cannot track it; the lease keeps the memory from being
/// released meanwhile).
/// <code>
///   using var lease = view.LeaseReadOnly();                  // view: MemoryView&lt;float&gt;
///   if (lease.TryAsReadOnlyTensorSpan(out var t, out var why))
///       total = Tensor.Sum(t);
/// </code>
/// </remarks>
public static class TypedViewTensorExtensions
{
    /// <summary>The lease's items as a read-only tensor span, when the layout allows.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="lease">An active lease.</param>
    /// <param name="span">The tensor span (valid until the lease ends), or empty.</param>
    /// <param name="reason">Why the layout cannot be a tensor span, or null.</param>
    /// <returns>True when the span was made.</returns>
    /// <exception cref="ObjectDisposedException">The lease has ended.</exception>
    public static bool TryAsReadOnlyTensorSpan<T>(this scoped in ReadOnlyMemoryViewLease<T> lease, out ReadOnlyTensorSpan<T> span,
        [NotNullWhen(false)] out string? reason) where T : unmanaged
    {
        // The tensor span is made writable (one constructor for both kinds of lease) and only handed out read-only.
        var converts = TryCreate<T>(lease.Layout, lease.Pointer, out var writable, out reason);
        span = writable;
        return converts;
    }

    /// <summary>The lease's items as a read-only tensor span.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="lease">An active lease.</param>
    /// <returns>The tensor span, valid until the lease ends.</returns>
    /// <exception cref="InvalidOperationException">The layout cannot be a tensor span; the message says why.</exception>
    /// <exception cref="ObjectDisposedException">The lease has ended.</exception>
    public static ReadOnlyTensorSpan<T> AsReadOnlyTensorSpan<T>(this scoped in ReadOnlyMemoryViewLease<T> lease) where T : unmanaged =>
        lease.TryAsReadOnlyTensorSpan(out var span, out var reason) ? span : throw new InvalidOperationException(reason);

    /// <summary>The writable lease's items as a read-only tensor span, when the layout allows.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="lease">An active lease.</param>
    /// <param name="span">The tensor span (valid until the lease ends), or empty.</param>
    /// <param name="reason">Why the layout cannot be a tensor span, or null.</param>
    /// <returns>True when the span was made.</returns>
    /// <exception cref="ObjectDisposedException">The lease has ended.</exception>
    public static bool TryAsReadOnlyTensorSpan<T>(this scoped in MemoryViewLease<T> lease, out ReadOnlyTensorSpan<T> span,
        [NotNullWhen(false)] out string? reason) where T : unmanaged
    {
        ReadOnlyMemoryViewLease<T> readOnly = lease;
        return readOnly.TryAsReadOnlyTensorSpan(out span, out reason);
    }

    /// <summary>The writable lease's items as a read-only tensor span.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="lease">An active lease.</param>
    /// <returns>The tensor span, valid until the lease ends.</returns>
    /// <exception cref="InvalidOperationException">The layout cannot be a tensor span; the message says why.</exception>
    /// <exception cref="ObjectDisposedException">The lease has ended.</exception>
    public static ReadOnlyTensorSpan<T> AsReadOnlyTensorSpan<T>(this scoped in MemoryViewLease<T> lease) where T : unmanaged =>
        lease.TryAsReadOnlyTensorSpan(out var span, out var reason) ? span : throw new InvalidOperationException(reason);

    /// <summary>The writable lease's items as a tensor span, when the layout allows.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="lease">An active writable lease.</param>
    /// <param name="span">The tensor span (valid until the lease ends), or empty.</param>
    /// <param name="reason">Why the layout cannot be a tensor span, or null.</param>
    /// <returns>True when the span was made.</returns>
    /// <exception cref="ObjectDisposedException">The lease has ended.</exception>
    public static bool TryAsTensorSpan<T>(this scoped in MemoryViewLease<T> lease, out TensorSpan<T> span, [NotNullWhen(false)] out string? reason)
        where T : unmanaged =>
        TryCreate(lease.Layout, lease.Pointer, out span, out reason);

    /// <summary>The writable lease's items as a tensor span.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="lease">An active writable lease.</param>
    /// <returns>The tensor span, valid until the lease ends.</returns>
    /// <exception cref="InvalidOperationException">The layout cannot be a tensor span; the message says why.</exception>
    /// <exception cref="ObjectDisposedException">The lease has ended.</exception>
    public static TensorSpan<T> AsTensorSpan<T>(this scoped in MemoryViewLease<T> lease) where T : unmanaged =>
        lease.TryAsTensorSpan(out var span, out var reason) ? span : throw new InvalidOperationException(reason);

    /// <summary>
    /// A new dense <see cref="Tensor{T}"/> holding a copy of the view's items in C order, with its shape: the way out
    /// for every layout a tensor span cannot describe (reversed, PIL, interleaved). A 0-dimensional view gives shape [1].
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="view">The typed view.</param>
    /// <returns>The tensor (it does not share memory with the view).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="view"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public static Tensor<T> ToTensor<T>(this MemoryView<T> view) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(view);
        var shape = view.Rank == 0 ? [1] : view.Shape.ToArray();
        return Tensor.Create(view.ToArray(), shape);
    }

    /// <summary>
    /// A new dense <see cref="Tensor{T}"/> holding a copy of an untyped view's items as <typeparamref name="T"/>, after
    /// the same format check as <see cref="MemoryView.AsTyped{T}"/>; see <see cref="ToTensor{T}(MemoryView{T})"/>.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="view">The view.</param>
    /// <returns>The tensor (it does not share memory with the view).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="view"/> is null.</exception>
    /// <exception cref="ArgumentException">The view's format does not describe <typeparamref name="T"/>; the message says why.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public static Tensor<T> ToTensor<T>(this MemoryView view) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(view);
        using var typed = view.AsTyped<T>();
        return typed.ToTensor();
    }

    /// <summary>A tensor span over a lease's items, by <see cref="TensorSpanLayout"/>'s rules.</summary>
    private static bool TryCreate<T>(scoped in BufferLayout layout, nint pointer, out TensorSpan<T> span, [NotNullWhen(false)] out string? reason)
        where T : unmanaged
    {
        Span<nint> lengths = stackalloc nint[Math.Max(layout.Rank, 1)];
        Span<nint> strides = stackalloc nint[lengths.Length];
        if (!TensorSpanLayout.TryConvert(layout, Unsafe.SizeOf<T>(), lengths, strides, out var dataLength, out reason))
        {
            span = default;
            return false;
        }
        span = TensorMemory.CreateSpan<T>(pointer, dataLength, lengths, strides);
        return true;
    }
}
