using System.Runtime.CompilerServices;
using BufferProtocol.Formats;
using BufferProtocol.Internal;
using BufferProtocol.Layout;

namespace BufferProtocol.Views;

// cast(format, shape), and the reshapes and transposes PEP 3118 views can do without copying.
public sealed partial class MemoryView
{
    private const string ByteFormats = "bBc";

    /// <summary>
    /// <c>cast(format)</c>: the same bytes as a one-dimensional view of <paramref name="format"/> items.
    /// See <see cref="Cast(string, ReadOnlySpan{nint})"/> for the rules.
    /// </summary>
    /// <param name="format">The new item format.</param>
    /// <exception cref="ArgumentNullException"><paramref name="format"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The view is not C-contiguous, or a rule of the mode refuses the cast (<c>TypeError</c>).</exception>
    /// <exception cref="ArgumentException">A destination format the mode does not take (<c>ValueError</c>).</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public MemoryView Cast(string format) => CastCore(format, default, shapeGiven: false);

    /// <summary>
    /// <c>cast(format, shape)</c>: the same bytes as a C-contiguous view of <paramref name="format"/> items with
    /// <paramref name="shape"/> (empty: a 0-dimensional view). The result shares the acquisition and keeps
    /// <see cref="IsReadOnly"/>; its <see cref="Format"/> is <paramref name="format"/> verbatim.
    /// </summary>
    /// <param name="format">The new item format.</param>
    /// <param name="shape">The new shape; its product times the new item size must be <see cref="NBytes"/>.</param>
    /// <remarks>
    /// <para>Both modes: the view must be C-contiguous (memoryview's flag: negative strides, steps, Fortran order and
    /// PIL views are refused).</para>
    /// <para><see cref="MemoryViewMode.CPython"/>, CPython's rules in CPython's order: no zero extent when a shape is
    /// given or the view is not 1-D; at most 64 dimensions; 1-D → N-D or N-D → 1-D only; the destination a native
    /// single character (optionally after <c>@</c>); one side a byte format (<c>b B c</c>); the length a multiple of
    /// the new item size; extents &gt; 0 whose product times the item size is the length.</para>
    /// <para><see cref="MemoryViewMode.Extended"/>: any format the grammar accepts whose item size divides the length
    /// (records, sub-arrays, other byte orders, between two non-byte formats), any shape whose product times the item
    /// size is the length (N-D → N-D included, zero extents allowed).</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="format"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The view is not C-contiguous, or a rule of the mode refuses the cast (<c>TypeError</c>).</exception>
    /// <exception cref="ArgumentException">A destination format the mode does not take, more than 64 dimensions, or an extent the mode refuses (<c>ValueError</c>).</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public MemoryView Cast(string format, params ReadOnlySpan<nint> shape) => CastCore(format, shape, shapeGiven: true);

    /// <summary>
    /// <see cref="Cast(string, ReadOnlySpan{nint})"/> for callers without span support: from Python through pythonnet,
    /// <c>view.Cast("f", 2, 3)</c> or <c>view.Cast("f", [2, 3])</c>.
    /// </summary>
    /// <param name="format">The new item format.</param>
    /// <param name="shape">The new shape; its product times the new item size must be <see cref="NBytes"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="format"/> or <paramref name="shape"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The view is not C-contiguous, or a rule of the mode refuses the cast (<c>TypeError</c>).</exception>
    /// <exception cref="ArgumentException">As for the span overload (<c>ValueError</c>).</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    [OverloadResolutionPriority(-1)] // C# callers keep the span overload wherever it applies (e.g. an empty [] shape)
    public MemoryView Cast(string format, params long[] shape) => Cast(format, DimensionArrays.ToNative(shape, nameof(shape)));

    /// <summary>The view with its dimensions in reverse order (NumPy's <c>.T</c>); no copy.</summary>
    /// <exception cref="NotSupportedException">A PIL view (its dereferences are tied to their dimensions).</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public MemoryView Transpose()
    {
        ThrowIfReleased();
        Span<int> axes = stackalloc int[_layout.Rank];
        for (var i = 0; i < axes.Length; i++)
        {
            axes[i] = axes.Length - 1 - i;
        }
        return Permute(axes);
    }

