namespace BufferProtocol.Protocol;

/// <summary>
/// A buffer request that cannot be met, or an operation refused because of live exports: the .NET
/// counterpart of Python's <c>BufferError</c>.
/// </summary>
/// <remarks>
/// Thrown by exporters when a request asks for what the memory cannot give (a writable buffer of read-only
/// memory, contiguity it lacks, a layout without suboffsets for PIL-style memory, …), by exporters refusing
/// to resize or free memory while exported, and by views refusing release while re-exported.
/// </remarks>
public class BufferException : InvalidOperationException
{
    /// <summary>Creates the exception with a message that names the problem.</summary>
    /// <param name="message">What was refused and why.</param>
    public BufferException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What was refused and why.</param>
    /// <param name="innerException">The underlying failure.</param>
    public BufferException(string message, Exception innerException) : base(message, innerException) { }
}
