using System.Text;

namespace BufferProtocol.Bufview;

/// <summary>The <c>bufview</c> command-line tool.</summary>
public static class Program
{
    /// <summary>Entry point: runs the command line against the process's console.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <returns>The exit code (0 success, 1 invalid input, 2 usage error, 3 internal error).</returns>
    public static int Main(string[] args)
    {
        Console.OutputEncoding = Encoding.UTF8;
        bool terminal = !Console.IsOutputRedirected;
        if (terminal)
        {
            return BufviewApp.Run(args, Console.Out, Console.Error, terminal: true);
        }
        // Redirected output (pipes, files) is buffered: --json and --csv of large arrays write millions of values.
        using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16) { AutoFlush = false };
        try
        {
            return BufviewApp.Run(args, output, Console.Error, terminal: false);
        }
        finally
        {
            try
            {
                output.Flush();
            }
            catch (IOException)
            {
                // The reader went away (bufview ... | head): nothing more to say.
            }
        }
    }
}
