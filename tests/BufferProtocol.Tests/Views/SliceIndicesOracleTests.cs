using BufferProtocol.Tests.Oracle;
using BufferProtocol.Views;

namespace BufferProtocol.Tests.Views;

/// <summary>Replays the <c>slice-indices</c> suite: <see cref="Slice.GetIndices"/> against <c>_testbuffer.slice_indices</c> (PySlice_GetIndicesEx).</summary>
public class SliceIndicesOracleTests
{
    public static TheoryData<string> Cases => OracleCases.Keys("slice-indices");

    [Theory]
    [MemberData(nameof(Cases))]
    public void GetIndices_matches_PySlice_GetIndicesEx(string key)
    {
        var c = OracleCases.Get("slice-indices", key);
        var n = (nint)c.GetProperty("n").GetInt64();
        foreach (var row in c.GetProperty("rows").EnumerateArray())
        {
            var slice = new Slice(ViewOracle.NullableInt(row[0]), ViewOracle.NullableInt(row[1]), ViewOracle.NullableInt(row[2]));
            ViewOracle.AssertOutcome(row[3], () => slice.GetIndices(n), (e, a) =>
            {
                var (start, stop, step, count) = ((nint, nint, nint, nint))a!;
                Assert.True(ViewOracle.Ints(e).AsSpan().SequenceEqual([start, stop, step, count]), $"{key} {slice}: {e} vs ({start}, {stop}, {step}, {count})");
            }, $"{key} {slice}");
        }
    }
}
