using System.Text.Json;
using BufferProtocol.Tests.Oracle;

namespace BufferProtocol.Bufview.Tests;

/// <summary>
/// Hundreds of random command lines — valid and invalid formats, shapes, offsets, slices, files, option mixes — must
/// each end with exit code 0, 1 or 2 and at most one-line messages: never an internal error (3) or a stack trace.
/// </summary>
public class FuzzTests
{
    private static readonly string[] Formats = LoadFormats();

    private static string[] LoadFormats()
    {
        var oracle = File.ReadLines(Path.Combine(OracleCases.VectorsDirectory, "formats.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("format").GetString()!)
            .Where(f => f.Length < 60);
        return [.. oracle.Take(400), "<d", "f8", "i4", "<f8", ">i2", "|S5", "<U3", "O", "w", "0x", "", "T{", "(", "3", "@", "x", "c", "?", "g", "Zg", "2w", "P", "&i"];
    }

    private static readonly string[] Shapes = ["", "3", "3,4", "-1", "-1,2", "0", "0,0", "()", "(2,)", "2x3", "1,1,1,1", "-1,-1", "a", "99999999999999999999", "9223372036854775807,2", "-2", "1,", ",", "[2]", " 4 ", "1e3"];

    private static readonly string[] Slices = ["", "::-1", "1:3, ::-1", "0", "-1", "...", "..., 0", "None", "None, None", "5", "-100", "::0", "1:2:3:4", "a", ":,:,:,:,:", "0, 0, 0", "1:", "::2, ::2", ",", "...,...", "9223372036854775807", "-9223372036854775808:"];

    private static readonly string[] Offsets = ["0", "1", "7", "0x10", "100000", "-1", "x", "9223372036854775807", ""];

    [Fact]
    public void Random_command_lines_never_crash()
    {
        string dir = Path.Combine(Cli.Scratch, "fuzz");
        Directory.CreateDirectory(dir);
        var rng = new Random(3118);
        var files = new List<string>
        {
            Cli.File("fuzz-empty.bin", []),
            Cli.File("fuzz-small.bin", [.. Enumerable.Range(0, 97).Select(i => (byte)(i * 37))]),
            Cli.File("fuzz-npy.npy", DumpCommandTests.NpyBytes()),
            Cli.File("fuzz-badnpy.npy", [0x93, .. "NUMPY"u8, 1, 0, 255, 255]),
            Cli.File("fuzz-zip.npz", [.. "PK"u8, 3, 4, 0, 0, 0]),
            Path.Combine(dir, "missing.bin"),
            dir,
            "",
        };
        var random = new byte[4096];
        rng.NextBytes(random);
        files.Add(Cli.File("fuzz-random.bin", random));
        string[] commands = ["dump", "inspect", "convert", "dump", "inspect", "convert", "layout", "bogus"];
        string[] outputs = [Path.Combine(dir, "out.npy"), Path.Combine(dir, "out.bin"), Path.Combine(dir, "out.npz"), dir, Path.Combine(dir, "no", "x.npy"), "", files[2]];
        int failures = 0;
        var problems = new List<string>();
        for (int run = 0; run < 600; run++)
        {
            var args = new List<string> { Pick(rng, commands) };
            if (args[0] != "layout" || rng.Next(2) == 0)
            {
                args.Add(Pick(rng, files) + (rng.Next(12) == 0 ? ":a" : ""));
            }
            if (args[0] == "convert")
            {
                args.Add(Pick(rng, outputs));
                foreach (var (option, values) in new[] { ("--to-format", Formats), ("--to-order", ["C", "F", "x"]), ("--from", ["raw", "npy", "npz", "zip"]), ("--to", ["raw", "npy", "npz", "x"]), ("--name", ["a", "", "a/b"]) })
                {
                    if (rng.Next(3) == 0)
                    {
                        args.AddRange([option, Pick(rng, values)]);
                    }
                }
            }
            if (rng.Next(4) != 0)
            {
                args.AddRange(["--format", Pick(rng, Formats)]);
            }
            if (rng.Next(2) == 0)
            {
                args.Add("--shape=" + Pick(rng, Shapes));
            }
            if (rng.Next(4) == 0)
            {
                args.Add("--offset=" + Pick(rng, Offsets));
            }
            if (rng.Next(3) == 0)
            {
                args.AddRange(["--slice", Pick(rng, Slices)]);
            }
            if (rng.Next(5) == 0)
            {
                args.AddRange(["--order", Pick(rng, ["C", "F", "f", "x"])]);
            }
            foreach (string flag in new[] { "--json", "--csv", "--all", "--layout", "--limit=3", "--limit=0", "--limit=-1", "--member=a", "--bogus", "--quiet" })
            {
                if (rng.Next(7) == 0)
                {
                    args.Add(flag);
                }
            }
            var (exit, _, error) = Cli.Run(rng.Next(5) == 0, [.. args]);
            if (exit is < 0 or > 2 || error.Contains("   at ", StringComparison.Ordinal) || error.Contains("internal error", StringComparison.Ordinal))
            {
                failures++;
                problems.Add($"exit {exit}: bufview {string.Join(' ', args.Select(a => "'" + a + "'"))}\n{error}");
            }
            else if (exit != 0 && !(args[0] == "layout" && args.Contains("--json")) && !error.StartsWith("bufview: ", StringComparison.Ordinal) && !error.Contains("Unrecognized", StringComparison.Ordinal) && !error.Contains("Required", StringComparison.Ordinal))
            {
                failures++;
                problems.Add($"exit {exit} without a bufview message: bufview {string.Join(' ', args)}\n{error}");
            }
        }
        Assert.True(failures == 0, string.Join("\n\n", problems.Take(10)));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp", SearchOption.AllDirectories).Concat(Directory.GetFiles(Cli.Scratch, ".*.tmp")));
    }

    private static T Pick<T>(Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];
}
