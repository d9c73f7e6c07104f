using System.Numerics;
using System.Text;
using BufferProtocol.Formats;

namespace BufferProtocol.Tests.Formats;

/// <summary>Unit tests of <see cref="ItemCodec"/>: value mapping, records, sub-arrays, errors and atomicity.</summary>
public class CodecTests
{
    private static ItemCodec Codec(string format) => ItemCodec.For(BufferFormat.Parse(format));

    [Fact]
    public void For_caches_one_codec_per_format()
    {
        var format = BufferFormat.Parse("<i");
        Assert.Same(ItemCodec.For(format), ItemCodec.For(format));
        Assert.Same(format, ItemCodec.For(format).Format);
        Assert.Equal(4, ItemCodec.For(format).ItemSize);
    }

    [Theory]
    [InlineData("b", typeof(sbyte))]
    [InlineData("B", typeof(byte))]
    [InlineData("h", typeof(short))]
    [InlineData(">H", typeof(ushort))]
    [InlineData("i", typeof(int))]
    [InlineData("I", typeof(uint))]
    [InlineData("l", typeof(long))]
    [InlineData("<l", typeof(int))]
    [InlineData("=L", typeof(uint))]
    [InlineData("q", typeof(long))]
    [InlineData("Q", typeof(ulong))]
    [InlineData("n", typeof(nint))]
    [InlineData("N", typeof(nuint))]
    [InlineData("P", typeof(nuint))]
    [InlineData("&i", typeof(nuint))]
    [InlineData("X{}", typeof(nuint))]
    [InlineData("e", typeof(Half))]
    [InlineData("f", typeof(float))]
    [InlineData("d", typeof(double))]
    [InlineData("g", typeof(double))]
    [InlineData("Zf", typeof(Complex))]
    [InlineData("Zd", typeof(Complex))]
    [InlineData("Zg", typeof(Complex))]
    [InlineData("?", typeof(bool))]
    [InlineData("c", typeof(byte[]))]
    [InlineData("3s", typeof(byte[]))]
    [InlineData("3p", typeof(byte[]))]
    [InlineData("u", typeof(char))]
    [InlineData("w", typeof(Rune))]
    [InlineData("3w", typeof(string))]
    [InlineData("2u", typeof(string))]
    [InlineData("5t", typeof(ulong))]
    [InlineData("100t", typeof(BigInteger))]
    [InlineData("T{i:a:}", typeof(BufferRecord))]
    [InlineData("ii", typeof(BufferRecord))]
    [InlineData("3i", typeof(object[]))]
    [InlineData("(2,3)d", typeof(object[]))]
    public void Read_gives_the_documented_type(string format, Type type)
    {
        var codec = Codec(format);
        object? value = codec.Read(new byte[codec.ItemSize]);
        Assert.IsType(type, value);
    }

    [Fact]
    public void Char_value_is_not_equal_to_a_byte_value()
    {
        byte[] bytes = [65];
        object? c = Codec("c").Read(bytes);
        object? b = Codec("B").Read(bytes);
        Assert.Equal(new byte[] { 65 }, Assert.IsType<byte[]>(c));
        Assert.Equal((byte)65, b);
        Assert.False(ItemValueComparer.Instance.Equals(c, b));
    }

    [Fact]
    public void Values_and_lists_of_them_print_as_Python_does()
    {
        // Sub-arrays and MemoryView.ToList()'s nested lists print as Python lists; bytes stay bytes.
        var nested = new List<object?> { 1, new List<object?> { 2.0, null }, new object?[] { true, "a" }, new byte[] { 98 } };
        Assert.Equal("[1, [2.0, None], [True, 'a'], b'b']", ItemValueComparer.Format(nested));
        Assert.Equal("[(x=1.5, y=None)]", ItemValueComparer.Format(new[] { BufferRecord.Create(("x", 1.5), ("y", null)) }));
    }

    [Fact]
    public void Records_by_name_and_position()
    {
        var codec = Codec("T{<d:x:<d:y:}");
        var item = new byte[16];
        codec.Write(item, BufferRecord.Create(("x", 1.5), ("y", -2.0)));
        var record = Assert.IsType<BufferRecord>(codec.Read(item));
        Assert.Equal(1.5, record["x"]);
        Assert.Equal(-2.0, record[1]);
        Assert.Equal("(x=1.5, y=-2.0)", record.ToString());
        Assert.Equal(record, BufferRecord.Create(("x", 1.5), ("y", -2.0)));
        Assert.NotEqual(record, BufferRecord.Create(("a", 1.5), ("b", -2.0)));

        codec.Write(item, new Dictionary<string, object?> { ["y"] = 3, ["x"] = 4 });
        Assert.Equal(BufferRecord.Create(("x", 4.0), ("y", 3.0)), codec.Read(item));
        codec.Write(item, new object?[] { 5f, 6L });
        Assert.Equal(BufferRecord.Create(("x", 5.0), ("y", 6.0)), codec.Read(item));
        codec.Write(item, (7, 8));
        Assert.Equal(BufferRecord.Create(("x", 7.0), ("y", 8.0)), codec.Read(item));
    }

