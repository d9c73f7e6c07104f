using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using BufferProtocol.Protocol;

namespace BufferProtocol.Views;

/// <summary>
/// The one place where CPython's memoryview exception kinds become .NET exceptions (<c>docs/errors.md</c>). Every error
/// a view raises goes through one of these methods, named after the Python kind it stands for, so the map cannot drift.
/// </summary>
/// <remarks>
/// <code>
///   BufferError                                        → BufferException
///   ValueError "operation forbidden on released ..."   → ObjectDisposedException
///   ValueError                                         → ArgumentException            (exactly; not a subclass)
///   IndexError                                         → ArgumentOutOfRangeException
///   TypeError for a value that cannot be converted     → InvalidCastException         (item values, rvalues)
///   TypeError, any other                               → InvalidOperationException    (exactly)
///   NotImplementedError                                → NotSupportedException
///   OverflowError                                      → OverflowException
/// </code>
/// The types are distinct as exact types; where CPython raises two kinds from one operation (item assignment:
/// IndexError, TypeError, ValueError) the .NET types differ too. <see cref="PythonExceptionMap"/> is the inverse.
/// </remarks>
[StackTraceHidden]
internal static class ViewErrors
{
    /// <summary>CPython's message for any use of a released view.</summary>
    public const string ReleasedMessage = "operation forbidden on released memoryview object";

    [DoesNotReturn]
    public static void Released() => throw new ObjectDisposedException(nameof(MemoryView), ReleasedMessage);

    /// <summary><c>ValueError</c>.</summary>
    [DoesNotReturn]
    public static void ValueError(string message) => throw new ArgumentException(message);

    /// <summary><c>ValueError</c>, returning a value so it can sit in an expression.</summary>
    [DoesNotReturn]
    public static T ValueError<T>(string message) => throw new ArgumentException(message);

    /// <summary><c>IndexError</c>.</summary>
    [DoesNotReturn]
    public static void IndexError(string message) => throw new ArgumentOutOfRangeException(null, message);

    /// <summary><c>TypeError</c> about the view's state or the key (read-only memory, 0-d misuse, casts, ...).</summary>
    [DoesNotReturn]
    public static void TypeError(string message) => throw new InvalidOperationException(message);

    /// <summary><c>TypeError</c>, returning a value so it can sit in an expression.</summary>
    [DoesNotReturn]
    public static T TypeError<T>(string message) => throw new InvalidOperationException(message);

    /// <summary><c>TypeError</c> about a value that cannot be converted (an item value, a slice assignment's rvalue).</summary>
    [DoesNotReturn]
    public static void ConversionError(string message) => throw new InvalidCastException(message);

    /// <summary><c>TypeError</c> about a value, returning a value so it can sit in an expression.</summary>
    [DoesNotReturn]
    public static T ConversionError<T>(string message) => throw new InvalidCastException(message);

    /// <summary><c>NotImplementedError</c>.</summary>
    [DoesNotReturn]
    public static void NotImplemented(string message) => throw new NotSupportedException(message);

    /// <summary><c>NotImplementedError</c>, returning a value so it can sit in an expression.</summary>
    [DoesNotReturn]
    public static T NotImplemented<T>(string message) => throw new NotSupportedException(message);

    /// <summary><c>BufferError</c>.</summary>
    [DoesNotReturn]
    public static void BufferError(string message) => throw new BufferException(message);

    /// <summary><c>IndexError: index out of bounds on dimension k</c> (1-based, as CPython reports it).</summary>
    [DoesNotReturn]
    public static void IndexOutOfBounds(int dimension) => IndexError($"index out of bounds on dimension {dimension + 1}");

    /// <summary><c>TypeError: invalid indexing of 0-dim memory</c>.</summary>
    [DoesNotReturn]
    public static void ZeroDimIndexing() => TypeError("invalid indexing of 0-dim memory");

    /// <summary><c>TypeError: cannot modify read-only memory</c>.</summary>
    [DoesNotReturn]
    public static void ReadOnly() => TypeError("cannot modify read-only memory");
}
