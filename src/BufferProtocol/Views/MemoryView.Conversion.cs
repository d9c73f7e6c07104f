using BufferProtocol.Copying;
using BufferProtocol.Layout;

namespace BufferProtocol.Views;

// tolist(), tobytes(order), hex(sep, bytes_per_sep): the view's items or bytes, copied out.
public sealed partial class MemoryView
{
    private const string HexDigits = "0123456789abcdef";

    /// <summary>
    /// <c>tolist()</c>: the items as nested lists (<see cref="List{T}"/> of <see cref="object"/>, one level per
    /// dimension; empty lists for zero extents), or the item itself for a 0-dimensional view.
    /// </summary>
    /// <returns>A <see cref="List{T}"/> of items or lists, or the item of a 0-dimensional view.</returns>
    /// <exception cref="NotSupportedException">The format has no item access in this view's mode (<c>NotImplementedError</c>).</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public object? ToList()
    {
        Enter();
        try
        {
            var items = Items;
            if (_layout.Rank == 0)
            {
                return items.Read(_pointer);
            }
            return ToListRecursive(items, _pointer, 0);
        }
        finally
        {
            Exit();
        }
    }

    private List<object?> ToListRecursive(ItemAccessor items, nint p, int dim)
    {
        var n = _layout.Shape[dim];
        var stride = _layout.Strides[dim];
        var sub = _layout.SubOffsets;
        var list = new List<object?>((int)Math.Min(n, int.MaxValue));
        var last = dim == _layout.Rank - 1;
        if (last && (sub.IsEmpty || sub[dim] < 0))
        {
            items.ReadRow(p, n, stride, list);
            return list;
        }
        for (nint i = 0; i < n; i++, p += stride)
        {
            var q = ItemWalk.Adjust(p, sub, dim);
            list.Add(last ? items.Read(q) : ToListRecursive(items, q, dim + 1));
        }
        return list;
    }

    /// <summary>
    /// <c>tobytes(order)</c>: the items' bytes in C (row-major) or Fortran order; <see cref="ContiguityOrder.Any"/> keeps
    /// the memory order of a contiguous view and is C order otherwise. Works for every format.
    /// </summary>
    /// <param name="order">The order of the copy.</param>
    /// <returns>A new array of <see cref="NBytes"/> bytes.</returns>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public byte[] ToBytes(ContiguityOrder order = ContiguityOrder.C)
    {
        Enter();
        try
        {
            var bytes = GC.AllocateUninitializedArray<byte>(checked((int)_layout.Length));
            BufferCopy.ToContiguous(_pointer, _layout, bytes, order);
            return bytes;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary><c>tobytes(order)</c> with CPython's order character: <c>'C'</c>, <c>'F'</c> or <c>'A'</c>.</summary>
    /// <param name="order">The order character (case-sensitive, as in CPython).</param>
    /// <exception cref="ArgumentException">Another character: "order must be 'C', 'F' or 'A'" (<c>ValueError</c>).</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public byte[] ToBytes(char order)
    {
        ThrowIfReleased();
        return ToBytes(order switch
        {
            'C' => ContiguityOrder.C,
            'F' => ContiguityOrder.Fortran,
            'A' => ContiguityOrder.Any,
            _ => ViewErrors.ValueError<ContiguityOrder>("order must be 'C', 'F' or 'A'"),
        });
    }

    /// <summary>
    /// Copies the items' bytes in C order into <paramref name="destination"/> (<c>tobytes()</c> without allocating).
    /// </summary>
    /// <param name="destination">Exactly <see cref="NBytes"/> bytes.</param>
    /// <param name="order">The order of the copy.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has another length.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public void CopyTo(Span<byte> destination, ContiguityOrder order = ContiguityOrder.C)
    {
        Enter();
        try
        {
            BufferCopy.ToContiguous(_pointer, _layout, destination, order);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary><c>hex()</c>: the C-order bytes as lowercase hexadecimal digits.</summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public string ToHex() => ToHex(null, 1);

    /// <summary>
    /// <c>hex(sep, bytes_per_sep)</c>: the C-order bytes as lowercase hexadecimal digits, with
    /// <paramref name="separator"/> between groups of <paramref name="bytesPerSeparator"/> bytes — counted from the
    /// right when positive, from the left when negative; 0 puts none.
    /// </summary>
    /// <param name="separator">One ASCII character.</param>
    /// <param name="bytesPerSeparator">Bytes per group.</param>
    /// <exception cref="ArgumentException">A non-ASCII separator: "sep must be ASCII." (<c>ValueError</c>).</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public string ToHex(char separator, int bytesPerSeparator = 1) => ToHex(separator.ToString(), bytesPerSeparator);

    /// <summary><c>hex(sep, bytes_per_sep)</c> with the separator as a string, as Python passes it.</summary>
    /// <param name="separator">Null for none, else exactly one ASCII character.</param>
    /// <param name="bytesPerSeparator">Bytes per group (ignored without a separator).</param>
    /// <exception cref="ArgumentException">A separator that is not one character ("sep must be length 1.") or not
    /// ASCII ("sep must be ASCII.") (<c>ValueError</c>).</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public string ToHex(string? separator, int bytesPerSeparator = 1)
    {
        // CPython converts to bytes first and checks the separator in _Py_strhex_with_sep.
        var bytes = ToBytes();
        char sep = '\0';
        if (separator is null)
        {
            bytesPerSeparator = 0;
        }
        else
        {
            if (separator.Length != 1)
            {
                ViewErrors.ValueError("sep must be length 1.");
            }
            sep = separator[0];
            if (sep > 127)
            {
                ViewErrors.ValueError("sep must be ASCII.");
            }
        }
        return Hex(bytes, sep, bytesPerSeparator);
    }

    private static string Hex(ReadOnlySpan<byte> bytes, char separator, int bytesPerSeparator)
    {
        if (bytes.IsEmpty)
        {
            return "";
        }
        var group = Math.Abs((long)bytesPerSeparator);
        var separators = group == 0 ? 0 : (int)((bytes.Length - 1) / group);
        var chars = new char[bytes.Length * 2 + separators];
        // Positive: groups end at the right (the first group may be short); negative: groups start at the left.
        var offset = bytesPerSeparator > 0 ? (int)((group - bytes.Length % group) % group) : 0;
        var at = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (group != 0 && i != 0 && (i + offset) % group == 0)
            {
                chars[at++] = separator;
            }
            chars[at++] = HexDigits[bytes[i] >> 4];
            chars[at++] = HexDigits[bytes[i] & 0xF];
        }
        return new string(chars);
    }
}
