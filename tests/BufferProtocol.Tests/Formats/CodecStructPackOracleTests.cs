using System.Text.Json;
using BufferProtocol.Formats;
using BufferProtocol.Tests.Oracle;

namespace BufferProtocol.Tests.Formats;

/// <summary>
/// Replays CPython's <c>struct.pack</c>/<c>struct.unpack</c> (suites <c>struct-pack</c> and <c>codec-pack</c>) through
/// <see cref="ItemCodec.Pack"/> and <see cref="ItemCodec.Unpack"/>: the same bytes, the same values, the same error kinds,
/// and a failed pack leaves the item untouched.
/// </summary>
public class CodecStructPackOracleTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var suite in new[] { "struct-pack", "codec-pack" })
        {
            foreach (var key in OracleCases.Load(suite).Keys)
            {
                data.Add(suite, key);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pack_and_unpack_agree_with_struct(string suite, string key)
    {
        JsonElement c = OracleCases.Get(suite, key);
        string text = c.GetProperty("format").GetString()!;
        var codec = ItemCodec.For(BufferFormat.Parse(text));
        object?[] values = [.. c.GetProperty("values").EnumerateArray().Select(CodecOracle.Decode)];
        JsonElement packed = c.GetProperty("packed");
        var item = new byte[codec.ItemSize];
        if (packed.TryGetProperty("ok", out JsonElement ok))
        {
            codec.Pack(item, values);
            Assert.Equal(ok.GetString(), Convert.ToHexStringLower(item));

            JsonElement unpacked = c.GetProperty("unpacked");
            object?[] actual = codec.Unpack(Convert.FromHexString(ok.GetString()!));
            if (unpacked.TryGetProperty("ok", out JsonElement expected))
            {
                CodecOracle.AssertMatches(expected, actual, text);
            }
            else
            {
                // CPython 3.11 bug: unpacking "0p" computes a length of -1 (SystemError); the value is b"" here.
                Assert.Equal("SystemError", unpacked.GetProperty("error").GetString());
                Assert.Contains("0p", text, StringComparison.Ordinal);
                Assert.Contains(actual, v => v is byte[] { Length: 0 });
            }
            return;
        }
        string kind = packed.GetProperty("error").GetString()!;
        string message = packed.GetProperty("message").GetString()!;
        Type expectedType = CodecOracle.ExpectedException(kind, message, values);
        item.AsSpan().Fill(0xA5);
        Exception? error = Record.Exception(() => codec.Pack(item, values));
        Assert.True(error is not null && error.GetType() == expectedType,
            $"{text} {string.Join(", ", values.Select(CodecOracle.Describe))}: CPython raised {kind} ({message}), .NET {(error is null ? "succeeded" : error.GetType().Name + ": " + error.Message)}");
        Assert.StartsWith(message, error!.Message, StringComparison.Ordinal);
        Assert.All(item, b => Assert.Equal(0xA5, b));
    }
}
