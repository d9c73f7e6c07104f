using BufferProtocol.Formats.Internals;

namespace BufferProtocol.Formats;

/// <summary>
/// A fixed-length string whose count is its length: <c>s</c> (bytes), <c>p</c> (Pascal string), <c>u</c> (UCS-2
/// code units), <c>w</c> (UCS-4 code points).
/// </summary>
/// <remarks>
/// <c>"5s"</c> is one 5-byte value (as in <c>struct</c> and NumPy's <c>S5</c>), not five values; <c>"3w"</c> is one
/// string of 3 code points (NumPy's <c>U3</c>). A count on <c>u</c> is read the same way.
/// </remarks>
public sealed class StringType : LeafType
{
    internal StringType(char code, nint length, FormatMode mode, nint size)
        : this(code, LeafCodes.Scalar(code, false), length, mode, size)
    {
    }

    private StringType(char code, in LeafCodes.Info info, nint length, FormatMode mode, nint size)
        : base(code, info.Kind, mode, LeafCodes.IsNativeSize(info, mode), size, LeafCodes.Alignment(info, mode))
    {
        Length = length;
        CodeUnitSize = LeafCodes.UnitSize(info, mode);
    }

    /// <summary>The number of code units (bytes for <c>s</c> and <c>p</c>, characters for <c>u</c> and <c>w</c>).</summary>
    public nint Length { get; }

    /// <summary>Bytes per code unit: 1 for <c>s</c>/<c>p</c>, 2 for <c>u</c>, 4 for <c>w</c>.</summary>
    public int CodeUnitSize { get; }

    private protected override int LeafHash() => Length.GetHashCode();

    private protected override bool EqualsCore(DataType other) =>
        LeafEquals((LeafType)other) && ((StringType)other).Length == Length;
}
