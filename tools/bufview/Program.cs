namespace BufferProtocol.Bufview;

/// <summary>The <c>bufview</c> command-line tool.</summary>
public static class Program
{
    /// <summary>Entry point: runs the command line against the process's console.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <returns>The exit code (0 success, 1 invalid input, 2 usage error, 3 internal error).</returns>
    public static int Main(string[] args)
    {
        Console.OutputEncoding = System.Text.Encoding.UTF8;
        return BufviewApp.Run(args, Console.Out, Console.Error, terminal: !Console.IsOutputRedirected);
    }
}
