using System.Globalization;
using System.Numerics;
using BufferProtocol.Bufview.Output;
using BufferProtocol.Formats;
using BufferProtocol.Views;

namespace BufferProtocol.Bufview.Values;

/// <summary>
/// Writes the items of a view chosen by a <see cref="Selection"/>: as a table (1-D: index and value; 2-D:
/// rows × columns; N-d: one 2-D block per leading index; records: one column per field with index columns), as CSV
/// (one row per item), or as the JSON <c>values</c> (nested lists, as <c>memoryview.tolist()</c>).
/// </summary>
internal sealed class ArrayPrinter
{
    /// <summary>The marker of elided items in tables and in JSON.</summary>
    public const string Elision = "...";

    private readonly MemoryView _view;
    private readonly ItemReader _reader;
    private readonly Selection _selection;
    private readonly int _rank;

    public ArrayPrinter(MemoryView view, Selection selection)
    {
        _view = view;
        _reader = new ItemReader(view);
        _selection = selection;
        _rank = view.Rank;
    }

    /// <summary>The reader (for the count of unreadable items).</summary>
    public ItemReader Reader => _reader;

    // ------------------------------------------------------------------------------------------------ JSON

    /// <summary>Writes the <c>values</c> JSON: nested lists, the string <c>"..."</c> where items are elided.</summary>
    public void WriteJson(TextWriter writer)
    {
        if (_rank == 0)
        {
            WriteJsonItem(writer, []);
            return;
        }
        WriteJson(writer, 0, new nint[_rank]);
    }

    private void WriteJson(TextWriter writer, int axis, nint[] index)
    {
        writer.Write('[');
        nint[] kept = _selection.Kept[axis];
        for (int p = 0; p < kept.Length; p++)
        {
            if (p > 0)
            {
                writer.Write(',');
            }
            if (_selection.GapBefore(axis, p))
            {
                writer.Write("\"" + Elision + "\",");
            }
            index[axis] = kept[p];
            if (axis == _rank - 1)
            {
                WriteJsonItem(writer, index);
            }
            else
            {
                WriteJson(writer, axis + 1, index);
            }
        }
        writer.Write(']');
    }

    private void WriteJsonItem(TextWriter writer, nint[] index)
    {
        object? value = _reader.Read(index);
        JsonText.WriteValue(writer, value is ItemError ? null : value);
    }

    // ------------------------------------------------------------------------------------------------ CSV

    /// <summary>Writes CSV: a header row, then one row per shown item: its index (<c>index</c>, or <c>i0,i1,...</c>) and its value or fields.</summary>
    public void WriteCsv(TextWriter writer)
    {
        var header = IndexHeaders().Concat(ValueHeaders());
        writer.WriteLine(string.Join(",", header.Select(Csv)));
        if (_rank == 0)
        {
            writer.WriteLine(string.Join(",", ValueCells(_reader.Read([]), csv: true).Select(Csv)));
            return;
        }
        foreach (var (index, _) in _selection.Items())
        {
            var cells = index.Select(i => i.ToString(CultureInfo.InvariantCulture)).Concat(ValueCells(_reader.Read(index), csv: true));
            writer.WriteLine(string.Join(",", cells.Select(Csv)));
        }
    }

    private static string Csv(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) >= 0 || (cell.Length > 0 && (cell[0] == ' ' || cell[^1] == ' '))
            ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : cell;

    private IEnumerable<string> IndexHeaders() => _rank switch
    {
        0 => [],
        1 => ["index"],
        _ => Enumerable.Range(0, _rank).Select(a => "i" + a.ToString(CultureInfo.InvariantCulture)),
    };

    private IEnumerable<string> ValueHeaders() => _reader.IsRecord ? _reader.FieldNames : ["value"];

    private IEnumerable<string> ValueCells(object? value, bool csv)
    {
        if (_reader.IsRecord && value is BufferRecord record)
        {
            return record.Select(v => Cell(v, csv));
        }
        if (_reader.IsRecord)
        {
            return _reader.FieldNames.Select((_, i) => i == 0 ? Cell(value, csv) : "");
        }
        return [Cell(value, csv)];
    }

    /// <summary>A cell: Python's text of the value; in CSV bytes are their latin-1 text and text is not escaped.</summary>
    private static string Cell(object? value, bool csv) => value switch
    {
        ItemError => "<unreadable>",
        byte[] bytes when csv => JsonText.Latin1(bytes),
        string s when csv => s,
        _ => PythonText.Cell(value),
    };

    private static bool IsNumeric(object? value) => value is sbyte or byte or short or ushort or int or uint or long or ulong
        or nint or nuint or Half or float or double or Complex or Int128 or UInt128 or BigInteger;

    // ------------------------------------------------------------------------------------------------ tables

    /// <summary>Writes the table(s) of the shown items.</summary>
    public void WriteTable(ConsoleSink console)
    {
        if (_selection.IsNone)
        {
            return;
        }
        if (_rank == 0)
        {
            object? value = _reader.Read([]);
            var table = new TableWriter(console, [.. ValueHeaders()], RightAligned(value, _reader.IsRecord ? _reader.FieldNames.Length : 1), 1);
            table.Add([.. ValueCells(value, csv: false)]);
            table.Finish();
            return;
        }
        if (_rank == 1 || _reader.IsRecord)
        {
            WriteRows(console);
            return;
        }
        WriteBlocks(console);
    }

