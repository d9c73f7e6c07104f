using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using BufferProtocol.Formats;

namespace BufferProtocol;

/// <summary>Throw helpers of the assembly; each area adds its own part (this one: format strings).</summary>
internal static partial class ThrowHelper
{
    [DoesNotReturn, StackTraceHidden]
    public static void ThrowBufferFormatException(string problem, string format, int position) =>
        throw new BufferFormatException(problem, format, position);

    [DoesNotReturn, StackTraceHidden]
    public static void ThrowNotSupported_NotNumPyRepresentable(string reason) =>
        throw new NotSupportedException(reason);

    [DoesNotReturn, StackTraceHidden]
    public static void ThrowArgumentException(string message, string paramName) =>
        throw new ArgumentException(message, paramName);
}
