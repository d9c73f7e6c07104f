namespace BufferProtocol.Formats.Codec;

/// <summary>
/// One node of a compiled item codec: the descriptor tree turned into objects that read and write their part of an
/// item. Built once per format (<see cref="ItemCodec.For"/>) and immutable.
/// </summary>
/// <remarks>
/// Every span a node receives is exactly <see cref="Size"/> bytes long (the caller slices). <see cref="Write"/> and
/// <see cref="Pack"/> write into scratch memory that the caller zeroed and copies out only when the whole item
/// encoded without error, so they may fail half way; padding is left as the zeros the caller provided.
/// </remarks>
internal abstract class CodecNode
{
    protected CodecNode(nint size, long valueCount)
    {
        Size = size;
        ValueCount = valueCount;
    }

    /// <summary>The node's size in bytes.</summary>
    public nint Size { get; }

    /// <summary>How many values the node contributes to the flat tuple of <see cref="ItemCodec.Unpack"/>.</summary>
    public long ValueCount { get; }

    /// <summary>True when the node holds no value at all (padding).</summary>
    public virtual bool IsPadding => false;

    /// <summary>The structured value of the node's bytes.</summary>
    public abstract object? Read(ReadOnlySpan<byte> source);

    /// <summary>Validates <paramref name="value"/> and encodes it.</summary>
    public abstract void Write(Span<byte> destination, object? value);

    /// <summary>Appends the node's flat values at <paramref name="index"/>.</summary>
    public abstract void Unpack(ReadOnlySpan<byte> source, object?[] values, ref int index);

    /// <summary>Consumes the node's flat values from <paramref name="index"/> and encodes them.</summary>
    public abstract void Pack(Span<byte> destination, ReadOnlySpan<object?> values, ref int index);

    /// <summary>Compiles a descriptor tree.</summary>
    public static CodecNode Build(DataType type) => type switch
    {
        RecordType record => new RecordNode(record),
        SubArrayType array => new ArrayNode(array),
        LeafType leaf => new LeafNode(leaf),
        _ => throw new InvalidOperationException($"unknown descriptor node {type.GetType().Name}"),
    };
}
