using System.Buffers;
using System.Runtime.CompilerServices;
using BufferProtocol.Formats.Codec;

namespace BufferProtocol.Formats;

/// <summary>
/// Reads and writes one item of a <see cref="BufferFormat"/> — any format, any byte order — as .NET values, with
/// CPython <c>struct</c>'s conversions, range checks and errors.
/// </summary>
/// <remarks>
/// <para>Values (the full table is in <c>docs/formats.md</c>):</para>
/// <list type="table">
/// <item><term><c>b h i l q</c> / <c>B H I L Q</c></term><description><see cref="sbyte"/> <see cref="short"/> <see cref="int"/> <see cref="long"/> and the unsigned types, chosen by size (<c>"&lt;l"</c> is 4 bytes → <see cref="int"/>; native <c>l</c> → <see cref="long"/>)</description></item>
/// <item><term><c>n N P &amp; X{}</c></term><description><see cref="nint"/>, <see cref="nuint"/>; pointers are raw <see cref="nuint"/> addresses</description></item>
/// <item><term><c>e f d g</c></term><description><see cref="Half"/> <see cref="float"/> <see cref="double"/>, and <see cref="double"/> for <c>long double</c> (rounded to nearest; written exactly)</description></item>
/// <item><term><c>Zf Zd Zg</c></term><description><see cref="System.Numerics.Complex"/></description></item>
/// <item><term><c>? c s p</c></term><description><see cref="bool"/> (any non-zero byte is true); <c>byte[]</c> of length 1; <c>byte[]</c> (NUL-padded / Pascal rules)</description></item>
/// <item><term><c>u</c>, <c>w</c>, <c>Nu</c>, <c>Nw</c></term><description><see cref="char"/>, <see cref="System.Text.Rune"/>, and <see cref="string"/> for a count other than 1 (trailing NULs stripped)</description></item>
/// <item><term><c>t</c></term><description><see cref="ulong"/> (up to 64 bits) or <see cref="System.Numerics.BigInteger"/></description></item>
/// <item><term><c>x</c></term><description>no value</description></item>
/// <item><term><c>T{...}</c>, several items</term><description><see cref="BufferRecord"/></description></item>
/// <item><term><c>(k,...)</c>, repeat counts</term><description>nested <c>object?[]</c></description></item>
/// <item><term><c>O</c></term><description><see cref="NotSupportedException"/></description></item>
/// </list>
/// <para>
/// Errors (CPython → .NET): a value of the wrong kind (<c>struct.error: required argument is not an integer</c>, …)
/// throws <see cref="ArgumentException"/>; a value out of range (<c>struct.error: ... format requires ...</c>,
/// <c>OverflowError</c> for <c>e</c> and standard-size <c>f</c>) throws <see cref="ArgumentOutOfRangeException"/>;
/// a span of the wrong length or a wrong number of values throws <see cref="ArgumentException"/>.
/// <see cref="Write"/> and <see cref="Pack"/> validate everything before they change a byte: a failed write leaves
/// the item as it was. Padding bytes are written as zeros, as <c>struct.pack</c> does.
/// </para>
/// <para>Instances are immutable and thread-safe; <see cref="For"/> caches one per format.</para>
/// </remarks>
public sealed class ItemCodec
{
    private const int StackScratchLimit = 512;
    private static readonly ConditionalWeakTable<BufferFormat, ItemCodec> Cache = new();

    private readonly CodecNode _root;

    /// <summary>The root when it is a leaf that writes atomically (every leaf does): the fast path.</summary>
    private readonly LeafNode? _leaf;

    private ItemCodec(BufferFormat format)
    {
        Format = format;
        _root = CodecNode.Build(format.Root);
        _leaf = _root as LeafNode;
    }

    /// <summary>The codec of <paramref name="format"/> (built on first use, then cached per format instance).</summary>
    /// <param name="format">A parsed format.</param>
    /// <exception cref="ArgumentNullException"><paramref name="format"/> is null.</exception>
    public static ItemCodec For(BufferFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        return Cache.GetValue(format, static f => new ItemCodec(f));
    }

    /// <summary>The format this codec reads and writes.</summary>
    public BufferFormat Format { get; }

    /// <summary>The size of one item in bytes (<see cref="BufferFormat.ItemSize"/>).</summary>
    public nint ItemSize => _root.Size;

    /// <summary>
    /// How many values <see cref="Unpack"/> returns: the leaves of the item other than padding, with sub-arrays
    /// expanded (<c>"3c"</c> → 3, <c>"3s"</c> → 1, <c>"T{i(2)d}"</c> → 3).
    /// </summary>
    public long ValueCount => _root.ValueCount;

    /// <summary>The structured value of one item.</summary>
    /// <param name="item">Exactly <see cref="ItemSize"/> bytes.</param>
    /// <returns>The value (see the table in the remarks); null for a format of padding only.</returns>
    /// <exception cref="ArgumentException"><paramref name="item"/> has the wrong length, or holds a <c>w</c> value that is not a Unicode scalar value.</exception>
    /// <exception cref="NotSupportedException">The format holds <c>O</c> (Python object references).</exception>
    public object? Read(ReadOnlySpan<byte> item)
    {
        if (item.Length != _root.Size)
        {
            ThrowHelper.ThrowArgument_ItemLength(_root.Size, item.Length, "unpack");
        }
        return _leaf is { } leaf ? leaf.Read(item) : _root.Read(item);
    }

