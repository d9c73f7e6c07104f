using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using BufferProtocol.Exporters;
using BufferProtocol.Layout;
using BufferProtocol.Tests.Exporters;
using BufferProtocol.Tests.Formats;
using BufferProtocol.Tests.TestSupport;
using BufferProtocol.Views;

namespace BufferProtocol.Tests.Views;

/// <summary>
/// What the memoryview replays share: rebuilding a structure of tests/oracle/gen_memoryview.py as a guard-paged
/// <see cref="NativeBuffer"/>, decoding its value encoding, comparing values, and asserting outcomes through the
/// documented Python → .NET exception map (<see cref="PythonExceptionMap"/>, exact types).
/// </summary>
internal static class ViewOracle
{
    /// <summary>Rebuilds a structure (<c>format, itemsize, memory, offset, shape, strides, pil, readonly</c>).</summary>
    public static NativeBuffer Build(JsonElement d, GuardPlacement? placement = GuardPlacement.FlushEnd)
    {
        var format = d.GetProperty("format").GetString()!;
        var itemSize = (nint)d.GetProperty("itemsize").GetInt64();
        var memory = Convert.FromHexString(d.GetProperty("memory").GetString()!);
        var offset = (nint)d.GetProperty("offset").GetInt64();
        var layout = BufferLayout.Create(itemSize, Ints(d.GetProperty("shape")), Ints(d.GetProperty("strides")));
        var readOnly = d.TryGetProperty("readonly", out var ro) && ro.GetBoolean();
        var allocator = GuardedMemory.IsSupported ? GuardedNativeBuffers.Allocator(placement) : null;
        return d.GetProperty("pil").GetBoolean()
            ? NativeBuffer.CreateIndirectCore(format, layout, offset, memory.Length, readOnly, 1, memory, allocator)
            : NativeBuffer.CreateCore(format, layout, offset, Math.Max(memory.Length, 0), readOnly, 1, memory, allocator);
    }

    /// <summary>The item block of a rebuilt structure (after the pointer table), as lowercase hex.</summary>
    public static string Data(NativeBuffer exporter) => Convert.ToHexStringLower(exporter.Bytes[(int)exporter.DataOffset..]);

    public static nint[] Ints(JsonElement array) => array.EnumerateArray().Select(e => (nint)e.GetInt64()).ToArray();

    public static nint? NullableInt(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : (nint)e.GetInt64();

    public static Slice SliceOf(JsonElement triple) =>
        new(NullableInt(triple[0]), NullableInt(triple[1]), NullableInt(triple[2]));

    /// <summary>Runs <paramref name="action"/> and checks it against the outcome: same value (through <paramref name="check"/>) or same error kind.</summary>
    public static void AssertOutcome(JsonElement outcome, Func<object?> action, Action<JsonElement, object?> check, string context)
    {
        object? value = null;
        Exception? error = null;
        try
        {
            value = action();
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            error = e;
        }
        if (outcome.TryGetProperty("error", out var kind))
        {
            var message = outcome.GetProperty("message").GetString();
            var expected = ExpectedType(kind.GetString()!, message);
            if (error is null || error.GetType() != expected)
            {
                Assert.Fail($"{context}: CPython raised {kind.GetString()} ({message}), expected {expected.Name}; .NET {Describe(error, value)}");
            }
            return;
        }
        if (error is not null)
        {
            Assert.Fail($"{context}: CPython gave {outcome.GetProperty("ok")}, .NET {Describe(error, value)}");
        }
        check(outcome.GetProperty("ok"), value);
    }

    /// <summary>As <see cref="AssertOutcome(JsonElement, Func{object?}, Action{JsonElement, object?}, string)"/>, comparing values with <see cref="AssertValue"/>.</summary>
    public static void AssertOutcome(JsonElement outcome, Func<object?> action, string context) =>
        AssertOutcome(outcome, action, (e, a) => AssertValue(e, a, context), context);

    /// <summary>The .NET exception type for a Python kind (UnicodeEncodeError is a ValueError).</summary>
    public static Type ExpectedType(string kind, string? message) =>
        PythonExceptionMap.ExceptionTypeFor(kind == "UnicodeEncodeError" ? "ValueError" : kind, message);

    private static string Describe(Exception? e, object? value) =>
        e is null ? $"gave {Show(value)}" : $"threw {e.GetType().Name}: {e.Message}";

    /// <summary>Checks that <paramref name="actual"/> is the value the encoding describes, kind included (bool is not int, float is not int).</summary>
    public static void AssertValue(JsonElement expected, object? actual, string context)
    {
        if (!ValueMatches(expected, actual, out var why))
        {
            Assert.Fail($"{context}: expected {expected}, got {Show(actual)} ({why})");
        }
    }

    public static bool ValueMatches(JsonElement expected, object? actual, out string why)
    {
        why = "";
        switch (expected.ValueKind)
        {
            case JsonValueKind.Null:
                why = "not null";
                return actual is null;
            case JsonValueKind.True or JsonValueKind.False:
                why = "not that bool";
                return actual is bool b && b == expected.GetBoolean();
            case JsonValueKind.Number:
                why = "not that integer";
                return CodecOracle.TryInteger(actual, out var n) && n == BigInteger.Parse(expected.GetRawText(), CultureInfo.InvariantCulture);
            case JsonValueKind.Array:
                return SequenceMatches(expected.EnumerateArray().ToList(), actual, out why);
        }
        if (expected.TryGetProperty("int", out var i))
        {
            why = "not that integer";
            return CodecOracle.TryInteger(actual, out var n) && n == BigInteger.Parse(i.GetString()!, CultureInfo.InvariantCulture);
        }
        if (expected.TryGetProperty("float", out var f))
        {
            why = "not that float";
            var want = ParseHexFloat(f.GetString()!);
            double? got = actual switch { double d => d, float single => single, Half h => (double)h, _ => null };
            return got is { } g && (double.IsNaN(want) ? double.IsNaN(g) : BitConverter.DoubleToInt64Bits(g) == BitConverter.DoubleToInt64Bits(want));
        }
        if (expected.TryGetProperty("bytes", out var bytes))
        {
            why = "not those bytes";
            return actual is byte[] a && Convert.ToHexStringLower(a) == bytes.GetString();
        }
        if (expected.TryGetProperty("str", out var s))
        {
            why = "not that text";
            return actual switch
            {
                string t => t == s.GetString(),
                char c => c.ToString() == s.GetString(),
                Rune r => r.ToString() == s.GetString(),
                _ => false,
            };
        }
        if (expected.TryGetProperty("complex", out var c2))
        {
            why = "not that complex";
            return actual is Complex z && SameDouble(z.Real, ParseHexFloat(c2[0].GetString()!)) && SameDouble(z.Imaginary, ParseHexFloat(c2[1].GetString()!));
        }
        if (expected.TryGetProperty("tuple", out var tuple))
        {
            return SequenceMatches(tuple.EnumerateArray().ToList(), actual, out why);
        }
        why = "unknown encoding";
        return false;
    }

    private static bool SameDouble(double a, double b) =>
        double.IsNaN(b) ? double.IsNaN(a) : BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);

