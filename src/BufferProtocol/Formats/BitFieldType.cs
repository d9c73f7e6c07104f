using BufferProtocol.Formats.Internals;

namespace BufferProtocol.Formats;

/// <summary>
/// A bit field: <c>t</c>, with the count giving the number of bits (PEP 3118). No reference implementation
/// accepts it; this library stores the bits in the fewest whole bytes (<c>ceil(bits / 8)</c>, alignment 1),
/// least significant bit first in the stated byte order.
/// </summary>
public sealed class BitFieldType : LeafType
{
    internal BitFieldType(nint bitCount, FormatMode mode)
        : base('t', ScalarKind.Bits, mode, LeafCodes.IsNativeSize(LeafCodes.Scalar('t', false), mode),
               (bitCount / 8) + (bitCount % 8 == 0 ? 0 : 1), 1)
    {
        BitCount = bitCount;
    }

    /// <summary>The number of bits.</summary>
    public nint BitCount { get; }

    private protected override int LeafHash() => BitCount.GetHashCode();

    private protected override bool EqualsCore(DataType other) =>
        LeafEquals((LeafType)other) && ((BitFieldType)other).BitCount == BitCount;
}
