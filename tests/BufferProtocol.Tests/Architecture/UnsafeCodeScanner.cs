using System.Text;
using System.Text.RegularExpressions;

namespace BufferProtocol.Tests.Architecture;

/// <summary>
/// Finds the C# constructs the engineering standard confines to interop folders: the <c>unsafe</c> keyword and
/// <c>fixed (…)</c> statements, outside comments, string literals and character literals.
/// </summary>
/// <remarks>
/// Not a C# parser: a small lexer blanks out comments (<c>//</c>, <c>/* */</c>, doc comments), string literals (regular,
/// verbatim, interpolated, raw) and character literals, keeping line breaks, and then looks for the words. An
/// interpolated string is blanked with its holes: a hole is an expression, and neither construct is one. Verbatim
/// identifiers (<c>@unsafe</c>) are not the keyword.
/// </remarks>
internal static partial class UnsafeCodeScanner
{
    /// <summary>The folder name that may hold unsafe code, as a whole path segment.</summary>
    public const string InteropSegment = "/Interop/";

    /// <summary>True when <paramref name="relativePath"/> (any separator) lies inside an <c>Interop</c> folder.</summary>
    public static bool IsInInterop(string relativePath) =>
        ("/" + relativePath.Replace('\\', '/')).Contains(InteropSegment, StringComparison.Ordinal);

    /// <summary>Each line (1-based) holding <c>unsafe</c> or a <c>fixed (</c> statement in code, with the construct found.</summary>
    public static IReadOnlyList<(int Line, string Construct)> Find(string source)
    {
        var code = CodeOnly(source);
        var found = new List<(int, string)>();
        var lines = code.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (Match m in Keyword().Matches(lines[i]))
            {
                if (m.Index > 0 && lines[i][m.Index - 1] == '@')
                {
                    continue;
                }
                found.Add((i + 1, m.Groups["fixed"].Success ? "fixed (" : "unsafe"));
            }
        }
        return found;
    }

    /// <summary><paramref name="source"/> with every comment, string and character literal replaced by spaces (line breaks kept).</summary>
    public static string CodeOnly(string source)
    {
        var text = new StringBuilder(source);
        var i = 0;
        while (i < source.Length)
        {
            var c = source[i];
            var next = i + 1 < source.Length ? source[i + 1] : '\0';
            if (c == '/' && next == '/')
            {
                i = Blank(text, i, source.IndexOf('\n', i) is var eol and >= 0 ? eol : source.Length);
            }
            else if (c == '/' && next == '*')
            {
                var close = source.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = Blank(text, i, close < 0 ? source.Length : close + 2);
            }
            else if (c == '\'')
            {
                i = Blank(text, i, EndOfQuoted(source, i, '\''));
            }
            else if (c is '"' or '$' or '@' && StringStart(source, i) is var (quote, verbatim))
            {
                i = Blank(text, i, EndOfString(source, quote, verbatim));
            }
            else
            {
                i++;
            }
        }
        return text.ToString();
    }

    // The position of the opening quote of a string literal starting at i ($"…", @"…", $@"…", @$"…", "…", $$"""…"""),
    // and whether it is verbatim; null when i does not start one.
    private static (int Quote, bool Verbatim)? StringStart(string s, int i)
    {
        var j = i;
        var verbatim = false;
        while (j < s.Length && (s[j] == '$' || s[j] == '@'))
        {
            verbatim |= s[j] == '@';
            j++;
        }
        return j < s.Length && s[j] == '"' ? (j, verbatim) : null;
    }

    private static int EndOfString(string s, int quote, bool verbatim)
    {
        var run = 0;
        while (quote + run < s.Length && s[quote + run] == '"')
        {
            run++;
        }
        if (run >= 3)
        {
            // A raw string literal: it ends at the next run of as many quotes.
            var close = s.IndexOf(new string('"', run), quote + run, StringComparison.Ordinal);
            return close < 0 ? s.Length : close + run;
        }
        if (run == 2)
        {
            return quote + 2; // the empty string ""
        }
        if (!verbatim)
        {
            return EndOfQuoted(s, quote, '"');
        }
        for (var j = quote + 1; j < s.Length; j++)
        {
            if (s[j] == '"')
            {
                if (j + 1 < s.Length && s[j + 1] == '"')
                {
                    j++; // "" inside a verbatim string
                    continue;
                }
                return j + 1;
            }
        }
        return s.Length;
    }

    // The end of a regular string or a character literal: the closing quote, backslash escapes skipped; a line break
    // ends an unterminated one.
    private static int EndOfQuoted(string s, int open, char quote)
    {
        for (var j = open + 1; j < s.Length; j++)
        {
            if (s[j] == '\\')
            {
                j++;
            }
            else if (s[j] == quote)
            {
                return j + 1;
            }
            else if (s[j] == '\n')
            {
                return j;
            }
        }
        return s.Length;
    }

    private static int Blank(StringBuilder text, int from, int to)
    {
        for (var k = from; k < to; k++)
        {
            if (text[k] != '\n' && text[k] != '\r')
            {
                text[k] = ' ';
            }
        }
        return to;
    }

    [GeneratedRegex(@"\bunsafe\b|(?<fixed>\bfixed\s*\()")]
    private static partial Regex Keyword();
}
