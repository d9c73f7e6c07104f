using System.Text.Json;
using BufferProtocol.Tests.Oracle;
using BufferProtocol.Views;

namespace BufferProtocol.Tests.Views;

/// <summary>
/// Replays the <c>memoryview-cast</c> suite: chains of casts (every native format, <c>e</c>, <c>@</c> forms and refused
/// formats × <c>gencastshapes</c> and hand shapes) and slices on CPython-mode views, comparing the result's structure and
/// items, or the error kind, with CPython 3.11's rule order.
/// </summary>
public class MemoryViewCastOracleTests
{
    public static TheoryData<string> Cases => OracleCases.Keys("memoryview-cast");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Cast_matches_CPython(string key)
    {
        var c = OracleCases.Get("memoryview-cast", key);
        using var exporter = ViewOracle.Build(c.GetProperty("structure"));
        var m = new MemoryView(exporter, MemoryViewMode.CPython);
        var made = new List<MemoryView> { m };
        ViewOracle.AssertOutcome(c.GetProperty("result"), () => Apply(m, c.GetProperty("chain"), made), (e, a) => AssertSummary(e, (MemoryView)a!, key), key);
        made.ForEach(v => v.Release());
        Assert.Equal(0, exporter.ExportCount);
    }

    private static MemoryView Apply(MemoryView m, JsonElement chain, List<MemoryView> made)
    {
        foreach (var op in chain.EnumerateArray())
        {
            if (op[0].GetString() == "cast")
            {
                var format = op[1].GetString()!;
                m = op[2].ValueKind == JsonValueKind.Null ? m.Cast(format) : m.Cast(format, ViewOracle.Ints(op[2]));
            }
            else
            {
                m = m[new Slice(ViewOracle.NullableInt(op[1]), ViewOracle.NullableInt(op[2]), ViewOracle.NullableInt(op[3]))];
            }
            made.Add(m);
        }
        return m;
    }

    private static void AssertSummary(JsonElement e, MemoryView v, string key)
    {
        Assert.Equal(e.GetProperty("format").GetString(), v.Format);
        Assert.Equal(e.GetProperty("itemsize").GetInt64(), v.ItemSize);
        Assert.Equal(e.GetProperty("ndim").GetInt32(), v.Rank);
        Assert.True(ViewOracle.Ints(e.GetProperty("shape")).AsSpan().SequenceEqual(v.Shape), $"{key} shape");
        Assert.True(ViewOracle.Ints(e.GetProperty("strides")).AsSpan().SequenceEqual(v.Strides), $"{key} strides");
        Assert.Equal(e.GetProperty("readonly").GetBoolean(), v.IsReadOnly);
        Assert.Equal(e.GetProperty("c_contiguous").GetBoolean(), v.IsCContiguous);
        Assert.Equal(e.GetProperty("f_contiguous").GetBoolean(), v.IsFContiguous);
        ViewOracle.AssertOutcome(e.GetProperty("tolist"), v.ToList, $"{key} tolist");
    }
}
