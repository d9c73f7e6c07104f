using System.Diagnostics;
using System.Text.Json;
using BufferProtocol.Formats;

namespace BufferProtocol.Bufview.Tests;

/// <summary>
/// <c>bufview layout</c>, run in-process (and once as the built program): the <c>--json</c> objects against the oracle
/// (CPython's <c>struct</c> offsets for struct formats, NumPy's dtype fields for <c>T{...}</c>), error objects with
/// the parser's position, exit codes, and the human output (table, byte picture, C# struct) as plain text.
/// </summary>
public class LayoutCommandTests
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        int exit = BufviewApp.Run(args, output, error, terminal: false);
        return (exit, output.ToString(), error.ToString());
    }

    private static JsonElement[] JsonLines(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];

    [Fact]
    public void The_readme_example_prints_a_layout_of_each_format()
    {
        var (exit, output, error) = Run("layout", "T{<d:x:<d:y:}", "(3,3)f", "=bhlq");
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.DoesNotContain("\u001b[", output, StringComparison.Ordinal);
        Assert.Contains("format \"T{<d:x:<d:y:}\"", output, StringComparison.Ordinal);
        Assert.Contains("itemsize 16, alignment 1", output, StringComparison.Ordinal);
        Assert.Contains("itemsize 36, alignment 4", output, StringComparison.Ordinal);
        Assert.Contains("itemsize 15, alignment 1", output, StringComparison.Ordinal);
        Assert.Contains("AAAAAAAA BBBBBBBB", output, StringComparison.Ordinal);
        Assert.Contains("[StructLayout(LayoutKind.Explicit, Size = 16)]", output, StringComparison.Ordinal);
        Assert.Contains("[FieldOffset(8)] public double y;", output, StringComparison.Ordinal);
        Assert.Contains("fixed float f0[9]; // (3,3)", output, StringComparison.Ordinal);
        Assert.Contains("[FieldOffset(7)] public long f3;", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_gives_one_object_per_format_in_the_documented_shape()
    {
        var (exit, output, _) = Run("layout", "--json", "T{<d:x:<d:y:}", "(3,3)f", "=bhlq", "T{i:a:", "xi");
        Assert.Equal(1, exit);
        JsonElement[] lines = JsonLines(output);
        Assert.Equal(5, lines.Length);
        Assert.Equal(
            """{"format":"T{<d:x:<d:y:}","itemsize":16,"alignment":1,"fields":[{"name":"x","offset":0,"size":8,"format":"<d","shape":null},{"name":"y","offset":8,"size":8,"format":"<d","shape":null}]}""",
            output.Split('\n')[0]);
        Assert.Equal(
            """{"format":"(3,3)f","itemsize":36,"alignment":4,"fields":[{"name":null,"offset":0,"size":36,"format":"f","shape":[3,3]}]}""",
            output.Split('\n')[1]);
        Assert.Equal([0, 1, 3, 7], lines[2].GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("offset").GetInt32()));
        Assert.Equal("T{i:a:", lines[3].GetProperty("format").GetString());
        Assert.Equal(6, lines[3].GetProperty("position").GetInt32());
        Assert.False(string.IsNullOrEmpty(lines[3].GetProperty("error").GetString()));
        Assert.Equal(["x", "i"], lines[4].GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("format").GetString()));
    }

    [Fact]
    public void Json_agrees_with_struct_and_numpy_on_every_oracle_format()
    {
        var cases = File.ReadLines(Path.Combine(RepoRoot, "tests", "oracle", "vectors", "formats.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToArray();
        string[] formats = [.. cases.Select(c => c.GetProperty("format").GetString()!)];
        var (exit, output, _) = Run(["layout", "--json", "--", .. formats]);
        JsonElement[] lines = JsonLines(output);
        Assert.Equal(formats.Length, lines.Length);
        bool anyInvalid = false;
        int structChecked = 0, numpyChecked = 0;
        for (int i = 0; i < cases.Length; i++)
        {
            JsonElement c = cases[i], line = lines[i];
            string format = formats[i];
            Assert.Equal(format, line.GetProperty("format").GetString());
            if (!BufferFormat.TryParse(format, out BufferFormat? parsed))
            {
                anyInvalid = true;
                var e = Assert.Throws<BufferFormatException>(() => BufferFormat.Parse(format));
                Assert.Equal(e.Position, line.GetProperty("position").GetInt32());
                Assert.Equal(e.Problem, line.GetProperty("error").GetString());
                continue;
            }
            Assert.Equal(parsed.ItemSize, line.GetProperty("itemsize").GetInt64());
            JsonElement[] fields = [.. line.GetProperty("fields").EnumerateArray()];
            if (c.GetProperty("struct").TryGetProperty("ok", out JsonElement size) && c.GetProperty("struct_items").ValueKind == JsonValueKind.Array)
            {
                // Every top-level item is a field, at struct's offset with struct's size.
                Assert.Equal(size.GetInt64(), line.GetProperty("itemsize").GetInt64());
                JsonElement[] items = [.. c.GetProperty("struct_items").EnumerateArray()];
                Assert.Equal(items.Select(it => (it.GetProperty("offset").GetInt64(), it.GetProperty("size").GetInt64())),
                    fields.Select(f => (f.GetProperty("offset").GetInt64(), f.GetProperty("size").GetInt64())));
                structChecked++;
            }
            else if (format.StartsWith("T{", StringComparison.Ordinal) && parsed.Root is RecordType { IsStruct: true } &&
                     c.GetProperty("numpy_quirk").ValueKind == JsonValueKind.Null &&
                     c.GetProperty("numpy").TryGetProperty("ok", out JsonElement dtype) && dtype.TryGetProperty("fields", out JsonElement numpyFields))
            {
                // The members of a top-level struct, at NumPy's offsets (NumPy drops unnamed padding members).
                Assert.Equal(dtype.GetProperty("itemsize").GetInt64(), line.GetProperty("itemsize").GetInt64());
                Assert.Equal(numpyFields.EnumerateArray().Select(f => f.GetProperty("offset").GetInt64()),
                    fields.Where(f => !(f.GetProperty("format").GetString()!.EndsWith('x') && f.GetProperty("name").ValueKind == JsonValueKind.Null))
                        .Select(f => f.GetProperty("offset").GetInt64()));
                numpyChecked++;
            }
        }
        Assert.Equal(anyInvalid ? 1 : 0, exit);
        Assert.True(structChecked > 500, $"only {structChecked} struct formats compared");
        Assert.True(numpyChecked > 50, $"only {numpyChecked} NumPy structs compared");
    }

    [Fact]
    public void Invalid_formats_are_reported_with_position_and_a_non_zero_exit()
    {
        var (exit, output, error) = Run("layout", "i", "T{i", "3");
        Assert.Equal(1, exit);
        Assert.Contains("itemsize 4", output, StringComparison.Ordinal);
        Assert.Contains("bufview: invalid format \"T{i\"", error, StringComparison.Ordinal);
        Assert.Contains("(at position 3)", error, StringComparison.Ordinal);
        Assert.Contains("    T{i\n       ^", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("layout")]
    [InlineData("nonsense")]
    [InlineData("layout --bogus i")]
    public void Usage_errors_exit_with_2(string commandLine)
    {
        var (exit, _, error) = Run(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(2, exit);
        Assert.NotEqual("", error);
    }

    [Fact]
    public void Formats_starting_with_at_are_not_response_files()
    {
        var (exit, output, _) = Run("layout", "--json", "@i", "@ci");
        Assert.Equal(0, exit);
        Assert.Equal(8, JsonLines(output)[1].GetProperty("itemsize").GetInt32());
    }

    [Fact]
    public void Pictures_mark_padding_and_alignment_gaps()
    {
        var (_, output, _) = Run("layout", "T{b:a:3xi:b:}", "ci", "T{d:a:b:b:}");
        Assert.Contains("A...BBBB", output, StringComparison.Ordinal);
        Assert.Contains("A---BBBB", output, StringComparison.Ordinal);
        Assert.Contains("AAAAAAAA B-------", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_terminal_gets_tables_and_colours()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = BufviewApp.Run(["layout", "T{<d:x:<d:y:}", "=bhlq"], output, error, terminal: true);
        Assert.Equal(0, exit);
        Assert.Contains("╭", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("\u001b[", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("public struct Item", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Large_items_are_summarised()
    {
        var (exit, output, _) = Run("layout", "(1000,1000)d", "2000i");
        Assert.Equal(0, exit);
        Assert.Contains("… 7999488 more bytes", output, StringComparison.Ordinal);
        Assert.Contains("fixed int f0[2000]", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Csharp_declarations_cover_nested_structs_sub_arrays_and_byte_order()
    {
        string declaration = Layout.CSharpDeclaration.Write(BufferFormat.Parse("T{>i:id:(2)T{e:h:Zd:z:}:pts:4s:tag:w:c:}"));
        Assert.Contains("[FieldOffset(0)] public int id; // big-endian", declaration, StringComparison.Ordinal);
        Assert.Contains("public Item_pts_Array pts; // (2)", declaration, StringComparison.Ordinal);
        Assert.Contains("[InlineArray(2)]", declaration, StringComparison.Ordinal);
        Assert.Contains("public struct Item_pts", declaration, StringComparison.Ordinal);
        Assert.Contains("public System.Numerics.Complex z;", declaration, StringComparison.Ordinal);
        Assert.Contains("fixed byte tag[4]; // char[4] (s)", declaration, StringComparison.Ordinal);
        Assert.Contains("public System.Text.Rune c;", declaration, StringComparison.Ordinal);
    }

    [Fact]
    public void Shape_adds_a_picture_of_an_array_and_its_strides()
    {
        var (exit, output, _) = Run("layout", "T{<h:x:<h:y:}", "--shape", "2,3", "--order", "F");
        Assert.Equal(0, exit);
        Assert.Contains("  an array of shape (2, 3) in Fortran order: strides (4, 8), 24 bytes\n", output, StringComparison.Ordinal);
        Assert.Contains("    bytes  AABBAABBAABBAABBAABBAABB\n    item   0,0 1,0 0,1 1,1 0,2 1,2\n", output, StringComparison.Ordinal);
        Assert.Contains("  item [i, j] starts at byte 0 + 4·i + 8·j of the data\n", output, StringComparison.Ordinal);
        var (_, json, _) = Run("layout", "--json", "<i", "-s", "2,3");
        Assert.EndsWith(",\"shape\":[2,3],\"strides\":[12,4]}\n", json, StringComparison.Ordinal);
        Assert.Equal(1, Run("layout", "i", "--shape", "-1,3").Exit);
        Assert.Equal(2, Run("layout", "i", "--order", "F").Exit);
    }

    [Fact]
    public void The_built_program_runs_the_layout_command()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "bufview.dll");
        Assert.True(File.Exists(dll), $"bufview.dll is not next to the tests ({AppContext.BaseDirectory})");
        var start = new ProcessStartInfo("dotnet", ["exec", dll, "layout", "--json", "=bhlq", "T{"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000));
        Assert.Equal(1, process.ExitCode);
        Assert.Equal("", error);
        JsonElement[] lines = JsonLines(output);
        Assert.Equal(15, lines[0].GetProperty("itemsize").GetInt32());
        Assert.Equal(2, lines[1].GetProperty("position").GetInt32());
    }

    private static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BufferProtocol.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("cannot find the repository root above " + AppContext.BaseDirectory);
    }
}
