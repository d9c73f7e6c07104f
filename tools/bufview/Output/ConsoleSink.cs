using Spectre.Console;
using Spectre.Console.Rendering;

namespace BufferProtocol.Bufview.Output;

/// <summary>
/// Where a command writes: tables and colours (Spectre.Console) on an interactive terminal, plain aligned text when
/// the output is redirected, so scripts and tests see stable text without escape codes.
/// </summary>
internal sealed class ConsoleSink
{
    private readonly IAnsiConsole? _ansi;

    public ConsoleSink(TextWriter output, TextWriter error, bool terminal)
    {
        Output = output;
        Error = error;
        IsTerminal = terminal;
        if (terminal)
        {
            _ansi = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.Detect,
                ColorSystem = ColorSystemSupport.Detect,
                Interactive = InteractionSupport.Yes,
                Out = new AnsiConsoleOutput(output),
            });
        }
    }

    /// <summary>Standard output.</summary>
    public TextWriter Output { get; }

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; }

    /// <summary>True when output goes to a terminal.</summary>
    public bool IsTerminal { get; }

    /// <summary>Writes a table: a bordered Spectre table on a terminal, space-aligned columns otherwise.</summary>
    public void WriteTable(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows, IReadOnlyList<bool> rightAligned)
    {
        if (_ansi is not null)
        {
            var table = new Table().Border(TableBorder.Rounded);
            for (int c = 0; c < headers.Count; c++)
            {
                var column = new TableColumn(new Text(headers[c], new Style(decoration: Decoration.Bold)));
                table.AddColumn(rightAligned[c] ? column.RightAligned() : column);
            }
            foreach (var row in rows)
            {
                table.AddRow([.. row.Select(cell => (IRenderable)new Text(cell))]);
            }
            _ansi.Write(table);
            return;
        }
        int[] widths = [.. headers.Select((h, c) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[c].Length)))];
        WritePlainRow(headers, widths, rightAligned);
        WritePlainRow([.. widths.Select(w => new string('-', w))], widths, rightAligned);
        foreach (var row in rows)
        {
            WritePlainRow(row, widths, rightAligned);
        }
    }

    private void WritePlainRow(IReadOnlyList<string> cells, int[] widths, IReadOnlyList<bool> rightAligned)
    {
        var line = string.Join("  ", cells.Select((cell, c) => rightAligned[c] ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c])));
        Output.WriteLine("  " + line.TrimEnd());
    }

    /// <summary>Writes a line made of segments, each coloured on a terminal (a null colour: the default).</summary>
    public void WriteSegments(IEnumerable<(string Text, Color? Colour)> segments)
    {
        if (_ansi is null)
        {
            Output.WriteLine(string.Concat(segments.Select(s => s.Text)).TrimEnd());
            return;
        }
        foreach (var (text, colour) in segments)
        {
            _ansi.Write(new Text(text, colour is { } c ? new Style(foreground: c) : Style.Plain));
        }
        _ansi.WriteLine();
    }

    /// <summary>
    /// Runs <paramref name="work"/> with a progress bar of <paramref name="total"/> units on a terminal (Spectre.Console;
    /// nothing is shown when the output is redirected or <paramref name="show"/> is false). The work reports progress
    /// through the callback it is given.
    /// </summary>
    public void Progress(string description, long total, bool show, Action<Action<long>> work)
    {
        if (_ansi is null || !show)
        {
            work(_ => { });
            return;
        }
        _ansi.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: total);
                work(done => task.Increment(done));
                task.Value = total;
            });
    }

    /// <summary>Writes a heading line (bold on a terminal).</summary>
    public void WriteHeading(string text)
    {
        if (_ansi is null)
        {
            Output.WriteLine(text);
            return;
        }
        _ansi.Write(new Text(text, new Style(decoration: Decoration.Bold)));
        _ansi.WriteLine();
    }
}
