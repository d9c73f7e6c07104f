using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using BufferProtocol.Formats;

namespace BufferProtocol.Tests.Formats;

/// <summary>
/// Python values as the oracle writes them (<c>{"int": "12"}</c>, <c>{"float": "0x1.8p+1"}</c>, <c>{"bool": true}</c>,
/// <c>{"bytes": "6162"}</c>, <c>{"str": "ab"}</c>, <c>{"complex": [re, im]}</c>, lists and records) and the
/// comparison of .NET item values with them.
/// </summary>
internal static class CodecOracle
{
    /// <summary>Decodes an oracle value into the .NET input the codec is given: the smallest CLR integer type that holds an int.</summary>
    public static object? Decode(JsonElement v)
    {
        if (v.ValueKind == JsonValueKind.Array)
        {
            return v.EnumerateArray().Select(Decode).ToArray();
        }
        if (v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var (kind, value) = Single(v);
        switch (kind)
        {
            case "int":
                var big = BigInteger.Parse(value.GetString()!, CultureInfo.InvariantCulture);
                if (big >= long.MinValue && big <= long.MaxValue)
                {
                    return (long)big;
                }
                return big >= 0 && big <= ulong.MaxValue ? (ulong)big : big;
            case "float" or "float_bits":
                return ParseReal(v);
            case "none":
                return null;
            case "bool":
                return value.GetBoolean();
            case "bytes":
                return Convert.FromHexString(value.GetString()!);
            case "str":
                return value.GetString()!;
            case "complex":
                return new Complex(ParseReal(value[0]), ParseReal(value[1]));
            case "record":
                return BufferRecord.Create([.. value.EnumerateArray().Select(f => ((string?)f[0].GetString(), Decode(f[1])))]);
            default:
                throw new InvalidDataException($"unknown oracle value kind '{kind}'");
        }
    }

    private static (string Kind, JsonElement Value) Single(JsonElement v)
    {
        var property = v.EnumerateObject().Single();
        return (property.Name, property.Value);
    }

    /// <summary>A float encoding: <c>{"float": hex}</c> or <c>{"float_bits": "16 hex digits"}</c> (NaNs with sign and payload).</summary>
    public static double ParseReal(JsonElement v)
    {
        var (kind, value) = Single(v);
        return kind switch
        {
            "float" => ParseFloatHex(value.GetString()!),
            "float_bits" => BitConverter.UInt64BitsToDouble(Convert.ToUInt64(value.GetString()!, 16)),
            _ => throw new InvalidDataException($"not a float encoding: {v}"),
        };
    }

