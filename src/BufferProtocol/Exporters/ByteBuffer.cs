using BufferProtocol.Layout;
using BufferProtocol.Protocol;

namespace BufferProtocol.Exporters;

/// <summary>
/// A growable array of bytes exported as a buffer — the counterpart of Python's <c>bytearray</c>: one dimension,
/// format <c>B</c>, answered as <c>PyBuffer_FillInfo</c> answers, and refusing to change size while exported.
/// </summary>
/// <remarks>
/// <para><b>Ownership.</b> The buffer owns a managed array, pinned on the first export and unpinned on the last
/// release. While any export is live, every operation that changes the length — <see cref="Append(byte)"/>,
/// <see cref="Insert(int, ReadOnlySpan{byte})"/>, <see cref="RemoveRange"/>, <see cref="Pop"/>, <see cref="Remove"/>,
/// <see cref="Clear"/>, <see cref="Resize"/>, a <see cref="Replace"/> of a different length — throws
/// <see cref="BufferException"/> with CPython's message ("Existing exports of data: object cannot be re-sized") and changes
/// nothing; writes that keep the length (the indexer, <see cref="Replace"/> with as many bytes as it replaces,
/// <see cref="AsSpan"/>) are allowed, as in CPython. Disposing with live exports is deferred.</para>
/// <para><b>Threads.</b> Exports and releases may come from any thread, and a length change is refused atomically
/// against them. Like <c>bytearray</c>, the buffer is otherwise not synchronised: concurrent mutations need the
/// caller's own lock.</para>
/// </remarks>
public sealed class ByteBuffer : BufferExporter
{
    /// <summary>CPython's message for a length change while exported.</summary>
    public const string ResizeRefused = "Existing exports of data: object cannot be re-sized";

    private byte[] _items;
    private int _length;
    private PinnedHandle? _pin;

    /// <summary>An empty buffer.</summary>
    /// <param name="capacity">Bytes to reserve.</param>
    public ByteBuffer(int capacity = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _items = capacity == 0 ? [] : new byte[capacity];
    }

    /// <summary>A buffer holding a copy of <paramref name="contents"/>.</summary>
    /// <param name="contents">The initial bytes.</param>
    public ByteBuffer(ReadOnlySpan<byte> contents)
    {
        _items = contents.ToArray();
        _length = contents.Length;
    }

    /// <summary>The number of bytes.</summary>
    public int Length => _length;

    /// <summary>The number of bytes the buffer can hold before it reallocates.</summary>
    public int Capacity => _items.Length;

    /// <summary>The byte at <paramref name="index"/>; setting it is allowed while exported.</summary>
    /// <param name="index">0 ≤ index &lt; <see cref="Length"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    public byte this[int index]
    {
        get
        {
            CheckIndex(index);
            return _items[index];
        }
        set
        {
            CheckIndex(index);
            _items[index] = value;
        }
    }

    /// <summary>The bytes, for reading and same-size writing. Invalidated by the next length change.</summary>
    public Span<byte> AsSpan() => _items.AsSpan(0, _length);

    /// <summary>A copy of the bytes.</summary>
    public byte[] ToArray() => AsSpan().ToArray();

    /// <summary>Appends one byte (<c>bytearray.append</c>).</summary>
    /// <param name="value">The byte.</param>
    /// <exception cref="BufferException">The buffer is exported.</exception>
    /// <exception cref="ObjectDisposedException">The buffer has been disposed.</exception>
    public void Append(byte value) => Insert(_length, [value]);

    /// <summary>Appends bytes (<c>bytearray.extend</c>, <c>+=</c>).</summary>
    /// <param name="values">The bytes.</param>
    /// <exception cref="BufferException">The buffer is exported.</exception>
    /// <exception cref="ObjectDisposedException">The buffer has been disposed.</exception>
    public void Append(ReadOnlySpan<byte> values) => Insert(_length, values);

    /// <summary>Inserts one byte before <paramref name="index"/> (<c>bytearray.insert</c>).</summary>
    /// <param name="index">0 ≤ index ≤ <see cref="Length"/>.</param>
    /// <param name="value">The byte.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    /// <exception cref="BufferException">The buffer is exported.</exception>
    /// <exception cref="ObjectDisposedException">The buffer has been disposed.</exception>
    public void Insert(int index, byte value) => Insert(index, [value]);

    /// <summary>Inserts bytes before <paramref name="index"/>.</summary>
    /// <param name="index">0 ≤ index ≤ <see cref="Length"/>.</param>
    /// <param name="values">The bytes.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    /// <exception cref="BufferException">The buffer is exported.</exception>
    /// <exception cref="ObjectDisposedException">The buffer has been disposed.</exception>
    public void Insert(int index, ReadOnlySpan<byte> values) => Replace(index, 0, values);

    /// <summary>Removes <paramref name="count"/> bytes at <paramref name="index"/> (<c>del b[i:i+n]</c>).</summary>
    /// <param name="index">First byte removed.</param>
    /// <param name="count">Number of bytes removed.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the buffer.</exception>
    /// <exception cref="BufferException">The buffer is exported (and <paramref name="count"/> is not 0).</exception>
    /// <exception cref="ObjectDisposedException">The buffer has been disposed.</exception>
    public void RemoveRange(int index, int count) => Replace(index, count, default);

