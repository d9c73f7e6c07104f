using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace BufferProtocol.Interop.NumPy;

/// <summary>
/// A Python literal as NumPy writes them with <c>repr</c> (<c>.npy</c> headers, <c>dtype.descr</c>): strings, integers,
/// <c>True</c>/<c>False</c>/<c>None</c>, tuples, lists and dicts — parsed without evaluating anything, and written back
/// exactly as Python's <c>repr</c> writes them.
/// </summary>
/// <remarks>
/// The parser accepts the subset <c>ast.literal_eval</c> accepts that NumPy emits: single- or double-quoted strings
/// with backslash escapes (optionally <c>b</c>/<c>u</c>-prefixed), decimal integers (with a sign, and the Python 2
/// <c>L</c> suffix of old headers), the three constants, and nested <c>( )</c>, <c>[ ]</c>, <c>{ }</c> with optional
/// trailing commas. Anything else is a <see cref="FormatException"/> naming the position.
/// </remarks>
internal abstract class PyLiteral
{
    /// <summary>Parses one literal that spans the whole text (surrounding whitespace allowed).</summary>
    /// <exception cref="FormatException">The text is not such a literal.</exception>
    public static PyLiteral Parse(string text)
    {
        var parser = new Parser(text);
        var value = parser.ParseValue();
        parser.SkipSpace();
        if (!parser.AtEnd)
        {
            throw parser.Error("unexpected text after the literal");
        }
        return value;
    }

