using System.Collections.Immutable;
using BufferProtocol.Formats;

namespace BufferProtocol.Bufview.Layout;

/// <summary>One row of the field table: a member of the item (padding included), with the letter that marks its bytes.</summary>
/// <param name="Name">The member name, or null.</param>
/// <param name="Offset">Byte offset in the item.</param>
/// <param name="Size">Total size in bytes (all sub-array elements).</param>
/// <param name="Format">The canonical format of one element.</param>
/// <param name="Shape">The sub-array shape, or null.</param>
/// <param name="IsPadding">True for <c>x</c> members.</param>
/// <param name="Mark">The character that marks the member's bytes in the picture.</param>
internal sealed record LayoutRow(string? Name, nint Offset, nint Size, string Format, ImmutableArray<nint>? Shape, bool IsPadding, char Mark);

/// <summary>
/// What <c>bufview layout</c> shows about one format: item size, alignment, the member table and the picture of
/// the bytes (which member each byte belongs to).
/// </summary>
internal sealed class LayoutReport
{
    /// <summary>Marks padding members (<c>x</c>) in the picture.</summary>
    public const char PaddingMark = '.';

    /// <summary>Marks bytes no member covers (alignment gaps and trailing padding of <c>T{}</c>).</summary>
    public const char GapMark = '-';

    private const string Marks = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public LayoutReport(BufferFormat format)
    {
        Format = format;
        var rows = ImmutableArray.CreateBuilder<LayoutRow>(format.Fields.Length);
        int valueIndex = 0;
        foreach (FormatField field in format.Fields)
        {
            bool padding = field.ElementType is PaddingType;
            char mark = padding ? PaddingMark : Marks[valueIndex++ % Marks.Length];
            rows.Add(new LayoutRow(field.Name, field.Offset, field.Size, field.Format, field.Shape, padding, mark));
        }
        Rows = rows.MoveToImmutable();
    }

    public BufferFormat Format { get; }

    public ImmutableArray<LayoutRow> Rows { get; }

    /// <summary>The mark of every byte of the item (for the first <paramref name="limit"/> bytes).</summary>
    public char[] ByteMarks(int limit)
    {
        var marks = new char[(int)Math.Min(Format.ItemSize, limit)];
        Array.Fill(marks, GapMark);
        foreach (LayoutRow row in Rows)
        {
            for (nint b = row.Offset; b < row.Offset + row.Size && b < marks.Length; b++)
            {
                marks[b] = row.Mark;
            }
        }
        return marks;
    }

    /// <summary>The row that owns a mark, for colouring.</summary>
    public int RowIndexOf(char mark) => Rows.IndexOf(Rows.FirstOrDefault(r => r.Mark == mark && !r.IsPadding)!);
}
