using System.Text.Json;
using BufferProtocol.Bufview.Conversion;
using BufferProtocol.Interop.Npy;
using BufferProtocol.Tests.Oracle;

namespace BufferProtocol.Bufview.Tests;

/// <summary>
/// <c>bufview convert</c>: the <c>bufview-convert</c> oracle suite (raw ⇄ .npy, C ⇄ Fortran, byte orders and format
/// conversions byte-identical to NumPy's <c>np.save</c> / <c>astype</c>), large files in blocks, atomic output, errors.
/// </summary>
public class ConvertCommandTests
{
    public static TheoryData<string> OracleKeys => OracleCases.Keys("bufview-convert");

    [Theory]
    [MemberData(nameof(OracleKeys))]
    public void Output_is_byte_identical_to_numpy(string key)
    {
        JsonElement c = OracleCases.Get("bufview-convert", key);
        string dir = Path.Combine(Cli.Scratch, "convert-" + DumpCommandTests.SafeName(key));
        Directory.CreateDirectory(dir);
        string input = Path.Combine(dir, c.GetProperty("input_name").GetString()!); // in.npz:x names a member
        string inputFile = input.Contains(".npz:", StringComparison.Ordinal) ? input[..input.LastIndexOf(':')] : input;
        string output = Path.Combine(dir, c.GetProperty("output_name").GetString()!);
        File.WriteAllBytes(inputFile, Convert.FromHexString(c.GetProperty("input").GetString()!));
        string[] args = [.. c.GetProperty("args").EnumerateArray().Select(a => a.GetString()!)];
        var (exit, stdout, error) = Cli.Run(["convert", input, output, .. args]);
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.StartsWith(output + ": ", stdout, StringComparison.Ordinal);
        Assert.Equal(c.GetProperty("expected").GetString(), Convert.ToHexStringLower(File.ReadAllBytes(output)));
        Assert.Equal([Path.GetFileName(inputFile), Path.GetFileName(output)], Directory.GetFiles(dir).Select(Path.GetFileName).Order());
    }

