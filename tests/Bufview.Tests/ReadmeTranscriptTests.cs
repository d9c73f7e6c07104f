using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using BufferProtocol.Exporters;
using BufferProtocol.Interop.Npy;
using BufferProtocol.Layout;

namespace BufferProtocol.Bufview.Tests;

/// <summary>
/// The README's <c>```console</c> blocks are bufview sessions: each <c>$ bufview ...</c> line is run in-process (plain
/// text, as when redirected) over the files the README describes, and what it prints must be the lines that follow.
/// </summary>
/// <remarks>
/// Keeps the README's bufview output from going stale as the commands evolve. The files are made here:
/// <c>grid.bin</c> holds the twelve little-endian doubles 0, 0.25, …, 2.75; <c>grid.npy</c> the same bytes as a
/// Fortran-ordered 4×3 array (what <c>np.save</c> writes for <c>(np.arange(12) * 0.25).reshape(3, 4).T</c>).
/// With <c>BUFFERPROTOCOL_UPDATE_README=1</c> (<c>scripts/update-readme.sh</c>) the blocks are rewritten instead.
/// </remarks>
public sealed partial class ReadmeTranscriptTests
{
    private readonly string _folder = Cli.TempDirectory();

    [Fact]
    public void Every_console_block_of_the_README_is_what_bufview_prints()
    {
        WriteFiles();
        var readmePath = Path.Combine(Cli.RepoRoot, "README.md");
        var lines = File.ReadAllText(readmePath).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var rewritten = new List<string>();
        var problems = new List<string>();
        int sessions = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            rewritten.Add(lines[i]);
            if (lines[i].Trim() != "```console")
            {
                continue;
            }
            int close = Array.FindIndex(lines, i + 1, l => l.Trim() == "```");
            Assert.True(close > i, $"README.md:{i + 1}: the console block is never closed");
            var shown = lines[(i + 1)..close];
            var actual = Transcript(shown.Where(l => l.StartsWith("$ ", StringComparison.Ordinal)));
            if (!shown.SequenceEqual(actual))
            {
                problems.Add($"README.md:{i + 1}: bufview prints\n{string.Join("\n", actual)}\n--- the README shows\n{string.Join("\n", shown)}");
            }
            rewritten.AddRange(actual);
            i = close - 1;
            sessions++;
        }
        Assert.True(sessions > 0, "README.md has no ```console block with a bufview session");
        if (problems.Count > 0 && Environment.GetEnvironmentVariable("BUFFERPROTOCOL_UPDATE_README") == "1")
        {
            File.WriteAllText(readmePath, string.Join("\n", rewritten), new UTF8Encoding(false));
            return;
        }
        Assert.True(problems.Count == 0, string.Join("\n\n", problems)
            + "\nRefresh README.md with scripts/update-readme.sh (the README shows bufview's output verbatim).");
    }

    /// <summary>Runs each <c>$ bufview ...</c> command and returns the session as the README would show it.</summary>
    private List<string> Transcript(IEnumerable<string> commands)
    {
        var session = new List<string>();
        foreach (var command in commands)
        {
            session.Add(command);
            var words = Words(command[2..]);
            Assert.True(words.Count > 0 && words[0] == "bufview", $"not a bufview command: {command}");
            var args = words.Skip(1).Select(w => FileName().IsMatch(w) ? Path.Combine(_folder, w) : w).ToArray();
            var (exit, output, error) = Cli.Run(args);
            var text = (output + error).Replace(_folder + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);
            session.AddRange(text.TrimEnd('\n').Split('\n').Select(l => l.TrimEnd()));
            if (exit != 0)
            {
                session.Add($"(exit code {exit})");
            }
        }
        return session;
    }

    /// <summary>A file the session reads or writes (<c>grid.bin</c>, <c>out.npy</c>, <c>a.npz:name</c>): it lives in the scratch folder.</summary>
    [GeneratedRegex(@"^[\w-]+\.(bin|npy|npz)(:\w+)?$")]
    private static partial Regex FileName();

    /// <summary>Splits a command line as a POSIX shell would for these examples: words, "double" or 'single' quotes.</summary>
    private static List<string> Words(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        foreach (char c in line)
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (c == ' ')
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return words;
    }

    private void WriteFiles()
    {
        var values = Enumerable.Range(0, 12).Select(i => i * 0.25).ToArray();
        var bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        File.WriteAllBytes(Path.Combine(_folder, "grid.bin"), bytes);
        using var grid = NativeBuffer.Create("<d", BufferLayout.Contiguous(8, [4, 3], ContiguityOrder.Fortran), 0, bytes.Length, contents: bytes);
        NpyFile.Save(Path.Combine(_folder, "grid.npy"), grid);
    }
}
