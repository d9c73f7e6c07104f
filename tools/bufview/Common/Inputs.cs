using System.Globalization;
using BufferProtocol.Formats;
using BufferProtocol.Interop.Npy;
using BufferProtocol.Interop.NumPy;
using BufferProtocol.Layout;
using BufferProtocol.Views;

namespace BufferProtocol.Bufview.Common;

/// <summary>What kind of file an input is.</summary>
internal enum InputKind
{
    /// <summary>Raw binary, described by <c>--format</c>, <c>--shape</c>, <c>--offset</c>, <c>--order</c>.</summary>
    Raw,

    /// <summary>A <c>.npy</c> file.</summary>
    Npy,

    /// <summary>One array of a <c>.npz</c> archive.</summary>
    NpzMember,
}

/// <summary>
/// The parsing of command-line values shared by the commands — formats (PEP 3118 or NumPy typestrs), shapes,
/// offsets, orders, slices — and the opening of input files, each failure a <see cref="UserError"/> with a clear
/// message.
/// </summary>
internal static class Inputs
{
    /// <summary>
    /// A PEP 3118 format, or failing that a NumPy typestr (<c>&lt;f8</c>, <c>i4</c>, <c>|S5</c>), which becomes the
    /// equivalent PEP 3118 format. An invalid format reports the PEP 3118 parser's problem and position.
    /// </summary>
    public static BufferFormat ParseFormat(string text, string option = "--format")
    {
        try
        {
            return BufferFormat.Parse(text);
        }
        catch (BufferFormatException e)
        {
            if (TryTypeString(text) is { } fromTypeString)
            {
                return fromTypeString;
            }
            string marker = text.Length <= 120 && !text.Any(char.IsControl)
                ? $"{Environment.NewLine}    {text}{Environment.NewLine}    {new string(' ', e.Position)}^"
                : "";
            throw new UserError($"invalid {option} \"{Shorten(text)}\": {e.Problem} (at position {e.Position}){marker}");
        }
    }

    private static BufferFormat? TryTypeString(string text)
    {
        try
        {
            var type = NumPyDType.FromTypeString(text);
            return type.HasObjects ? null : BufferFormat.Parse(type.Format);
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// A shape: extents separated by commas (or <c>x</c>), optionally in parentheses — <c>100,3</c>, <c>(2, 3, 4)</c>,
    /// <c>2x3</c>, <c>()</c> for a single item — with at most one <c>-1</c>, inferred from the bytes available.
    /// </summary>
    /// <returns>The extents, with -1 for the one to infer.</returns>
    public static nint[] ParseShape(string text)
    {
        string trimmed = text.Trim();
        if (trimmed.StartsWith('(') && trimmed.EndsWith(')'))
        {
            trimmed = trimmed[1..^1];
        }
        else if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
        {
            trimmed = trimmed[1..^1];
        }
        if (trimmed.Trim().Length == 0)
        {
            return [];
        }
        string[] parts = trimmed.Split([',', 'x', 'X', '×'], StringSplitOptions.TrimEntries);
        if (parts.Length > 0 && parts[^1].Length == 0 && parts.Length > 1)
        {
            parts = parts[..^1]; // "(3,)"
        }
        if (parts.Length > BufferLayout.MaxRank)
        {
            throw new UserError($"invalid --shape \"{Shorten(text)}\": {parts.Length} dimensions (at most {BufferLayout.MaxRank})");
        }
        var shape = new nint[parts.Length];
        int inferred = 0;
        for (int i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long extent) || extent < -1)
            {
                throw new UserError($"invalid --shape \"{Shorten(text)}\": '{Shorten(parts[i])}' is not an extent (expected integers ≥ 0 separated by commas, e.g. 100,3; one may be -1)");
            }
            if (extent == -1 && ++inferred > 1)
            {
                throw new UserError($"invalid --shape \"{Shorten(text)}\": only one extent can be -1");
            }
            shape[i] = (nint)extent;
        }
        return shape;
    }

    /// <summary>A byte count or offset: a decimal or <c>0x</c> hexadecimal integer ≥ 0.</summary>
    public static long ParseOffset(string text, string option = "--offset")
    {
        string t = text.Trim().Replace("_", "", StringComparison.Ordinal);
        bool ok = t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.TryParse(t.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long value)
            : long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (!ok || value < 0)
        {
            throw new UserError($"invalid {option} \"{Shorten(text)}\": expected a byte count ≥ 0 (decimal, or hexadecimal with 0x)");
        }
        return value;
    }