    /// <summary>Removes and returns the last byte (<c>bytearray.pop</c>).</summary>
    /// <exception cref="InvalidOperationException">The buffer is empty.</exception>
    /// <exception cref="BufferException">The buffer is exported.</exception>
    /// <exception cref="ObjectDisposedException">The buffer has been disposed.</exception>
    public byte Pop()
    {
        using (EnterUnlessExported(ResizeRefused))
        {
            if (_length == 0)
            {
                throw new InvalidOperationException("pop from empty buffer");
            }
            return _items[--_length];
        }
    }

    /// <summary>Removes the first occurrence of <paramref name="value"/> (<c>bytearray.remove</c>).</summary>
    /// <param name="value">The byte to remove.</param>
    /// <returns>False when the value does not occur.</returns>
    /// <exception cref="BufferException">The buffer is exported.</exception>
    /// <exception cref="ObjectDisposedException">The buffer has been disposed.</exception>
    public bool Remove(byte value)
    {
        using (EnterUnlessExported(ResizeRefused))
        {
            var i = AsSpan().IndexOf(value);
            if (i < 0)
            {
                return false;
            }
            ReplaceCore(i, 1, default);
            return true;
        }
    }

    /// <summary>Removes every byte (<c>bytearray.clear</c>).</summary>
    /// <exception cref="BufferException">The buffer is exported.</exception>
    /// <exception cref="ObjectDisposedException">The buffer has been disposed.</exception>
    public void Clear() => Resize(0);

    /// <summary>Truncates, or extends with zero bytes, to <paramref name="length"/> bytes.</summary>
    /// <param name="length">The new length.</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative length.</exception>
    /// <exception cref="BufferException">The buffer is exported.</exception>
    /// <exception cref="ObjectDisposedException">The buffer has been disposed.</exception>
    public void Resize(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        using (EnterUnlessExported(ResizeRefused))
        {
            if (length > _length)
            {
                EnsureCapacity(length);
                _items.AsSpan(_length, length - _length).Clear();
            }
            _length = length;
        }
    }

    /// <summary>
    /// Replaces <paramref name="count"/> bytes at <paramref name="index"/> with <paramref name="values"/>
    /// (<c>b[i:i+n] = values</c>). Allowed while exported only when the length does not change.
    /// </summary>
    /// <param name="index">First byte replaced.</param>
    /// <param name="count">Number of bytes replaced.</param>
    /// <param name="values">The new bytes.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the buffer.</exception>
    /// <exception cref="BufferException">The length would change while the buffer is exported.</exception>
    /// <exception cref="ObjectDisposedException">The buffer has been disposed.</exception>
    public void Replace(int index, int count, ReadOnlySpan<byte> values)
    {
        CheckRange(index, count);
        if (values.Length == count)
        {
            values.CopyTo(_items.AsSpan(index, count));
            return;
        }
        using (EnterUnlessExported(ResizeRefused))
        {
            CheckRange(index, count);
            ReplaceCore(index, count, values);
        }
    }

    /// <inheritdoc />
    protected override void OnFirstExport() => _pin = PinnedHandle.Pin(_items);

    /// <inheritdoc />
    protected override void OnLastRelease()
    {
        _pin?.Free();
        _pin = null;
    }

    /// <inheritdoc />
    protected override ExportSource Describe() => new(_pin!.Address, BufferLayout.Create(1, [_length], [1]), "B", IsReadOnly: false);

    /// <inheritdoc />
    protected override AcquiredBuffer Answer(in ExportSource source, BufferRequest request) =>
        BufferRequestRules.FillInfo(source, request, this, this);

    private void ReplaceCore(int index, int count, ReadOnlySpan<byte> values)
    {
        var newLength = checked(_length - count + values.Length);
        if (newLength > _items.Length)
        {
            var grown = new byte[Math.Max(newLength, (int)Math.Min(Array.MaxLength, 2L * _items.Length))];
            _items.AsSpan(0, index).CopyTo(grown);
            _items.AsSpan(index + count, _length - index - count).CopyTo(grown.AsSpan(index + values.Length));
            _items = grown;
        }
        else
        {
            _items.AsSpan(index + count, _length - index - count).CopyTo(_items.AsSpan(index + values.Length));
        }
        values.CopyTo(_items.AsSpan(index));
        _length = newLength;
    }

    private void EnsureCapacity(int length)
    {
        if (length > _items.Length)
        {
            var grown = new byte[Math.Max(length, (int)Math.Min(Array.MaxLength, 2L * _items.Length))];
            _items.AsSpan(0, _length).CopyTo(grown);
            _items = grown;
        }
    }

    private void CheckRange(int index, int count)
    {
        if ((uint)index > (uint)_length || (uint)count > (uint)(_length - index))
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"[{index}, {index}+{count}) is not inside a buffer of {_length} bytes");
        }
    }

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)_length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index out of range for a buffer of {_length} bytes");
        }
    }
}
