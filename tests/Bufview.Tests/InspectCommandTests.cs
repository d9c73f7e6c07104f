using System.IO.Compression;
using System.Text.Json;
using BufferProtocol.Exporters;
using BufferProtocol.Interop.Npy;
using BufferProtocol.Protocol;
using BufferProtocol.Views;

namespace BufferProtocol.Bufview.Tests;

/// <summary><c>bufview inspect</c>: .npy headers, .npz listings and members, <c>--layout</c> pictures, <c>--json</c>, errors.</summary>
public class InspectCommandTests
{
    private static byte[] Npy(Action<MemoryView> fill, string format, params nint[] shape)
    {
        var layout = BufferProtocol.Layout.BufferLayout.Contiguous(BufferProtocol.Formats.BufferFormat.Parse(format).ItemSize, shape);
        using var exporter = NativeBuffer.Create(format, layout, 0, layout.Length);
        using (var view = new MemoryView(exporter))
        {
            fill(view);
        }
        using var stream = new MemoryStream();
        using var buffer = exporter.GetBuffer(BufferRequest.FullRO);
        NpyFile.Write(stream, buffer);
        return stream.ToArray();
    }

    private static byte[] Doubles2x3() => Npy(v =>
    {
        for (nint i = 0; i < 2; i++)
        {
            for (nint j = 0; j < 3; j++)
            {
                v[i, j] = (double)(i * 3 + j);
            }
        }
    }, "<d", 2, 3);