    /// <summary>The view with its dimensions reordered: dimension <c>i</c> of the result is <c>axes[i]</c> of this one; no copy.</summary>
    /// <param name="axes">A permutation of <c>0 .. Rank-1</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="axes"/> is not a permutation (<c>ValueError</c>).</exception>
    /// <exception cref="NotSupportedException">A PIL view (its dereferences are tied to their dimensions).</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public MemoryView Permute(params ReadOnlySpan<int> axes)
    {
        Enter();
        try
        {
            if (_layout.HasSubOffsets)
            {
                ViewErrors.NotImplemented("the axes of a PIL view cannot be permuted: its dereferences are tied to their dimensions");
            }
            return Derive(_pointer, _layout.Permute(axes), _format, _readOnly, _items);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary><see cref="Permute(ReadOnlySpan{int})"/> for callers without span support (Python: <c>view.Permute(1, 0)</c>).</summary>
    /// <param name="axes">A permutation of <c>0 .. Rank-1</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="axes"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="axes"/> is not a permutation (<c>ValueError</c>).</exception>
    /// <exception cref="NotSupportedException">A PIL view (its dereferences are tied to their dimensions).</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    [OverloadResolutionPriority(-1)] // C# callers keep the span overload wherever it applies (e.g. an empty [] shape)
    public MemoryView Permute(params int[] axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        return Permute(axes.AsSpan());
    }

    /// <summary>
    /// The same items with another shape, in C order, without copying (NumPy's <c>reshape</c> when it returns a view):
    /// possible for every C-contiguous view and for strided views whose merged dimensions are contiguous with each other.
    /// One extent may be -1 (inferred).
    /// </summary>
    /// <param name="shape">The new shape; its product must be the number of items.</param>
    /// <exception cref="ArgumentException">A product that differs from the number of items, more than one -1, or another negative extent (<c>ValueError</c>).</exception>
    /// <exception cref="InvalidOperationException">The layout cannot be reshaped without copying (copy it first: <c>ToBytes()</c> into a new buffer).</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public MemoryView Reshape(params ReadOnlySpan<nint> shape)
    {
        Enter();
        try
        {
            var newShape = Reshaping.ResolveShape(_layout, shape);
            if (!Reshaping.TryStrides(_layout, newShape, out var strides))
            {
                ViewErrors.TypeError(
                    $"a view with {_layout} cannot be reshaped to {BufferLayout.Tuple(newShape)} without copying");
            }
            return Derive(_pointer, BufferLayout.Create(_layout.ItemSize, newShape, strides), _format, _readOnly, _items);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary><see cref="Reshape(ReadOnlySpan{nint})"/> for callers without span support (Python: <c>view.Reshape(4, -1)</c>).</summary>
    /// <param name="shape">The new shape; its product must be the number of items (one extent may be -1).</param>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException">A product that differs from the number of items, more than one -1, or another negative extent (<c>ValueError</c>).</exception>
    /// <exception cref="InvalidOperationException">The layout cannot be reshaped without copying.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    [OverloadResolutionPriority(-1)] // C# callers keep the span overload wherever it applies (e.g. an empty [] shape)
    public MemoryView Reshape(params long[] shape) => Reshape(DimensionArrays.ToNative(shape, nameof(shape)));

    private MemoryView CastCore(string format, ReadOnlySpan<nint> shape, bool shapeGiven)
    {
        ArgumentNullException.ThrowIfNull(format);
        Enter();
        try
        {
            if ((_layout.Flags & LayoutFlags.ViewCContiguous) == 0)
            {
                ViewErrors.TypeError("memoryview: casts are restricted to C-contiguous views");
            }
            var layout = _mode == MemoryViewMode.CPython
                ? CPythonCastLayout(format, shape, shapeGiven)
                : ExtendedCastLayout(format, shape, shapeGiven);
            return Derive(_pointer, layout, format, _readOnly, null);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary><c>memoryview_cast_impl</c>, <c>cast_to_1D</c> and <c>cast_to_ND</c>, check for check.</summary>
    private BufferLayout CPythonCastLayout(string format, ReadOnlySpan<nint> shape, bool shapeGiven)
    {
        if ((shapeGiven || _layout.Rank != 1) && HasZeroExtent())
        {
            ViewErrors.TypeError("memoryview: cannot cast view with zeros in shape or strides");
        }
        if (shapeGiven)
        {
            if (shape.Length > BufferLayout.MaxRank)
            {
                ViewErrors.ValueError($"memoryview: number of dimensions must not exceed {BufferLayout.MaxRank}");
            }
            if (_layout.Rank != 1 && shape.Length != 1)
            {
                ViewErrors.TypeError("memoryview: cast must be 1D -> ND or ND -> 1D");
            }
        }
        foreach (var c in format)
        {
            if (c > 127)
            {
                ViewErrors.ValueError($"'ascii' codec can't encode character '{c}'");
            }
        }
        var itemSize = NativeFormatSize(format);
        if (itemSize < 0)
        {
            ViewErrors.ValueError("memoryview: destination format must be a native single character format prefixed with an optional '@'");
        }
        if (!IsByteFormat(_format) && !IsByteFormat(format))
        {
            ViewErrors.TypeError("memoryview: cannot cast between two non-byte formats");
        }
        var length = _layout.Length;
        if (length % itemSize != 0)
        {
            ViewErrors.TypeError("memoryview: length is not a multiple of itemsize");
        }
        if (!shapeGiven)
        {
            return BufferLayout.Create(itemSize, [length / itemSize], [itemSize]);
        }
        return CastShape(itemSize, shape, length, allowZero: false);
    }

    private BufferLayout ExtendedCastLayout(string format, ReadOnlySpan<nint> shape, bool shapeGiven)
    {
        if (shapeGiven && shape.Length > BufferLayout.MaxRank)
        {
            ViewErrors.ValueError($"memoryview: number of dimensions must not exceed {BufferLayout.MaxRank}");
        }
        if (!BufferFormat.TryParse(format, out var parsed))
        {
            try
            {
                BufferFormat.Parse(format);
            }
            catch (BufferFormatException e)
            {
                ViewErrors.ValueError($"memoryview: invalid destination format: {e.Message}");
            }
        }
        var itemSize = parsed!.ItemSize;
        if (itemSize <= 0)
        {
            ViewErrors.ValueError($"memoryview: destination format '{format}' has items of size 0");
        }
        var length = _layout.Length;
        if (length % itemSize != 0)
        {
            ViewErrors.TypeError("memoryview: length is not a multiple of itemsize");
        }
        if (!shapeGiven)
        {
            return BufferLayout.Create(itemSize, [length / itemSize], [itemSize]);
        }
        return CastShape(itemSize, shape, length, allowZero: true);
    }

    /// <summary>
    /// CPython's <c>copy_shape</c> and the length check after it: extents &gt; 0 (≥ 0 when <paramref name="allowZero"/>),
    /// the running product within <see cref="nint"/>, the product times the item size equal to the length.
    /// </summary>
    private static BufferLayout CastShape(nint itemSize, ReadOnlySpan<nint> shape, nint length, bool allowZero)
    {
        nint product = itemSize;
        foreach (var extent in shape)
        {
            if (extent < 0 || (extent == 0 && !allowZero))
            {
                ViewErrors.ValueError($"memoryview.cast(): elements of shape must be integers {(allowZero ? ">=" : ">")} 0");
            }
            if (extent != 0 && product > nint.MaxValue / extent)
            {
                ViewErrors.ValueError("memoryview.cast(): product(shape) > SSIZE_MAX");
            }
            product *= extent;
        }
        if (product != length)
        {
            ViewErrors.TypeError("memoryview: product(shape) * itemsize != buffer size");
        }
        return BufferLayout.Contiguous(itemSize, shape);
    }

    private bool HasZeroExtent()
    {
        foreach (var extent in _layout.Shape)
        {
            if (extent == 0)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>CPython's <c>get_native_fmtchar</c>: the size of a native single-character format (optional <c>@</c>), else -1.</summary>
    private static nint NativeFormatSize(string format)
    {
        var fmt = format.StartsWith('@') ? format.AsSpan(1) : format;
        return fmt.Length == 1 && NativeItemAccessor.CPythonCodes.Contains(fmt[0]) ? NativeItemAccessor.SizeOf(fmt[0]) : -1;
    }

    /// <summary>CPython's byte formats for casts: <c>b B c</c>, optionally after <c>@</c>.</summary>
    private static bool IsByteFormat(string format)
    {
        var fmt = format.StartsWith('@') ? format.AsSpan(1) : format;
        return fmt.Length == 1 && ByteFormats.Contains(fmt[0]);
    }
}
