using BufferProtocol.Formats.Internals;

namespace BufferProtocol.Formats;

/// <summary>Padding bytes: <c>x</c>, with the count giving the number of bytes. Holds no value.</summary>
public sealed class PaddingType : LeafType
{
    internal PaddingType(nint length, FormatMode mode)
        : base('x', ScalarKind.Padding, mode, LeafCodes.IsNativeSize(LeafCodes.Scalar('x', false), mode), length, 1)
    {
    }

    /// <summary>The number of padding bytes (equal to <see cref="DataType.Size"/>).</summary>
    public nint Length => Size;

    private protected override bool EqualsCore(DataType other) => LeafEquals((LeafType)other);
}
