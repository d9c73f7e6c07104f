using System.Diagnostics;
using System.Text.Json;
using BufferProtocol.Bufview.Values;
using BufferProtocol.Interop.Npy;
using BufferProtocol.Tests.Oracle;

namespace BufferProtocol.Bufview.Tests;

/// <summary>
/// <c>bufview dump</c>: <c>--json</c> against NumPy (the <c>bufview-dump</c> oracle suite: exact text), tables, CSV,
/// summaries, and every kind of bad input (a message and an exit code, never a stack trace).
/// </summary>
public class DumpCommandTests
{
    public static TheoryData<string> OracleKeys => OracleCases.Keys("bufview-dump");

    [Theory]
    [MemberData(nameof(OracleKeys))]
    public void Json_is_exactly_what_numpy_gives(string key)
    {
        JsonElement c = OracleCases.Get("bufview-dump", key);
        string path = Cli.File(SafeName(key) + ".bin", Convert.FromHexString(c.GetProperty("file").GetString()!));
        string[] args = [.. c.GetProperty("args").EnumerateArray().Select(a => a.GetString()!)];
        var (exit, output, error) = Cli.Run(["dump", path, .. args, "--json"]);
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        string expected = c.GetProperty("expected").GetString()!;
        const string NullFormat = "{\"format\":null,";
        if (expected.StartsWith(NullFormat, StringComparison.Ordinal))
        {
            expected = "{\"format\":" + JsonText.Quote(NpyFile.ReadHeader(path).Format) + "," + expected[NullFormat.Length..];
        }
        Assert.Equal(expected + "\n", output);
    }

    internal static string SafeName(string key) => string.Concat(key.Select(ch => char.IsLetterOrDigit(ch) || ch is '-' or '_' ? ch : '_'));