    /// <summary>Python's <c>repr</c> of the value.</summary>
    public string Repr()
    {
        var builder = new StringBuilder();
        Write(builder);
        return builder.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => Repr();

    public abstract void Write(StringBuilder builder);

    /// <summary>Python's <c>repr</c> of a <c>str</c>: single quotes unless the text holds a single quote and no double quote.</summary>
    public static string ReprString(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        WriteString(builder, value);
        return builder.ToString();
    }

    private static void WriteString(StringBuilder builder, string value)
    {
        var quote = value.Contains('\'', StringComparison.Ordinal) && !value.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        builder.Append(quote);
        for (var i = 0; i < value.Length; i++)
        {
            int c = value[i];
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                c = char.ConvertToUtf32(value[i], value[i + 1]);
                i++;
            }
            if (c == quote || c == '\\')
            {
                builder.Append('\\').Append((char)c);
            }
            else if (c == '\t')
            {
                builder.Append("\\t");
            }
            else if (c == '\n')
            {
                builder.Append("\\n");
            }
            else if (c == '\r')
            {
                builder.Append("\\r");
            }
            else if (c < 0x20 || c == 0x7f)
            {
                builder.Append("\\x").Append(c.ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (c < 0x7f || IsPrintable(c))
            {
                builder.Append(char.ConvertFromUtf32(c));
            }
            else if (c <= 0xff)
            {
                builder.Append("\\x").Append(c.ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (c <= 0xffff)
            {
                builder.Append("\\u").Append(c.ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append("\\U").Append(c.ToString("x8", CultureInfo.InvariantCulture));
            }
        }
        builder.Append(quote);
    }

    /// <summary>Python's <c>str.isprintable</c> for one code point (above ASCII): not a control, format, separator or unassigned character.</summary>
    private static bool IsPrintable(int c)
    {
        if (c is >= 0xd800 and <= 0xdfff)
        {
            return false;
        }
        var category = CharUnicodeInfo.GetUnicodeCategory(c);
        return category is not (UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator);
    }

    public sealed class Str(string value) : PyLiteral
    {
        public string Value { get; } = value;

        public override void Write(StringBuilder builder) => WriteString(builder, Value);
    }

    public sealed class Int(BigInteger value) : PyLiteral
    {
        public BigInteger Value { get; } = value;

        public override void Write(StringBuilder builder) => builder.Append(Value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary><c>True</c>, <c>False</c> or <c>None</c>.</summary>
    public sealed class Constant : PyLiteral
    {
        public static readonly Constant True = new("True");
        public static readonly Constant False = new("False");
        public static readonly Constant None = new("None");

        private Constant(string name) => Name = name;

        public string Name { get; }

        public override void Write(StringBuilder builder) => builder.Append(Name);
    }

    /// <summary>A tuple (<see cref="IsTuple"/>) or a list.</summary>
    public sealed class Sequence(ImmutableArray<PyLiteral> items, bool isTuple) : PyLiteral
    {
        public ImmutableArray<PyLiteral> Items { get; } = items;

        public bool IsTuple { get; } = isTuple;

        public override void Write(StringBuilder builder)
        {
            builder.Append(IsTuple ? '(' : '[');
            for (var i = 0; i < Items.Length; i++)
            {
                if (i > 0)
                {
                    builder.Append(", ");
                }
                Items[i].Write(builder);
            }
            if (IsTuple && Items.Length == 1)
            {
                builder.Append(',');
            }
            builder.Append(IsTuple ? ')' : ']');
        }
    }

    /// <summary>A dict, its entries in the order written.</summary>
    public sealed class Dict(ImmutableArray<KeyValuePair<PyLiteral, PyLiteral>> entries) : PyLiteral
    {
        public ImmutableArray<KeyValuePair<PyLiteral, PyLiteral>> Entries { get; } = entries;

        /// <summary>The value of the string key <paramref name="key"/>, or null.</summary>
        public PyLiteral? Get(string key)
        {
            foreach (var entry in Entries)
            {
                if (entry.Key is Str s && s.Value == key)
                {
                    return entry.Value;
                }
            }
            return null;
        }

        public override void Write(StringBuilder builder)
        {
            builder.Append('{');
            for (var i = 0; i < Entries.Length; i++)
            {
                if (i > 0)
                {
                    builder.Append(", ");
                }
                Entries[i].Key.Write(builder);
                builder.Append(": ");
                Entries[i].Value.Write(builder);
            }
            builder.Append('}');
        }
    }

    private sealed class Parser(string text)
    {
        private const int MaxDepth = 64;
        private int _position;
        private int _depth;

        public bool AtEnd => _position >= text.Length;

        public FormatException Error(string problem) =>
            new($"{problem} at position {_position} of the Python literal {Excerpt()}");

        public void SkipSpace()
        {
            while (_position < text.Length && text[_position] is ' ' or '\t' or '\n' or '\r' or '\f' or '\v')
            {
                _position++;
            }
        }

        public PyLiteral ParseValue()
        {
            SkipSpace();
            if (AtEnd)
            {
                throw Error("expected a value");
            }
            var c = text[_position];
            switch (c)
            {
                case '(':
                    return ParseSequence(')', isTuple: true);
                case '[':
                    return ParseSequence(']', isTuple: false);
                case '{':
                    return ParseDict();
                case '\'' or '"':
                    return new Str(ParseString());
                case 'b' or 'B' or 'u' or 'U' when _position + 1 < text.Length && text[_position + 1] is '\'' or '"':
                    _position++;
                    return new Str(ParseString());
                case '-' or '+' or (>= '0' and <= '9'):
                    return ParseInt();
                default:
                    foreach (var constant in (ReadOnlySpan<Constant>)[Constant.True, Constant.False, Constant.None])
                    {
                        if (string.CompareOrdinal(text, _position, constant.Name, 0, constant.Name.Length) == 0 &&
                            (_position + constant.Name.Length == text.Length || !char.IsLetterOrDigit(text[_position + constant.Name.Length])))
                        {
                            _position += constant.Name.Length;
                            return constant;
                        }
                    }
                    throw Error("expected a string, an integer, True, False, None, a tuple, a list or a dict");
            }
        }

        private PyLiteral ParseSequence(char close, bool isTuple)
        {
            Enter();
            _position++;
            var items = ImmutableArray.CreateBuilder<PyLiteral>();
            var sawComma = false;
            while (true)
            {
                SkipSpace();
                if (!AtEnd && text[_position] == close)
                {
                    _position++;
                    break;
                }
                items.Add(ParseValue());
                SkipSpace();
                if (!AtEnd && text[_position] == ',')
                {
                    _position++;
                    sawComma = true;
                    continue;
                }
                SkipSpace();
                if (AtEnd || text[_position] != close)
                {
                    throw Error($"expected ',' or '{close}'");
                }
                _position++;
                break;
            }
            _depth--;
            // "(x)" is a parenthesised value, not a tuple.
            return isTuple && items.Count == 1 && !sawComma ? items[0] : new Sequence(items.ToImmutable(), isTuple);
        }

        private Dict ParseDict()
        {
            Enter();
            _position++;
            var entries = ImmutableArray.CreateBuilder<KeyValuePair<PyLiteral, PyLiteral>>();
            while (true)
            {
                SkipSpace();
                if (!AtEnd && text[_position] == '}')
                {
                    _position++;
                    break;
                }
                var key = ParseValue();
                SkipSpace();
                if (AtEnd || text[_position] != ':')
                {
                    throw Error("expected ':' after a dict key");
                }
                _position++;
                var value = ParseValue();
                entries.Add(new(key, value));
                SkipSpace();
                if (!AtEnd && text[_position] == ',')
                {
                    _position++;
                    continue;
                }
                if (AtEnd || text[_position] != '}')
                {
                    throw Error("expected ',' or '}'");
                }
                _position++;
                break;
            }
            _depth--;
            return new Dict(entries.ToImmutable());
        }

        private Int ParseInt()
        {
            var start = _position;
            if (text[_position] is '-' or '+')
            {
                _position++;
            }
            var digits = _position;
            while (_position < text.Length && char.IsAsciiDigit(text[_position]))
            {
                _position++;
            }
            if (_position == digits)
            {
                throw Error("expected digits");
            }
            var value = BigInteger.Parse(text.AsSpan(start, _position - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            if (_position < text.Length && text[_position] is 'L' or 'l')
            {
                _position++; // Python 2 long, as old .npy headers wrote them.
            }
            return new Int(value);
        }

        private string ParseString()
        {
            var quote = text[_position++];
            var builder = new StringBuilder();
            while (true)
            {
                if (AtEnd)
                {
                    throw Error("unterminated string");
                }
                var c = text[_position++];
                if (c == quote)
                {
                    return builder.ToString();
                }
                if (c == '\n')
                {
                    throw Error("newline in a string");
                }
                if (c != '\\')
                {
                    builder.Append(c);
                    continue;
                }
                if (AtEnd)
                {
                    throw Error("unterminated escape");
                }
                var e = text[_position++];
                switch (e)
                {
                    case '\\' or '\'' or '"':
                        builder.Append(e);
                        break;
                    case 'n': builder.Append('\n'); break;
                    case 't': builder.Append('\t'); break;
                    case 'r': builder.Append('\r'); break;
                    case 'a': builder.Append('\a'); break;
                    case 'b': builder.Append('\b'); break;
                    case 'f': builder.Append('\f'); break;
                    case 'v': builder.Append('\v'); break;
                    case '\n': break;
                    case 'x': builder.Append(char.ConvertFromUtf32(Hex(2))); break;
                    case 'u': builder.Append(char.ConvertFromUtf32(Hex(4))); break;
                    case 'U': builder.Append(char.ConvertFromUtf32(Hex(8))); break;
                    case >= '0' and <= '7':
                        var value = e - '0';
                        for (var i = 0; i < 2 && !AtEnd && text[_position] is >= '0' and <= '7'; i++)
                        {
                            value = (value * 8) + (text[_position++] - '0');
                        }
                        builder.Append((char)value);
                        break;
                    default:
                        builder.Append('\\').Append(e);
                        break;
                }
            }
        }

        private int Hex(int digits)
        {
            if (_position + digits > text.Length ||
                !int.TryParse(text.AsSpan(_position, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value) ||
                value is < 0 or > 0x10ffff or (>= 0xd800 and <= 0xdfff))
            {
                throw Error($"invalid \\x/\\u/\\U escape");
            }
            _position += digits;
            return value;
        }

        private void Enter()
        {
            if (++_depth > MaxDepth)
            {
                throw Error($"nesting deeper than {MaxDepth}");
            }
        }

        private string Excerpt() => text.Length <= 80 ? $"'{text}'" : $"'{text[..80]}…'";
    }
}
