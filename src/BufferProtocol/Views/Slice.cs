using System.Globalization;

namespace BufferProtocol.Views;

/// <summary>
/// A slice with a step, as Python writes <c>start:stop:step</c>: each part optional, negative positions counting from
/// the end, out-of-range positions clipped. Converts implicitly from a C# <see cref="Range"/> (<c>1..^1</c>) and
/// into a <see cref="SliceIndex"/>, so <c>view[new Slice(null, null, -1)]</c>, <c>view[Slice.Reverse]</c> and
/// <c>view[1..3]</c> all read naturally.
/// </summary>
/// <remarks>
/// <see cref="GetIndices"/> is CPython's <c>PySlice_GetIndicesEx</c> (<c>PySlice_Unpack</c> +
/// <c>PySlice_AdjustIndices</c>), verified against <c>_testbuffer.slice_indices</c>.
/// </remarks>
/// <param name="Start">The first position (null: the beginning, or the end for a negative step).</param>
/// <param name="Stop">The position to stop before (null: past the end, or before the beginning for a negative step).</param>
/// <param name="Step">The distance between positions (null: 1); never 0 when the slice is applied.</param>
public readonly record struct Slice(nint? Start, nint? Stop, nint? Step = null)
{
    /// <summary><c>::</c>, every position.</summary>
    public static Slice All => default;

    /// <summary><c>::-1</c>, every position in reverse.</summary>
    public static Slice Reverse => new(null, null, -1);

    /// <summary>A slice with only a step: <c>::step</c>.</summary>
    /// <param name="step">The step (non-zero).</param>
    public static Slice Every(nint step) => new(null, null, step);

    /// <summary>
    /// <c>PySlice_GetIndicesEx</c>: the positions the slice selects in a dimension of <paramref name="length"/>
    /// items.
    /// </summary>
    /// <param name="length">The extent of the dimension (≥ 0).</param>
    /// <returns>
    /// The normalised start, stop and step and the number of positions selected (<c>slicelength</c>); the positions
    /// are <c>start + k × step</c> for <c>k</c> in <c>[0, count)</c>.
    /// </returns>
    /// <exception cref="ArgumentException">The step is 0 (CPython: <c>ValueError: slice step cannot be zero</c>).</exception>
    public (nint Start, nint Stop, nint Step, nint Count) GetIndices(nint length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var step = Step ?? 1;
        if (step == 0)
        {
            ViewErrors.ValueError("slice step cannot be zero");
        }
        // PySlice_Unpack keeps -step from overflowing.
        if (step < -nint.MaxValue)
        {
            step = -nint.MaxValue;
        }
        var start = Start ?? (step < 0 ? nint.MaxValue : 0);
        var stop = Stop ?? (step < 0 ? nint.MinValue : nint.MaxValue);

        // PySlice_AdjustIndices.
        if (start < 0)
        {
            start += length;
            if (start < 0)
            {
                start = step < 0 ? -1 : 0;
            }
        }
        else if (start >= length)
        {
            start = step < 0 ? length - 1 : length;
        }
        if (stop < 0)
        {
            stop += length;
            if (stop < 0)
            {
                stop = step < 0 ? -1 : 0;
            }
        }
        else if (stop >= length)
        {
            stop = step < 0 ? length - 1 : length;
        }
        nint count = 0;
        if (step < 0)
        {
            if (stop < start)
            {
                count = (start - stop - 1) / -step + 1;
            }
        }
        else if (start < stop)
        {
            count = (stop - start - 1) / step + 1;
        }
        return (start, stop, step, count);
    }

    /// <summary>
    /// A C# range as a slice with step 1: <c>^k</c> becomes the Python position <c>-k</c>; <c>^0</c> as the end means
    /// "past the end" (null) and as the start "at the end" (an empty slice).
    /// </summary>
    /// <param name="range">The range.</param>
    public static implicit operator Slice(Range range) => FromRange(range);

    /// <summary>A C# range as a slice with step 1 (see the implicit conversion).</summary>
    /// <param name="range">The range.</param>
    public static Slice FromRange(Range range)
    {
        var start = range.Start;
        var end = range.End;
        nint? s = start.IsFromEnd ? (start.Value == 0 ? nint.MaxValue : -(nint)start.Value) : start.Value;
        nint? e = end.IsFromEnd ? (end.Value == 0 ? null : -(nint)end.Value) : end.Value;
        if (!start.IsFromEnd && start.Value == 0)
        {
            s = null;
        }
        return new Slice(s, e);
    }

    /// <summary>Python's notation: <c>1:3</c>, <c>::-1</c>, <c>:</c>.</summary>
    public override string ToString() =>
        Format(Start) + ":" + Format(Stop) + (Step is { } step ? ":" + step.ToString(CultureInfo.InvariantCulture) : "");

    private static string Format(nint? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";
}
