using System.Text;

namespace BufferProtocol.Tests.Readme;

/// <summary>
/// Keeps the README's C# examples identical to code that compiles and runs. Examples are regions of the example
/// files (<see cref="SourceFiles"/>) between <c>// begin-snippet: name</c> and <c>// end-snippet</c>; a name may have
/// several regions (a type and the code using it), shown as one block. In the README each example is a
/// <c>```csharp</c> block right after an <c>&lt;!-- snippet: name --&gt;</c> marker, optionally followed by a
/// <c>```text</c> block with what it prints.
/// </summary>
/// <remarks>
/// Why not a scripting package: the repository allows no Roslyn scripting dependency, and compiling the examples as
/// part of a test project gives the same warnings-as-errors build as the library. Linked into the Python test
/// project, which runs the examples that need an interpreter.
/// </remarks>
internal static class ReadmeSnippets
{
    /// <summary>Set to 1 to rewrite the README from the examples instead of failing (<c>scripts/update-readme.sh</c>).</summary>
    public const string UpdateVariable = "BUFFERPROTOCOL_UPDATE_README";

    private const string Begin = "// begin-snippet:";
    private const string End = "// end-snippet";
    private const string Marker = "<!-- snippet:";

    /// <summary>The example files, relative to the repository root.</summary>
    public static readonly string[] SourceFiles =
    [
        "tests/BufferProtocol.Tests/Readme/ReadmeExamples.cs",
        "tests/BufferProtocol.Python.Tests/Readme/ReadmePythonExamples.cs",
    ];

    /// <summary>How to fix a mismatch; every failure message ends with it.</summary>
    public const string HowToRefresh =
        "Edit the example (the README shows its code and output verbatim), then refresh README.md with scripts/update-readme.sh.";

    /// <summary>The repository root (the folder holding <c>BufferProtocol.sln</c>).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The README's path.</summary>
    public static string ReadmePath => Path.Combine(RepoRoot, "README.md");

