using System.Diagnostics;
using System.Text;
using System.Text.Json;
using BufferProtocol.Tests.Readme;
using Python.Runtime;

namespace BufferProtocol.Python.Tests;

/// <summary>
/// Python hosts .NET: Debian's <c>/usr/bin/python3</c> in a child process loads .NET and pythonnet with
/// <c>tests/python-host/bp_clr_host.py</c> (the steps of <c>pythonnet.load("coreclr")</c>, done with ctypes), then
/// <c>import clr</c> and this library, as a user would. The child gets this test's output folder, which holds the
/// library's assemblies (and a copy of <c>Python.Runtime.dll</c>, which must not be loaded a second time).
/// </summary>
/// <remarks>
/// Not in the <see cref="PythonCollection"/>: nothing here uses the interpreter embedded in the test process. Skipped
/// with the reason when Python or NumPy is missing; a failure under <c>CI=true</c>.
/// </remarks>
public sealed class PythonHostsDotNetTests
{
    /// <summary>A safety net for a child that hangs (a deadlock would otherwise stall the run), not a timing check.</summary>
    private static readonly TimeSpan s_hangLimit = TimeSpan.FromMinutes(5);

    private static readonly string s_hostFolder = Path.Combine(ReadmeSnippets.RepoRoot, "tests", "python-host");

    private static string Interpreter =>
        Environment.GetEnvironmentVariable("BUFFERPROTOCOL_PYTHON") is { Length: > 0 } path ? path : "/usr/bin/python3";

    private static readonly Lazy<string?> s_unavailable = new(FindWhyUnavailable);

