using System.Globalization;
using System.Numerics;

namespace BufferProtocol.Internal;

/// <summary>
/// Integers of types this library does not know, recognised by <see cref="IConvertible.GetTypeCode"/>: pythonnet
/// 3.2.1 hands a Python <c>int</c> to an <c>object</c> parameter (an item value, <c>view[i] = 7</c>) as its own
/// <c>Python.Runtime.PyInt</c>, which reports <see cref="TypeCode.Int64"/> whatever its size. The value is read through
/// its text (<see cref="object.ToString"/>: its <see cref="IConvertible"/> conversions throw), which for <c>PyInt</c> is Python's <c>str(int)</c>, so no digit is lost (2**70 stays 2**70 and
/// is then refused as out of range, as CPython refuses it).
/// </summary>
internal static class ForeignInteger
{
    /// <summary>True (with the value) when <paramref name="value"/> is a foreign <see cref="IConvertible"/> integer.</summary>
    public static bool TryRead(object? value, out BigInteger result)
    {
        if (value is IConvertible convertible && !value.GetType().IsPrimitive && !value.GetType().IsEnum
            && convertible.GetTypeCode() is >= TypeCode.SByte and <= TypeCode.UInt64
            && BigInteger.TryParse(value.ToString(), NumberStyles.AllowLeadingSign,
                CultureInfo.InvariantCulture, out result))
        {
            return true;
        }
        result = default;
        return false;
    }
}
