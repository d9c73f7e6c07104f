using BufferProtocol.Protocol;
using BufferProtocol.Tests.Oracle;

namespace BufferProtocol.Tests.Protocol;

public class BufferRequestTests
{
    public static TheoryData<string> Cases => OracleCases.Keys("request-flags");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Value_equals_CPython(string key)
    {
        var c = OracleCases.Get("request-flags", key);
        var name = c.GetProperty("name").GetString()!;
        var expected = c.GetProperty("value").GetInt32();
        Assert.Equal(expected, (int)CPythonNames[name]);
    }

    [Fact]
    public void Composite_is_requested_only_with_all_its_bits()
    {
        Assert.True(BufferRequest.FullRO.Has(BufferRequest.Strides));
        Assert.False(((BufferRequest)0x100).Has(BufferRequest.Indirect));
        Assert.False(BufferRequest.ND.Has(BufferRequest.Strides));
        Assert.True(BufferRequest.CContiguous.Has(BufferRequest.ND));
        Assert.False(BufferRequest.FContiguous.Has(BufferRequest.CContiguous));
    }

    // Enum members share values (StridedRO == Strides), so match through an explicit name table.
    private static readonly Dictionary<string, BufferRequest> CPythonNames = new()
    {
        ["PyBUF_SIMPLE"] = BufferRequest.Simple, ["PyBUF_WRITABLE"] = BufferRequest.Writable,
        ["PyBUF_FORMAT"] = BufferRequest.Format, ["PyBUF_ND"] = BufferRequest.ND,
        ["PyBUF_STRIDES"] = BufferRequest.Strides, ["PyBUF_C_CONTIGUOUS"] = BufferRequest.CContiguous,
        ["PyBUF_F_CONTIGUOUS"] = BufferRequest.FContiguous, ["PyBUF_ANY_CONTIGUOUS"] = BufferRequest.AnyContiguous,
        ["PyBUF_INDIRECT"] = BufferRequest.Indirect, ["PyBUF_CONTIG"] = BufferRequest.Contig,
        ["PyBUF_CONTIG_RO"] = BufferRequest.ContigRO, ["PyBUF_STRIDED"] = BufferRequest.Strided,
        ["PyBUF_STRIDED_RO"] = BufferRequest.StridedRO, ["PyBUF_RECORDS"] = BufferRequest.Records,
        ["PyBUF_RECORDS_RO"] = BufferRequest.RecordsRO, ["PyBUF_FULL"] = BufferRequest.Full,
        ["PyBUF_FULL_RO"] = BufferRequest.FullRO,
    };
}
