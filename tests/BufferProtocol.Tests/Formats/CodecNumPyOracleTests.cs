using System.Text;
using System.Text.Json;
using BufferProtocol.Formats;
using BufferProtocol.Tests.Oracle;

namespace BufferProtocol.Tests.Formats;

/// <summary>
/// Replays <c>codec-unpack</c> (CPython's <c>struct.unpack</c> of given bytes) and <c>codec-numpy</c> (NumPy 1.24
/// structured items: <c>tobytes()</c> ↔ <c>tolist()</c> for records, sub-arrays, byte orders, complex, long double,
/// <c>S</c>/<c>U</c> strings) through <see cref="ItemCodec"/>.
/// </summary>
public class CodecNumPyOracleTests
{
    public static TheoryData<string> UnpackCases => OracleCases.Keys("codec-unpack");

    public static TheoryData<string> NumPyCases => OracleCases.Keys("codec-numpy");

    [Theory]
    [MemberData(nameof(UnpackCases))]
    public void Unpack_agrees_with_struct(string key)
    {
        JsonElement c = OracleCases.Get("codec-unpack", key);
        string text = c.GetProperty("format").GetString()!;
        var codec = ItemCodec.For(BufferFormat.Parse(text));
        byte[] bytes = Convert.FromHexString(c.GetProperty("bytes").GetString()!);
        JsonElement outcome = c.GetProperty("unpacked");
        Assert.True(outcome.TryGetProperty("ok", out JsonElement expected), $"{text}: every unpack case succeeds in CPython");
        CodecOracle.AssertMatches(expected, codec.Unpack(bytes), text);
    }

    [Theory]
    [MemberData(nameof(NumPyCases))]
    public void Structured_items_agree_with_numpy(string key)
    {
        JsonElement c = OracleCases.Get("codec-numpy", key);
        string text = c.GetProperty("format").GetString()!;
        string context = $"{c.GetProperty("dtype").GetString()} as {text}";
        var codec = ItemCodec.For(BufferFormat.Parse(text));
        Assert.Equal(c.GetProperty("itemsize").GetInt64(), codec.ItemSize);
        byte[] bytes = Convert.FromHexString(c.GetProperty("bytes").GetString()!);
        JsonElement value = c.GetProperty("value");

        // Read: NumPy's tolist(), with S values compared as NumPy gives them (trailing NULs stripped).
        object? read = codec.Read(bytes);
        CodecOracle.AssertMatches(value, StripTrailingNuls(read, codec.Format.Root), context);

        // Write back what was read, and write NumPy's own value: the same bytes (padding is zero in the oracle's
        // items), unless a long double lost precision on the way to a double.
        if (c.GetProperty("write_exact").GetBoolean())
        {
            Assert.Equal(c.GetProperty("bytes").GetString(), Convert.ToHexStringLower(codec.ToBytes(read)));
            Assert.Equal(c.GetProperty("bytes").GetString(), Convert.ToHexStringLower(codec.ToBytes(CodecOracle.Decode(value))));
        }
    }

    /// <summary>NumPy's <c>S</c> items drop trailing NULs; struct's <c>s</c> (and this codec) keep them.</summary>
    private static object? StripTrailingNuls(object? value, DataType type)
    {
        switch (type)
        {
            case StringType { Kind: ScalarKind.Bytes }:
                var bytes = (byte[])value!;
                int n = bytes.Length;
                while (n > 0 && bytes[n - 1] == 0)
                {
                    n--;
                }
                return bytes[..n];
            case StringType { Kind: ScalarKind.Ucs4, Length: 1 }:
                // NumPy's U1 item is a str, '' for a NUL; the codec reads a Rune.
                return value is Rune { Value: 0 } ? "" : value;
            case SubArrayType array:
                return StripArray((object?[])value!, array.Element, array.Shape.Length);
            case RecordType record:
                var r = (BufferRecord)value!;
                var valueFields = record.Fields.Where(f => !IsPadding(f.Type)).ToArray();
                return BufferRecord.Create([.. valueFields.Select((f, i) => (f.Name, StripTrailingNuls(r[i], f.Type)))]);
            default:
                return value;
        }
    }

    private static object?[] StripArray(object?[] values, DataType element, int depth) =>
        [.. values.Select(v => depth == 1 ? StripTrailingNuls(v, element) : StripArray((object?[])v!, element, depth - 1))];

    private static bool IsPadding(DataType type) => type switch
    {
        PaddingType => true,
        SubArrayType array => IsPadding(array.Element),
        _ => false,
    };
}