    private bool[] RightAligned(object? sample, int valueColumns)
    {
        if (_reader.IsRecord && sample is BufferRecord record)
        {
            return [.. Enumerable.Repeat(true, _rank == 0 ? 0 : _rank), .. record.Select(IsNumeric)];
        }
        return [.. Enumerable.Repeat(true, _rank), .. Enumerable.Repeat(IsNumeric(sample), valueColumns)];
    }

    /// <summary>One row per item: index column(s), then the value or the fields; a row of "..." where items are elided.</summary>
    private void WriteRows(ConsoleSink console)
    {
        var items = _selection.Items().GetEnumerator();
        if (!items.MoveNext())
        {
            console.Output.WriteLine("  (no items)");
            return;
        }
        string[] headers = [.. IndexHeaders(), .. ValueHeaders()];
        var (firstIndex, _) = items.Current;
        object? first = _reader.Read(firstIndex);
        var table = new TableWriter(console, headers, RightAligned(first, headers.Length - _rank), _selection.Shown);
        table.Add([.. IndexCells(firstIndex), .. ValueCells(first, csv: false)]);
        while (items.MoveNext())
        {
            var (index, gap) = items.Current;
            if (gap)
            {
                table.Add([.. Enumerable.Repeat(Elision, headers.Length)]);
            }
            table.Add([.. IndexCells(index), .. ValueCells(_reader.Read(index), csv: false)]);
        }
        table.Finish();
    }

    private static IEnumerable<string> IndexCells(nint[] index) => index.Select(i => i.ToString(CultureInfo.InvariantCulture));

    /// <summary>2-D: one matrix (rows × columns); N-d: one matrix per index of the leading axes, headed <c>[i, j, :, :]</c>.</summary>
    private void WriteBlocks(ConsoleSink console)
    {
        if (_selection.Kept.Any(k => k.Length == 0))
        {
            console.Output.WriteLine("  (no items)");
            return;
        }
        int lead = _rank - 2;
        var blockPosition = new int[lead];
        bool firstBlock = true;
        while (true)
        {
            bool gap = false;
            var index = new nint[_rank];
            for (int a = 0; a < lead; a++)
            {
                index[a] = _selection.Kept[a][blockPosition[a]];
            }
            if (lead > 0)
            {
                gap = !firstBlock && Enumerable.Range(0, lead).Any(a => _selection.GapBefore(a, blockPosition[a]) && blockPosition.Skip(a + 1).All(p => p == 0));
                if (gap)
                {
                    console.Output.WriteLine("  " + Elision);
                    console.Output.WriteLine();
                }
                console.WriteHeading("  [" + string.Join(", ", index.Take(lead).Select(i => i.ToString(CultureInfo.InvariantCulture)).Concat([":", ":"])) + "]");
            }
            WriteMatrix(console, index);
            firstBlock = false;
            int axis = lead - 1;
            while (axis >= 0)
            {
                if (++blockPosition[axis] < _selection.Kept[axis].Length)
                {
                    break;
                }
                blockPosition[axis] = 0;
                axis--;
            }
            if (axis < 0)
            {
                return;
            }
            console.Output.WriteLine();
        }
    }

    private void WriteMatrix(ConsoleSink console, nint[] index)
    {
        int rowAxis = _rank - 2, columnAxis = _rank - 1;
        nint[] rows = _selection.Kept[rowAxis], columns = _selection.Kept[columnAxis];
        var headers = new List<string> { "" };
        var columnGap = new bool[columns.Length];
        for (int c = 0; c < columns.Length; c++)
        {
            columnGap[c] = _selection.GapBefore(columnAxis, c);
            if (columnGap[c])
            {
                headers.Add(Elision);
            }
            headers.Add(columns[c].ToString(CultureInfo.InvariantCulture));
        }
        var cells = new List<List<string>>();
        bool numeric = true;
        for (int r = 0; r < rows.Length; r++)
        {
            if (_selection.GapBefore(rowAxis, r))
            {
                cells.Add([.. Enumerable.Repeat(Elision, headers.Count)]);
            }
            index[rowAxis] = rows[r];
            var row = new List<string> { rows[r].ToString(CultureInfo.InvariantCulture) };
            for (int c = 0; c < columns.Length; c++)
            {
                if (columnGap[c])
                {
                    row.Add(Elision);
                }
                index[columnAxis] = columns[c];
                object? value = _reader.Read(index);
                numeric &= IsNumeric(value);
                row.Add(Cell(value, csv: false));
            }
            cells.Add(row);
        }
        var table = new TableWriter(console, headers, [true, .. Enumerable.Repeat(numeric, headers.Count - 1)], cells.Count);
        foreach (var row in cells)
        {
            table.Add(row);
        }
        table.Finish();
    }
}