    /// <summary><c>C</c> or <c>F</c> (any case; also <c>row</c>/<c>column</c>, <c>fortran</c>).</summary>
    public static ContiguityOrder ParseOrder(string text, string option = "--order") => text.Trim().ToUpperInvariant() switch
    {
        "C" or "ROW" or "ROW-MAJOR" => ContiguityOrder.C,
        "F" or "FORTRAN" or "COLUMN" or "COLUMN-MAJOR" => ContiguityOrder.Fortran,
        _ => throw new UserError($"invalid {option} \"{Shorten(text)}\": expected C (row-major) or F (Fortran, column-major)"),
    };

    /// <summary>Applies a NumPy-style key (<c>"1:3, ::-1"</c>) to a view.</summary>
    public static MemoryView ApplySlice(MemoryView view, string key)
    {
        try
        {
            return view[key];
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException or IndexOutOfRangeException or OverflowException)
        {
            string message = UserError.MessageOf(e);
            throw new UserError($"invalid --slice \"{Shorten(key)}\" for shape {ShapeText(view.Shape)}: {message}");
        }
    }

    /// <summary>A shape as Python writes a tuple: <c>(3,)</c>, <c>(2, 3)</c>, <c>()</c>.</summary>
    public static string ShapeText(ReadOnlySpan<nint> shape) =>
        shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape.ToArray()) + ")";

    /// <summary>Text cut to 120 characters for messages.</summary>
    public static string Shorten(string text) => text.Length <= 120 ? text : string.Concat(text.AsSpan(0, 120), "…");

    // ------------------------------------------------------------------------------------------------ files

    /// <summary>The kind of file from its first bytes: <c>\x93NUMPY</c> is <c>.npy</c>, a ZIP signature <c>.npz</c>.</summary>
    public static InputKind Sniff(string path)
    {
        Span<byte> head = stackalloc byte[6];
        int n;
        using (var stream = OpenRead(path))
        {
            n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        if (n == 6 && head.SequenceEqual(NpyHeader.Magic))
        {
            return InputKind.Npy;
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6)))
        {
            return InputKind.NpzMember;
        }
        return InputKind.Raw;
    }

    /// <summary>Opens a file for reading, turning a missing, unreadable or directory path into a <see cref="UserError"/>.</summary>
    public static FileStream OpenRead(string path)
    {
        CheckFile(path);
        return Guard(path, () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
    }

    /// <summary>The length of an existing file.</summary>
    public static long FileLength(string path)
    {
        CheckFile(path);
        return Guard(path, () => new FileInfo(path).Length);
    }

    private static void CheckFile(string path)
    {
        if (path.Length == 0)
        {
            throw new UserError("the file name is empty");
        }
        if (Directory.Exists(path))
        {
            throw new UserError($"'{Shorten(path)}' is a directory, not a file");
        }
        if (!File.Exists(path))
        {
            throw new UserError($"cannot open '{Shorten(path)}': no such file");
        }
    }

    /// <summary>Runs a file operation, turning I/O failures into a <see cref="UserError"/> naming the file.</summary>
    public static T Guard<T>(string path, Func<T> open)
    {
        try
        {
            return open();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UserError($"cannot open '{Shorten(path)}': no such file", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UserError($"cannot open '{Shorten(path)}': permission denied", e);
        }
        catch (IOException e)
        {
            throw new UserError($"cannot read '{Shorten(path)}': {e.Message}", e);
        }
    }

    /// <summary>Runs an operation that writes <paramref name="path"/>, turning I/O failures into a <see cref="UserError"/> naming it.</summary>
    public static T GuardWrite<T>(string path, Func<T> write)
    {
        try
        {
            return write();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UserError($"cannot write '{Shorten(path)}': no such folder", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UserError($"cannot write '{Shorten(path)}': permission denied", e);
        }
        catch (IOException e)
        {
            throw new UserError($"cannot write '{Shorten(path)}': {e.Message}", e);
        }
    }

    /// <summary>Runs an operation on a <c>.npy</c> file or <c>.npz</c> archive, turning its refusals into a <see cref="UserError"/>.</summary>
    public static T GuardNumPy<T>(string path, Func<T> open)
    {
        try
        {
            return Guard(path, open);
        }
        catch (InvalidDataException e)
        {
            throw new UserError($"'{Shorten(path)}' is not a valid .npy file or .npz archive: {e.Message}", e);
        }
        catch (NotSupportedException e)
        {
            throw new UserError($"'{Shorten(path)}': {e.Message}", e);
        }
        catch (FormatException e)
        {
            throw new UserError($"'{Shorten(path)}': the header's dtype is not understood: {e.Message}", e);
        }
        catch (OverflowException e)
        {
            throw new UserError($"'{Shorten(path)}': the header describes an array too large to map: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new UserError($"'{Shorten(path)}': {UserError.MessageOf(e)}", e);
        }
    }
}
