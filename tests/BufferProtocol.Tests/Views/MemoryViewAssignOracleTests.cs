using System.Text.Json;
using BufferProtocol.Tests.Oracle;
using BufferProtocol.Views;

namespace BufferProtocol.Tests.Views;

/// <summary>
/// Replays the <c>memoryview-assign</c> suite: item assignment of odd values (test_buffer's struct_module list, as far as
/// .NET can express the values) and 1-D slice assignment (other buffers, overlapping selections of the same view,
/// bytes, non-buffers, step 0), step by step on one CPython-mode view, comparing each outcome and the memory after.
/// </summary>
public class MemoryViewAssignOracleTests
{
    public static TheoryData<string> Cases => OracleCases.Keys("memoryview-assign");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Assignment_matches_CPython(string key)
    {
        var c = OracleCases.Get("memoryview-assign", key);
        using var exporter = ViewOracle.Build(c.GetProperty("structure"));
        var m = new MemoryView(exporter, MemoryViewMode.CPython);
        var n = 0;
        foreach (var step in c.GetProperty("steps").EnumerateArray())
        {
            var context = $"{key} step {n++} {step[0].GetString()} {step[1]} = {step[2]}";
            Action action = step[0].GetString() == "item" ? ItemAssignment(m, step[1], step[2]) : SliceAssignment(m, step[1], step[2]);
            ViewOracle.AssertOutcome(step[3], () => { action(); return null; }, (_, _) => { }, context);
            Assert.True(step[4].GetString() == ViewOracle.Data(exporter), $"{context}: memory after");
        }
        m.Release();
        Assert.Equal(0, exporter.ExportCount);
    }

    private static Action ItemAssignment(MemoryView m, JsonElement key, JsonElement encoded)
    {
        var value = ViewOracle.Decode(encoded);
        if (key.TryGetProperty("ellipsis", out _))
        {
            return () => m.Assign([SliceIndex.Ellipsis], value);
        }
        var indices = key.TryGetProperty("int", out var i) ? [(nint)i.GetInt64()] : ViewOracle.Ints(key.GetProperty("tuple"));
        return () => m[indices] = value;
    }

    private static Action SliceAssignment(MemoryView m, JsonElement key, JsonElement rvalue)
    {
        var slice = ViewOracle.SliceOf(key);
        if (rvalue.TryGetProperty("structure", out var structure))
        {
            return () =>
            {
                using var other = ViewOracle.Build(structure);
                using var view = new MemoryView(other, MemoryViewMode.CPython);
                using var source = view[ViewOracle.SliceOf(rvalue.GetProperty("slice"))];
                m.Assign([slice], source);
            };
        }
        if (rvalue.TryGetProperty("self", out var self))
        {
            return () =>
            {
                using var source = m[ViewOracle.SliceOf(self)];
                m.Assign([slice], source);
            };
        }
        if (rvalue.TryGetProperty("bytes", out var bytes))
        {
            var data = Convert.FromHexString(bytes.GetString()!);
            return () => m.Assign([slice], data);
        }
        var list = ViewOracle.Decode(rvalue.GetProperty("list"));
        return () => m.Assign([slice], list);
    }
}
