using System.Collections;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using BufferProtocol.Internal;

namespace BufferProtocol.Formats.Codec;

/// <summary>
/// The .NET values <see cref="ItemCodec"/> accepts for each kind of leaf, converted the way CPython's <c>struct</c>
/// converts Python objects: integers through <c>__index__</c> (so <see cref="bool"/> is an integer), reals through
/// <c>__float__</c>, truthiness for <c>?</c>, bytes-like objects for <c>c s p</c>.
/// </summary>
internal static class ValueConversion
{
    /// <summary>The result of reading an integer from an object.</summary>
    public enum IntegerResult
    {
        /// <summary>The value is an integer that fits <see cref="Int128"/>.</summary>
        Ok,

        /// <summary>The value is an integer beyond <see cref="Int128"/> (only <see cref="BigInteger"/> and <see cref="UInt128"/> can be).</summary>
        Huge,

        /// <summary>The value is not an integer.</summary>
        NotInteger,
    }

    /// <summary>
    /// Reads an integer: every CLR integer type, <see cref="BigInteger"/>, <see cref="Int128"/>/<see cref="UInt128"/>,
    /// <see cref="CLong"/>/<see cref="CULong"/>, enums (their underlying value) and <see cref="bool"/> (0 or 1, as
    /// Python's <c>bool</c> is an <c>int</c>). Floating-point values, <see cref="decimal"/>, <see cref="char"/> and
    /// strings are not integers (CPython: <c>required argument is not an integer</c>).
    /// </summary>
    public static IntegerResult TryGetInteger(object? value, out Int128 result)
    {
        switch (value)
        {
            case int v: result = v; return IntegerResult.Ok;
            case long v: result = v; return IntegerResult.Ok;
            case byte v: result = v; return IntegerResult.Ok;
            case sbyte v: result = v; return IntegerResult.Ok;
            case short v: result = v; return IntegerResult.Ok;
            case ushort v: result = v; return IntegerResult.Ok;
            case uint v: result = v; return IntegerResult.Ok;
            case ulong v: result = v; return IntegerResult.Ok;
            case nint v: result = v; return IntegerResult.Ok;
            case nuint v: result = v; return IntegerResult.Ok;
            case bool v: result = v ? 1 : 0; return IntegerResult.Ok;
            case Int128 v: result = v; return IntegerResult.Ok;
            case UInt128 v:
                result = (Int128)v;
                return v > (UInt128)Int128.MaxValue ? IntegerResult.Huge : IntegerResult.Ok;
            case BigInteger v:
                if (v >= (BigInteger)Int128.MinValue && v <= (BigInteger)Int128.MaxValue)
                {
                    result = (Int128)v;
                    return IntegerResult.Ok;
                }
                result = v.Sign;
                return IntegerResult.Huge;
            case CLong v: result = v.Value; return IntegerResult.Ok;
            case CULong v: result = v.Value; return IntegerResult.Ok;
            case Enum e:
                result = Type.GetTypeCode(Enum.GetUnderlyingType(e.GetType())) is TypeCode.UInt64 or TypeCode.UInt32 or TypeCode.UInt16 or TypeCode.Byte
                    ? (Int128)Convert.ToUInt64(e, System.Globalization.CultureInfo.InvariantCulture)
                    : (Int128)Convert.ToInt64(e, System.Globalization.CultureInfo.InvariantCulture);
                return IntegerResult.Ok;
            default:
                if (ForeignInteger.TryRead(value, out var foreign))
                {
                    return TryGetInteger(foreign, out result);
                }
                result = 0;
                return IntegerResult.NotInteger;
        }
    }

    /// <summary>The value of an integer object as a <see cref="BigInteger"/> (for error messages and wide bit fields).</summary>
    public static BigInteger ToBigInteger(object value, Int128 small, IntegerResult kind) => kind switch
    {
        IntegerResult.Huge when value is BigInteger big => big,
        IntegerResult.Huge when value is UInt128 u => u,
        _ => small,
    };

    /// <summary>The result of reading a real number from an object.</summary>
    public enum RealResult
    {
        /// <summary>The value converted to <see cref="double"/>.</summary>
        Ok,

        /// <summary>An integer too large for <see cref="double"/> (CPython: <c>OverflowError</c> inside <c>PyFloat_AsDouble</c>).</summary>
        TooLarge,

        /// <summary>Not a real number.</summary>
        NotReal,
    }