    [Fact]
    public void A_one_dimensional_table_has_index_and_value()
    {
        string path = Cli.Doubles("one.bin", 1, 2.5, double.NaN);
        var (exit, output, error) = Cli.Run("dump", path, "--format", "<d");
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("format   \"<d\" (8 bytes per item)", output, StringComparison.Ordinal);
        Assert.Contains("array    shape (3,), strides (8,), C order, data from byte 0", output, StringComparison.Ordinal);
        Assert.Contains("  index  value\n  -----  -----\n      0    1.0\n      1    2.5\n      2    nan\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_dimensional_arrays_are_matrices_and_fortran_order_is_honoured()
    {
        string path = Cli.Doubles("two.bin", 0, 1, 2, 3, 4, 5);
        var (_, c, _) = Cli.Run("dump", path, "-f", "d", "-s", "2,3");
        Assert.Contains("       0    1    2\n  -  ---  ---  ---\n  0  0.0  1.0  2.0\n  1  3.0  4.0  5.0\n", c, StringComparison.Ordinal);
        var (_, f, _) = Cli.Run("dump", path, "-f", "d", "-s", "2,3", "--order", "F");
        Assert.Contains("strides (8, 16), Fortran order", f, StringComparison.Ordinal);
        Assert.Contains("  0  0.0  2.0  4.0\n  1  1.0  3.0  5.0\n", f, StringComparison.Ordinal);
    }

    [Fact]
    public void Higher_ranks_are_printed_as_blocks()
    {
        string path = Cli.File("three.bin", [.. Enumerable.Range(0, 24).Select(i => (byte)i)]);
        var (exit, output, _) = Cli.Run("dump", path, "-f", "B", "-s", "2,3,4");
        Assert.Equal(0, exit);
        Assert.Contains("  [0, :, :]\n", output, StringComparison.Ordinal);
        Assert.Contains("  [1, :, :]\n", output, StringComparison.Ordinal);
        Assert.Contains("  2  20  21  22  23\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Records_have_one_column_per_field()
    {
        var bytes = new List<byte>();
        for (int i = 0; i < 3; i++)
        {
            bytes.AddRange(BitConverter.GetBytes(i + 1));
            bytes.AddRange(BitConverter.GetBytes(i * 0.5));
        }
        string path = Cli.File("records.bin", [.. bytes]);
        var (exit, output, _) = Cli.Run("dump", path, "-f", "T{<i:id:<d:x:}");
        Assert.Equal(0, exit);
        Assert.Contains("  index  id    x\n  -----  --  ---\n      0   1  0.0\n      1   2  0.5\n      2   3  1.0\n", output, StringComparison.Ordinal);
        var (_, json, _) = Cli.Run("dump", path, "-f", "T{<i:id:<d:x:}", "--json", "--slice", "::2");
        Assert.Equal("{\"format\":\"T{<i:id:<d:x:}\",\"shape\":[2],\"strides\":[24],\"values\":[{\"id\":1,\"x\":0.0},{\"id\":3,\"x\":1.0}]}\n", json);
        var (_, csv, _) = Cli.Run("dump", path, "-f", "T{<i:id:<d:x:}", "--csv");
        Assert.Equal("index,id,x\n0,1,0.0\n1,2,0.5\n2,3,1.0\n", csv);
    }

    [Fact]
    public void Large_arrays_are_summarised_like_numpy_unless_all_or_limit()
    {
        string path = Cli.File("big.bin", [.. Enumerable.Range(0, 5000).SelectMany(i => BitConverter.GetBytes((short)i))]);
        var (_, table, _) = Cli.Run("dump", path, "-f", "<h");
        Assert.Contains("      2      2\n    ...    ...\n   4997   4997\n", table, StringComparison.Ordinal);
        Assert.Contains("(showing 6 of 5000 items; --all or --limit N for more)", table, StringComparison.Ordinal);
        var (_, all, _) = Cli.Run("dump", path, "-f", "<h", "--all");
        Assert.Contains("   2500   2500\n", all, StringComparison.Ordinal);
        Assert.DoesNotContain("...", all, StringComparison.Ordinal);
        var (_, limited, _) = Cli.Run("dump", path, "-f", "<h", "--limit", "10");
        Assert.Contains("      4      4\n    ...    ...\n   4995   4995\n", limited, StringComparison.Ordinal);
        var (_, matrix, _) = Cli.Run("dump", path, "-f", "<h", "-s", "-1,100");
        Assert.Contains("  ...   ...   ...   ...  ...   ...   ...   ...\n", matrix, StringComparison.Ordinal);
        Assert.Contains("   49  4900  4901  4902  ...  4997  4998  4999\n", matrix, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_and_csv_are_complete_unless_limited_explicitly()
    {
        string path = Cli.File("many.bin", [.. Enumerable.Range(0, 3000).Select(i => (byte)i)]);
        var (_, json, _) = Cli.Run("dump", path, "-f", "B", "--json");
        JsonElement all = Cli.Json(json);
        Assert.Equal(3000, all.GetProperty("values").GetArrayLength());
        Assert.False(all.TryGetProperty("elided", out _));
        var (_, limited, _) = Cli.Run("dump", path, "-f", "B", "--json", "--limit", "4");
        Assert.Equal("{\"format\":\"B\",\"shape\":[3000],\"strides\":[1],\"values\":[0,1,\"...\",182,183],\"elided\":2996}\n", limited);
        var (_, none, _) = Cli.Run("dump", path, "-f", "B", "--json", "--limit", "0");
        Assert.Equal("{\"format\":\"B\",\"shape\":[3000],\"strides\":[1],\"elided\":3000}\n", none);
        var (_, csv, _) = Cli.Run("dump", path, "-f", "B", "--csv", "-s", "30,100");
        Assert.Equal(3001, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.StartsWith("i0,i1,value\n0,0,0\n0,1,1\n", csv, StringComparison.Ordinal);
    }

    [Fact]
    public void Numpy_typestrs_are_formats_too()
    {
        string path = Cli.Doubles("typestr.bin", 1.5, -2);
        var (exit, output, _) = Cli.Run("dump", path, "-f", "f8", "--json");
        Assert.Equal(0, exit);
        Assert.EndsWith("\"values\":[1.5,-2.0]}\n", output, StringComparison.Ordinal);
        var (_, big, _) = Cli.Run("dump", path, "-f", ">i4", "--json", "-n", "1");
        Assert.StartsWith("{\"format\":\">i\"", big, StringComparison.Ordinal);
    }

    [Fact]
    public void Npy_files_and_npz_members_need_no_format()
    {
        string npy = Cli.File("header.npy", NpyBytes());
        var (exit, output, _) = Cli.Run("dump", npy, "--json");
        Assert.Equal(0, exit);
        Assert.Equal("{\"format\":\"i\",\"shape\":[2,2],\"strides\":[8,4],\"values\":[[1,2],[3,4]]}\n", output);
        var (rawExit, raw, _) = Cli.Run("dump", npy, "--format", "B", "--json", "--limit", "6");
        Assert.Equal(0, rawExit);
        Assert.StartsWith("{\"format\":\"B\",\"shape\":[144]", raw, StringComparison.Ordinal);
        Assert.Contains("\"values\":[147,78,85,", raw, StringComparison.Ordinal);
    }

    /// <summary>A .npy file of int32 [[1, 2], [3, 4]] written by this library (byte-identical to np.save).</summary>
    internal static byte[] NpyBytes()
    {
        using var stream = new MemoryStream();
        using var exporter = BufferProtocol.Exporters.NativeBuffer.Create<int>([2, 2]);
        using (var view = new BufferProtocol.Views.MemoryView(exporter))
        {
            view[0, 0] = 1;
            view[0, 1] = 2;
            view[1, 0] = 3;
            view[1, 1] = 4;
        }
        using var buffer = exporter.GetBuffer(BufferProtocol.Protocol.BufferRequest.FullRO);
        NpyFile.Write(stream, buffer);
        return stream.ToArray();
    }

    [Fact]
    public void A_huge_file_opens_instantly_because_it_is_mapped()
    {
        string path = Path.Combine(Cli.Scratch, "huge.bin");
        const long Size = 10L << 30;
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write))
        {
            stream.SetLength(Size); // sparse: nothing is written
            stream.Position = Size - 8;
            stream.Write(BitConverter.GetBytes(42.0));
        }
        try
        {
            var clock = Stopwatch.StartNew();
            var (exit, output, error) = Cli.Run("dump", path, "--format", "<d");
            clock.Stop();
            Assert.Equal("", error);
            Assert.Equal(0, exit);
            Assert.Contains("shape (1342177280,)", output, StringComparison.Ordinal);
            Assert.Contains("1342177279   42.0", output, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
            var (_, sliced, _) = Cli.Run("dump", path, "--format", "<d", "--shape", "-1,1024", "--slice", "-1, -3:", "--json");
            Assert.Equal("{\"format\":\"<d\",\"shape\":[3],\"strides\":[8],\"values\":[0.0,0.0,42.0]}\n", sliced);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Theory]
    [InlineData("missing", 1, "cannot open '{dir}/nope.bin': no such file", "dump", "{dir}/nope.bin", "-f", "d")]
    [InlineData("directory", 1, "'{dir}' is a directory, not a file", "dump", "{dir}", "-f", "d")]
    [InlineData("no format", 2, "is raw binary: give the item format with --format", "dump", "{file}")]
    [InlineData("bad format", 1, "invalid --format \"T{i\": 'T{' opened at position 0 is never closed with '}' (at position 3)\n    T{i\n       ^", "dump", "{file}", "-f", "T{i")]
    [InlineData("too big", 1, "the shape (5, 5) of \"d\" items (8 bytes each) needs 200 bytes from offset 0, but '{file}' has only 96 bytes there (96 bytes in all)", "dump", "{file}", "-f", "d", "-s", "5,5")]
    [InlineData("offset", 1, "needs 96 bytes from offset 8, but '{file}' has only 88 bytes there", "dump", "{file}", "-f", "d", "-s", "12", "-o", "8")]
    [InlineData("past end", 1, "--offset 1000 is past the end of '{file}' (96 bytes)", "dump", "{file}", "-f", "d", "-o", "1000")]
    [InlineData("bad shape", 1, "invalid --shape \"a,b\": 'a' is not an extent", "dump", "{file}", "-f", "d", "-s", "a,b")]
    [InlineData("two -1", 1, "only one extent can be -1", "dump", "{file}", "-f", "d", "-s", "-1,-1")]
    [InlineData("bad slice", 1, "invalid --slice \"5\" for shape (3, 4): index out of bounds on dimension 1", "dump", "{file}", "-f", "d", "-s", "3,4", "--slice", "5")]
    [InlineData("zero step", 1, "invalid --slice \"::0\" for shape (12,): slice step cannot be zero", "dump", "{file}", "-f", "d", "--slice", "::0")]
    [InlineData("slice text", 1, "invalid --slice \"x\" for shape (12,): invalid index 'x'", "dump", "{file}", "-f", "d", "--slice", "x")]
    [InlineData("bad order", 1, "invalid --order \"X\": expected C (row-major) or F", "dump", "{file}", "-f", "d", "--order", "X")]
    [InlineData("bad offset", 1, "invalid --offset \"-3\"", "dump", "{file}", "-f", "d", "--offset=-3")]
    [InlineData("json csv", 2, "--json and --csv cannot be combined", "dump", "{file}", "-f", "d", "--json", "--csv")]
    [InlineData("all limit", 2, "--all and --limit cannot be combined", "dump", "{file}", "-f", "d", "--all", "-n", "3")]
    [InlineData("bad limit", 2, "invalid --limit \"x\"", "dump", "{file}", "-f", "d", "-n", "x")]
    [InlineData("zero size", 1, "has items of 0 bytes: give every extent with --shape", "dump", "{file}", "-f", "0x")]
    [InlineData("unknown option", 2, "Unrecognized command or argument '--bogus'", "dump", "{file}", "-f", "d", "--bogus")]
    public void Bad_input_gets_a_message_and_an_exit_code(string name, int code, string message, params string[] args)
    {
        _ = name;
        string dir = Path.Combine(Cli.Scratch, "errors");
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, "twelve.bin");
        System.IO.File.WriteAllBytes(file, new byte[96]);
        var (exit, output, error) = Cli.Run([.. args.Select(a => a.Replace("{dir}", dir, StringComparison.Ordinal).Replace("{file}", file, StringComparison.Ordinal))]);
        Assert.Equal(code, exit);
        Assert.Equal("", output);
        Assert.Contains(message.Replace("{dir}", dir, StringComparison.Ordinal).Replace("{file}", file, StringComparison.Ordinal), error, StringComparison.Ordinal);
        Assert.StartsWith("bufview: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreadable_items_are_marked_and_reported()
    {
        string path = Cli.File("ucs4.bin", [0x41, 0, 0, 0, 0, 0, 0x11, 0]);
        var (exit, output, error) = Cli.Run("dump", path, "-f", "<w", "--json");
        Assert.Equal(1, exit);
        Assert.Equal("{\"format\":\"<w\",\"shape\":[2],\"strides\":[4],\"values\":[\"A\",null]}\n", output);
        Assert.Contains("1 item(s) could not be read", error, StringComparison.Ordinal);
        Assert.Contains("item [1]: the UCS-4 value 0x110000 is not a Unicode scalar value", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Parameter", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_terminal_gets_bordered_tables()
    {
        string path = Cli.Doubles("terminal.bin", 1, 2, 3, 4);
        var (exit, output, _) = Cli.Run(true, "dump", path, "-f", "d", "-s", "2,2");
        Assert.Equal(0, exit);
        Assert.Contains("╭", output, StringComparison.Ordinal);
        Assert.Contains("4.0", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_built_program_dumps_a_file()
    {
        string path = Cli.Doubles("program.bin", 0.1, 1e-5, 1e16);
        var (exit, output, error) = Cli.RunProgram("dump", path, "--format", "<d", "--json");
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Equal("{\"format\":\"<d\",\"shape\":[3],\"strides\":[8],\"values\":[0.1,1e-05,1e+16]}\n", output);
        var (badExit, _, badError) = Cli.RunProgram("dump", path, "--format", "<d", "--shape", "4");
        Assert.Equal(1, badExit);
        Assert.StartsWith("bufview: the shape (4,) of \"<d\" items (8 bytes each) needs 32 bytes", badError, StringComparison.Ordinal);
    }
}
