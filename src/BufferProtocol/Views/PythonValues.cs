using System.Collections;
using System.Numerics;
using BufferProtocol.Internal;

namespace BufferProtocol.Views;

/// <summary>
/// Python's value semantics over the .NET values items read as: <c>==</c> across numeric types (exact, the way
/// Python compares an <c>int</c> with a <c>float</c>), truthiness, and the "index-like" integers <c>__index__</c>
/// accepts. Equality of views, <see cref="MemoryView.Count"/>, <see cref="MemoryView.IndexOf"/> and item packing
/// depend on these being exactly Python's.
/// </summary>
internal static class PythonValues
{
    /// <summary>
    /// Python's <c>a == b</c>: integers (any width, <see cref="bool"/> included, as in Python) compare by value,
    /// floats with IEEE semantics (<c>NaN</c> is unequal to everything, <c>-0.0 == 0.0</c>), an integer and a float
    /// exactly (<c>2**53 + 1 != 2.0**53</c>), complex numbers with anything numeric; byte strings by content;
    /// sequences element by element; anything else with <see cref="object.Equals(object, object)"/>.
    /// </summary>
    public static bool PyEquals(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }
        var ka = Classify(a);
        var kb = Classify(b);
        if (ka != NumberKind.None && kb != NumberKind.None)
        {
            return NumbersEqual(a, ka, b, kb);
        }
        switch (a)
        {
            case byte[] x when b is byte[] y:
                return x.AsSpan().SequenceEqual(y);
            case string x when b is string y:
                return string.Equals(x, y, StringComparison.Ordinal);
            case object?[] x when b is object?[] y:
                return SequencesEqual(x, y);
            case IList x when b is IList y && a is not Array && b is not Array:
                return ListsEqual(x, y);
        }
        return a.Equals(b);
    }

    /// <summary>
    /// Python's truthiness (<c>bool(x)</c>) for .NET values: null, false, zero numbers and empty strings, arrays and
    /// collections are false; everything else is true (<c>NaN</c> included, as in Python).
    /// </summary>
    public static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool b => b,
        string s => s.Length != 0,
        Array a => a.Length != 0,
        ICollection c => c.Count != 0,
        _ => Classify(value) switch
        {
            NumberKind.Integer => !ToBigInteger(value).IsZero,
            NumberKind.Float => ToDouble(value) != 0,
            NumberKind.Complex => (Complex)value != Complex.Zero,
            _ => true,
        },
    };

    /// <summary>
    /// Python's <c>operator.index(value)</c>: the value of an integer (any .NET integer type, <see cref="bool"/> and
    /// enums included) as an <see cref="Int128"/>. False for anything else (floats, strings, ...);
    /// <paramref name="overflow"/> is set for an integer beyond <see cref="Int128"/> (out of every C type's range).
    /// </summary>
    public static bool TryAsIndex(object? value, out Int128 result, out bool overflow)
    {
        overflow = false;
        switch (value)
        {
            case int v: result = v; return true;
            case long v: result = v; return true;
            case null: result = 0; return false;
        }
        result = 0;
        if (Classify(value) != NumberKind.Integer)
        {
            return false;
        }
        var big = ToBigInteger(value);
        if (big < (BigInteger)Int128.MinValue || big > (BigInteger)Int128.MaxValue)
        {
            overflow = true;
            return true;
        }
        result = (Int128)big;
        return true;
    }

    /// <summary>
    /// Python's <c>float(value)</c> as <c>PyFloat_AsDouble</c> does it: floats, integers (an integer too large for a
    /// double is an overflow, <paramref name="overflow"/> true) and booleans; false for anything else.
    /// </summary>
    public static bool TryAsDouble(object? value, out double result, out bool overflow)
    {
        overflow = false;
        result = 0;
        switch (value is null ? NumberKind.None : Classify(value))
        {
            case NumberKind.Float:
                result = ToDouble(value!);
                return true;
            case NumberKind.None when value is decimal d:
                // Python's Decimal converts through __float__.
                result = (double)d;
                return true;
            case NumberKind.Integer:
                result = value switch
                {
                    int v => v,
                    long v => v,
                    ulong v => v,
                    _ => RoundToDouble(ToBigInteger(value!)),
                };
                overflow = double.IsInfinity(result);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// An integer rounded to the nearest double, ties to even, as <c>PyLong_AsDouble</c> rounds (the BigInteger
    /// conversion truncates): the top 64 bits, with the bits below folded into a sticky bit, rounded once.
    /// </summary>
    private static double RoundToDouble(BigInteger value)
    {
        var magnitude = BigInteger.Abs(value);
        var bits = (int)magnitude.GetBitLength();
        double result;
        if (bits <= 64)
        {
            result = (ulong)magnitude;
        }
        else
        {
            var shift = bits - 64;
            var top = (ulong)(magnitude >> shift);
            if (!(magnitude & ((BigInteger.One << shift) - 1)).IsZero)
            {
                top |= 1;
            }
            result = Math.ScaleB(top, shift);
        }
        return value.Sign < 0 ? -result : result;
    }

    private enum NumberKind
    {
        None,
        Integer,
        Float,
        Complex,
    }

    private static NumberKind Classify(object value) => value switch
    {
        bool or sbyte or byte or short or ushort or int or uint or long or ulong or nint or nuint
            or Int128 or UInt128 or BigInteger or Enum => NumberKind.Integer,
        double or float or Half => NumberKind.Float,
        Complex => NumberKind.Complex,
        _ when ForeignInteger.TryRead(value, out _) => NumberKind.Integer,
        _ => NumberKind.None,
    };

    private static bool NumbersEqual(object a, NumberKind ka, object b, NumberKind kb)
    {
        if (ka == NumberKind.Complex || kb == NumberKind.Complex)
        {
            var (ar, ai) = ComplexParts(a, ka);
            var (br, bi) = ComplexParts(b, kb);
            return ai == bi && RealsEqual(ar, br);
        }
        return RealPairsEqual((a, ka), (b, kb));
    }

    private static (object Real, double Imaginary) ComplexParts(object value, NumberKind kind) =>
        kind == NumberKind.Complex ? (((Complex)value).Real, ((Complex)value).Imaginary) : (value, 0.0);

    private static bool RealsEqual(object a, object b) => RealPairsEqual((a, Classify(a)), (b, Classify(b)));

    private static bool RealPairsEqual((object Value, NumberKind Kind) a, (object Value, NumberKind Kind) b)
    {
        if (a.Kind == NumberKind.Integer && b.Kind == NumberKind.Integer)
        {
            return IntegersEqual(a.Value, b.Value);
        }
        if (a.Kind == NumberKind.Float && b.Kind == NumberKind.Float)
        {
            return ToDouble(a.Value) == ToDouble(b.Value);
        }
        var (f, i) = a.Kind == NumberKind.Float ? (ToDouble(a.Value), b.Value) : (ToDouble(b.Value), a.Value);
        // Python compares an int with a float exactly: only an integral, finite float can equal an int.
        if (!double.IsFinite(f) || Math.Floor(f) != f)
        {
            return false;
        }
        return new BigInteger(f) == ToBigInteger(i);
    }

    private static bool IntegersEqual(object a, object b)
    {
        // The common case, both fit a long, without allocating.
        if (TryToInt64(a, out var x) && TryToInt64(b, out var y))
        {
            return x == y;
        }
        return ToBigInteger(a) == ToBigInteger(b);
    }

    private static bool TryToInt64(object value, out long result)
    {
        switch (value)
        {
            case bool v: result = v ? 1 : 0; return true;
            case sbyte v: result = v; return true;
            case byte v: result = v; return true;
            case short v: result = v; return true;
            case ushort v: result = v; return true;
            case int v: result = v; return true;
            case uint v: result = v; return true;
            case long v: result = v; return true;
            case nint v: result = v; return true;
            case ulong v when v <= long.MaxValue: result = (long)v; return true;
            case nuint v when v <= long.MaxValue: result = (long)v; return true;
            default: result = 0; return false;
        }
    }

    private static BigInteger ToBigInteger(object value) => value switch
    {
        bool v => v ? BigInteger.One : BigInteger.Zero,
        sbyte v => v,
        byte v => v,
        short v => v,
        ushort v => v,
        int v => v,
        uint v => v,
        long v => v,
        ulong v => v,
        nint v => v,
        nuint v => v,
        Int128 v => (BigInteger)v,
        UInt128 v => (BigInteger)v,
        BigInteger v => v,
        Enum e => EnumValue(e),
        _ when ForeignInteger.TryRead(value, out var foreign) => foreign,
        _ => throw new InvalidCastException($"{value.GetType()} is not an integer"),
    };

    private static BigInteger EnumValue(Enum e) =>
        Type.GetTypeCode(Enum.GetUnderlyingType(e.GetType())) is TypeCode.UInt64 ? Convert.ToUInt64(e, null) : Convert.ToInt64(e, null);

    private static double ToDouble(object value) => value switch
    {
        double v => v,
        float v => v,
        Half v => (double)v,
        _ => throw new InvalidCastException($"{value.GetType()} is not a float"),
    };

    private static bool SequencesEqual(object?[] x, object?[] y)
    {
        if (x.Length != y.Length)
        {
            return false;
        }
        for (var i = 0; i < x.Length; i++)
        {
            // Python's sequence comparison treats identical items as equal before trying ==.
            if (!ReferenceEquals(x[i], y[i]) && !PyEquals(x[i], y[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static bool ListsEqual(IList x, IList y)
    {
        if (x.Count != y.Count)
        {
            return false;
        }
        for (var i = 0; i < x.Count; i++)
        {
            if (!ReferenceEquals(x[i], y[i]) && !PyEquals(x[i], y[i]))
            {
                return false;
            }
        }
        return true;
    }
}