    [SkippableFact]
    public void The_round_trip_script_sees_the_same_memory_on_both_sides_and_every_release()
    {
        EnsureAvailable();
        var (exitCode, stdout, stderr) = RunPython(Path.Combine(s_hostFolder, "hosted_roundtrip.py"), AppContext.BaseDirectory);
        var context = $"exit code {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}";
        Assert.True(exitCode == 0, context);
        var resultLine = stdout.Split('\n').SingleOrDefault(line => line.StartsWith("RESULT ", StringComparison.Ordinal));
        Assert.True(resultLine is not null, "no RESULT line\n" + context);
        // The shutdown with exports still alive (pythonnet's atexit unload, then finalisation) finished.
        Assert.Equal("EXITED CLEANLY", stdout.TrimEnd().Split('\n')[^1]);
        using var json = JsonDocument.Parse(resultLine!["RESULT ".Length..]);
        var r = json.RootElement;

        // Start-up: the interpreter was running already, and pythonnet's assembly is the one load() loaded.
        Assert.False(r.GetProperty("initialize_started_python").GetBoolean());
        var runtimes = r.GetProperty("python_runtime_locations").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Single(runtimes);
        var version = typeof(PythonEngine).Assembly.GetName().Version!;
        Assert.Contains(Path.Combine("pythonnet", version.ToString(3)), runtimes[0], StringComparison.OrdinalIgnoreCase);
        Assert.Equal(version.ToString(), r.GetProperty("python_runtime_version").GetString());

        // .NET double[] → NumPy: one export while NumPy holds it, same address, writes both ways, back to baseline.
        var before = r.GetProperty("array_exports_before").GetInt32();
        Assert.Equal("bufferprotocol.NetBuffer", r.GetProperty("array_type").GetString());
        Assert.Equal("float64", r.GetProperty("array_dtype").GetString());
        Assert.Equal([1000], Ints(r, "array_shape"));
        Assert.True(r.GetProperty("array_writable").GetBoolean());
        Assert.Equal(before + 1, r.GetProperty("array_exports_while_numpy_holds").GetInt32());
        Assert.Equal(r.GetProperty("array_numpy_address").GetInt64(), r.GetProperty("array_net_address").GetInt64());
        Assert.Equal([1.5, 1.5, -2.0], Doubles(r, "array_net_sees"));   // NumPy wrote 1.5 everywhere, .NET -2.0 at 7
        Assert.Equal([1.5, -2.0], Doubles(r, "array_numpy_sees"));
        Assert.Equal(before, r.GetProperty("array_exports_after").GetInt32());

        // NativeBuffer → NumPy: unmanaged memory, same address, NumPy's and .NET's writes in one block.
        Assert.Equal("uint8", r.GetProperty("native_dtype").GetString());
        Assert.Equal(1, r.GetProperty("native_exports_while_numpy_holds").GetInt32());
        Assert.Equal(r.GetProperty("native_numpy_address").GetInt64(), r.GetProperty("native_net_address").GetInt64());
        int[] expectedBytes = [.. Enumerable.Range(0, 16).Select(i => i == 5 ? 200 : i * 3)];
        Assert.Equal(expectedBytes, Ints(r, "native_net_sees"));
        Assert.Equal(expectedBytes, Ints(r, "native_numpy_sees"));
        Assert.Equal(0, r.GetProperty("native_exports_after").GetInt32());

        // NumPy → .NET: the strided ndarray in place, its values, one reference while held, none after.
        Assert.Equal("d", r.GetProperty("acquire_format").GetString());
        Assert.Equal(r.GetProperty("acquire_numpy_layout").GetString(), r.GetProperty("acquire_layout").GetString());
        Assert.Equal(r.GetProperty("acquire_numpy_address").GetInt64(), r.GetProperty("acquire_net_address").GetInt64());
        Assert.Equal(r.GetProperty("acquire_numpy_values").GetRawText(), r.GetProperty("acquire_net_values").GetRawText());
        Assert.True(r.GetProperty("acquire_released").GetBoolean());
        Assert.Equal(r.GetProperty("acquire_refs_delta_while_held").GetInt32() - 1, r.GetProperty("acquire_refs_delta_after_release").GetInt32());
        Assert.Equal(0, r.GetProperty("acquire_refs_delta_after_collect").GetInt32());
        Assert.Equal([1.0, 2.0, 3.0, 4.0], Doubles(r, "writable_numpy_sees"));

        // Release: the bytearray's export is held, then gone, whichever way .NET let go.
        Assert.False(r.GetProperty("bytearray_resizable_while_held").GetBoolean());
        Assert.True(r.GetProperty("bytearray_resizable_after_dispose").GetBoolean());
        Assert.Equal("abcdefgh"u8.ToArray().Select(b => (int)b), Ints(r, "bytearray_memoryview_bytes"));
        Assert.False(r.GetProperty("bytearray_resizable_while_memoryview").GetBoolean());
        Assert.True(r.GetProperty("bytearray_resizable_after_memoryview").GetBoolean());
        Assert.False(r.GetProperty("bytearray_resizable_while_leaked").GetBoolean());
        Assert.True(r.GetProperty("bytearray_resizable_after_finalizer").GetBoolean());

        // Four Python threads: no error, each export seen once while held, every iteration ran.
        Assert.Empty(r.GetProperty("threads_errors").EnumerateArray());
        Assert.Equal([1], Ints(r, "threads_export_counts"));
        Assert.Equal(4 * 50, r.GetProperty("threads_iterations").GetInt32());
    }

    [SkippableFact]
    public void Python_uses_the_array_overloads_and_gets_what_numpy_and_memoryview_answer()
    {
        EnsureAvailable();
        var (exitCode, stdout, stderr) = RunPython(Path.Combine(s_hostFolder, "hosted_api.py"), AppContext.BaseDirectory);
        var context = $"exit code {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}";
        Assert.True(exitCode == 0, context);
        var resultLine = stdout.Split('\n').SingleOrDefault(line => line.StartsWith("RESULT ", StringComparison.Ordinal));
        Assert.True(resultLine is not null, "no RESULT line\n" + context);
        using var json = JsonDocument.Parse(resultLine!["RESULT ".Length..]);
        var errors = json.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.True(errors.Length == 0, "calls that raised:\n" + string.Join("\n", errors));

        // Each check is [what .NET answered, what NumPy or memoryview answered on the same memory].
        var checks = json.RootElement.GetProperty("checks").EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        foreach (var (name, pair) in checks)
        {
            Assert.True(pair.GetArrayLength() == 2, name);
            Assert.True(pair[0].GetRawText() == pair[1].GetRawText(), $"{name}: .NET {pair[0].GetRawText()}, oracle {pair[1].GetRawText()}");
        }
        // The script ran every part: a shaped NativeBuffer, a layout from lists, tuple indexing and assignment, slices,
        // casts, copies, and Python ints as item values.
        string[] parts = ["grid address", "acquired shape", "acquired strides", "fortran strides", "strided strides",
            "FromContiguous bytes", "index tuple", "assign list key", "assign int key", "int out of range", "slice strides",
            "cast with shape", "reshape", "permute", "ToArray F"];
        Assert.All(parts, part => Assert.True(checks.ContainsKey(part), $"no check {part}"));
        Assert.Equal("ArgumentException", checks["int out of range"][0].GetString());
        Assert.Equal([3, 4], checks["acquired shape"][0].EnumerateArray().Select(e => e.GetInt32()));
    }

