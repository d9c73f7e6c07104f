namespace BufferProtocol.Formats.Internals;

/// <summary>
/// CPython 3.11's <c>struct</c> grammar (<c>_struct.c</c>, <c>prepare_s</c>), exactly: what
/// <c>struct.calcsize</c> and <c>PyBuffer_SizeFromFormat</c> accept, and the size they compute.
/// </summary>
/// <remarks>
/// <code>
///   format := [order] { ws | [count] code }        -- order only as the very first character
///   order  := '@' | '=' | '&lt;' | '&gt;' | '!'
///   code   := x c b B ? h H i I l L q Q e f d s p   | n N P (native order only)
/// </code>
/// A count repeats a code (for <c>s p</c> it is the length, for <c>x</c> the number of pad bytes); native mode
/// aligns each item (a zero count still aligns) and never pads the end.
/// </remarks>
internal static class StructFormat
{
    /// <summary>Computes the <c>struct</c> size of <paramref name="text"/>; on failure gives CPython's message and the position.</summary>
    public static bool TryGetSize(ReadOnlySpan<char> text, out nint size, out int errorPosition, out string? error)
    {
        size = 0;
        errorPosition = 0;
        error = null;
        int i = 0;
        bool native = true;
        if (text.Length > 0 && text[0] is '@' or '=' or '<' or '>' or '!')
        {
            native = text[0] == '@';
            i = 1;
        }
        while (i < text.Length)
        {
            char c = text[i];
            if (LeafCodes.IsWhitespace(c))
            {
                i++;
                continue;
            }
            int start = i;
            nint count = 1;
            if (char.IsAsciiDigit(c))
            {
                count = 0;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    int digit = text[i] - '0';
                    if (count > (nint.MaxValue - digit) / 10)
                    {
                        return Fail(start, "total struct size too long", out errorPosition, out error);
                    }
                    count = (count * 10) + digit;
                    i++;
                }
                if (i == text.Length)
                {
                    return Fail(start, "repeat count given without format specifier", out errorPosition, out error);
                }
                c = text[i];
            }
            if (!TryGetCode(c, native, out int itemSize, out int alignment))
            {
                return Fail(i, c == '\0' ? "embedded null character" : "bad char in struct format", out errorPosition, out error);
            }
            if (native && !FormatLayout.TryAlignUp(size, alignment, out size))
            {
                return Fail(start, "total struct size too long", out errorPosition, out error);
            }
            if (!FormatLayout.TryMultiply(count, itemSize, out nint bytes) || !FormatLayout.TryAddChecked(size, bytes, out size))
            {
                return Fail(start, "total struct size too long", out errorPosition, out error);
            }
            i++;
        }
        return true;
    }

    /// <summary>Per ASCII code: native size, native alignment, standard size (0: not a struct code in that mode).</summary>
    private static readonly (byte NativeSize, byte NativeAlignment, byte StandardSize)[] Codes = BuildCodes();

    private static (byte, byte, byte)[] BuildCodes()
    {
        var codes = new (byte, byte, byte)[128];
        foreach (char c in "xcbB?hHiIlLqQefdspnNP")
        {
            LeafCodes.Info info = LeafCodes.Scalar(c, false);
            codes[c] = ((byte)info.NativeSize, (byte)info.NativeAlignment, (byte)info.StandardSize);
        }
        return codes;
    }

    private static bool TryGetCode(char c, bool native, out int size, out int alignment)
    {
        (byte nativeSize, byte nativeAlignment, byte standardSize) = c < 128 ? Codes[c] : default;
        size = native ? nativeSize : standardSize;
        alignment = native ? nativeAlignment : 1;
        return size != 0;
    }

    private static bool Fail(int position, string message, out int errorPosition, out string? error)
    {
        errorPosition = position;
        error = message;
        return false;
    }
}
