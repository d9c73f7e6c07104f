using System.CommandLine;
using BufferProtocol.Bufview.Conversion;
using BufferProtocol.Bufview.Dump;
using BufferProtocol.Bufview.Inspect;
using BufferProtocol.Bufview.Layout;
using BufferProtocol.Bufview.Output;

namespace BufferProtocol.Bufview;

/// <summary>
/// The <c>bufview</c> command line: a <see cref="RootCommand"/> with one sub-command per capability (<c>layout</c>
/// now; <c>dump</c>, <c>inspect</c>, <c>convert</c> slot in the same way), run against explicit writers so tests
/// can run it in-process.
/// </summary>
/// <remarks>
/// Exit codes: <see cref="ExitCodes.Success"/> 0; <see cref="ExitCodes.InvalidInput"/> 1 (a bad format, file or
/// shape); <see cref="ExitCodes.Usage"/> 2 (unknown command or option, missing argument); <see cref="ExitCodes.Internal"/>
/// 3 (a bug: the message is printed, never a stack trace).
/// </remarks>
internal static class BufviewApp
{
    /// <summary>Runs <c>bufview</c> with <paramref name="args"/>.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="terminal">True when <paramref name="output"/> is an interactive terminal (tables and colours); false for plain text.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error, bool terminal)
    {
        try
        {
            var console = new ConsoleSink(output, error, terminal);
            RootCommand root = BuildCommands(console);
            // '@' starts many formats ("@i"): response files are off.
            ParseResult parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
            if (parsed.Errors.Count > 0)
            {
                foreach (var problem in parsed.Errors)
                {
                    error.WriteLine($"bufview: {problem.Message}");
                }
                error.WriteLine("Run 'bufview --help' for usage.");
                return ExitCodes.Usage;
            }
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            error.WriteLine($"bufview: internal error: {e.GetType().Name}: {e.Message}");
            return ExitCodes.Internal;
        }
    }

    private static RootCommand BuildCommands(ConsoleSink console)
    {
        var root = new RootCommand("bufview: PEP 3118 format layouts and typed binary data from the command line.")
        {
            LayoutCommand.Create(console),
            DumpCommand.Create(console),
            InspectCommand.Create(console),
            ConvertCommand.Create(console),
        };
        root.SetAction(_ =>
        {
            console.Error.WriteLine("bufview: a command is required (layout, dump, inspect, convert). Run 'bufview --help' for usage.");
            return ExitCodes.Usage;
        });
        return root;
    }
}

/// <summary>The exit codes of <c>bufview</c>.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int InvalidInput = 1;
    public const int Usage = 2;
    public const int Internal = 3;
    public const int Interrupted = 130;
}
