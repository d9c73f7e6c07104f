namespace BufferProtocol.Bufview.Common;

/// <summary>
/// A problem with the user's input (a bad format, shape, slice or file): printed as one line
/// <c>bufview: message</c> and turned into an exit code, never a stack trace.
/// </summary>
internal sealed class UserError : Exception
{
    public UserError(string message, int exitCode = ExitCodes.InvalidInput)
        : base(message)
    {
        ExitCode = exitCode;
    }

    public UserError(string message, Exception inner, int exitCode = ExitCodes.InvalidInput)
        : base(message, inner)
    {
        ExitCode = exitCode;
    }

    /// <summary>The exit code: <see cref="ExitCodes.InvalidInput"/> or <see cref="ExitCodes.Usage"/>.</summary>
    public int ExitCode { get; }

    /// <summary>An exception's message without .NET's " (Parameter 'name')" suffix.</summary>
    public static string MessageOf(Exception e) =>
        e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;

    /// <summary>A usage error (exit code 2): options that contradict each other, a missing option.</summary>
    public static UserError Usage(string message) => new(message, ExitCodes.Usage);
}
