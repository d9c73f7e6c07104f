using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace BufferProtocol.Formats.Internals;

/// <summary>
/// The PEP 3118 format parser: one pass over the text that builds the descriptor tree and its layout.
/// </summary>
/// <remarks>
/// <para>Grammar (see <c>docs/formats.md</c> for the full EBNF and the rules):</para>
/// <code>
///   format   := [prefix] { ws | member }                       -- a lone leading prefix ("&lt;") is allowed
///   member   := item [ws* ':' name ':']
///   item     := { prefix | shape | ws } [count] code            -- no whitespace between count and code
///   code     := c b B ? h H i I l L q Q n N e f d g P O s p u w x t | 'Z' (f|d|g)
///             | 'T{' { ws | member } '}' | '&amp;' item | 'X{' { ws | member } ['-&gt;' { ws | member }] '}'
///   shape    := '(' ws* extent ws* { ',' ws* extent ws* } ')'
/// </code>
/// <para>
/// The prefix mode is parser state that is never restored (the sticky scope of NumPy and Cython). Nesting
/// (<c>T{</c>, <c>X{</c>, <c>&amp;</c> and shape groups together) is bounded by <see cref="MaxDepth"/>, so the recursion
/// is shallow whatever the input; every count, extent, size and offset is checked against <c>nint</c>. Errors
/// are returned, not thrown: the first problem ends the parse and leaves nothing behind.
/// </para>
/// </remarks>
internal ref struct FormatParser
{
    /// <summary>The deepest nesting of <c>T{</c>, <c>X{</c>, <c>&amp;</c> and sub-array shapes accepted.</summary>
    public const int MaxDepth = 64;

    private readonly ReadOnlySpan<char> _s;
    private int _pos;
    private FormatMode _mode;
    private int _depth;
    private int _errorPosition;
    private string? _error;

    private FormatParser(ReadOnlySpan<char> s)
    {
        _s = s;
    }

    private enum Terminator
    {
        End,
        Brace,
        Arguments,
        Result,
    }

    /// <summary>Parses <paramref name="text"/>; on failure returns null with the position and problem.</summary>
    public static DataType? Parse(ReadOnlySpan<char> text, out int errorPosition, out string? error)
    {
        var parser = new FormatParser(text);
        DataType? root = parser.ParseFormat();
        errorPosition = parser._errorPosition;
        error = parser._error;
        return root;
    }

    private DataType? ParseFormat()
    {
        if (_s.Length > 0 && LeafCodes.IsPrefix(_s[0]))
        {
            _mode = LeafCodes.ModeOf(_s[0]);
            _pos = 1;
        }
        var items = new FormatLayout.RecordBuilder();
        if (!ParseMembers(items, Terminator.End, -1))
        {
            return null;
        }
        // A single unnamed item is the root itself ("i", "3i", "T{...}"); anything else is an item list.
        return items.Count == 1 && items[0].Name is null ? items[0].Type : items.TryBuild(isStruct: false, FormatMode.Native, _mode);
    }

    private bool Fail(int position, string problem)
    {
        _errorPosition = position;
        _error = problem;
        return false;
    }

    private void SkipWhitespace()
    {
        while (_pos < _s.Length && LeafCodes.IsWhitespace(_s[_pos]))
        {
            _pos++;
        }
    }

    private bool ParseMembers(FormatLayout.RecordBuilder items, Terminator terminator, int openPosition)
    {
        while (true)
        {
            SkipWhitespace();
            if (_pos == _s.Length)
            {
                return terminator == Terminator.End ||
                       Fail(_pos, $"'{_s[openPosition]}{{' opened at position {openPosition} is never closed with '}}'");
            }
            char c = _s[_pos];
            if (c == '}')
            {
                return terminator != Terminator.End || Fail(_pos, "'}' without a matching 'T{' or 'X{'");
            }
            if (c == '-' && terminator == Terminator.Arguments)
            {
                return true;
            }
            if (!ParseMember(items))
            {
                return false;
            }
        }
    }

    private bool ParseMember(FormatLayout.RecordBuilder items)
    {
        int start = _pos;
        if (!ParseItem(out DataType? type))
        {
            return false;
        }
        string? name = null;
        int afterItem = _pos;
        SkipWhitespace();
        if (_pos < _s.Length && _s[_pos] == ':')
        {
            int open = _pos;
            int length = _s[(open + 1)..].IndexOf(':');
            if (length < 0)
            {
                return Fail(open, "field name is not closed by ':'");
            }
            name = _s.Slice(open + 1, length).ToString();
            if (!items.TryReserveName(name))
            {
                return Fail(open + 1, $"duplicate field name '{Shorten(name)}'");
            }
            _pos = open + length + 2;
        }
        else
        {
            _pos = afterItem;
        }
        return items.TryAdd(name, type) || Fail(start, "the item makes the size exceed the largest nint");
    }

    private bool ParseItem([NotNullWhen(true)] out DataType? type)
    {
        type = null;
        int start = _pos;
        ImmutableArray<nint>[]? shapes = null;
        int shapeCount = 0;
        while (true)
        {
            SkipWhitespace();
            if (_pos == _s.Length)
            {
                break;
            }
            char c = _s[_pos];
            if (LeafCodes.IsPrefix(c))
            {
                _mode = LeafCodes.ModeOf(c);
                _pos++;
            }
            else if (c == '(')
            {
                if (++_depth > MaxDepth)
                {
                    return Fail(_pos, $"format nests deeper than {MaxDepth} levels");
                }
                if (!ParseShape(out ImmutableArray<nint> shape))
                {
                    return false;
                }
                shapes ??= new ImmutableArray<nint>[4];
                if (shapeCount == shapes.Length)
                {
                    Array.Resize(ref shapes, shapeCount * 2);
                }
                shapes[shapeCount++] = shape;
            }
            else
            {
                break;
            }
        }

        int countPosition = _pos;
        nint count = 1;
        bool hasCount = false;
        if (_pos < _s.Length && char.IsAsciiDigit(_s[_pos]))
        {
            hasCount = true;
            if (!ParseNumber(out count))
            {
                return Fail(countPosition, "repeat count is too large (it must fit nint)");
            }
            if (_pos == _s.Length)
            {
                return Fail(countPosition, "repeat count given without a format code");
            }
        }
        if (_pos == _s.Length)
        {
            return Fail(_pos, "expected a format code");
        }

        if (!ParseCode(start, hasCount, ref count, out DataType? element))
        {
            return false;
        }
        if (count != 1)
        {
            element = FormatLayout.TryCreateSubArray(element, [count], isRepeat: true);
            if (element is null)
            {
                return Fail(start, "the item's size exceeds the largest nint");
            }
        }
        for (int i = shapeCount - 1; i >= 0; i--)
        {
            element = FormatLayout.TryCreateSubArray(element, shapes![i], isRepeat: false);
            if (element is null)
            {
                return Fail(start, "the item's size exceeds the largest nint");
            }
        }
        _depth -= shapeCount;
        type = element;
        return true;
    }

    /// <summary>
    /// Parses the code at <c>_pos</c>. For codes whose count is a length (<c>s p u w x t</c>) it consumes the count
    /// (sets it to 1); for the others the count stays a repeat count.
    /// </summary>
    private bool ParseCode(int start, bool hasCount, ref nint count, [NotNullWhen(true)] out DataType? element)
    {
        element = null;
        int at = _pos;
        char code = _s[_pos];
        switch (code)
        {
            case 's' or 'p' or 'u' or 'w':
                _pos++;
                element = FormatLayout.TryCreateString(code, count, _mode);
                count = 1;
                return element is not null || Fail(start, "the string's size exceeds the largest nint");
            case 'x':
                _pos++;
                element = new PaddingType(count, _mode);
                count = 1;
                return true;
            case 't':
                _pos++;
                element = new BitFieldType(count, _mode);
                count = 1;
                return true;
            case 'O':
                _pos++;
                element = ObjectType.Get(_mode);
                return true;
            case 'Z':
                if (_pos + 1 < _s.Length && _s[_pos + 1] is 'f' or 'd' or 'g')
                {
                    element = ScalarType.Get(_s[_pos + 1], _mode, complex: true);
                    _pos += 2;
                    return true;
                }
                return Fail(at, "'Z' must be followed by 'f', 'd' or 'g'");
            case 'T':
                return ParseStruct(out element);
            case 'X':
                return ParseFunctionPointer(out element);
            case '&':
                return ParsePointer(out element);
            default:
                if (LeafCodes.IsScalarCode(code))
                {
                    _pos++;
                    element = ScalarType.Get(code, _mode);
                    return true;
                }
                return Fail(at, DescribeBadCode(code, hasCount));
        }
    }

    private static string DescribeBadCode(char c, bool afterCount) => c switch
    {
        _ when afterCount && (LeafCodes.IsWhitespace(c) || LeafCodes.IsPrefix(c) || c == '(') =>
            "expected a format code right after the repeat count",
        '}' => "expected a format code before '}'",
        ':' => "a field name must follow an item",
        _ => $"unknown format code {Quote(c)}",
    };

    /// <summary>Steps over <c>T{</c> or <c>X{</c> at <c>_pos</c>, one nesting level deeper.</summary>
    private bool TryEnterBraces()
    {
        int open = _pos;
        if (open + 1 >= _s.Length || _s[open + 1] != '{')
        {
            return Fail(open, $"'{_s[open]}' must be followed by '{{'");
        }
        if (++_depth > MaxDepth)
        {
            return Fail(open, $"format nests deeper than {MaxDepth} levels");
        }
        _pos += 2;
        return true;
    }

    private bool ParseStruct([NotNullWhen(true)] out DataType? element)
    {
        element = null;
        int open = _pos;
        FormatMode entryMode = _mode;
        if (!TryEnterBraces())
        {
            return false;
        }
        var members = new FormatLayout.RecordBuilder();
        if (!ParseMembers(members, Terminator.Brace, open))
        {
            return false;
        }
        _pos++;
        _depth--;
        element = members.TryBuild(isStruct: true, entryMode, _mode);
        return element is not null || Fail(open, "the struct's size exceeds the largest nint");
    }

    private bool ParseFunctionPointer([NotNullWhen(true)] out DataType? element)
    {
        element = null;
        int open = _pos;
        FormatMode mode = _mode;
        if (!TryEnterBraces())
        {
            return false;
        }
        var arguments = new FormatLayout.RecordBuilder();
        if (!ParseMembers(arguments, Terminator.Arguments, open))
        {
            return false;
        }
        DataType? returnType = null;
        if (_s[_pos] == '-')
        {
            if (_pos + 1 >= _s.Length || _s[_pos + 1] != '>')
            {
                return Fail(_pos, "expected '->' before the return type");
            }
            _pos += 2;
            var result = new FormatLayout.RecordBuilder();
            if (!ParseMembers(result, Terminator.Result, open))
            {
                return false;
            }
            if (result.Count == 0)
            {
                return Fail(_pos, "expected a return type after '->'");
            }
            returnType = result.Count == 1 && result[0].Name is null ? result[0].Type : result.TryBuild(isStruct: false, mode, _mode);
        }
        _pos++;
        _depth--;
        element = new FunctionPointerType(arguments.TryBuild(isStruct: false, mode, arguments.ClosingMode(mode))!, returnType, mode);
        return true;
    }

    private bool ParsePointer([NotNullWhen(true)] out DataType? element)
    {
        element = null;
        FormatMode mode = _mode;
        if (++_depth > MaxDepth)
        {
            return Fail(_pos, $"format nests deeper than {MaxDepth} levels");
        }
        _pos++;
        if (!ParseItem(out DataType? target))
        {
            return false;
        }
        _depth--;
        element = new PointerType(target, mode);
        return true;
    }

    private bool ParseShape(out ImmutableArray<nint> shape)
    {
        shape = default;
        int open = _pos;
        _pos++;
        ImmutableArray<nint>.Builder extents = ImmutableArray.CreateBuilder<nint>();
        while (true)
        {
            SkipWhitespace();
            if (_pos == _s.Length)
            {
                return Fail(_pos, $"sub-array shape opened at position {open} is never closed with ')'");
            }
            if (!char.IsAsciiDigit(_s[_pos]))
            {
                return Fail(_pos, $"expected a sub-array extent (a non-negative integer), found {Quote(_s[_pos])}");
            }
            int extentPosition = _pos;
            if (!ParseNumber(out nint extent))
            {
                return Fail(extentPosition, "sub-array extent is too large (it must fit nint)");
            }
            extents.Add(extent);
            SkipWhitespace();
            if (_pos == _s.Length)
            {
                return Fail(_pos, $"sub-array shape opened at position {open} is never closed with ')'");
            }
            char c = _s[_pos++];
            if (c == ')')
            {
                shape = extents.DrainToImmutable();
                return true;
            }
            if (c != ',')
            {
                return Fail(_pos - 1, $"expected ',' or ')' in a sub-array shape, found {Quote(c)}");
            }
        }
    }

    /// <summary>Reads the decimal digits at <c>_pos</c>; false when the value does not fit <c>nint</c>.</summary>
    private bool ParseNumber(out nint value)
    {
        value = 0;
        while (_pos < _s.Length && char.IsAsciiDigit(_s[_pos]))
        {
            int digit = _s[_pos] - '0';
            if (value > (nint.MaxValue - digit) / 10)
            {
                return false;
            }
            value = (value * 10) + digit;
            _pos++;
        }
        return true;
    }

    internal static string Quote(char c) =>
        c is >= ' ' and < (char)0x7F ? $"'{c}'" : $"U+{(int)c:X4}";

    private static string Shorten(string name) => name.Length <= 40 ? name : string.Concat(name.AsSpan(0, 40), "…");
}