    [SkippableFact]
    public void The_example_in_docs_python_md_prints_what_the_docs_show()
    {
        EnsureAvailable();
        var docs = File.ReadAllText(Path.Combine(ReadmeSnippets.RepoRoot, "docs", "python.md")).ReplaceLineEndings("\n");
        var (example, expected) = HostedExample(docs);
        const string load = "from pythonnet import load\nload(\"coreclr\")";
        const string dlls = "\"/path/to/published/dlls\"";
        Assert.True(example.Contains(load, StringComparison.Ordinal) && example.Contains(dlls, StringComparison.Ordinal),
            $"the example no longer has the lines this test replaces: {load} and {dlls}");
        var script = example
            .Replace(load, $"import sys; sys.path.insert(0, {JsonSerializer.Serialize(s_hostFolder)})\nimport bp_clr_host; bp_clr_host.load()", StringComparison.Ordinal)
            .Replace(dlls, JsonSerializer.Serialize(AppContext.BaseDirectory), StringComparison.Ordinal);
        var folder = Directory.CreateTempSubdirectory("bp-hosted-example-");
        try
        {
            var path = Path.Combine(folder.FullName, "example.py");
            File.WriteAllText(path, script);
            var (exitCode, stdout, stderr) = RunPython(path);
            Assert.True(exitCode == 0, $"exit code {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}");
            Assert.Equal(expected, stdout.ReplaceLineEndings("\n"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The <c>```python</c> block after the <c>hosted-example</c> marker and the <c>```text</c> block after it.</summary>
    private static (string Example, string Output) HostedExample(string docs)
    {
        var marker = docs.IndexOf("<!-- hosted-example", StringComparison.Ordinal);
        Assert.True(marker >= 0, "docs/python.md has no <!-- hosted-example --> marker");
        var example = FencedBlock(docs, "```python\n", marker, out var end);
        var output = FencedBlock(docs, "```text\n", end, out _);
        return (example, output);
    }

    private static string FencedBlock(string text, string opening, int from, out int end)
    {
        var start = text.IndexOf(opening, from, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no {opening.Trim()} block after offset {from} of docs/python.md");
        start += opening.Length;
        end = text.IndexOf("```", start, StringComparison.Ordinal);
        return text[start..end];
    }

    private static int[] Ints(JsonElement r, string name) => [.. r.GetProperty(name).EnumerateArray().Select(e => e.GetInt32())];

    private static double[] Doubles(JsonElement r, string name) => [.. r.GetProperty(name).EnumerateArray().Select(e => e.GetDouble())];

    private static void EnsureAvailable()
    {
        if (s_unavailable.Value is not { } reason)
        {
            return;
        }
        if (PythonFixture.IsCI)
        {
            throw new InvalidOperationException("CI=true requires Python 3.11 with NumPy for the hosted tests: " + reason);
        }
        Skip.If(true, "Python with NumPy is not available: " + reason);
    }

    private static string? FindWhyUnavailable()
    {
        if (!File.Exists(Interpreter))
        {
            return $"{Interpreter} does not exist";
        }
        var (exitCode, _, stderr) = RunPython("-c", "import ctypes, numpy");
        return exitCode == 0 ? null : $"{Interpreter} cannot import numpy: {stderr.Trim()}";
    }

    private static (int ExitCode, string Stdout, string Stderr) RunPython(params string[] arguments)
    {
        var start = new ProcessStartInfo(Interpreter, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = Path.GetTempPath(),
        };
        // No __pycache__ beside the scripts in the working tree.
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_hangLimit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"python3 {string.Join(' ', arguments)} did not finish within {s_hangLimit}\nstdout:\n{stdout.Result}\nstderr:\n{stderr.Result}");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