    /// <summary>True when the tests should rewrite the README instead of failing.</summary>
    public static bool UpdateMode => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    /// <summary>Every snippet of every example file, by name.</summary>
    public static IReadOnlyDictionary<string, string> AllSnippets()
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in SourceFiles)
        {
            foreach (var (name, text) in Extract(File.ReadAllText(Path.Combine(RepoRoot, file)), file))
            {
                if (!all.TryAdd(name, text))
                {
                    throw new InvalidDataException($"snippet '{name}' is defined in two example files");
                }
            }
        }
        return all;
    }

    /// <summary>
    /// The snippets of one source file: each region's lines without the common indentation, the regions of one
    /// name joined by an empty line.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Extract(string source, string fileName)
    {
        var regions = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var lines = SplitLines(source);
        string? open = null;
        var current = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].Trim();
            if (trimmed.StartsWith(Begin, StringComparison.Ordinal))
            {
                if (open is not null)
                {
                    throw new InvalidDataException($"{fileName}:{i + 1}: snippet '{open}' is not ended before the next begins");
                }
                open = trimmed[Begin.Length..].Trim();
                current.Clear();
            }
            else if (trimmed.StartsWith(End, StringComparison.Ordinal))
            {
                if (open is null)
                {
                    throw new InvalidDataException($"{fileName}:{i + 1}: end-snippet without begin-snippet");
                }
                if (!regions.TryGetValue(open, out var list))
                {
                    regions[open] = list = [];
                }
                list.Add(Dedent(current));
                open = null;
            }
            else if (open is not null)
            {
                current.Add(lines[i]);
            }
        }
        if (open is not null)
        {
            throw new InvalidDataException($"{fileName}: snippet '{open}' is never ended");
        }
        return regions.ToDictionary(r => r.Key, r => string.Join("\n\n", r.Value), StringComparer.Ordinal);
    }

    /// <summary>A snippet block of the README: its name, code and (when shown) output, with their line ranges.</summary>
    /// <param name="Name">The snippet name in the marker.</param>
    /// <param name="Code">The code between the fences.</param>
    /// <param name="CodeStart">Index of the line after the opening <c>```csharp</c> fence.</param>
    /// <param name="CodeEnd">Index of the closing fence.</param>
    /// <param name="Output">The output block's text, or null when none follows.</param>
    /// <param name="OutputStart">Index of the output's opening fence, or -1.</param>
    /// <param name="OutputEnd">Index of the output's closing fence, or -1.</param>
    public sealed record Block(string Name, string Code, int CodeStart, int CodeEnd, string? Output, int OutputStart, int OutputEnd);

    /// <summary>The README's snippet blocks in order; also reports C# blocks that carry no marker.</summary>
    public static List<Block> ReadBlocks(string readme, out List<string> unmarked)
    {
        var lines = SplitLines(readme);
        var blocks = new List<Block>();
        unmarked = [];
        string? pendingName = null;
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith(Marker, StringComparison.Ordinal) && line.EndsWith("-->", StringComparison.Ordinal))
            {
                pendingName = line[Marker.Length..^3].Trim();
                continue;
            }
            if (line.StartsWith("```", StringComparison.Ordinal) && line.Length > 3)
            {
                int close = ClosingFence(lines, i);
                if (line == "```csharp")
                {
                    if (pendingName is null)
                    {
                        unmarked.Add($"README.md:{i + 1}: {FirstLine(lines, i + 1, close)}");
                    }
                    else
                    {
                        blocks.Add(ReadBlock(lines, pendingName, i, close));
                    }
                }
                pendingName = null;
                i = close;
                continue;
            }
            if (line.Length > 0)
            {
                pendingName = null;
            }
        }
        return blocks;
    }

    /// <summary>
    /// The README with each named block's code replaced by <paramref name="code"/>(name) and its output block
    /// replaced, added or removed according to <paramref name="output"/>(name) (null: leave the block as it is;
    /// empty: no output block).
    /// </summary>
    public static string Rewrite(string readme, Func<string, string?> code, Func<string, string?> output)
    {
        var lines = SplitLines(readme).ToList();
        var blocks = ReadBlocks(readme, out _);
        // Last block first, so the line indices of the earlier ones stay valid.
        for (int b = blocks.Count - 1; b >= 0; b--)
        {
            var block = blocks[b];
            var newOutput = output(block.Name);
            if (newOutput is not null)
            {
                if (block.OutputStart >= 0)
                {
                    lines.RemoveRange(block.CodeEnd + 1, block.OutputEnd - block.CodeEnd);
                }
                if (newOutput.Length > 0)
                {
                    lines.InsertRange(block.CodeEnd + 1, ["", "```text", .. SplitLines(newOutput), "```"]);
                }
            }
            if (code(block.Name) is { } newCode)
            {
                lines.RemoveRange(block.CodeStart, block.CodeEnd - block.CodeStart);
                lines.InsertRange(block.CodeStart, SplitLines(newCode));
            }
        }
        return string.Join("\n", lines);
    }

    /// <summary>Rewrites the README file in place (see <see cref="Rewrite"/>), holding it exclusively meanwhile.</summary>
    public static void RewriteFile(Func<string, string?> code, Func<string, string?> output)
    {
        // Two test processes may refresh at once (dotnet test of the whole solution): the exclusive open serialises them.
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                using var stream = new FileStream(ReadmePath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                string text;
                using (var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true))
                {
                    text = reader.ReadToEnd();
                }
                var rewritten = Rewrite(text, code, output);
                if (rewritten != text)
                {
                    stream.SetLength(0);
                    var bytes = new UTF8Encoding(false).GetBytes(rewritten);
                    stream.Write(bytes);
                }
                return;
            }
            catch (IOException) when (attempt < 50)
            {
                Thread.Sleep(100);
            }
        }
    }

    /// <summary>Text as compared with the README: <c>\n</c> line ends, no trailing whitespace on lines or at the end.</summary>
    public static string Normalize(string text) =>
        string.Join("\n", SplitLines(text).Select(l => l.TrimEnd())).TrimEnd('\n');

    private static Block ReadBlock(string[] lines, string name, int open, int close)
    {
        var code = string.Join("\n", lines[(open + 1)..close]);
        int next = close + 1;
        while (next < lines.Length && lines[next].Trim().Length == 0)
        {
            next++;
        }
        if (next < lines.Length && lines[next].Trim() == "```text")
        {
            int outputClose = ClosingFence(lines, next);
            return new Block(name, code, open + 1, close, string.Join("\n", lines[(next + 1)..outputClose]), next, outputClose);
        }
        return new Block(name, code, open + 1, close, null, -1, -1);
    }

    private static int ClosingFence(string[] lines, int open)
    {
        for (int j = open + 1; j < lines.Length; j++)
        {
            if (lines[j].Trim() == "```")
            {
                return j;
            }
        }
        throw new InvalidDataException($"README.md:{open + 1}: the code block is never closed");
    }

    private static string FirstLine(string[] lines, int from, int to) => from < to ? lines[from].Trim() : "(empty block)";

    private static string Dedent(List<string> lines)
    {
        int indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..].TrimEnd() : l.Trim())).Trim('\n');
    }

    private static string[] SplitLines(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BufferProtocol.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("cannot find the repository root (BufferProtocol.sln) above " + AppContext.BaseDirectory);
    }
}
