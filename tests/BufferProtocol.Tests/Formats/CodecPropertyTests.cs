using BufferProtocol.Formats;
using BufferProtocol.Tests.TestSupport;
using CsCheck;

namespace BufferProtocol.Tests.Formats;

/// <summary>
/// Properties of <see cref="ItemCodec"/> over random formats (every code but <c>O</c>, every prefix, counts, sub-arrays,
/// nested structs, names) and random item bytes, with a fixed seed (<see cref="PropertyRunner"/>):
/// <list type="bullet">
/// <item>writing what was read gives the bytes back, bit for bit, unless the format holds a byte the codec
/// normalises (documented in <c>docs/formats.md</c>): padding (<c>x</c> and alignment gaps, written as zeros),
/// <c>?</c> (written as 0/1), <c>p</c> (length byte capped), <c>t</c> (bits above the count), <c>g</c>/<c>Zg</c>
/// (rounded to double), <c>Zf</c> (signalling NaNs quieted through double);</item>
/// <item>after one read/write round the bytes are a fixpoint, and the value read back is equal;</item>
/// <item><see cref="ItemCodec.Pack"/> of <see cref="ItemCodec.Unpack"/> gives the same bytes as
/// <see cref="ItemCodec.Write"/> of <see cref="ItemCodec.Read"/>.</item>
/// </list>
/// </summary>
public class CodecPropertyTests
{
    private static readonly string[] ExactLeaves =
        ["c", "b", "B", "h", "H", "i", "I", "l", "L", "q", "Q", "n", "N", "e", "f", "d", "P", "Zd", "3s", "0s", "1s", "u", "2u", "0u", "&i", "X{}"];

    private static readonly string[] LossyLeaves = ["?", "g", "Zg", "Zf", "4p", "0p", "1p", "3x", "x", "12t", "3t", "8t", "70t"];

    private static readonly Gen<string> Prefix = Gen.OneOfConst("", "", "", "@", "=", "<", ">", "!", "^");

    private static Gen<string> Leaf(bool exact) => Gen.OneOfConst(exact ? ExactLeaves : [.. ExactLeaves, .. LossyLeaves]);

    private static Gen<string> Item(bool exact, int depth) => depth >= 3
        ? Gen.Select(Prefix, Leaf(exact), (p, l) => p + l)
        : Gen.Frequency(
            (8, Gen.Select(Prefix, Leaf(exact), (p, l) => p + l)),
            (2, Gen.Select(Prefix, Gen.Int[0, 3], Gen.OneOfConst("b", "h", "i", "d", "Zd", "e"), (p, n, c) => p + n + c)),
            (2, Gen.Select(Gen.Int[0, 3].Array[1, 2], Item(exact, depth + 1),
                (shape, item) => "(" + string.Join(",", shape) + ")" + item)),
            (2, Members(exact, depth + 1).Select(m => "T{" + m + "}")));

    private static Gen<string> Members(bool exact, int depth) =>
        Gen.Select(Item(exact, depth).Array[0, 5], Gen.Bool.Array[5], (items, named) =>
            string.Concat(items.Select((item, i) => named[i] ? $"{item}:m{i}:" : item)));

    private static Gen<(string Format, ulong Seed)> Case(bool exact) =>
        Gen.Select(Members(exact, 0), Gen.ULong, (f, s) => (f, s));

    private static byte[] RandomBytes(nint size, ulong seed)
    {
        var bytes = new byte[size];
        new Random((int)(seed % int.MaxValue)).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void Writing_what_was_read_gives_the_bytes_back()
    {
        PropertyRunner.Check(Case(exact: true).Where(c => BufferFormat.Parse(c.Format).ItemSize <= 4096), c =>
        {
            var codec = ItemCodec.For(BufferFormat.Parse(c.Format));
            byte[] bytes = RandomBytes(codec.ItemSize, c.Seed);
            if (LeafBytes(codec.Format.Root) != codec.ItemSize)
            {
                // alignment gaps: written as zeros
                byte[] canonical = codec.ToBytes(codec.Read(bytes));
                Assert.Equal(canonical, codec.ToBytes(codec.Read(canonical)));
                return;
            }
            Assert.Equal(bytes, codec.ToBytes(codec.Read(bytes)));
            var packed = new byte[codec.ItemSize];
            codec.Pack(packed, codec.Unpack(bytes));
            Assert.Equal(bytes, packed);
        }, iterations: 3000, stream: 31);
    }

    [Fact]
    public void One_round_normalises_every_format()
    {
        PropertyRunner.Check(Case(exact: false).Where(c => BufferFormat.Parse(c.Format).ItemSize <= 4096), c =>
        {
            var codec = ItemCodec.For(BufferFormat.Parse(c.Format));
            byte[] bytes = RandomBytes(codec.ItemSize, c.Seed);
            object? value = codec.Read(bytes);
            byte[] once = codec.ToBytes(value);
            object? again = codec.Read(once);
            Assert.Equal(once, codec.ToBytes(again));
            Assert.True(ItemValueComparer.Instance.Equals(again, codec.Read(codec.ToBytes(again))), $"value changed: {ItemValueComparer.Format(again)}");

            var packed = new byte[codec.ItemSize];
            codec.Pack(packed, codec.Unpack(bytes));
            Assert.Equal(once, packed);
            Assert.Equal(codec.ValueCount, codec.Unpack(bytes).Length);
        }, iterations: 3000, stream: 32);
    }

    /// <summary>The bytes covered by leaves that hold values (no padding, no alignment gaps).</summary>
    private static long LeafBytes(DataType type) => type switch
    {
        PaddingType => 0,
        LeafType leaf => leaf.Size,
        SubArrayType array => LeafBytes(array.Element) * array.ElementCount,
        RecordType record => record.Fields.Sum(f => LeafBytes(f.Type)),
        _ => 0,
    };
}
