using BufferProtocol.Formats.Codec;

namespace BufferProtocol.Tests.Formats;

/// <summary>The long double conversions of the item codec, including the binary128 encoding (AArch64 Linux) on any host.</summary>
public class LongDoubleTests
{
    [Theory]
    [InlineData("0000000000000000000000000000ff3f", 1.0)]
    [InlineData("000000000000000000000000000000c0", -2.0)]
    [InlineData("0000000000000000000000000000ff7f", double.PositiveInfinity)]
    [InlineData("00000000000000000000000000000000", 0.0)]
    [InlineData("00000000000000000000000000001040", 131072.0)]
    public void Binary128_values_read_as_the_nearest_double(string littleEndianHex, double expected)
    {
        Assert.Equal(expected, LongDouble.ReadBinary128(Convert.FromHexString(littleEndianHex)));
    }

    [Fact]
    public void Binary128_rounds_to_nearest_even()
    {
        // 1 + 2^-53 is halfway between 1 and the next double: ties to even gives 1; one more ulp of binary128 rounds up.
        byte[] tie = Convert.FromHexString("00000000000000" + "08" + "000000000000" + "ff3f");
        Assert.Equal(1.0, LongDouble.ReadBinary128(tie));
        byte[] above = Convert.FromHexString("01000000000000" + "08" + "000000000000" + "ff3f");
        Assert.Equal(1.0 + Math.Pow(2, -52), LongDouble.ReadBinary128(above));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.0)]
    [InlineData(double.Epsilon)]
    [InlineData(double.MaxValue)]
    [InlineData(1e-310)]
    [InlineData(double.NegativeInfinity)]
    public void Every_double_survives_both_encodings(double value)
    {
        var slot = new byte[16];
        LongDouble.Write(slot, value, bigEndian: true);
        Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(LongDouble.Read(slot, bigEndian: true)));
    }

    [Fact]
    public void Rounding_reaches_the_subnormal_grid_and_overflow()
    {
        Assert.Equal(double.Epsilon, LongDouble.Round(false, 3, -1076));          // 0.75 ulp → 1 ulp
        Assert.Equal(0.0, LongDouble.Round(false, 1, -1076));                     // 0.25 ulp → 0
        Assert.Equal(0.0, LongDouble.Round(false, 1, -1075));                     // 0.5 ulp: tie to even 0
        Assert.Equal(2 * double.Epsilon, LongDouble.Round(false, 3, -1075));      // 1.5 ulp: tie to even 2
        Assert.Equal(double.PositiveInfinity, LongDouble.Round(false, (UInt128.One << 54) - 1, 970));
        Assert.Equal(double.MaxValue, LongDouble.Round(false, (UInt128.One << 53) - 1, 971));
    }
}
