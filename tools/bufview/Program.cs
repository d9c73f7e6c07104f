namespace BufferProtocol.Bufview;

/// <summary>The <c>bufview</c> command-line tool.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("bufview: commands are being built (layout, dump, inspect, convert).");
        return args.Length == 0 ? 0 : 2;
    }
}
