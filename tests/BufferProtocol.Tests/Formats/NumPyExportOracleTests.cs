using System.Text.Json;
using BufferProtocol.Formats;
using BufferProtocol.Tests.Oracle;

namespace BufferProtocol.Tests.Formats;

/// <summary>
/// Replays the <c>numpy-export</c> suite: <c>memoryview(array).format</c> for NumPy dtypes (interop-protocols §2.3
/// E/A vectors and random structured dtypes), given a lossless PEP 3118 description of each dtype's layout.
/// </summary>
public class NumPyExportOracleTests
{
    private const string Suite = "numpy-export";

    public static TheoryData<string> Cases => OracleCases.Keys(Suite);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Exports_what_NumPy_exports(string key)
    {
        JsonElement c = OracleCases.Get(Suite, key);
        BufferFormat format = BufferFormat.Parse(c.GetProperty("format").GetString()!);
        Assert.Equal(c.GetProperty("itemsize").GetInt64(), format.ItemSize);
        if (c.GetProperty("reimport").GetString() == "different")
        {
            // NumPy's importer reads this layout as another dtype of the same layout (a void "8x" as an empty
            // struct); ToNumPyString follows the importer, so the exporter's string for the original differs.
            return;
        }
        JsonElement context = c.GetProperty("context");
        nint[] shape = [.. context.GetProperty("shape").EnumerateArray().Select(e => (nint)e.GetInt64())];
        nint[] strides = [.. context.GetProperty("strides").EnumerateArray().Select(e => (nint)e.GetInt64())];
        nint address = (nint)context.GetProperty("address_mod16").GetInt64();
        FormatOracleTests.AssertExport(context.GetProperty("expected"), format, address, shape, strides);
    }
}
