using System.Globalization;
using System.Numerics;
using System.Text;
using BufferProtocol.Formats;

namespace BufferProtocol.Bufview.Values;

/// <summary>
/// Values written as Python writes them: <c>repr</c> of floats (shortest round trip, <c>1.0</c>, <c>1e-05</c>,
/// <c>1e+16</c>), of bytes (<c>b'a\x00'</c>), complex numbers (<c>(1+2j)</c>), tuples and lists.
/// </summary>
internal static class PythonText
{
    /// <summary>Python's <c>repr(float)</c> of a double: the shortest text that reads back as the same double.</summary>
    public static string Float(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }
        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }
        return Repr(value.ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary>The shortest text of a single-precision value, written the way Python writes floats (<c>0.1</c>, not <c>0.10000000149011612</c>).</summary>
    public static string Float(float value)
    {
        if (float.IsNaN(value))
        {
            return "nan";
        }
        if (float.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }
        return Repr(value.ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary>The shortest text of a half-precision value, written the way Python writes floats.</summary>
    public static string Float(Half value)
    {
        if (Half.IsNaN(value))
        {
            return "nan";
        }
        if (Half.IsInfinity(value))
        {
            return Half.IsPositive(value) ? "inf" : "-inf";
        }
        return Repr(value.ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Rewrites .NET's round-trip text (<c>1E+16</c>, <c>1.5E-05</c>, <c>123.5</c>) in Python's <c>repr</c> style:
    /// positional notation when the decimal exponent is in [-4, 16), else <c>d.ddde±XX</c>; integral values get <c>.0</c>.
    /// </summary>
    private static string Repr(string text)
    {
        bool negative = text.StartsWith('-');
        if (negative)
        {
            text = text[1..];
        }
        int exponent = 0;
        int e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }
        int dot = text.IndexOf('.');
        string digits = dot < 0 ? text : text.Remove(dot, 1);
        int pointAt = (dot < 0 ? text.Length : dot) + exponent; // value = 0.digits × 10^pointAt, before trimming
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }
        digits = digits[lead..];
        pointAt -= lead;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            return negative ? "-0.0" : "0.0";
        }
        var result = new StringBuilder();
        if (negative)
        {
            result.Append('-');
        }
        if (pointAt > -4 && pointAt <= 16)
        {
            if (pointAt <= 0)
            {
                result.Append("0.").Append('0', -pointAt).Append(digits);
            }
            else if (pointAt >= digits.Length)
            {
                result.Append(digits).Append('0', pointAt - digits.Length).Append(".0");
            }
            else
            {
                result.Append(digits, 0, pointAt).Append('.').Append(digits, pointAt, digits.Length - pointAt);
            }
        }
        else
        {
            result.Append(digits[0]);
            if (digits.Length > 1)
            {
                result.Append('.').Append(digits, 1, digits.Length - 1);
            }
            int x = pointAt - 1;
            result.Append('e').Append(x < 0 ? '-' : '+').Append(Math.Abs(x).ToString("00", CultureInfo.InvariantCulture));
        }
        return result.ToString();
    }

    /// <summary>Python's <c>repr(complex)</c>: <c>(1+2j)</c>, <c>2j</c> when the real part is +0.</summary>
    public static string Complex(Complex value)
    {
        string imaginary = Float(value.Imaginary);
        if (value.Real == 0 && !double.IsNegative(value.Real))
        {
            return Trim(imaginary) + "j";
        }
        string sign = imaginary.StartsWith('-') ? "" : "+";
        return "(" + Trim(Float(value.Real)) + sign + Trim(imaginary) + "j)";

        // Python writes the parts of a complex with repr but without a trailing ".0".
        static string Trim(string part) => part.EndsWith(".0", StringComparison.Ordinal) ? part[..^2] : part;
    }

    /// <summary>Python's <c>repr(bytes)</c>: <c>b'...'</c> with <c>\x..</c>, <c>\n</c>, <c>\\</c> escapes.</summary>
    public static string Bytes(ReadOnlySpan<byte> bytes)
    {
        bool hasSingle = bytes.Contains((byte)'\'');
        bool hasDouble = bytes.Contains((byte)'"');
        char quote = hasSingle && !hasDouble ? '"' : '\'';
        var text = new StringBuilder("b").Append(quote);
        foreach (byte b in bytes)
        {
            switch (b)
            {
                case (byte)'\\': text.Append("\\\\"); break;
                case (byte)'\t': text.Append("\\t"); break;
                case (byte)'\n': text.Append("\\n"); break;
                case (byte)'\r': text.Append("\\r"); break;
                default:
                    if (b == quote)
                    {
                        text.Append('\\').Append(quote);
                    }
                    else if (b < 0x20 || b >= 0x7f)
                    {
                        text.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append((char)b);
                    }
                    break;
            }
        }
        return text.Append(quote).ToString();
    }

    /// <summary>Text with control characters escaped (<c>\n</c>, <c>\x00</c>, <c>\u2028</c>...), for a table cell.</summary>
    public static string Text(string value)
    {
        if (!value.Any(c => char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029'))
        {
            return value;
        }
        var text = new StringBuilder();
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                text.Append(c).Append(value[++i]);
            }
            else if (c == '\n')
            {
                text.Append("\\n");
            }
            else if (c == '\t')
            {
                text.Append("\\t");
            }
            else if (c == '\r')
            {
                text.Append("\\r");
            }
            else if (c < 0x100 && char.IsControl(c))
            {
                text.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029')
            {
                text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append(c);
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// An item value as one table cell: numbers as Python prints them (floats in their own precision: a <c>'f'</c>
    /// 0.1 is <c>0.1</c>), <c>True</c>/<c>False</c>, bytes as <c>b'...'</c>, text as is (control characters escaped),
    /// records as tuples <c>(1, 2.0)</c>, sub-arrays as lists <c>[1, 2]</c>.
    /// </summary>
    public static string Cell(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        double d => Float(d),
        float f => Float(f),
        Half h => Float(h),
        Complex c => Complex(c),
        byte[] bytes => Bytes(bytes),
        string s => Text(s),
        char c => Text(c.ToString()),
        Rune r => Text(r.ToString()),
        BufferRecord record => "(" + string.Join(", ", record.Select(Cell)) + (record.Count == 1 ? ",)" : ")"),
        object?[] array => "[" + string.Join(", ", array.Select(Cell)) + "]",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
