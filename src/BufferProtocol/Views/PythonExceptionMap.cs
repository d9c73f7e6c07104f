using BufferProtocol.Protocol;

namespace BufferProtocol.Views;

/// <summary>
/// The map between the exception kinds CPython's memoryview raises and the .NET exceptions <see cref="MemoryView"/>
/// throws, in both directions (<c>docs/errors.md</c>): for code that must raise the matching Python exception when a
/// view is used from Python, and for tests that compare with CPython.
/// </summary>
/// <remarks>
/// The map is on exact types: <see cref="ArgumentOutOfRangeException"/> derives from <see cref="ArgumentException"/>
/// in .NET, but here it means <c>IndexError</c> while a plain <see cref="ArgumentException"/> means <c>ValueError</c>.
/// </remarks>
public static class PythonExceptionMap
{
    /// <summary>
    /// The Python exception kind a view's exception stands for: <c>BufferError</c>, <c>ValueError</c> (also for
    /// <see cref="ObjectDisposedException"/>, CPython's "operation forbidden on released memoryview object"),
    /// <c>IndexError</c>, <c>TypeError</c>, <c>NotImplementedError</c> or <c>OverflowError</c>; null for anything else.
    /// </summary>
    /// <param name="exception">An exception thrown by a view.</param>
    public static string? PythonKindOf(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            BufferException => "BufferError",
            ObjectDisposedException => "ValueError",
            ArgumentOutOfRangeException => "IndexError",
            ArgumentNullException => "TypeError",
            ArgumentException => "ValueError",
            InvalidCastException => "TypeError",
            NotSupportedException => "NotImplementedError",
            OverflowException => "OverflowError",
            InvalidOperationException => "TypeError",
            _ => null,
        };
    }

    /// <summary>
    /// The exact .NET exception type a view throws where CPython raises <paramref name="pythonKind"/>.
    /// </summary>
    /// <param name="pythonKind">A Python exception kind, e.g. <c>"TypeError"</c>.</param>
    /// <param name="message">
    /// CPython's message: it tells a released view (<c>ValueError</c> → <see cref="ObjectDisposedException"/>) and a
    /// value that cannot be converted (<c>TypeError</c> → <see cref="InvalidCastException"/>) apart.
    /// </param>
    /// <exception cref="ArgumentException">A kind a view never raises.</exception>
    public static Type ExceptionTypeFor(string pythonKind, string? message = null)
    {
        ArgumentNullException.ThrowIfNull(pythonKind);
        message ??= "";
        return pythonKind switch
        {
            "BufferError" => typeof(BufferException),
            "ValueError" when message.Contains("released memoryview", StringComparison.Ordinal) => typeof(ObjectDisposedException),
            "ValueError" => typeof(ArgumentException),
            "IndexError" => typeof(ArgumentOutOfRangeException),
            "TypeError" when IsConversion(message) => typeof(InvalidCastException),
            "TypeError" => typeof(InvalidOperationException),
            "NotImplementedError" => typeof(NotSupportedException),
            "OverflowError" => typeof(OverflowException),
            _ => throw new ArgumentException($"a view never raises Python's {pythonKind}", nameof(pythonKind)),
        };
    }

    // The TypeErrors CPython raises about a value rather than about the view or the key.
    private static bool IsConversion(string message) =>
        message.Contains("invalid type for format", StringComparison.Ordinal) ||
        message.Contains("bytes-like object is required", StringComparison.Ordinal);
}