    /// <summary>Writes the structured value of one item (the inverse of <see cref="Read"/>); atomic.</summary>
    /// <param name="item">Exactly <see cref="ItemSize"/> bytes.</param>
    /// <param name="value">
    /// The value: for integers any CLR integer type, <see cref="System.Numerics.BigInteger"/>, enums or
    /// <see cref="bool"/>; for reals also <see cref="float"/>/<see cref="double"/>/<see cref="Half"/>/<see cref="decimal"/>;
    /// <see cref="System.Numerics.Complex"/> (or a real) for complex codes; any value for <c>?</c> (Python truthiness);
    /// <c>byte[]</c>/<see cref="ReadOnlyMemory{T}"/> for <c>c s p</c>; <see cref="string"/>/<see cref="char"/>/<see cref="System.Text.Rune"/>
    /// for <c>u w</c>; for records a <see cref="BufferRecord"/> or a sequence by position, or a dictionary by field name;
    /// for sub-arrays nested arrays or lists.
    /// </param>
    /// <exception cref="ArgumentException">The value has the wrong kind or shape, or <paramref name="item"/> the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A number is outside the range of its code.</exception>
    /// <exception cref="NotSupportedException">The format holds <c>O</c>.</exception>
    public void Write(Span<byte> item, object? value)
    {
        if (item.Length != _root.Size)
        {
            ThrowHelper.ThrowArgument_ItemLength(_root.Size, item.Length, "pack");
        }
        if (_leaf is { } leaf)
        {
            leaf.Write(item, value);
            return;
        }
        EncodeAtomically(item, value, default, flat: false);
    }

    /// <summary>
    /// The flat values of one item, exactly as CPython's <c>struct.unpack</c> returns them for a struct-compatible
    /// format (<c>"2h3s"</c> → 3 values); for other formats the leaves in order, records flattened, sub-arrays
    /// expanded in C order, padding skipped.
    /// </summary>
    /// <param name="item">Exactly <see cref="ItemSize"/> bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="item"/> has the wrong length (<c>struct.error: unpack requires a buffer of N bytes</c>).</exception>
    /// <exception cref="NotSupportedException">The format holds <c>O</c>, or more values than an array can hold.</exception>
    public object?[] Unpack(ReadOnlySpan<byte> item)
    {
        if (item.Length != _root.Size)
        {
            ThrowHelper.ThrowArgument_ItemLength(_root.Size, item.Length, "unpack");
        }
        if (_root.ValueCount > Array.MaxLength)
        {
            ThrowHelper.ThrowNotSupported($"the item has {_root.ValueCount} values, more than an array can hold");
        }
        var values = new object?[_root.ValueCount];
        int index = 0;
        _root.Unpack(item, values, ref index);
        return values;
    }

    /// <summary>
    /// Packs the flat values of one item, exactly as CPython's <c>struct.pack</c> does (the inverse of
    /// <see cref="Unpack"/>); atomic.
    /// </summary>
    /// <param name="item">Exactly <see cref="ItemSize"/> bytes.</param>
    /// <param name="values">Exactly <see cref="ValueCount"/> values, each accepted as by <see cref="Write"/>.</param>
    /// <exception cref="ArgumentException">
    /// Wrong number of values (<c>struct.error: pack expected N items for packing (got M)</c>), a value of the wrong
    /// kind, or <paramref name="item"/> of the wrong length.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A number is outside the range of its code.</exception>
    /// <exception cref="NotSupportedException">The format holds <c>O</c>.</exception>
    public void Pack(Span<byte> item, params ReadOnlySpan<object?> values)
    {
        if (values.Length != _root.ValueCount)
        {
            ThrowHelper.ThrowArgument_PackCount(_root.ValueCount, values.Length);
        }
        if (item.Length != _root.Size)
        {
            ThrowHelper.ThrowArgument_ItemLength(_root.Size, item.Length, "pack");
        }
        if (_leaf is { } leaf)
        {
            int at = 0;
            leaf.Pack(item, values, ref at);
            return;
        }
        EncodeAtomically(item, null, values, flat: true);
    }

    /// <summary>Encodes into zeroed scratch memory and copies it out only when the whole item encoded.</summary>
    private void EncodeAtomically(Span<byte> item, object? value, ReadOnlySpan<object?> values, bool flat)
    {
        byte[]? rented = null;
        Span<byte> scratch = item.Length <= StackScratchLimit
            ? stackalloc byte[StackScratchLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(item.Length));
        scratch = scratch[..item.Length];
        scratch.Clear();
        try
        {
            if (flat)
            {
                int index = 0;
                _root.Pack(scratch, values, ref index);
            }
            else
            {
                _root.Write(scratch, value);
            }
            scratch.CopyTo(item);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Writes <paramref name="value"/> into a new array of <see cref="ItemSize"/> bytes.</summary>
    /// <param name="value">The structured value, as for <see cref="Write"/>.</param>
    /// <inheritdoc cref="Write" path="/exception"/>
    public byte[] ToBytes(object? value)
    {
        var bytes = new byte[_root.Size];
        Write(bytes, value);
        return bytes;
    }

    /// <summary>The format text.</summary>
    public override string ToString() => $"ItemCodec({Format.Text})";
}
