using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace BufferProtocol.Formats;

/// <summary>
/// Structural equality and text of item values as <see cref="ItemCodec"/> reads them: <c>byte[]</c> by content,
/// sub-arrays (<c>object?[]</c>) element by element, records by <see cref="BufferRecord.Equals(BufferRecord)"/>,
/// everything else by <see cref="object.Equals(object)"/>.
/// </summary>
/// <remarks>
/// Values of different CLR types are different, even when numerically equal: the <c>c</c> value <c>byte[] { 65 }</c>
/// is not the <c>B</c> value <c>(byte)65</c> (as <c>b'A' != 65</c> in Python), and an <c>i</c> value (<see cref="int"/>)
/// is not an <c>l</c> value (<see cref="long"/>). NaN equals NaN (<see cref="double.Equals(double)"/>).
/// </remarks>
public sealed class ItemValueComparer : IEqualityComparer<object?>
{
    private ItemValueComparer()
    {
    }

    /// <summary>The comparer.</summary>
    public static ItemValueComparer Instance { get; } = new();

    /// <summary>True when both values are structurally equal.</summary>
    /// <param name="x">A value.</param>
    /// <param name="y">Another value.</param>
    public new bool Equals(object? x, object? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }
        switch (x, y)
        {
            case (null, _) or (_, null):
                return false;
            case (byte[] a, byte[] b):
                return a.AsSpan().SequenceEqual(b);
            case (object?[] a, object?[] b):
                if (a.Length != b.Length)
                {
                    return false;
                }
                for (int i = 0; i < a.Length; i++)
                {
                    if (!Equals(a[i], b[i]))
                    {
                        return false;
                    }
                }
                return true;
            default:
                return x.Equals(y);
        }
    }

    /// <summary>A hash code consistent with <see cref="Equals(object, object)"/>.</summary>
    /// <param name="obj">A value.</param>
    public int GetHashCode(object? obj)
    {
        switch (obj)
        {
            case null:
                return 0;
            case byte[] bytes:
            {
                var hash = new HashCode();
                hash.AddBytes(bytes);
                return hash.ToHashCode();
            }
            case object?[] array:
            {
                var hash = new HashCode();
                foreach (object? element in array)
                {
                    hash.Add(GetHashCode(element));
                }
                return hash.ToHashCode();
            }
            default:
                return obj.GetHashCode();
        }
    }

    /// <summary>
    /// A Python-like text of a value: <c>None</c>, <c>True</c>, <c>1.5</c>, <c>b'ab\x00'</c>, <c>'text'</c>,
    /// <c>(1+2j)</c>, <c>[1, 2]</c>, <c>(x=1, y=2)</c>.
    /// </summary>
    /// <remarks>
    /// Sub-arrays (<c>object?[]</c>) and other lists — the nested <see cref="List{T}"/>s of
    /// <c>MemoryView.ToList()</c> — are written as Python lists, so a view's items print as <c>tolist()</c> does.
    /// </remarks>
    /// <param name="value">A value read by an item codec, a list of them (or any object).</param>
    public static string Format(object? value)
    {
        var text = new StringBuilder();
        Append(text, value);
        return text.ToString();
    }

    private static void Append(StringBuilder text, object? value)
    {
        switch (value)
        {
            case null:
                text.Append("None");
                break;
            case bool b:
                text.Append(b ? "True" : "False");
                break;
            case byte[] bytes:
                AppendBytes(text, bytes);
                break;
            case string s:
                AppendQuoted(text, s);
                break;
            case char c:
                AppendQuoted(text, c.ToString());
                break;
            case Rune r:
                AppendQuoted(text, r.ToString());
                break;
            case double d:
                text.Append(Real(d));
                break;
            case float f:
                text.Append(Real(f));
                break;
            case Half h:
                text.Append(Real((double)h));
                break;
            case Complex z:
                text.Append('(').Append(Real(z.Real)).Append(z.Imaginary < 0 || double.IsNegative(z.Imaginary) ? "" : "+")
                    .Append(Real(z.Imaginary)).Append("j)");
                break;
            case IList list:
                text.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(", ");
                    }
                    Append(text, list[i]);
                }
                text.Append(']');
                break;
            case IFormattable formattable:
                text.Append(formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                text.Append(value);
                break;
        }
    }

    /// <summary>Python's <c>repr(float)</c> style: shortest round-trip digits, <c>.0</c> on integral values, <c>nan</c>/<c>inf</c>.</summary>
    private static string Real(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }
        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }
        string s = d.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
        return s.Contains('.', StringComparison.Ordinal) || s.Contains('e', StringComparison.Ordinal) ? s : s + ".0";
    }

    private static void AppendBytes(StringBuilder text, byte[] bytes)
    {
        text.Append("b'");
        foreach (byte b in bytes)
        {
            switch (b)
            {
                case (byte)'\\': text.Append("\\\\"); break;
                case (byte)'\'': text.Append("\\'"); break;
                case (byte)'\t': text.Append("\\t"); break;
                case (byte)'\n': text.Append("\\n"); break;
                case (byte)'\r': text.Append("\\r"); break;
                case >= 0x20 and < 0x7F: text.Append((char)b); break;
                default: text.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture)); break;
            }
        }
        text.Append('\'');
    }

    private static void AppendQuoted(StringBuilder text, string s)
    {
        text.Append('\'');
        foreach (char c in s)
        {
            switch (c)
            {
                case '\\': text.Append("\\\\"); break;
                case '\'': text.Append("\\'"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case < ' ': text.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)); break;
                default: text.Append(c); break;
            }
        }
        text.Append('\'');
    }
}