    private static string Archive(string name, bool deflate)
    {
        string path = Path.Combine(Cli.Scratch, name);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var (member, bytes) in new[] { ("a", Doubles2x3()), ("b", DumpCommandTests.NpyBytes()) })
            {
                var entry = zip.CreateEntry(member + ".npy", deflate ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
                using var stream = entry.Open();
                stream.Write(bytes);
            }
        }
        return path;
    }

    [Fact]
    public void A_npy_file_shows_header_array_and_values()
    {
        string path = Cli.File("inspect.npy", Doubles2x3());
        var (exit, output, error) = Cli.Run("inspect", path);
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Contains("(.npy file, 176 bytes)", output, StringComparison.Ordinal);
        Assert.Contains("  version        1.0\n", output, StringComparison.Ordinal);
        Assert.Contains("  header length  118 bytes (the data starts at byte 128)\n", output, StringComparison.Ordinal);
        Assert.Contains("  descr          '<f8'\n", output, StringComparison.Ordinal);
        Assert.Contains("  fortran_order  False\n", output, StringComparison.Ordinal);
        Assert.Contains("  header text    {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }\n", output, StringComparison.Ordinal);
        Assert.Contains("  format    \"d\" (PEP 3118)\n", output, StringComparison.Ordinal);
        Assert.Contains("  strides   (24, 8)\n", output, StringComparison.Ordinal);
        Assert.Contains("  data      48 bytes from byte 128\n", output, StringComparison.Ordinal);
        Assert.Contains("  1  3.0  4.0  5.0\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Layout_draws_the_bytes_of_each_item_and_the_stride_walk()
    {
        string path = Cli.File("layout.npy", Doubles2x3());
        var (exit, output, _) = Cli.Run("inspect", path, "--layout");
        Assert.Equal(0, exit);
        Assert.Contains(
            "    offset 0       8       16      24      32      40\n" +
            "    bytes  AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n" +
            "    item   0,0     0,1     0,2     1,0     1,1     1,2\n", output, StringComparison.Ordinal);
        Assert.Contains("     0       2     +24      3  [0,0]@0 → [1,0]@24\n", output, StringComparison.Ordinal);
        Assert.Contains("     1       3      +8      1  [0,0]@0 → [0,1]@8 → [0,2]@16\n", output, StringComparison.Ordinal);
        Assert.Contains("  item [i, j] starts at byte 128 + 24·i + 8·j of the file\n", output, StringComparison.Ordinal);

        var (_, sliced, _) = Cli.Run("inspect", path, "--layout", "--slice", ":, ::-2");
        Assert.Contains("    bytes  AAAAAAAA········AAAAAAAAAAAAAAAA········AAAAAAAA\n", sliced, StringComparison.Ordinal);
        Assert.Contains("    item   0,1             0,0     1,1             1,0\n", sliced, StringComparison.Ordinal);
        Assert.Contains("  item [i, j] starts at byte 144 + 24·i - 16·j of the file\n", sliced, StringComparison.Ordinal);
    }

    [Fact]
    public void Layout_marks_record_fields_and_padding()
    {
        string path = Cli.File("padded.bin", new byte[24]);
        var (exit, output, _) = Cli.Run("inspect", path, "-f", "T{b:a:3xi:b:}", "--layout");
        Assert.Equal(0, exit);
        Assert.Contains("    bytes  A...BBBBA...BBBBA...BBBB\n", output, StringComparison.Ordinal);
        Assert.Contains("  B  b               4     4  i\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_gives_header_layout_and_a_preview()
    {
        string path = Cli.File("inspect-json.npy", Doubles2x3());
        var (exit, output, _) = Cli.Run("inspect", path, "--json", "--slice", "1");
        Assert.Equal(0, exit);
        JsonElement json = Cli.Json(output);
        Assert.Equal("d", json.GetProperty("format").GetString());
        Assert.Equal("npy", json.GetProperty("kind").GetString());
        Assert.Equal("'<f8'", json.GetProperty("header").GetProperty("descr").GetString());
        Assert.False(json.GetProperty("header").GetProperty("fortran_order").GetBoolean());
        Assert.Equal([2, 3], json.GetProperty("header").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(128, json.GetProperty("data_offset").GetInt32());
        Assert.Equal(152, json.GetProperty("offset").GetInt32());
        Assert.Equal("[3]", json.GetProperty("shape").GetRawText());
        Assert.Equal("[3.0,4.0,5.0]", json.GetProperty("values").GetRawText());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Npz_archives_list_their_arrays_and_open_a_member(bool deflate)
    {
        string path = Archive(deflate ? "deflated.npz" : "stored.npz", deflate);
        var (exit, output, _) = Cli.Run("inspect", path);
        Assert.Equal(0, exit);
        Assert.Contains("(.npz archive, 2 arrays,", output, StringComparison.Ordinal);
        Assert.Contains($"  a     \"d\"     (2, 3)  C      {(deflate ? "deflated" : "stored ")}     48  '<f8'", output, StringComparison.Ordinal);
        var (_, json, _) = Cli.Run("inspect", path, "--json");
        JsonElement members = Cli.Json(json).GetProperty("members");
        Assert.Equal(["a", "b"], members.EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        Assert.Equal(deflate, members[0].GetProperty("compressed").GetBoolean());

        var (memberExit, member, _) = Cli.Run("inspect", path + ":b", "--json");
        Assert.Equal(0, memberExit);
        Assert.Equal("[[1,2],[3,4]]", Cli.Json(member).GetProperty("values").GetRawText());
        var (_, option, _) = Cli.Run("inspect", path, "--member", "a", "--slice", "::-1, 0");
        Assert.Contains("      0    3.0\n      1    0.0\n", option, StringComparison.Ordinal);
        var (dumpExit, dump, _) = Cli.Run("dump", path + ":a", "--csv");
        Assert.Equal(0, dumpExit);
        Assert.StartsWith("i0,i1,value\n0,0,0.0\n", dump, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_files_get_a_message_and_exit_code_1()
    {
        string bad = Cli.File("bad.npy", [0x93, .. "NUMPY"u8, 1, 0, 16, 0, .. "{garbage}      \n"u8]);
        var (exit, output, error) = Cli.Run("inspect", bad);
        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.StartsWith($"bufview: '{bad}' is not a valid .npy file or .npz archive: ", error, StringComparison.Ordinal);

        byte[] full = Doubles2x3();
        string truncated = Cli.File("truncated.npy", full[..^5]);
        (exit, _, error) = Cli.Run("inspect", truncated);
        Assert.Equal(1, exit);
        Assert.Contains("the .npy file holds 43 data bytes but its header announces 48", error, StringComparison.Ordinal);

        string archive = Archive("members.npz", deflate: false);
        (exit, _, error) = Cli.Run("inspect", archive + ":nope");
        Assert.Equal(1, exit);
        Assert.Contains("has no array 'nope' (it has: a, b)", error, StringComparison.Ordinal);
        (exit, _, error) = Cli.Run("dump", archive);
        Assert.Equal(2, exit);
        Assert.Contains("is a .npz archive: name one of its arrays", error, StringComparison.Ordinal);
        (exit, _, error) = Cli.Run("inspect", Cli.File("raw.bin", new byte[8]));
        Assert.Equal(2, exit);
        Assert.Contains("is raw binary: give the item format with --format", error, StringComparison.Ordinal);
        (exit, _, error) = Cli.Run("inspect", Cli.File("shape.npy", full), "--shape", "3");
        Assert.Equal(2, exit);
        Assert.Contains("--shape describes raw binary, but", error, StringComparison.Ordinal);
    }
}
