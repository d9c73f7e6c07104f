using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace BufferProtocol;

/// <summary>The item codec's part of the throw helpers: the counterparts of CPython's <c>struct.error</c> and <c>OverflowError</c>.</summary>
internal static partial class ThrowHelper
{
    /// <summary>A value of the wrong type (<c>struct.error: required argument is not an integer</c> and the like).</summary>
    [DoesNotReturn, StackTraceHidden]
    public static void ThrowArgument_WrongValue(string message) => throw new ArgumentException(message, "value");

    /// <summary>A value outside the range of its code (<c>struct.error: ... format requires ...</c>, <c>OverflowError</c>).</summary>
    [DoesNotReturn, StackTraceHidden]
    public static void ThrowArgumentOutOfRange_Value(object? value, string message) =>
        throw new ArgumentOutOfRangeException("value", value, message);

    /// <summary>The span passed for one item has the wrong length.</summary>
    [DoesNotReturn, StackTraceHidden]
    public static void ThrowArgument_ItemLength(nint expected, int actual, string verb) =>
        throw new ArgumentException($"{verb} requires a buffer of {expected} bytes (got {actual})", "item");

    /// <summary>A flat value list of the wrong length (<c>struct.error: pack expected N items for packing (got M)</c>).</summary>
    [DoesNotReturn, StackTraceHidden]
    public static void ThrowArgument_PackCount(long expected, int actual) =>
        throw new ArgumentException($"pack expected {expected} items for packing (got {actual})", "values");

    /// <summary>Bytes that hold no value of their code (a UCS-4 unit that is not a Unicode scalar value).</summary>
    [DoesNotReturn, StackTraceHidden]
    public static void ThrowArgument_InvalidItemBytes(string message) => throw new ArgumentException(message, "item");

    /// <summary>A code whose values have no .NET form (<c>O</c>).</summary>
    [DoesNotReturn, StackTraceHidden]
    public static void ThrowNotSupported(string message) => throw new NotSupportedException(message);
}