    [Fact]
    public void Padding_is_not_a_field_and_is_written_as_zeros()
    {
        var codec = Codec("T{b:a:xxxi:b:}");
        Assert.Equal(8, codec.ItemSize);
        var item = Enumerable.Repeat((byte)0xEE, 8).ToArray();
        codec.Write(item, new object?[] { 1, 2 });
        Assert.Equal("0100000002000000", Convert.ToHexStringLower(item));
        var record = Assert.IsType<BufferRecord>(codec.Read(item));
        Assert.Equal(2, record.Count);
        Assert.Equal(new string?[] { "a", "b" }, record.Names);
    }

    [Fact]
    public void Sub_arrays_are_nested_arrays()
    {
        var codec = Codec("(2,3)<h");
        var item = new byte[12];
        codec.Write(item, new[] { new[] { 1, 2, 3 }, new[] { 4, 5, 6 } });
        var value = Assert.IsType<object?[]>(codec.Read(item));
        Assert.Equal((short)6, ((object?[])value[1]!)[2]);
        codec.Write(item, new short[,] { { 6, 5, 4 }, { 3, 2, 1 } });
        Assert.Equal(new object?[] { (short)6, (short)5, (short)4, (short)3, (short)2, (short)1 }, codec.Unpack(item));
        Assert.Throws<ArgumentException>(() => codec.Write(item, new[] { 1, 2, 3 }));
    }

    [Fact]
    public void Failed_writes_leave_the_item_unchanged()
    {
        var codec = Codec("T{i:a:(3)B:b:d:c:}");
        var item = Enumerable.Repeat((byte)0x5A, (int)codec.ItemSize).ToArray();
        var before = item.ToArray();
        Assert.Throws<ArgumentOutOfRangeException>(() => codec.Write(item, new object?[] { 1, new[] { 1, 2, 256 }, 1.0 }));
        Assert.Throws<ArgumentException>(() => codec.Write(item, new object?[] { 1, new[] { 1, 2, 3 }, "x" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => codec.Pack(item, 1, 1, 2, -1, 0.0));
        Assert.Throws<ArgumentException>(() => codec.Pack(item, 1, 1, 2));
        Assert.Equal(before, item);
    }

    [Fact]
    public void Integers_accept_every_clr_integer_type_and_bool()
    {
        var codec = Codec("<q");
        var item = new byte[8];
        foreach (object value in new object[] { (sbyte)-1, (byte)1, (short)-1, (ushort)1, -1, 1u, -1L, 1UL, (nint)(-1), (nuint)1, true,
                     (BigInteger)(-1), (Int128)1, (UInt128)1, DayOfWeek.Monday })
        {
            codec.Write(item, value);
            long read = (long)codec.Read(item)!;
            Assert.Equal(1, Math.Abs(read));
        }
        Assert.Throws<ArgumentException>(() => codec.Write(item, 1.0));
        Assert.Throws<ArgumentException>(() => codec.Write(item, "1"));
        Assert.Throws<ArgumentException>(() => codec.Write(item, null));
        Assert.Throws<ArgumentException>(() => codec.Write(item, 1m));
    }

    [Fact]
    public void Item_length_is_checked()
    {
        var codec = Codec("i");
        Assert.Throws<ArgumentException>(() => codec.Read(new byte[3]));
        Assert.Throws<ArgumentException>(() => codec.Write(new byte[5], 1));
        Assert.Throws<ArgumentException>(() => codec.Unpack(new byte[8]));
    }

    [Fact]
    public void Object_references_are_not_supported()
    {
        var codec = Codec("O");
        Assert.Throws<NotSupportedException>(() => codec.Read(new byte[8]));
        Assert.Throws<NotSupportedException>(() => codec.Write(new byte[8], 1));
    }

    [Fact]
    public void Long_double_reads_x87_extended_values()
    {
        var codec = Codec("g");
        if (codec.ItemSize != 16)
        {
            return;
        }
        var item = new byte[16];
        foreach (double value in new[] { 1.0, -2.5, double.Epsilon, double.MaxValue, double.MinValue, 1e-310, double.PositiveInfinity, -0.0 })
        {
            codec.Write(item, value);
            Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits((double)codec.Read(item)!));
        }
        // 1 + 2^-63 (x87 can hold it; double rounds to 1); 2^16384 - ε overflows to infinity.
        Convert.FromHexString("0100000000000080FF3F000000000000").CopyTo(item, 0);
        Assert.Equal(1.0, codec.Read(item));
        Convert.FromHexString("FFFFFFFFFFFFFFFFFE7F000000000000").CopyTo(item, 0);
        Assert.Equal(double.PositiveInfinity, codec.Read(item));
    }

    [Fact]
    public void Strings_and_characters()
    {
        var ucs4 = Codec("3w");
        var item = new byte[12];
        ucs4.Write(item, "a😀");
        Assert.Equal("a😀", ucs4.Read(item));
        ucs4.Write(item, "abcd");
        Assert.Equal("abc", ucs4.Read(item));
        var rune = Codec(">w");
        var one = new byte[4];
        rune.Write(one, new Rune(0x1F600));
        Assert.Equal("0001f600", Convert.ToHexStringLower(one));
        Assert.Equal(new Rune(0x1F600), rune.Read(one));
        Assert.Throws<ArgumentException>(() => rune.Write(one, "ab"));
        Convert.FromHexString("00110000").CopyTo(one, 0);
        Assert.Throws<ArgumentException>(() => rune.Read(one));
        var ucs2 = Codec("u");
        ucs2.Write(one.AsSpan(0, 2), 'é');
        Assert.Equal('é', ucs2.Read(one.AsSpan(0, 2)));
    }
}
