namespace BufferProtocol.Formats;

/// <summary>
/// A malformed PEP 3118 / struct format string: the one exception <see cref="BufferFormat.Parse(string)"/> and
/// <see cref="BufferFormat.SizeFromFormat"/> throw for bad input.
/// </summary>
/// <remarks>
/// <see cref="Position"/> is the 0-based index of the character where the problem was found (the length of the
/// text when the text ended too early), and the message names the problem. Python's <c>struct.error</c>,
/// NumPy's <c>ValueError</c>/<c>NotImplementedError</c>/<c>KeyError</c>/<c>RuntimeError</c> from
/// <c>_dtype_from_pep3118</c> all correspond to this exception.
/// </remarks>
public class BufferFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="problem">What is wrong, without the position (it is appended).</param>
    /// <param name="format">The whole format text.</param>
    /// <param name="position">The 0-based character index of the problem.</param>
    public BufferFormatException(string problem, string format, int position)
        : base(ComposeMessage(problem, format, position))
    {
        Problem = problem;
        Format = format;
        Position = position;
    }

    /// <summary>The problem, without the position and format text that <see cref="Exception.Message"/> adds.</summary>
    public string Problem { get; }

    /// <summary>The format text that failed to parse.</summary>
    public string Format { get; }

    /// <summary>The 0-based character index in <see cref="Format"/> where the problem is.</summary>
    public int Position { get; }

    private static string ComposeMessage(string problem, string format, int position)
    {
        const int MaxShown = 80;
        string shown = format.Length <= MaxShown ? format : string.Concat(format.AsSpan(0, MaxShown), "…");
        return $"{problem} (at position {position} in format \"{shown}\")";
    }
}
