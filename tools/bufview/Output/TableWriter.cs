using Spectre.Console;

namespace BufferProtocol.Bufview.Output;

/// <summary>
/// Rows of a table written as they come: a bordered Spectre table on a terminal (up to <see cref="TerminalRowLimit"/>
/// rows), otherwise space-aligned plain text whose column widths come from the first <see cref="WidthSample"/> rows,
/// so tables of any length stream.
/// </summary>
internal sealed class TableWriter
{
    /// <summary>Longer tables are written as plain text even on a terminal (a Spectre table is built in memory).</summary>
    public const int TerminalRowLimit = 5000;

    /// <summary>Rows whose widths set the columns of a plain table.</summary>
    public const int WidthSample = 1000;

    private readonly ConsoleSink _console;
    private readonly IReadOnlyList<string> _headers;
    private readonly IReadOnlyList<bool> _rightAligned;
    private readonly bool _terminal;
    private readonly List<IReadOnlyList<string>> _pending = [];
    private int[]? _widths;

    public TableWriter(ConsoleSink console, IReadOnlyList<string> headers, IReadOnlyList<bool> rightAligned, long expectedRows)
    {
        _console = console;
        _headers = headers;
        _rightAligned = rightAligned;
        _terminal = console.IsTerminal && expectedRows <= TerminalRowLimit;
    }

    public void Add(IReadOnlyList<string> row)
    {
        if (_widths is null)
        {
            _pending.Add(row);
            if (!_terminal && _pending.Count >= WidthSample)
            {
                Start();
            }
            return;
        }
        WritePlainRow(row);
    }

    public void Finish()
    {
        if (_terminal)
        {
            _console.WriteTable(_headers, _pending, _rightAligned);
            _pending.Clear();
            return;
        }
        if (_widths is null)
        {
            Start();
        }
    }

    private void Start()
    {
        _widths = [.. _headers.Select((h, c) => Math.Max(Width(h), _pending.Count == 0 ? 0 : _pending.Max(r => Width(r[c]))))];
        WritePlainRow(_headers);
        WritePlainRow([.. _widths.Select(w => new string('-', w))]);
        foreach (var row in _pending)
        {
            WritePlainRow(row);
        }
        _pending.Clear();
    }

    private void WritePlainRow(IReadOnlyList<string> cells)
    {
        var line = string.Join("  ", cells.Select((cell, c) =>
        {
            int pad = Math.Max(0, _widths![c] - Width(cell));
            return _rightAligned[c] ? new string(' ', pad) + cell : cell + new string(' ', pad);
        }));
        _console.Output.WriteLine("  " + line.TrimEnd());
    }

    /// <summary>The number of terminal cells a text takes (wide characters count twice).</summary>
    private static int Width(string text) => text.GetCellWidth();
}
