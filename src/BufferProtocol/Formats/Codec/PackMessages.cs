using System.Globalization;
using System.Numerics;

namespace BufferProtocol.Formats.Codec;

/// <summary>
/// The exact texts of CPython 3.11's <c>struct.error</c> for out-of-range integers, which depend on the code, on
/// the table the prefix selects (native, little- or big-endian) and on whether the value fits a C <c>long</c>.
/// </summary>
/// <remarks>
/// <para>
/// <c>_struct.c</c> packs <c>b B</c> with the native packers in every table, and on start-up swaps the native
/// packers into the standard table of the host's byte order for the codes whose standard size equals the native
/// one (<c>h H i I q Q</c>; not <c>l L</c>, which are 4 bytes there and 8 natively). The packers differ in wording:
/// </para>
/// <list type="bullet">
/// <item>native <c>b B h H</c>: <c>byte/ubyte/short/ushort format requires lo &lt;= number &lt;= hi</c>;</item>
/// <item>native <c>i I</c> and standard <c>h H i I l L</c>: <c>'c' format requires lo &lt;= number &lt;= hi</c>;</item>
/// <item>a value that does not fit a C <c>long</c> (signed codes) or <c>unsigned long</c> (unsigned codes, negative
/// values included) first fails in <c>get_long</c>/<c>get_ulong</c>: <c>argument out of range</c>;</item>
/// <item>native <c>l L q Q n N</c>: always <c>argument out of range</c>;</item>
/// <item>standard 8-byte codes in the non-host order and <c>P</c>: <c>int too large to convert</c>.</item>
/// </list>
/// </remarks>
internal static class PackMessages
{
    public const string NotAnInteger = "required argument is not an integer";
    public const string NotAFloat = "required argument is not a float";

    /// <summary>The <c>struct.error</c> text for <paramref name="value"/> out of the range of <paramref name="code"/> in <paramref name="mode"/>.</summary>
    public static string IntegerRange(char code, FormatMode mode, nint size, BigInteger value)
    {
        bool fitsLong = value >= long.MinValue && value <= long.MaxValue;
        bool fitsULong = value.Sign >= 0 && value <= ulong.MaxValue;
        const string OutOfRange = "argument out of range";
        switch (code)
        {
            case 'b':
                return fitsLong ? "byte format requires -128 <= number <= 127" : OutOfRange;
            case 'B':
                return fitsLong ? "ubyte format requires 0 <= number <= 255" : OutOfRange;
            case 'P' or '&' or 'X':
                return "int too large to convert";
        }
        bool signed = code is 'h' or 'i' or 'l' or 'q' or 'n';
        bool native = mode.UsesNativeSizes();
        bool hostOrder = mode.ResolveByteOrder() == (BitConverter.IsLittleEndian ? ByteOrder.LittleEndian : ByteOrder.BigEndian);
        bool nativePacker = native || (hostOrder && code is 'h' or 'H' or 'i' or 'I' or 'q' or 'Q');
        if (nativePacker)
        {
            switch (code)
            {
                case 'h': return fitsLong ? "short format requires -32768 <= number <= 32767" : OutOfRange;
                case 'H': return fitsLong ? "ushort format requires 0 <= number <= 65535" : OutOfRange;
                case 'i': return fitsLong ? RangeText('i', true, 4) : OutOfRange;
                case 'I': return fitsULong ? RangeText('I', false, 4) : OutOfRange;
                default: return OutOfRange;
            }
        }
        if (size == 8)
        {
            return "int too large to convert";
        }
        return (signed ? fitsLong : fitsULong) ? RangeText(code, signed, size) : OutOfRange;
    }

    private static string RangeText(char code, bool signed, nint size)
    {
        int bits = (int)size * 8;
        string lo = signed ? (-(BigInteger.One << (bits - 1))).ToString(CultureInfo.InvariantCulture) : "0";
        string hi = ((signed ? BigInteger.One << (bits - 1) : BigInteger.One << bits) - 1).ToString(CultureInfo.InvariantCulture);
        return $"'{code}' format requires {lo} <= number <= {hi}";
    }

    /// <summary>
    /// The text of a finite real that rounds beyond the largest value of <paramref name="code"/>: <c>OverflowError:
    /// float too large to pack with e format</c>, which <c>s_pack_internal</c> turns into <c>struct.error: int too
    /// large to convert</c> when the value is an <c>int</c>.
    /// </summary>
    public static string FloatTooLarge(char code, object? value) =>
        ValueConversion.TryGetInteger(value, out _) != ValueConversion.IntegerResult.NotInteger
            ? "int too large to convert"
            : $"float too large to pack with {code} format";
}
