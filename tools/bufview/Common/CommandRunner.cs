using BufferProtocol.Bufview.Output;

namespace BufferProtocol.Bufview.Common;

/// <summary>Runs a command's body, turning a <see cref="UserError"/> into its one-line message and exit code.</summary>
internal static class CommandRunner
{
    public static int Run(ConsoleSink console, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (UserError e)
        {
            console.Output.Flush();
            console.Error.WriteLine("bufview: " + e.Message);
            return e.ExitCode;
        }
    }
}
