using System.Text.Json;
using BufferProtocol.Formats;
using BufferProtocol.Formats.Internals;
using BufferProtocol.Tests.Oracle;

namespace BufferProtocol.Tests.Formats;

/// <summary>
/// Replays the <c>formats</c> suite: every format against CPython 3.11's <c>struct</c> (size, per-item offsets,
/// errors) and NumPy 1.24's <c>_dtype_from_pep3118</c> (layout of records) and exporter (format strings).
/// </summary>
public class FormatOracleTests
{
    private const string Suite = "formats";

    public static TheoryData<string> Cases => OracleCases.Keys(Suite);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Agrees_with_struct(string key)
    {
        JsonElement c = OracleCases.Get(Suite, key);
        string format = c.GetProperty("format").GetString()!;
        JsonElement st = c.GetProperty("struct");
        BufferFormat? parsed = ParseOrReject(format);

        if (st.TryGetProperty("ok", out JsonElement size))
        {
            Assert.NotNull(parsed);
            Assert.True(parsed.IsStructCompatible);
            Assert.Equal(size.GetInt64(), parsed.ItemSize);
            Assert.Equal(size.GetInt64(), BufferFormat.SizeFromFormat(format));
            JsonElement[] items = [.. c.GetProperty("struct_items").EnumerateArray()];
            Assert.Equal(items.Length, parsed.Fields.Length);
            for (int i = 0; i < items.Length; i++)
            {
                Assert.Equal(items[i].GetProperty("offset").GetInt64(), parsed.Fields[i].Offset);
                Assert.Equal(items[i].GetProperty("size").GetInt64(), parsed.Fields[i].Size);
            }
        }
        else
        {
            // struct.error (and UnicodeEncodeError for non-ASCII text) -> BufferFormatException.
            var e = Assert.Throws<BufferFormatException>(() => BufferFormat.SizeFromFormat(format));
            Assert.InRange(e.Position, 0, format.Length);
            Assert.False(parsed?.IsStructCompatible ?? false);
            string message = st.GetProperty("message").GetString()!;
            if (message is "repeat count given without format specifier" or "total struct size too long")
            {
                Assert.Null(parsed); // these are errors of the PEP 3118 grammar too
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Agrees_with_NumPy_import(string key)
    {
        JsonElement c = OracleCases.Get(Suite, key);
        string format = c.GetProperty("format").GetString()!;
        JsonElement np = c.GetProperty("numpy");
        BufferFormat? parsed = ParseOrReject(format);

        if (!np.TryGetProperty("ok", out JsonElement dtype))
        {
            // Errors NumPy raises for input that is wrong in every reading of PEP 3118 are errors here too;
            // the others (unknown to NumPy: n N P p u t & X, 'g' with a standard prefix, ...) we accept.
            string kind = np.GetProperty("error").GetString()!;
            string message = np.GetProperty("message").GetString()!;
            bool alsoInvalidHere = kind == "RuntimeError" || (kind == "KeyError" && message != "'Zg'") ||
                message == "substring not found" || message.StartsWith("invalid literal for int()", StringComparison.Ordinal);
            if (alsoInvalidHere)
            {
                Assert.Null(parsed);
            }
            return;
        }
        switch (c.GetProperty("numpy_quirk").GetString())
        {
            case "int-overflow":
                return; // NumPy's C-int item sizes wrap (S-1, ...); nothing to compare
            case string quirk:
                Assert.True(parsed is null, quirk); // NumPy accepts text that is invalid here (docs/formats.md)
                return;
        }
        Assert.NotNull(parsed);
        NumPyExport.Dtype? ours = NumPyExport.ToDtype(parsed.Root, out string? reason);
        Assert.True(ours is not null, reason);

        // The one documented difference: NumPy pads the top-level item list like a struct; struct does not.
        long expectedItemSize = dtype.GetProperty("itemsize").GetInt64();
        long ourNumPyItemSize = parsed.Root is RecordType { IsStruct: false } list && list.ClosingMode == FormatMode.Native
            ? AlignUp(parsed.ItemSize, parsed.Alignment)
            : parsed.ItemSize;
        Assert.Equal(expectedItemSize, ourNumPyItemSize);
        AssertSameDtype(dtype, ours, isRoot: true);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Exports_what_NumPy_exports(string key)
    {
        JsonElement c = OracleCases.Get(Suite, key);
        if (c.GetProperty("numpy_export").ValueKind != JsonValueKind.Object || c.GetProperty("numpy_quirk").ValueKind == JsonValueKind.String)
        {
            return;
        }
        JsonElement export = c.GetProperty("numpy_export");
        BufferFormat parsed = BufferFormat.Parse(c.GetProperty("format").GetString()!);
        nint stride = (nint)export.GetProperty("stride").GetInt64();
        AssertExport(export.GetProperty("one"), parsed, 0, [1], [stride]);
        AssertExport(export.GetProperty("three"), parsed, 0, [3], [stride]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Canonical_text_round_trips(string key)
    {
        BufferFormat? parsed = ParseOrReject(OracleCases.Get(Suite, key).GetProperty("format").GetString()!);
        if (parsed is null)
        {
            return;
        }
        string canonical = parsed.ToCanonicalString();
        BufferFormat again = BufferFormat.Parse(canonical);
        Assert.Equal(parsed, again);
        Assert.Equal(parsed.GetHashCode(), again.GetHashCode());
        Assert.Equal(canonical, again.ToCanonicalString());
        Assert.Equal(parsed.ItemSize, again.ItemSize);
        Assert.Equal(parsed.Alignment, again.Alignment);
    }

    internal static void AssertExport(JsonElement expected, BufferFormat format, nint address, nint[] shape, nint[] strides)
    {
        bool ok = format.TryToNumPyString(address, shape, strides, out string? result, out string? reason);
        if (expected.TryGetProperty("ok", out JsonElement text))
        {
            Assert.True(ok, reason);
            Assert.Equal(text.GetString(), result);
        }
        else
        {
            Assert.False(ok, $"NumPy: {expected.GetProperty("error").GetString()}: {expected.GetProperty("message").GetString()}; we wrote {result}");
        }
    }

    /// <summary>Parses, requiring that a failure is a <see cref="BufferFormatException"/> with a position inside the text.</summary>
    internal static BufferFormat? ParseOrReject(string format)
    {
        try
        {
            BufferFormat parsed = BufferFormat.Parse(format);
            Assert.True(BufferFormat.TryParse(format, out BufferFormat? again));
            Assert.Equal(parsed, again);
            return parsed;
        }
        catch (BufferFormatException e)
        {
            Assert.InRange(e.Position, 0, format.Length);
            Assert.Equal(format, e.Format);
            Assert.False(BufferFormat.TryParse(format, out _));
            return null;
        }
    }

    private static long AlignUp(long value, long alignment) => (value + alignment - 1) / alignment * alignment;

    private static void AssertSameDtype(JsonElement expected, NumPyExport.Dtype actual, bool isRoot = false)
    {
        if (!isRoot)
        {
            Assert.Equal(expected.GetProperty("itemsize").GetInt64(), actual.ItemSize);
        }
        if (expected.TryGetProperty("deeper", out _))
        {
            Assert.Equal(expected.GetProperty("itemsize").GetInt64(), actual.ItemSize);
        }
        else if (expected.TryGetProperty("str", out JsonElement str))
        {
            Assert.Equal(str.GetString(), Assert.IsType<NumPyExport.Leaf>(actual).Str);
        }
        else if (expected.TryGetProperty("shape", out JsonElement shape))
        {
            var sub = Assert.IsType<NumPyExport.SubArray>(actual);
            Assert.Equal(shape.EnumerateArray().Select(e => e.GetInt64()), sub.Shape.Select(e => (long)e));
            AssertSameDtype(expected.GetProperty("base"), sub.Base);
        }
        else
        {
            var record = Assert.IsType<NumPyExport.Struct>(actual);
            JsonElement[] fields = [.. expected.GetProperty("fields").EnumerateArray()];
            Assert.Equal(fields.Length, record.Fields.Length);
            for (int i = 0; i < fields.Length; i++)
            {
                Assert.Equal(fields[i].GetProperty("name").GetString(), record.Fields[i].Name);
                Assert.Equal(fields[i].GetProperty("offset").GetInt64(), record.Fields[i].Offset);
                AssertSameDtype(fields[i].GetProperty("type"), record.Fields[i].Type);
            }
        }
    }
}
