namespace BufferProtocol.Internal;

/// <summary>
/// Shapes, strides and indices as <c>long[]</c>, for the array overloads of the public API: pythonnet 3.2.1 converts
/// a Python list or tuple of ints to <c>long[]</c> (not to <c>nint[]</c>, and nothing to a span), and gives a returned
/// <c>long[]</c> back as a sequence of Python ints (an <c>nint</c> comes back as a <c>System.IntPtr</c> object).
/// </summary>
internal static class DimensionArrays
{
    /// <summary>
    /// <paramref name="values"/> as native integers, for the span overload to do the work. On a 32-bit process a
    /// value beyond <see cref="nint"/> is an <see cref="ArgumentOutOfRangeException"/> (never on 64-bit).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    public static nint[] ToNative(long[]? values, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(values, parameterName);
        var result = new nint[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = ToNative(values[i], parameterName);
        }
        return result;
    }

    /// <summary><paramref name="value"/> as a native integer; see <see cref="ToNative(long[], string)"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value does not fit (32-bit processes only).</exception>
    public static nint ToNative(long value, string parameterName) =>
        value >= nint.MinValue && value <= nint.MaxValue
            ? (nint)value
            : throw new ArgumentOutOfRangeException(parameterName, value, "the value does not fit a native integer");

    /// <summary>A copy of <paramref name="values"/> as <c>long</c>s (empty for an empty span).</summary>
    public static long[] ToInt64(ReadOnlySpan<nint> values)
    {
        var result = new long[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }
        return result;
    }
}