    /// <summary>Python's <c>float.hex()</c> text (or <c>nan</c>, <c>inf</c>, <c>-inf</c>) as a double.</summary>
    public static double ParseFloatHex(string text)
    {
        switch (text)
        {
            case "nan": return BitConverter.UInt64BitsToDouble(0x7FF8_0000_0000_0000); // Python's float('nan') is positive
            case "-nan": return BitConverter.UInt64BitsToDouble(0xFFF8_0000_0000_0000);
            case "inf": return double.PositiveInfinity;
            case "-inf": return double.NegativeInfinity;
        }
        bool negative = text.StartsWith('-');
        string body = negative ? text[1..] : text;
        int p = body.IndexOf('p');
        string mantissa = body[2..p];
        int exponent = int.Parse(body[(p + 1)..], CultureInfo.InvariantCulture);
        int dot = mantissa.IndexOf('.');
        string digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        int fractionDigits = dot < 0 ? 0 : mantissa.Length - dot - 1;
        ulong m = ulong.Parse(digits, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        double result = Math.ScaleB(m, exponent - (4 * fractionDigits));
        return negative ? -result : result;
    }

    /// <summary>Asserts that a .NET value read by the codec equals the oracle's Python value.</summary>
    public static void AssertMatches(JsonElement expected, object? actual, string context)
    {
        if (expected.ValueKind == JsonValueKind.Array)
        {
            var array = Assert.IsType<object?[]>(actual, exactMatch: true);
            var items = expected.EnumerateArray().ToArray();
            Assert.True(items.Length == array.Length, $"{context}: expected {items.Length} elements, got {array.Length}");
            for (int i = 0; i < items.Length; i++)
            {
                AssertMatches(items[i], array[i], $"{context}[{i}]");
            }
            return;
        }
        var (kind, value) = Single(expected);
        switch (kind)
        {
            case "int":
                Assert.True(TryInteger(actual, out var integer), $"{context}: expected an integer, got {Describe(actual)}");
                Assert.True(integer == BigInteger.Parse(value.GetString()!, CultureInfo.InvariantCulture),
                    $"{context}: expected {value.GetString()}, got {integer}");
                break;
            case "float" or "float_bits":
                AssertReal(ParseReal(expected), actual, context);
                break;
            case "none":
                Assert.Null(actual);
                break;
            case "bool":
                Assert.True(actual is bool b && b == value.GetBoolean(), $"{context}: expected {value.GetBoolean()}, got {Describe(actual)}");
                break;
            case "bytes":
                var bytes = Assert.IsType<byte[]>(actual);
                Assert.True(Convert.ToHexStringLower(bytes) == value.GetString(), $"{context}: expected bytes {value.GetString()}, got {Convert.ToHexStringLower(bytes)}");
                break;
            case "str":
                string text = actual switch
                {
                    string s => s,
                    char c => c.ToString(),
                    Rune r => r.ToString(),
                    _ => throw new Xunit.Sdk.XunitException($"{context}: expected a string, got {Describe(actual)}"),
                };
                Assert.Equal(value.GetString(), text);
                break;
            case "complex":
                var z = Assert.IsType<Complex>(actual);
                AssertReal(ParseReal(value[0]), z.Real, context + ".real");
                AssertReal(ParseReal(value[1]), z.Imaginary, context + ".imag");
                break;
            case "record":
                var record = Assert.IsType<BufferRecord>(actual);
                var fields = value.EnumerateArray().ToArray();
                Assert.True(fields.Length == record.Count, $"{context}: expected {fields.Length} fields, got {record.Count}: {record}");
                for (int i = 0; i < fields.Length; i++)
                {
                    Assert.Equal(fields[i][0].GetString(), record.Names[i]);
                    AssertMatches(fields[i][1], record[i], $"{context}.{fields[i][0].GetString()}");
                }
                break;
            default:
                throw new InvalidDataException($"unknown oracle value kind '{kind}'");
        }
    }

    private static void AssertReal(double expected, object? actual, string context)
    {
        double d = actual switch
        {
            double x => x,
            float f => f,
            Half h => (double)h,
            _ => throw new Xunit.Sdk.XunitException($"{context}: expected a real, got {Describe(actual)}"),
        };
        bool same = double.IsNaN(expected) ? double.IsNaN(d) : BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(d);
        Assert.True(same, $"{context}: expected {expected:R}, got {d:R} ({Describe(actual)})");
    }

    public static bool TryInteger(object? value, out BigInteger result)
    {
        switch (value)
        {
            case sbyte v: result = v; return true;
            case byte v: result = v; return true;
            case short v: result = v; return true;
            case ushort v: result = v; return true;
            case int v: result = v; return true;
            case uint v: result = v; return true;
            case long v: result = v; return true;
            case ulong v: result = v; return true;
            case nint v: result = v; return true;
            case nuint v: result = v; return true;
            case BigInteger v: result = v; return true;
            default: result = 0; return false;
        }
    }

    public static string Describe(object? value) => value is null ? "null" : $"{value.GetType().Name} {ItemValueComparer.Format(value)}";

    /// <summary>
    /// The .NET exception a CPython packing error corresponds to: <c>OverflowError</c> and the range texts of
    /// <c>struct.error</c> are <see cref="ArgumentOutOfRangeException"/>; every other <c>struct.error</c> (wrong type,
    /// wrong count, wrong length) is <see cref="ArgumentException"/> itself.
    /// </summary>
    public static Type ExpectedException(string kind, string message, IReadOnlyList<object?> values)
    {
        if (kind == "OverflowError")
        {
            return typeof(ArgumentOutOfRangeException);
        }
        if (kind != "error")
        {
            throw new InvalidDataException($"no .NET counterpart is defined for {kind}: {message}");
        }
        if (message.Contains("<= number <=", StringComparison.Ordinal) || message.Contains("out of range", StringComparison.Ordinal) ||
            message.Contains("too large", StringComparison.Ordinal))
        {
            return typeof(ArgumentOutOfRangeException);
        }
        // PyFloat_AsDouble's OverflowError for a huge int is reported as "not a float"; it is a range problem here.
        if (message == "required argument is not a float" && values.Any(v => v is BigInteger or long or ulong))
        {
            return values.Any(v => v is BigInteger) ? typeof(ArgumentOutOfRangeException) : typeof(ArgumentException);
        }
        return typeof(ArgumentException);
    }
}