    private static bool SequenceMatches(List<JsonElement> expected, object? actual, out string why)
    {
        if (actual is not IEnumerable sequence || actual is string or byte[])
        {
            why = "not a sequence";
            return false;
        }
        var items = sequence.Cast<object?>().ToList();
        if (items.Count != expected.Count)
        {
            why = $"{items.Count} items, not {expected.Count}";
            return false;
        }
        for (var k = 0; k < items.Count; k++)
        {
            if (!ValueMatches(expected[k], items[k], out var inner))
            {
                why = $"item {k}: {inner}";
                return false;
            }
        }
        why = "";
        return true;
    }

    /// <summary>A .NET value for an encoded Python value (an item to store, a value to count).</summary>
    public static object? Decode(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Null: return null;
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            case JsonValueKind.Number: return e.GetInt64();
            case JsonValueKind.Array: return e.EnumerateArray().Select(Decode).ToArray();
        }
        if (e.TryGetProperty("int", out var i))
        {
            var big = BigInteger.Parse(i.GetString()!, CultureInfo.InvariantCulture);
            return big >= long.MinValue && big <= long.MaxValue ? (long)big : big >= 0 && big <= ulong.MaxValue ? (ulong)big : big;
        }
        if (e.TryGetProperty("float", out var f))
        {
            return ParseHexFloat(f.GetString()!);
        }
        if (e.TryGetProperty("bytes", out var b))
        {
            return Convert.FromHexString(b.GetString()!);
        }
        if (e.TryGetProperty("str", out var s))
        {
            return s.GetString();
        }
        if (e.TryGetProperty("complex", out var c))
        {
            return new Complex(ParseHexFloat(c[0].GetString()!), ParseHexFloat(c[1].GetString()!));
        }
        if (e.TryGetProperty("tuple", out var t))
        {
            return t.EnumerateArray().Select(Decode).ToArray();
        }
        if (e.TryGetProperty("decimal", out var d))
        {
            return decimal.Parse(d.GetString()!, CultureInfo.InvariantCulture);
        }
        throw new InvalidDataException($"unknown value encoding {e}");
    }

    /// <summary>Parses Python's <c>float.hex()</c>: <c>0x1.8p+0</c>, <c>-0x0.0p+0</c>, <c>inf</c>, <c>nan</c>.</summary>
    public static double ParseHexFloat(string text)
    {
        switch (text)
        {
            case "inf": return double.PositiveInfinity;
            case "-inf": return double.NegativeInfinity;
            // Python's float('nan') is the positive quiet NaN (.NET's double.NaN has the sign bit set).
            case "nan": return BitConverter.Int64BitsToDouble(0x7FF8000000000000);
        }
        var negative = text.StartsWith('-');
        var body = text.TrimStart('-')["0x".Length..];
        var p = body.IndexOf('p');
        var mantissa = body[..p];
        var exponent = int.Parse(body[(p + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.');
        var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var fraction = dot < 0 ? 0 : mantissa.Length - dot - 1;
        var value = Math.ScaleB((double)ulong.Parse(digits, NumberStyles.HexNumber, CultureInfo.InvariantCulture), exponent - 4 * fraction);
        return negative ? -value : value;
    }

    public static string Show(object? value) => value switch
    {
        null => "null",
        byte[] b => $"bytes {Convert.ToHexStringLower(b)}",
        string s => $"\"{s}\"",
        MemoryView v => v.ToString(),
        IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Show)) + "]",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => $"{value} ({value.GetType().Name})",
    };
}
