using System.Text.Json;
using BufferProtocol.Formats;
using BufferProtocol.Tests.Oracle;

namespace BufferProtocol.Tests.Formats;

/// <summary>
/// The <c>struct-pack</c> suite holds pack/unpack vectors for the item codec; here only the layout side is
/// checked: every packed item is exactly <see cref="BufferFormat.ItemSize"/> bytes.
/// </summary>
public class StructPackOracleTests
{
    private const string Suite = "struct-pack";

    public static TheoryData<string> Cases => OracleCases.Keys(Suite);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Packed_item_has_the_item_size(string key)
    {
        JsonElement c = OracleCases.Get(Suite, key);
        BufferFormat format = BufferFormat.Parse(c.GetProperty("format").GetString()!);
        Assert.True(format.IsStructCompatible);
        if (c.GetProperty("packed").TryGetProperty("ok", out JsonElement packed))
        {
            Assert.Equal(packed.GetString()!.Length / 2, format.ItemSize);
        }
    }
}
