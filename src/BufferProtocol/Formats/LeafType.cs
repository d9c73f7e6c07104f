namespace BufferProtocol.Formats;

/// <summary>
/// A leaf of the descriptor tree: one value (or padding) with a code letter, a <see cref="ScalarKind"/>, a size and
/// a byte order — everything an item codec needs to read or write it.
/// </summary>
public abstract class LeafType : DataType
{
    private protected LeafType(char code, ScalarKind kind, FormatMode mode, bool isNativeSize, nint size, int alignment)
        : base(size, alignment)
    {
        Code = code;
        Kind = kind;
        Mode = mode;
        IsNativeSize = isNativeSize;
    }

    /// <summary>
    /// The code letter as written: <c>c b B ? h H i I l L q Q n N e f d g P O s p u w x t &amp; X</c>; for the complex
    /// codes <c>Zf Zd Zg</c> it is the letter after the <c>Z</c> (<see cref="Kind"/> is then <see cref="ScalarKind.Complex"/>).
    /// </summary>
    public char Code { get; }

    /// <summary>What kind of value the leaf holds.</summary>
    public ScalarKind Kind { get; }

    /// <summary>The mode (prefix) in force where the leaf was written.</summary>
    public FormatMode Mode { get; }

    /// <summary>The byte order of the value on this machine (<c>@ ^ =</c> resolve to the native order).</summary>
    public ByteOrder ByteOrder => Mode.ResolveByteOrder();

    /// <summary>
    /// True when the size comes from the host C ABI: the mode is <c>@</c> or <c>^</c>, or the code has no standard
    /// size (<c>n N P O g Zg &amp; X</c> always use native sizes).
    /// </summary>
    public bool IsNativeSize { get; }

    /// <summary>Hashes what every leaf has and what <see cref="LeafHash"/> adds.</summary>
    private protected sealed override int ComputeHash() => HashCode.Combine(Code, Kind, Mode, LeafHash());

    /// <summary>The hash of the subclass-specific parts (0 when there are none).</summary>
    private protected virtual int LeafHash() => 0;

    /// <summary>Compares the parts every leaf has.</summary>
    private protected bool LeafEquals(LeafType other) =>
        other.Code == Code && other.Kind == Kind && other.Mode == Mode && other.IsNativeSize == IsNativeSize;
}
