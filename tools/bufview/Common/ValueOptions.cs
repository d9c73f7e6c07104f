using System.CommandLine;
using System.Globalization;
using BufferProtocol.Bufview.Output;
using BufferProtocol.Bufview.Values;
using BufferProtocol.Views;

namespace BufferProtocol.Bufview.Common;

/// <summary>How values are written: <c>--json</c>, <c>--csv</c> or a table; <c>--limit N</c> / <c>--all</c>.</summary>
internal sealed class ValueOptions
{
    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print JSON for scripts: {\"format\", \"shape\", \"strides\", \"values\"} (values as memoryview.tolist(); complete unless --limit is given)",
    };

    public Option<bool> Csv { get; } = new("--csv")
    {
        Description = "Print CSV: a header, then one row per item (its index, then its value or one column per field; complete unless --limit is given)",
    };

    public Option<string?> Limit { get; } = new("--limit", "-n")
    {
        Description = "Show at most about N items: the first and last items of every axis (NumPy's summary); 0 shows none. Tables default to NumPy's rule (arrays over 1000 items show 3 at each end of every axis)",
        HelpName = "N",
    };

    public Option<bool> All { get; } = new("--all", "-a")
    {
        Description = "Show every item (tables are summarised by default)",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Json);
        command.Options.Add(Csv);
        command.Options.Add(Limit);
        command.Options.Add(All);
    }

    /// <summary>The chosen output and item limit, checked.</summary>
    public (ValueFormat Format, long? Limit) Read(ParseResult result)
    {
        bool json = result.GetValue(Json), csv = result.GetValue(Csv), all = result.GetValue(All);
        string? limitText = result.GetValue(Limit);
        if (json && csv)
        {
            throw UserError.Usage("--json and --csv cannot be combined");
        }
        if (all && limitText is not null)
        {
            throw UserError.Usage("--all and --limit cannot be combined");
        }
        long? limit = null;
        if (limitText is not null)
        {
            if (!long.TryParse(limitText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long n))
            {
                throw UserError.Usage($"invalid --limit \"{Inputs.Shorten(limitText)}\": expected a number of items ≥ 0");
            }
            limit = n;
        }
        var format = json ? ValueFormat.Json : csv ? ValueFormat.Csv : ValueFormat.Table;
        // JSON and CSV are complete unless limited explicitly; tables follow NumPy's summary unless --all.
        if (all || (format != ValueFormat.Table && limit is null))
        {
            limit = long.MaxValue;
        }
        return (format, limit);
    }

    /// <summary>The selection of items to show from <paramref name="view"/>.</summary>
    public static Selection Select(MemoryView view, long? limit) =>
        limit == long.MaxValue ? Selection.All(view.Shape) : Selection.Create(view.Shape, limit);

    /// <summary>Writes the JSON object of a view: [extra keys], format, shape, strides, values (and <c>elided</c> when limited).</summary>
    public static ItemReader WriteJson(TextWriter output, MemoryView view, Selection selection, Action<TextWriter>? extra = null)
    {
        output.Write('{');
        // Keys before "format" (inspect's file and header), each written as "key":value followed by a comma.
        extra?.Invoke(output);
        output.Write("\"format\":");
        JsonText.WriteString(output, view.Format);
        output.Write(",\"shape\":[" + string.Join(",", view.Shape.ToArray()) + "]");
        output.Write(",\"strides\":[" + string.Join(",", view.Strides.ToArray()) + "]");
        var printer = new ArrayPrinter(view, selection);
        if (!selection.IsNone)
        {
            output.Write(",\"values\":");
            printer.WriteJson(output);
        }
        if (selection.IsElided)
        {
            output.Write(",\"elided\":" + (selection.Total - selection.Shown).ToString(CultureInfo.InvariantCulture));
        }
        output.WriteLine("}");
        return printer.Reader;
    }

    /// <summary>Writes the values of a view as CSV or a table, with a closing note when items are elided.</summary>
    public static ItemReader WriteValues(ConsoleSink console, MemoryView view, Selection selection, ValueFormat format)
    {
        var printer = new ArrayPrinter(view, selection);
        if (format == ValueFormat.Csv)
        {
            if (!selection.IsNone)
            {
                printer.WriteCsv(console.Output);
            }
            return printer.Reader;
        }
        printer.WriteTable(console);
        if (selection.IsElided)
        {
            console.Output.WriteLine(selection.IsNone
                ? $"  ({selection.Total} items not shown; --limit N or --all to show them)"
                : $"  (showing {selection.Shown} of {selection.Total} items; --all or --limit N for more)");
        }
        return printer.Reader;
    }

    /// <summary>Reports unreadable items on standard error; returns the exit code.</summary>
    public static int Finish(ConsoleSink console, ItemReader reader)
    {
        if (reader.Errors == 0)
        {
            return ExitCodes.Success;
        }
        console.Error.WriteLine($"bufview: {reader.Errors} item(s) could not be read as the format (shown as <unreadable>, null in JSON); first: {reader.FirstError}");
        return ExitCodes.InvalidInput;
    }
}

/// <summary>The output of values.</summary>
internal enum ValueFormat
{
    Table,
    Csv,
    Json,
}
