using System.Globalization;
using System.Numerics;
using System.Text;
using BufferProtocol.Formats;

namespace BufferProtocol.Bufview.Values;

/// <summary>
/// Item values as JSON, the way <c>json.dumps(memoryview.tolist(), separators=(",", ":"), ensure_ascii=False)</c>
/// would write them if JSON had every Python type — written straight to a <see cref="TextWriter"/> so arrays of any
/// size stream.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>integers: JSON numbers (exact, any size); <c>?</c>: <c>true</c>/<c>false</c>;</item>
/// <item>floats (<c>e f d g</c>): the double <c>tolist()</c> gives, as Python's <c>repr</c> (<c>0.1</c>, <c>1.0</c>,
/// <c>1e-05</c>; a <c>'f'</c> 0.1 is <c>0.10000000149011612</c>, as in Python); NaN and infinities, which JSON lacks,
/// are the strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>;</item>
/// <item>complex numbers: <c>{"real":1.0,"imag":2.0}</c>;</item>
/// <item>bytes (<c>c s p</c>): a string of the bytes read as latin-1 (each byte one character U+0000–U+00FF, so
/// <c>s.encode("latin-1")</c> gives the bytes back); text (<c>u w</c>): a string;</item>
/// <item>records: objects keyed by field name (unnamed fields <c>f0</c>, <c>f1</c>, … by position, NumPy's names);
/// sub-arrays: nested lists.</item>
/// </list>
/// </remarks>
internal static class JsonText
{
    /// <summary>The string that stands for NaN.</summary>
    public const string NaN = "NaN";

    /// <summary>The string that stands for +∞.</summary>
    public const string PositiveInfinity = "Infinity";

    /// <summary>The string that stands for −∞.</summary>
    public const string NegativeInfinity = "-Infinity";

    public static void WriteValue(TextWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.Write("null");
                break;
            case bool b:
                writer.Write(b ? "true" : "false");
                break;
            case double d:
                WriteDouble(writer, d);
                break;
            case float f:
                WriteDouble(writer, f);
                break;
            case Half h:
                WriteDouble(writer, (double)h);
                break;
            case Complex c:
                writer.Write("{\"real\":");
                WriteDouble(writer, c.Real);
                writer.Write(",\"imag\":");
                WriteDouble(writer, c.Imaginary);
                writer.Write('}');
                break;
            case byte[] bytes:
                WriteString(writer, Latin1(bytes));
                break;
            case string s:
                WriteString(writer, s);
                break;
            case char ch:
                WriteString(writer, ch.ToString());
                break;
            case Rune r:
                WriteString(writer, r.ToString());
                break;
            case BufferRecord record:
                writer.Write('{');
                string[] names = FieldNames(record.Names);
                for (int i = 0; i < record.Count; i++)
                {
                    if (i > 0)
                    {
                        writer.Write(',');
                    }
                    WriteString(writer, names[i]);
                    writer.Write(':');
                    WriteValue(writer, record[i]);
                }
                writer.Write('}');
                break;
            case object?[] array:
                writer.Write('[');
                for (int i = 0; i < array.Length; i++)
                {
                    if (i > 0)
                    {
                        writer.Write(',');
                    }
                    WriteValue(writer, array[i]);
                }
                writer.Write(']');
                break;
            case IFormattable number:
                writer.Write(number.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                WriteString(writer, value.ToString() ?? "");
                break;
        }
    }

    /// <summary>The names of a record's value fields, unnamed ones <c>f{position}</c> (the next free one when taken).</summary>
    public static string[] FieldNames(IReadOnlyList<string?> names)
    {
        var taken = new HashSet<string>(names.Where(n => n is not null)!, StringComparer.Ordinal);
        var result = new string[names.Count];
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] is { } name)
            {
                result[i] = name;
                continue;
            }
            int n = i;
            string candidate = "f" + n.ToString(CultureInfo.InvariantCulture);
            while (taken.Contains(candidate))
            {
                candidate = "f" + (++n).ToString(CultureInfo.InvariantCulture);
            }
            taken.Add(candidate);
            result[i] = candidate;
        }
        return result;
    }

    public static void WriteDouble(TextWriter writer, double value)
    {
        if (double.IsNaN(value))
        {
            WriteString(writer, NaN);
        }
        else if (double.IsInfinity(value))
        {
            WriteString(writer, value > 0 ? PositiveInfinity : NegativeInfinity);
        }
        else
        {
            writer.Write(PythonText.Float(value));
        }
    }

    /// <summary>The bytes as a string of the same length, byte <c>b</c> being the character U+00bb.</summary>
    public static string Latin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>A JSON string as Python's <c>json.dumps(ensure_ascii=False)</c> writes it (lone surrogates escaped).</summary>
    public static void WriteString(TextWriter writer, string value)
    {
        writer.Write('"');
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '"': writer.Write("\\\""); break;
                case '\\': writer.Write("\\\\"); break;
                case '\n': writer.Write("\\n"); break;
                case '\r': writer.Write("\\r"); break;
                case '\t': writer.Write("\\t"); break;
                case '\b': writer.Write("\\b"); break;
                case '\f': writer.Write("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        writer.Write("\\u");
                        writer.Write(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        writer.Write(c);
                        writer.Write(value[++i]);
                    }
                    else if (char.IsSurrogate(c))
                    {
                        writer.Write("\\u");
                        writer.Write(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        writer.Write(c);
                    }
                    break;
            }
        }
        writer.Write('"');
    }

    /// <summary>A JSON string value, as text.</summary>
    public static string Quote(string value)
    {
        var writer = new StringWriter();
        WriteString(writer, value);
        return writer.ToString();
    }
}
