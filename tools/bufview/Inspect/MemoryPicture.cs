using System.Globalization;
using BufferProtocol.Bufview.Layout;
using BufferProtocol.Bufview.Output;
using BufferProtocol.Formats;
using BufferProtocol.Layout;
using Spectre.Console;

namespace BufferProtocol.Bufview.Inspect;

/// <summary>
/// A picture of how an array lies in memory: a byte ruler with the field of every byte and the index of the item
/// that starts there (bytes between the items of a strided view left blank), then a table of how each axis's stride
/// walks the memory and the formula of an item's address.
/// </summary>
internal static class MemoryPicture
{
    /// <summary>The picture shows at most this many bytes.</summary>
    public const int WindowBytes = 256;

    /// <summary>Items examined for labels (in C order) before the picture stops looking.</summary>
    public const int ItemScanLimit = 1 << 16;

    private const int LineCells = 64;

    private const char OutsideMark = '·';

    private static readonly Color[] Palette =
    [
        Color.Aqua, Color.Yellow, Color.Lime, Color.Fuchsia, Color.DodgerBlue1, Color.Orange1, Color.SpringGreen1,
        Color.HotPink, Color.Gold1, Color.MediumPurple1,
    ];

    /// <param name="console">Where to write.</param>
    /// <param name="format">The item format.</param>
    /// <param name="layout">The view's layout (shape and strides).</param>
    /// <param name="first">Where the view's item 0 is, in bytes from the start of the data.</param>
    /// <param name="dataStart">Where the data starts in the file (for the address formula), or null.</param>
    /// <param name="fields">False to leave out the table of fields (when it has been shown already).</param>
    public static void Write(ConsoleSink console, BufferFormat format, BufferLayout layout, long first, long? dataStart, bool fields = true)
    {
        var report = new LayoutReport(format);
        nint itemSize = layout.ItemSize;
        int rank = layout.Rank;
        console.WriteHeading("memory layout");
        if (layout.IsEmpty || itemSize == 0)
        {
            console.Output.WriteLine(layout.IsEmpty ? "  (no items: the array covers no memory)" : "  (items of 0 bytes cover no memory)");
            console.Output.WriteLine();
            WriteWalk(console, layout, first, dataStart);
            return;
        }
        long low = first + layout.MinOffset, high = first + layout.MaxOffset;
        long end = Math.Min(high, low + WindowBytes);
        int count = (int)(end - low);
        var marks = new char[count];
        var labels = new string?[count];
        Array.Fill(marks, OutsideMark);
        char[] itemMarks = report.ByteMarks((int)Math.Min(itemSize, int.MaxValue));
        int scanned = 0;
        foreach (var (index, offset) in Items(layout, first))
        {
            if (++scanned > ItemScanLimit)
            {
                break;
            }
            if (offset + itemSize <= low || offset >= end)
            {
                continue;
            }
            for (long b = Math.Max(offset, low); b < Math.Min(offset + itemSize, end); b++)
            {
                long inItem = b - offset;
                marks[b - low] = inItem < itemMarks.Length ? itemMarks[inItem] : LayoutReport.GapMark;
            }
            if (offset >= low)
            {
                labels[offset - low] = rank == 0 ? "()" : string.Join(",", index);
            }
        }

        int labelWidth = labels.Max(l => l?.Length ?? 0);
        int cell = (int)Math.Clamp((labelWidth + 1 + itemSize - 1) / itemSize, 1, 8);
        int perLine = Math.Max(1, LineCells / cell);
        if (itemSize <= perLine)
        {
            perLine -= perLine % (int)itemSize;
        }
        console.Output.WriteLine(
            $"  bytes {low}–{high - 1} of the data{(high > end ? $" (the first {count} shown)" : "")}; " +
            $"each byte is the letter of its field ({LayoutReport.PaddingMark} padding, {LayoutReport.GapMark} gap), {OutsideMark} = not in the view; " +
            "items are labelled i,j,... where they start");
        for (int start = 0; start < count; start += perLine)
        {
            int stop = Math.Min(count, start + perLine);
            var ruler = new char[(stop - start) * cell + 24];
            var itemLine = new char[ruler.Length];
            Array.Fill(ruler, ' ');
            Array.Fill(itemLine, ' ');
            var segments = new List<(string, Color?)> { ("    bytes  ", null) };
            int rulerFree = 0, itemFree = 0;
            for (int b = start; b < stop; b++)
            {
                int at = (b - start) * cell;
                if (labels[b] is { } label || b == start)
                {
                    if (labels[b] is { } text && at >= itemFree)
                    {
                        itemFree = Place(itemLine, at, text);
                    }
                    if (at >= rulerFree)
                    {
                        rulerFree = Place(ruler, at, (low + b).ToString(CultureInfo.InvariantCulture));
                    }
                }
                char mark = marks[b];
                Color? colour = mark == OutsideMark || mark == LayoutReport.PaddingMark || mark == LayoutReport.GapMark
                    ? Color.Grey
                    : Palette[Math.Max(report.RowIndexOf(mark), 0) % Palette.Length];
                segments.Add((new string(mark, cell), colour));
            }
            console.Output.WriteLine(("    offset " + new string(ruler)).TrimEnd());
            console.WriteSegments(segments);
            console.Output.WriteLine(("    item   " + new string(itemLine)).TrimEnd());
        }
        if (high > end)
        {
            console.Output.WriteLine($"    … {high - end} more bytes");
        }
        console.Output.WriteLine();
        if (fields)
        {
            WriteFields(console, report);
        }
        WriteWalk(console, layout, first, dataStart);
    }

