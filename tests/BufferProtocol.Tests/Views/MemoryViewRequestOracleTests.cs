using BufferProtocol.Protocol;
using BufferProtocol.Tests.Oracle;
using BufferProtocol.Views;

namespace BufferProtocol.Tests.Views;

/// <summary>
/// Replays the <c>memoryview-requests</c> suite: a view constructed with each request value
/// (<c>memoryview._from_flags</c>, here through <c>PyMemoryView_FromBuffer</c> over <c>ndarray(nd, getbuf=flags)</c>),
/// with CPython's reconstruction of what the request leaves out.
/// </summary>
public class MemoryViewRequestOracleTests
{
    public static TheoryData<string> Cases => OracleCases.Keys("memoryview-requests");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Construction_with_any_request_matches_CPython(string key)
    {
        var c = OracleCases.Get("memoryview-requests", key);
        using var exporter = ViewOracle.Build(c.GetProperty("structure"));
        foreach (var row in c.GetProperty("requests").EnumerateArray())
        {
            var request = (BufferRequest)row[0].GetInt32();
            var context = $"{key} {request} (0x{(int)request:x})";
            ViewOracle.AssertOutcome(row[1], () => new MemoryView(exporter, request, MemoryViewMode.CPython), (e, a) =>
            {
                using var v = (MemoryView)a!;
                Assert.True(e.GetProperty("format").GetString() == v.Format, $"{context} format");
                Assert.True(e.GetProperty("itemsize").GetInt64() == v.ItemSize, $"{context} itemsize");
                Assert.True(e.GetProperty("ndim").GetInt32() == v.Rank, $"{context} ndim");
                Assert.True(ViewOracle.Ints(e.GetProperty("shape")).AsSpan().SequenceEqual(v.Shape), $"{context} shape");
                Assert.True(ViewOracle.Ints(e.GetProperty("strides")).AsSpan().SequenceEqual(v.Strides), $"{context} strides");
                Assert.True(ViewOracle.Ints(e.GetProperty("suboffsets")).AsSpan().SequenceEqual(v.SubOffsets), $"{context} suboffsets");
                Assert.True(e.GetProperty("nbytes").GetInt64() == v.NBytes, $"{context} nbytes");
                Assert.True(e.GetProperty("readonly").GetBoolean() == v.IsReadOnly, $"{context} readonly");
                Assert.True(e.GetProperty("tobytes").GetString() == Convert.ToHexStringLower(v.ToBytes()), $"{context} tobytes");
            }, context);
            Assert.Equal(0, exporter.ExportCount);
        }
    }
}
