using System.Collections.Concurrent;
using System.Text.Json;

namespace BufferProtocol.Tests.Oracle;

/// <summary>
/// Loads oracle cases: JSON Lines files whose every line is one case <c>{"suite": ..., "id": ..., ...}</c>.
/// </summary>
/// <remarks>
/// Cases come from the committed vectors (<c>tests/oracle/vectors</c>, or the folder named by
/// <c>BUFFERPROTOCOL_VECTORS</c>) and from every <c>*.jsonl</c> file in the folder named by
/// <c>BUFFERPROTOCOL_EXTRA_CASES</c>. A runner asks for one suite; each case becomes its own theory row,
/// keyed <c>file:id</c> so that an extra case never hides a committed one.
/// </remarks>
public static class OracleCases
{
    private static readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, JsonElement>> Suites = new();

    /// <summary>The folder of committed vectors.</summary>
    public static string VectorsDirectory =>
        Environment.GetEnvironmentVariable("BUFFERPROTOCOL_VECTORS") is { Length: > 0 } dir
            ? dir
            : Path.Combine(RepoRoot, "tests", "oracle", "vectors");

    /// <summary>The repository root (the folder holding <c>BufferProtocol.sln</c>).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Theory data: one row per case key of <paramref name="suite"/>.</summary>
    public static TheoryData<string> Keys(string suite)
    {
        var data = new TheoryData<string>();
        foreach (var key in Load(suite).Keys)
        {
            data.Add(key);
        }
        return data;
    }

    /// <summary>The case stored under <paramref name="key"/> in <paramref name="suite"/>.</summary>
    public static JsonElement Get(string suite, string key) => Load(suite)[key];

    /// <summary>Every case of a suite, keyed <c>file:id</c>.</summary>
    public static IReadOnlyDictionary<string, JsonElement> Load(string suite) => Suites.GetOrAdd(suite, LoadSuite);

    private static IReadOnlyDictionary<string, JsonElement> LoadSuite(string suite)
    {
        var cases = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
        ReadFolder(VectorsDirectory, "", suite, cases);
        if (Environment.GetEnvironmentVariable("BUFFERPROTOCOL_EXTRA_CASES") is { Length: > 0 } extra)
        {
            if (!Directory.Exists(extra))
            {
                throw new DirectoryNotFoundException($"BUFFERPROTOCOL_EXTRA_CASES names a missing folder: {extra}");
            }
            ReadFolder(extra, "extra/", suite, cases);
        }
        return cases;
    }

    private static void ReadFolder(string folder, string prefix, string suite, SortedDictionary<string, JsonElement> into)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }
        foreach (var file in Directory.EnumerateFiles(folder, "*.jsonl").Order(StringComparer.Ordinal))
        {
            var lineNumber = 0;
            foreach (var line in File.ReadLines(file))
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }
                // Deep enough for tolist() of a 64-dimensional view (PyBUF_MAX_NDIM) inside a case.
                using var doc = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 256 });
                var root = doc.RootElement;
                if (!root.TryGetProperty("suite", out var s) || s.GetString() != suite)
                {
                    continue;
                }
                var id = root.TryGetProperty("id", out var idElement) ? idElement.ToString() : $"line{lineNumber}";
                var key = $"{prefix}{Path.GetFileName(file)}:{id}";
                if (!into.TryAdd(key, root.Clone()))
                {
                    throw new InvalidDataException($"duplicate case id '{id}' in {file}");
                }
            }
        }
    }

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
