using System.Collections;
using System.Text.Json;
using BufferProtocol.Formats;
using BufferProtocol.Tests.Oracle;
using BufferProtocol.Views;

namespace BufferProtocol.Tests.Views;

/// <summary>
/// Replays the <c>memoryview-records</c> suite: NumPy structured and non-native arrays (records, nested records,
/// sub-array fields, byte orders, <c>e g Zf Zd ? s w</c>) read by extended views — <c>tolist</c>, field views and
/// self-equality against NumPy — and by CPython-mode views against CPython 3.11's <c>NotImplementedError</c>s.
/// </summary>
public class RecordOracleTests
{
    public static TheoryData<string> Cases => OracleCases.Keys("memoryview-records");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Records_match_NumPy_and_CPython(string key)
    {
        var c = OracleCases.Get("memoryview-records", key);
        using var exporter = ViewOracle.Build(c.GetProperty("structure"));
        using (var m = new MemoryView(exporter))
        {
            ViewOracle.AssertValue(c.GetProperty("tolist"), NumPyBytes(m.ToList()), $"{key} tolist");
            foreach (var row in c.GetProperty("fields").EnumerateArray())
            {
                var name = row[0].GetString()!;
                var expected = row[1];
                using var field = m.GetField(name);
                Assert.True(ViewOracle.Ints(expected.GetProperty("shape")).AsSpan().SequenceEqual(field.Shape), $"{key} ['{name}'] shape");
                Assert.True(ViewOracle.Ints(expected.GetProperty("strides")).AsSpan().SequenceEqual(field.Strides), $"{key} ['{name}'] strides");
                Assert.Equal(BufferFormat.Parse(expected.GetProperty("format").GetString()!).ItemSize, field.ItemSize);
                ViewOracle.AssertValue(expected.GetProperty("tolist"), NumPyBytes(field.ToList()), $"{key} ['{name}'] tolist");
            }
            if (c.GetProperty("self_equal").ValueKind != JsonValueKind.Null)
            {
                Assert.True(c.GetProperty("self_equal").GetBoolean() == m.Equals(m), $"{key} m == m");
            }
        }
        using var cpython = new MemoryView(exporter, MemoryViewMode.CPython);
        ViewOracle.AssertOutcome(c.GetProperty("cpython_tolist"), cpython.ToList, $"{key} CPython tolist");
        Assert.True(c.GetProperty("cpython_self_equal").GetProperty("ok").GetBoolean() == cpython.Equals(cpython), $"{key} CPython m == m");
    }

    /// <summary>NumPy's <c>tolist</c> strips trailing NULs from <c>S</c> values; struct (and the codec) keeps them.</summary>
    private static object? NumPyBytes(object? value) => value switch
    {
        byte[] b => b.AsSpan().TrimEnd((byte)0).ToArray(),
        string => value,
        IEnumerable e => e.Cast<object?>().Select(NumPyBytes).ToList(),
        _ => value,
    };
}
