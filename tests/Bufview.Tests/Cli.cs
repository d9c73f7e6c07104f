using System.Diagnostics;
using System.Text.Json;

namespace BufferProtocol.Bufview.Tests;

/// <summary>Runs <c>bufview</c> in-process (or as the built program) and makes scratch files.</summary>
internal static class Cli
{
    /// <summary>Runs the command line in-process with plain (redirected) output.</summary>
    public static (int Exit, string Out, string Err) Run(params string[] args) => Run(false, args);

    /// <summary>Runs the command line in-process; <paramref name="terminal"/> selects tables and colours.</summary>
    public static (int Exit, string Out, string Err) Run(bool terminal, params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        int exit = BufviewApp.Run(args, output, error, terminal);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Runs the built <c>bufview.dll</c> with <c>dotnet exec</c>.</summary>
    public static (int Exit, string Out, string Err) RunProgram(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "bufview.dll");
        Assert.True(System.IO.File.Exists(dll), $"bufview.dll is not next to the tests ({AppContext.BaseDirectory})");
        var start = new ProcessStartInfo("dotnet", ["exec", dll, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "bufview did not finish in 2 minutes");
        return (process.ExitCode, stdout.Result, stderr);
    }

    public static JsonElement Json(string text) => JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 256 }).RootElement.Clone();

    /// <summary>A fresh scratch folder (deleted at exit).</summary>
    public static string TempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "bufview-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return dir;
    }

    /// <summary>Writes bytes to a new file in a scratch folder.</summary>
    public static string File(string name, byte[] bytes)
    {
        string path = Path.Combine(Scratch, name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Writes doubles (little-endian) to a new file.</summary>
    public static string Doubles(string name, params double[] values) =>
        File(name, [.. values.SelectMany(BitConverter.GetBytes)]);

    public static string Scratch { get; } = TempDirectory();

    /// <summary>The repository root.</summary>
    public static string RepoRoot => BufferProtocol.Tests.Oracle.OracleCases.RepoRoot;

    /// <summary>The interpreter of the oracle (Debian's CPython with NumPy).</summary>
    public static string Python => Environment.GetEnvironmentVariable("BUFFERPROTOCOL_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";
}