    private static string Dir(string name)
    {
        string dir = Path.Combine(Cli.Scratch, name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Fact]
    public void Round_trips_raw_npy_fortran_and_byte_order()
    {
        string dir = Dir("round-trip");
        double[] values = [.. Enumerable.Range(0, 12).Select(i => i / 8.0)];
        string raw = Path.Combine(dir, "a.bin");
        File.WriteAllBytes(raw, [.. values.SelectMany(BitConverter.GetBytes)]);
        Assert.Equal(0, Cli.Run("convert", raw, Path.Combine(dir, "a.npy"), "-f", "<d", "-s", "3,4", "-q").Exit);
        Assert.Equal(0, Cli.Run("convert", Path.Combine(dir, "a.npy"), Path.Combine(dir, "f.npy"), "--to-order", "F", "-q").Exit);
        Assert.Equal(0, Cli.Run("convert", Path.Combine(dir, "f.npy"), Path.Combine(dir, "big.npy"), "--to-format", ">f8", "-q").Exit);
        Assert.Equal(0, Cli.Run("convert", Path.Combine(dir, "big.npy"), Path.Combine(dir, "back.bin"), "--to-format", "<d", "--to-order", "C", "-q").Exit);
        Assert.Equal(File.ReadAllBytes(raw), File.ReadAllBytes(Path.Combine(dir, "back.bin")));
        var (_, json, _) = Cli.Run("dump", Path.Combine(dir, "big.npy"), "--json");
        Assert.Equal("{\"format\":\">d\",\"shape\":[3,4],\"strides\":[8,24],\"values\":[[0.0,0.125,0.25,0.375],[0.5,0.625,0.75,0.875],[1.0,1.125,1.25,1.375]]}\n", json);
    }

    [Fact]
    public void Convert_in_place_replaces_the_file_only_when_done()
    {
        string dir = Dir("in-place");
        string path = Path.Combine(dir, "x.npy");
        string raw = Path.Combine(dir, "x.bin");
        File.WriteAllBytes(raw, [.. Enumerable.Range(0, 6).SelectMany(i => BitConverter.GetBytes(i))]);
        Assert.Equal(0, Cli.Run("convert", raw, path, "-f", "<i", "-q").Exit);
        var (exit, _, error) = Cli.Run("convert", path, path, "--to-format", ">i", "-q");
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Equal("{\"format\":\">i\",\"shape\":[6],\"strides\":[4],\"values\":[0,1,2,3,4,5]}\n", Cli.Run("dump", path, "--json").Out);
        Assert.Equal(["x.bin", "x.npy"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_failed_conversion_leaves_no_output_and_keeps_an_existing_file()
    {
        string dir = Dir("failed");
        string raw = Path.Combine(dir, "in.bin");
        File.WriteAllBytes(raw, [.. new[] { 1.5, 1e10, -2.0 }.SelectMany(BitConverter.GetBytes)]);
        string output = Path.Combine(dir, "out.npy");
        var (exit, stdout, error) = Cli.Run("convert", raw, output, "-f", "<d", "--to-format", "<i");
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.Equal("bufview: cannot convert item 1 (in output order) from \"<d\" to \"<i\": 10000000000.0 does not fit in \"<i\" (4-byte integer)\n", error);
        Assert.Equal(["in.bin"], Directory.GetFiles(dir).Select(Path.GetFileName));

        File.WriteAllText(output, "keep me");
        (exit, _, error) = Cli.Run("convert", raw, output, "-f", "<d", "--to-format", "B");
        Assert.Equal(1, exit);
        Assert.Contains("1.5", Cli.Run("dump", raw, "-f", "<d").Out, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(output));
        Assert.Equal(2, Directory.GetFiles(dir).Length);
    }

    [Fact]
    public void Conversions_follow_numpy_astype_for_values_that_fit()
    {
        string dir = Dir("astype");
        string raw = Path.Combine(dir, "in.bin");
        File.WriteAllBytes(raw, [.. new[] { 2.7, -2.7, 0.0, double.NaN, double.PositiveInfinity, 1e300 }.SelectMany(BitConverter.GetBytes)]);
        string output = Path.Combine(dir, "out.bin");
        Assert.Equal(0, Cli.Run("convert", raw, output, "-f", "<d", "-s", "3", "--to-format", "<i", "-q").Exit);
        Assert.Equal("{\"format\":\"<i\",\"shape\":[3],\"strides\":[4],\"values\":[2,-2,0]}\n", Cli.Run("dump", output, "-f", "<i", "--json").Out);
        Assert.Equal(0, Cli.Run("convert", raw, output, "-f", "<d", "--to-format", "<f", "-q").Exit);
        Assert.EndsWith("\"values\":[2.700000047683716,-2.700000047683716,0.0,\"NaN\",\"Infinity\",\"Infinity\"]}\n", Cli.Run("dump", output, "-f", "<f", "--json").Out, StringComparison.Ordinal);
        Assert.Equal(0, Cli.Run("convert", raw, output, "-f", "<d", "--to-format", "?", "-q").Exit);
        Assert.EndsWith("\"values\":[true,true,false,true,true,true]}\n", Cli.Run("dump", output, "-f", "?", "--json").Out, StringComparison.Ordinal);
        var (exit, _, error) = Cli.Run("convert", raw, output, "-f", "<d", "--to-format", "<q");
        Assert.Equal(1, exit);
        Assert.Contains("item 3 (in output order) from \"<d\" to \"<q\": nan does not fit in \"<q\"", error, StringComparison.Ordinal);
        (exit, _, error) = Cli.Run("convert", raw, output, "-f", "<Zd", "--to-format", "<d");
        Assert.Equal(1, exit);
        Assert.Contains("cannot convert complex \"<Zd\" items to \"<d\": the imaginary parts would be lost", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Large_files_are_converted_a_block_at_a_time()
    {
        string dir = Dir("large");
        string raw = Path.Combine(dir, "large.bin");
        const int Rows = 3000, Columns = 1500; // 36 MB of doubles: several 16 MiB blocks, rows cut in groups
        var bytes = new byte[Rows * Columns * 8];
        var doubles = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(bytes.AsSpan());
        for (int i = 0; i < doubles.Length; i++)
        {
            doubles[i] = i;
        }
        File.WriteAllBytes(raw, bytes);
        string fortran = Path.Combine(dir, "large-f.npy");
        var (exit, _, error) = Cli.Run("convert", raw, fortran, "-f", "<d", "-s", $"{Rows},{Columns}", "--to-order", "F", "--to-format", ">f4", "-q");
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        byte[] written = File.ReadAllBytes(fortran);
        Assert.Equal(128 + Rows * Columns * 4, written.Length);
        var rng = new Random(7);
        for (int probe = 0; probe < 1000; probe++)
        {
            int i = rng.Next(Rows), j = rng.Next(Columns);
            float value = System.Buffers.Binary.BinaryPrimitives.ReadSingleBigEndian(written.AsSpan(128 + (j * Rows + i) * 4));
            Assert.Equal((float)(i * Columns + j), value);
        }
        string strided = Path.Combine(dir, "strided.bin");
        (exit, _, _) = Cli.Run("convert", fortran, strided, "--slice", "::-7, 1::3", "--to-order", "C", "-q");
        Assert.Equal(0, exit);
        byte[] part = File.ReadAllBytes(strided);
        int partRows = (Rows + 6) / 7, partColumns = (Columns - 1 + 2) / 3;
        Assert.Equal(partRows * partColumns * 4, part.Length);
        for (int probe = 0; probe < 1000; probe++)
        {
            int r = rng.Next(partRows), c = rng.Next(partColumns);
            int i = Rows - 1 - 7 * r, j = 1 + 3 * c;
            Assert.Equal((float)(i * Columns + j), System.Buffers.Binary.BinaryPrimitives.ReadSingleBigEndian(part.AsSpan((r * partColumns + c) * 4)));
        }
    }

    [Fact]
    public void A_terminal_shows_a_progress_bar_for_large_outputs_and_quiet_hides_it()
    {
        string dir = Dir("progress");
        string raw = Path.Combine(dir, "p.bin");
        File.WriteAllBytes(raw, new byte[1 << 20]);
        long saved = ConvertCommand.ProgressThreshold;
        ConvertCommand.ProgressThreshold = 1 << 10;
        try
        {
            var (exit, output, _) = Cli.Run(true, "convert", raw, Path.Combine(dir, "p.npy"), "-f", "<d");
            Assert.Equal(0, exit);
            Assert.Contains("100%", output, StringComparison.Ordinal);
            (exit, output, _) = Cli.Run(true, "convert", raw, Path.Combine(dir, "q.npy"), "-f", "<d", "--quiet");
            Assert.Equal(0, exit);
            Assert.Equal("", output);
            (exit, output, _) = Cli.Run(false, "convert", raw, Path.Combine(dir, "r.npy"), "-f", "<d");
            Assert.Equal(0, exit);
            Assert.DoesNotContain("%", output, StringComparison.Ordinal);
        }
        finally
        {
            ConvertCommand.ProgressThreshold = saved;
        }
    }

    [Fact]
    public void Json_summarises_the_conversion()
    {
        string dir = Dir("json");
        string raw = Path.Combine(dir, "j.bin");
        File.WriteAllBytes(raw, new byte[48]);
        var (exit, output, _) = Cli.Run("convert", raw, Path.Combine(dir, "j.npy"), "-f", "<i", "-s", "3,4", "--to-format", ">i", "--to-order", "F", "--json");
        Assert.Equal(0, exit);
        JsonElement json = Cli.Json(output);
        Assert.Equal("raw", json.GetProperty("input").GetProperty("kind").GetString());
        Assert.Equal(">i", json.GetProperty("output").GetProperty("format").GetString());
        Assert.Equal("F", json.GetProperty("output").GetProperty("order").GetString());
        Assert.Equal(128, json.GetProperty("output").GetProperty("header_length").GetInt32());
        Assert.Equal("byte swap", json.GetProperty("output").GetProperty("conversion").GetString());
    }

    [Fact]
    public void Npz_output_is_named_after_the_input_and_deflated_on_request()
    {
        string dir = Dir("npz");
        string raw = Path.Combine(dir, "values.bin");
        File.WriteAllBytes(raw, [.. Enumerable.Range(0, 12).SelectMany(i => BitConverter.GetBytes(i / 4.0))]);
        string expected = Values(Cli.Run("dump", raw, "-f", "<d", "-s", "3,4", "--json").Out);

        string stored = Path.Combine(dir, "s.npz");
        var (exit, output, error) = Cli.Run("convert", raw, stored, "-f", "<d", "-s", "3,4");
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.StartsWith(stored + ": .npz member 'values', \"<d\", shape (3, 4), C order", output, StringComparison.Ordinal);
        string deflated = Path.Combine(dir, "d.npz");
        (exit, output, _) = Cli.Run("convert", stored + ":values", deflated, "--compress", "--json");
        Assert.Equal(0, exit);
        JsonElement json = Cli.Json(output).GetProperty("output");
        Assert.Equal("npz", json.GetProperty("kind").GetString());
        Assert.Equal("values", json.GetProperty("member").GetString()); // the input member's name
        Assert.True(json.GetProperty("compressed").GetBoolean());

        NpzArchive archive = NpzArchive.Open(stored);
        Assert.Equal("values", Assert.Single(archive.Names));
        Assert.True(archive.IsStored("values"));
        archive = NpzArchive.Open(deflated);
        Assert.Equal("values", Assert.Single(archive.Names));
        Assert.False(archive.IsStored("values"));
        Assert.Equal(expected, Values(Cli.Run("dump", stored + ":values", "--json").Out));
        Assert.Equal(expected, Values(Cli.Run("dump", deflated, "--member", "values", "--json").Out));
        Assert.Equal(["d.npz", "s.npz", "values.bin"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());
    }

    private static string Values(string dumpJson) => Cli.Json(dumpJson).GetProperty("values").GetRawText();

    [Fact]
    public void The_built_program_converts_and_inspects()
    {
        string dir = Dir("program");
        string raw = Path.Combine(dir, "p.bin");
        File.WriteAllBytes(raw, [.. Enumerable.Range(0, 6).SelectMany(i => BitConverter.GetBytes((short)i))]);
        string npy = Path.Combine(dir, "p.npy");
        var (exit, output, error) = Cli.RunProgram("convert", raw, npy, "--format", "<h", "--shape", "2,3", "--to-order", "F", "--to-format", ">i4");
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.StartsWith(npy + ": .npy, \">i\", shape (2, 3), Fortran order", output, StringComparison.Ordinal);
        (exit, output, error) = Cli.RunProgram("inspect", npy, "--json");
        Assert.Equal(0, exit);
        JsonElement json = Cli.Json(output);
        Assert.True(json.GetProperty("header").GetProperty("fortran_order").GetBoolean());
        Assert.Equal("[[0,1,2],[3,4,5]]", json.GetProperty("values").GetRawText());
        (exit, _, error) = Cli.RunProgram("convert", raw, npy, "--format", "<h", "--to-format", "T{");
        Assert.Equal(1, exit);
        Assert.StartsWith("bufview: invalid --to-format \"T{\"", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, "is raw binary: give the item format with --format", "convert", "{raw}", "{dir}/o.npy")]
    [InlineData(1, "cannot open '{dir}/none.bin': no such file", "convert", "{dir}/none.bin", "{dir}/o.npy", "-f", "d")]
    [InlineData(1, "cannot write '{dir}/no/o.npy': the folder '{dir}/no' does not exist", "convert", "{raw}", "{dir}/no/o.npy", "-f", "d")]
    [InlineData(1, "cannot write '{dir}': it is a directory", "convert", "{raw}", "{dir}", "-f", "d")]
    [InlineData(1, "invalid --to-format \"T{\"", "convert", "{raw}", "{dir}/o.npy", "-f", "d", "--to-format", "T{")]
    [InlineData(1, "\"P\" items cannot be written to a .npy file", "convert", "{raw}", "{dir}/o.npy", "-f", "P")]
    [InlineData(2, "invalid --to \"zip\": expected raw, npy or npz", "convert", "{raw}", "{dir}/o.npy", "-f", "d", "--to", "zip")]
    [InlineData(2, "invalid --from \"npz\": name the member as FILE.npz:NAME or with --member", "convert", "{raw}", "{dir}/o.npz", "--from", "npz")]
    [InlineData(2, "--name and --compress describe a .npz output", "convert", "{raw}", "{dir}/o.npy", "-f", "d", "--name", "x")]
    [InlineData(2, "--name and --compress describe a .npz output", "convert", "{raw}", "{dir}/o.bin", "-f", "d", "-z")]
    [InlineData(1, "cannot name the array 'a/b' in '{dir}/o.npz': the array name 'a/b' is empty or holds '/'", "convert", "{raw}", "{dir}/o.npz", "-f", "d", "--name", "a/b")]
    [InlineData(1, "cannot name the array '' in '{dir}/o.npz'", "convert", "{raw}", "{dir}/o.npz", "-f", "d", "--name", "")]
    [InlineData(1, "\"P\" items cannot be written to a .npy file", "convert", "{raw}", "{dir}/o.npz", "-f", "P")]
    [InlineData(1, "is not a .npy file: it does not start with NumPy's magic", "convert", "{raw}", "{dir}/o.npy", "--from", "npy")]
    [InlineData(1, "invalid --to-order \"Z\"", "convert", "{raw}", "{dir}/o.npy", "-f", "d", "--to-order", "Z")]
    [InlineData(1, "needs 800 bytes from offset 0, but", "convert", "{raw}", "{dir}/o.npy", "-f", "d", "-s", "100")]
    [InlineData(1, "cannot convert item 0 (in output order) from \"3s\" to \"<i\"", "convert", "{raw}", "{dir}/o.npy", "-f", "3s", "--to-format", "<i")]
    public void Bad_input_gets_a_message_an_exit_code_and_no_output(int code, string message, params string[] args)
    {
        string dir = Dir("convert-errors-" + Guid.NewGuid().ToString("N")[..6]);
        string raw = Path.Combine(dir, "in.bin");
        File.WriteAllBytes(raw, new byte[96]);
        var (exit, output, error) = Cli.Run([.. args.Select(a => a.Replace("{dir}", dir, StringComparison.Ordinal).Replace("{raw}", raw, StringComparison.Ordinal))]);
        Assert.Equal(code, exit);
        Assert.Equal("", output);
        Assert.StartsWith("bufview: ", error, StringComparison.Ordinal);
        Assert.Contains(message.Replace("{dir}", dir, StringComparison.Ordinal), error, StringComparison.Ordinal);
        Assert.Equal(["in.bin"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }
}
