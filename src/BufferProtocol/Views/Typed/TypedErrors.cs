using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace BufferProtocol.Views;

/// <summary>
/// The one place where typed views, their leases and the 2-D spans create exceptions (practice: one ThrowHelper per
/// area, cold and out of line). The kinds follow <c>docs/errors.md</c>: a bad index is
/// <see cref="ArgumentOutOfRangeException"/>, a wrong number of indices or an incompatible format
/// <see cref="ArgumentException"/>, a write to read-only memory or a layout an operation cannot serve
/// <see cref="InvalidOperationException"/>, use after release <see cref="ObjectDisposedException"/>.
/// </summary>
[StackTraceHidden]
internal static class TypedErrors
{
    [DoesNotReturn]
    public static void IndexOutOfRange(nint index, int dimension, nint extent) =>
        throw new ArgumentOutOfRangeException(null,
            $"index {index} is out of range for dimension {dimension} of extent {extent}");

    [DoesNotReturn]
    public static void WrongIndexCount(int rank, int count) =>
        throw new ArgumentException(rank == 0
            ? $"a 0-dimensional view takes no indices, not {count}"
            : $"a {rank}-dimensional view takes {rank} indices, not {count}");

    [DoesNotReturn]
    public static void WrongOuterIndexCount(int rank, int count, int inner) =>
        throw new ArgumentException(
            $"a {rank}-dimensional view takes {rank - inner} outer indices here (all but the last {(inner == 1 ? "dimension" : inner + " dimensions")}), not {count}");

    [DoesNotReturn]
    public static void ReadOnly() => throw new InvalidOperationException("cannot modify read-only memory");

    [DoesNotReturn]
    public static void LeaseEnded() =>
        throw new ObjectDisposedException("MemoryViewLease", "the lease has ended: its memory may have been released");

    [DoesNotReturn]
    public static void NotLayout(string reason) => throw new InvalidOperationException(reason);

    [DoesNotReturn]
    public static void Incompatible(string reason) => throw new ArgumentException(reason);

    [DoesNotReturn]
    public static void LengthMismatch(string what, nint expected, nint actual) =>
        throw new ArgumentException($"{what} has {actual} items but the view has {expected}");

    [DoesNotReturn]
    public static void TooLong(nint count) =>
        throw new InvalidOperationException($"{count} items do not fit in a span (at most {int.MaxValue})");
}
