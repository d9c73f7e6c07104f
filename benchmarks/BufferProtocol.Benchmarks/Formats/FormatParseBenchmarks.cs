using BenchmarkDotNet.Attributes;
using BufferProtocol.Formats;

namespace BufferProtocol.Benchmarks.Formats;

/// <summary>
/// Parse + item size for the 20 representative formats of <c>benchmarks/compare/formats.tsv</c>: uncached (the
/// parser itself), through <see cref="BufferFormat.Parse(string)"/>'s cache, and <see cref="BufferFormat.SizeFromFormat"/>
/// for the formats <c>struct</c> accepts. <c>benchmarks/compare/formats.py</c> puts the results next to CPython's
/// <c>struct</c> and NumPy's <c>_dtype_from_pep3118</c>.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project benchmarks/BufferProtocol.Benchmarks -- --filter '*FormatParse*' --exporters json</c>.</remarks>
[MemoryDiagnoser]
public class FormatParseBenchmarks
{
    /// <summary>The cases, named as in the TSV file.</summary>
    public static IEnumerable<FormatCase> Cases => FormatCase.Load();

    /// <summary>The case being measured.</summary>
    [ParamsSource(nameof(Cases))]
    public FormatCase Case { get; set; } = null!;

    /// <summary>Parses without the cache and reads the item size.</summary>
    [Benchmark(Baseline = true)]
    public nint ParseUncached()
    {
        BufferFormat.TryCreate(Case.Format, out BufferFormat? format, out _, out _);
        return format!.ItemSize;
    }

    /// <summary><see cref="BufferFormat.Parse(string)"/> as exporters and views call it (a cache hit after the first call).</summary>
    [Benchmark]
    public nint ParseCached() => BufferFormat.Parse(Case.Format).ItemSize;

    /// <summary><c>PyBuffer_SizeFromFormat</c> (struct grammar only; -1 for the others).</summary>
    [Benchmark]
    public nint SizeFromFormat() => Case.IsStruct ? BufferFormat.SizeFromFormat(Case.Format) : -1;
}

/// <summary>One benchmark format: a short name (shown by BenchmarkDotNet) and the text.</summary>
public sealed class FormatCase(string name, string format)
{
    /// <summary>The short name.</summary>
    public string Name { get; } = name;

    /// <summary>The format text.</summary>
    public string Format { get; } = format;

    /// <summary>True when CPython's struct module accepts the text.</summary>
    public bool IsStruct { get; } = BufferFormat.Parse(format).IsStructCompatible;

    /// <summary>The name (BenchmarkDotNet's parameter column).</summary>
    public override string ToString() => Name;

    /// <summary>Reads <c>benchmarks/compare/formats.tsv</c> (found by walking up from the running assembly).</summary>
    public static IEnumerable<FormatCase> Load()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string path = Path.Combine(dir.FullName, "benchmarks", "compare", "formats.tsv");
            if (File.Exists(path))
            {
                return [.. File.ReadAllLines(path)
                    .Where(line => line.Length > 0 && line[0] != '#')
                    .Select(line => line.Split('\t'))
                    .Select(parts => new FormatCase(parts[0], parts[1]))];
            }
        }
        throw new FileNotFoundException("benchmarks/compare/formats.tsv not found above " + AppContext.BaseDirectory);
    }
}