    /// <summary>Writes text into a line at a position (as much as fits); returns the first free position after it and a space.</summary>
    private static int Place(char[] line, int at, string text)
    {
        for (int i = 0; i < text.Length && at + i < line.Length; i++)
        {
            line[at + i] = text[i];
        }
        return at + text.Length + 1;
    }

    private static void WriteFields(ConsoleSink console, LayoutReport report)
    {
        var rows = report.Rows.Take(26).Select(r => (IReadOnlyList<string>)
        [
            r.Mark.ToString(), r.Name ?? (r.IsPadding ? "(padding)" : "-"), Num(r.Offset), Num(r.Size), r.Format,
            r.Shape is { } s ? "(" + string.Join(",", s) + ")" : "",
        ]).ToList();
        console.WriteTable(["", "field", "offset", "size", "format", "shape"], rows, [false, false, true, true, false, false]);
        if (report.Rows.Length > 26)
        {
            console.Output.WriteLine($"  … {report.Rows.Length - 26} more fields (bufview layout shows them all)");
        }
        console.Output.WriteLine();
    }

    /// <summary>The table of strides — one row per axis: its extent, stride, stride in items, and the first steps it takes from item 0 — and the address formula.</summary>
    private static void WriteWalk(ConsoleSink console, BufferLayout layout, long first, long? dataStart)
    {
        int rank = layout.Rank;
        nint itemSize = layout.ItemSize;
        if (rank > 0)
        {
            var rows = new List<IReadOnlyList<string>>();
            for (int axis = 0; axis < rank; axis++)
            {
                nint stride = layout.Strides[axis];
                string items = itemSize == 0 ? "-" : stride % itemSize == 0 ? Num(stride / itemSize) : (stride / (double)itemSize).ToString("0.###", CultureInfo.InvariantCulture);
                var steps = new List<string>();
                nint extent = layout.Shape[axis];
                for (nint i = 0; i < Math.Min(extent, 4); i++)
                {
                    var index = new string[rank];
                    Array.Fill(index, "0");
                    index[axis] = Num(i);
                    steps.Add($"[{string.Join(",", index)}]@{first + i * (long)stride}");
                }
                if (extent > 4)
                {
                    steps.Add("…");
                }
                rows.Add([Num(axis), Num(extent), (stride > 0 ? "+" : "") + Num(stride), items, string.Join(" → ", steps)]);
            }
            console.WriteTable(["axis", "extent", "stride", "items", "walk (index@byte)"], rows, [true, true, true, true, false]);
        }
        string origin = dataStart is { } d ? $"{d + first}" : $"{first}";
        string terms = string.Concat(Enumerable.Range(0, rank).Select(a =>
        {
            nint s = layout.Strides[a];
            string name = rank <= 4 ? "ijkl"[a].ToString() : "i" + Num(a);
            return (s < 0 ? " - " : " + ") + Num(Math.Abs(s)) + "·" + name;
        }));
        string indexText = rank == 0 ? "the item" : "item [" + string.Join(", ", Enumerable.Range(0, rank).Select(a => rank <= 4 ? "ijkl"[a].ToString() : "i" + Num(a))) + "]";
        console.Output.WriteLine($"  {indexText} starts at byte {origin}{terms} of the {(dataStart is null ? "data" : "file")}");
    }

    /// <summary>The items of a layout in C order with their byte offsets from the start of the data.</summary>
    private static IEnumerable<(string[] Index, long Offset)> Items(BufferLayout layout, long first)
    {
        int rank = layout.Rank;
        var shape = layout.Shape.ToArray();
        var strides = layout.Strides.ToArray();
        if (rank == 0)
        {
            yield return ([], first);
            yield break;
        }
        var index = new nint[rank];
        while (true)
        {
            long offset = first;
            for (int a = 0; a < rank; a++)
            {
                offset += index[a] * (long)strides[a];
            }
            yield return ([.. index.Select(i => Num(i))], offset);
            int axis = rank - 1;
            while (axis >= 0 && ++index[axis] >= shape[axis])
            {
                index[axis] = 0;
                axis--;
            }
            if (axis < 0)
            {
                yield break;
            }
        }
    }

    private static string Num(nint value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
}
