using System.Diagnostics;

namespace BufferProtocol.Bufview.Tests;

/// <summary>The .NET tool package: <c>dotnet pack tools/bufview</c>, <c>dotnet tool install --add-source</c>, and the installed command runs.</summary>
public class PackageTests
{
    private static (int Exit, string Output) Dotnet(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", args)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(600_000), $"dotnet {string.Join(' ', args)} did not finish in 10 minutes");
        return (process.ExitCode, output.Result + error);
    }

    [Fact]
    public void The_tool_packs_installs_and_runs()
    {
        // The tool is already built next to the tests, in their configuration: pack that build.
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        string root = Path.Combine(Cli.Scratch, "package");
        string feed = Path.Combine(root, "feed"), tools = Path.Combine(root, "tools");
        var (packed, packOutput) = Dotnet(Cli.RepoRoot, "pack", "tools/bufview", "-c", configuration, "--no-build", "-o", feed);
        Assert.True(packed == 0, packOutput);
        Assert.Single(Directory.GetFiles(feed, "BufferProtocol.Bufview.*.nupkg"));
        var (installed, installOutput) = Dotnet(root, "tool", "install", "--tool-path", tools, "--add-source", feed, "BufferProtocol.Bufview");
        Assert.True(installed == 0, installOutput);

        string npy = Cli.File("package.npy", DumpCommandTests.NpyBytes());
        var start = new ProcessStartInfo(Path.Combine(tools, OperatingSystem.IsWindows() ? "bufview.exe" : "bufview"), ["dump", npy, "--json"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000));
        Assert.Equal(0, process.ExitCode);
        Assert.Equal("{\"format\":\"i\",\"shape\":[2,2],\"strides\":[8,4],\"values\":[[1,2],[3,4]]}\n", output);
    }
}