    /// <summary>
    /// Reads a real number: <see cref="double"/>, <see cref="float"/>, <see cref="Half"/>, <see cref="decimal"/> and
    /// every integer accepted by <see cref="TryGetInteger"/>, converted to the nearest <see cref="double"/>.
    /// </summary>
    public static RealResult TryGetDouble(object? value, out double result)
    {
        switch (value)
        {
            case double d: result = d; return RealResult.Ok;
            case float f: result = f; return RealResult.Ok;
            case Half h: result = (double)h; return RealResult.Ok;
            case decimal m: result = (double)m; return RealResult.Ok;
            case NFloat n: result = n; return RealResult.Ok;
        }
        switch (TryGetInteger(value, out Int128 integer))
        {
            case IntegerResult.Ok:
                result = long.MinValue <= integer && integer <= long.MaxValue ? (long)integer : ToDouble(integer);
                return double.IsInfinity(result) ? RealResult.TooLarge : RealResult.Ok;
            case IntegerResult.Huge:
                result = ToDouble(ToBigInteger(value!, integer, IntegerResult.Huge));
                return double.IsInfinity(result) ? RealResult.TooLarge : RealResult.Ok;
            default:
                result = 0;
                return RealResult.NotReal;
        }
    }

    /// <summary>
    /// The double nearest to <paramref name="value"/>, ties to even, ∞ beyond the range — Python's <c>int.__float__</c>
    /// (which then raises <c>OverflowError</c>). .NET's own <see cref="BigInteger"/> conversion truncates.
    /// </summary>
    public static double ToDouble(BigInteger value)
    {
        if (value.IsZero)
        {
            return 0;
        }
        BigInteger magnitude = BigInteger.Abs(value);
        long bits = (long)magnitude.GetBitLength();
        int drop = (int)Math.Max(0, bits - 120);
        BigInteger top = magnitude >> drop;
        // A sticky bit below the kept 120 bits keeps ties and near-ties apart.
        if (drop > 0 && !(top << drop).Equals(magnitude))
        {
            top |= 1;
        }
        return drop > 2000 ? (value.Sign < 0 ? double.NegativeInfinity : double.PositiveInfinity)
            : LongDouble.Round(value.Sign < 0, (UInt128)top, drop);
    }

    /// <summary>Python's truthiness of a .NET value (the <c>?</c> code packs <c>bool(value)</c>).</summary>
    public static bool IsTruthy(object? value)
    {
        switch (value)
        {
            case null: return false;
            case bool b: return b;
            case string s: return s.Length != 0;
            case byte[] bytes: return bytes.Length != 0;
            case ReadOnlyMemory<byte> rom: return !rom.IsEmpty;
            case Memory<byte> mem: return !mem.IsEmpty;
            case ICollection collection: return collection.Count != 0;
            case System.Numerics.Complex c: return c != System.Numerics.Complex.Zero;
            case Rune: return true;
        }
        if (TryGetInteger(value, out Int128 integer) is IntegerResult.Ok or IntegerResult.Huge)
        {
            return integer != 0;
        }
        if (TryGetDouble(value, out double real) == RealResult.Ok)
        {
            return real != 0 || double.IsNaN(real);
        }
        return true;
    }

    /// <summary>Reads a bytes-like value: <c>byte[]</c>, <see cref="ReadOnlyMemory{T}"/>, <see cref="Memory{T}"/>, <see cref="ArraySegment{T}"/>.</summary>
    public static bool TryGetBytes(object? value, out ReadOnlySpan<byte> bytes)
    {
        switch (value)
        {
            case byte[] array: bytes = array; return true;
            case ReadOnlyMemory<byte> rom: bytes = rom.Span; return true;
            case Memory<byte> mem: bytes = mem.Span; return true;
            case ArraySegment<byte> segment: bytes = segment; return true;
            default: bytes = default; return false;
        }
    }

    /// <summary>Reads a text value for <c>u</c>/<c>w</c>: <see cref="string"/>, <see cref="char"/>, <see cref="Rune"/> or <c>char[]</c>.</summary>
    public static bool TryGetText(object? value, out ReadOnlySpan<char> text)
    {
        switch (value)
        {
            case string s: text = s; return true;
            case char[] chars: text = chars; return true;
            case ReadOnlyMemory<char> rom: text = rom.Span; return true;
            case char c: text = c.ToString(); return true;
            case Rune r: text = r.ToString(); return true;
            default: text = default; return false;
        }
    }

    /// <summary>A positional sequence: any <see cref="IList"/> (arrays, <c>List&lt;T&gt;</c>) or <see cref="System.Runtime.CompilerServices.ITuple"/>.</summary>
    public static bool TryGetSequence(object? value, out int count, out Func<int, object?> item)
    {
        switch (value)
        {
            case IList list:
                count = list.Count;
                item = i => list[i];
                return true;
            case System.Runtime.CompilerServices.ITuple tuple:
                count = tuple.Length;
                item = i => tuple[i];
                return true;
            default:
                count = 0;
                item = null!;
                return false;
        }
    }

    /// <summary>A short description of a value's type for error messages.</summary>
    public static string Describe(object? value) => value is null ? "null" : value.GetType().Name;
}
