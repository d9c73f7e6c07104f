using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using BufferProtocol.Bufview.Common;
using BufferProtocol.Bufview.Inspect;
using BufferProtocol.Bufview.Output;
using BufferProtocol.Formats;
using BufferProtocol.Layout;
using Spectre.Console;

namespace BufferProtocol.Bufview.Layout;

/// <summary>
/// <c>bufview layout FORMAT... [--json]</c>: for each format its item size, alignment, member table, a picture of the
/// bytes and the equivalent C# struct; with <c>--json</c> one JSON object per format per line instead.
/// </summary>
internal static class LayoutCommand
{
    /// <summary>Bytes per line of the picture.</summary>
    private const int BytesPerLine = 32;

    /// <summary>The picture stops after this many bytes.</summary>
    private const int PictureLimit = 512;

    /// <summary>The table stops after this many members.</summary>
    private const int RowLimit = 256;

    private static readonly Color[] Palette =
    [
        Color.Aqua, Color.Yellow, Color.Lime, Color.Fuchsia, Color.DodgerBlue1, Color.Orange1, Color.SpringGreen1,
        Color.HotPink, Color.Gold1, Color.MediumPurple1,
    ];

    public static Command Create(ConsoleSink console)
    {
        var formats = new Argument<string[]>("FORMAT")
        {
            Description = "PEP 3118 format strings, e.g. \"T{<d:x:<d:y:}\" \"(3,3)f\" \"=bhlq\" (quote them for the shell)",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object per format per line: {format, itemsize, alignment, fields} or {format, error, position}",
        };
        var shape = new Option<string?>("--shape", "-s")
        {
            Description = "Also picture an array of this shape (e.g. 2,3): which bytes belong to which item and how the strides walk the memory",
            HelpName = "S",
        };
        var order = new Option<string?>("--order")
        {
            Description = "The array's memory order with --shape: C (default) or F",
            HelpName = "C|F",
        };
        var command = new Command("layout", "Show the memory layout of PEP 3118 format strings: item size, alignment, fields, a byte picture and the equivalent C# struct.")
        {
            formats,
            json,
            shape,
            order,
        };
        command.SetAction(result => CommandRunner.Run(console, () =>
        {
            // No format starts with '-': before a "--", such a token is a mistyped option (option values aside).
            var values = new HashSet<System.CommandLine.Parsing.Token>(
                new[] { result.GetResult(shape), result.GetResult(order) }.SelectMany(r => r?.Tokens ?? []));
            foreach (var token in result.Tokens.TakeWhile(t => t.Type != System.CommandLine.Parsing.TokenType.DoubleDash))
            {
                if (token.Type == System.CommandLine.Parsing.TokenType.Argument && token.Value.StartsWith('-') && !values.Contains(token))
                {
                    console.Error.WriteLine($"bufview: unknown option '{token.Value}' (put formats that start with '-' after \"--\")");
                    return ExitCodes.Usage;
                }
            }
            nint[]? arrayShape = result.GetValue(shape) is { } s ? Inputs.ParseShape(s) : null;
            if (arrayShape is not null && arrayShape.Contains(-1))
            {
                throw new UserError("--shape of layout cannot infer a -1 extent: there is no file");
            }
            if (result.GetValue(order) is not null && arrayShape is null)
            {
                throw UserError.Usage("--order goes with --shape");
            }
            ContiguityOrder arrayOrder = result.GetValue(order) is { } o ? Inputs.ParseOrder(o) : ContiguityOrder.C;
            return Run(result.GetValue(formats) ?? [], result.GetValue(json), console, arrayShape, arrayOrder);
        }));
        return command;
    }

    private static int Run(string[] formats, bool json, ConsoleSink console, nint[]? shape = null, ContiguityOrder order = ContiguityOrder.C)
    {
        bool anyInvalid = false;
        for (int i = 0; i < formats.Length; i++)
        {
            string text = formats[i];
            BufferFormat format;
            try
            {
                format = BufferFormat.Parse(text);
            }
            catch (BufferFormatException e)
            {
                anyInvalid = true;
                if (json)
                {
                    console.Output.WriteLine(ErrorJson(text, e));
                }
                else
                {
                    WriteError(console, text, e);
                }
                continue;
            }
            BufferLayout? array = shape is null ? null : ArrayLayout(format, shape, order);
            if (json)
            {
                console.Output.WriteLine(LayoutJson(text, format, array));
            }
            else
            {
                if (i > 0)
                {
                    console.Output.WriteLine();
                }
                WriteHuman(console, text, new LayoutReport(format));
                if (array is { } layout)
                {
                    console.Output.WriteLine();
                    console.Output.WriteLine($"  an array of shape {Inputs.ShapeText(layout.Shape)} in {(order == ContiguityOrder.Fortran ? "Fortran" : "C")} order: strides {Inputs.ShapeText(layout.Strides)}, {layout.Length} bytes");
                    console.Output.WriteLine();
                    MemoryPicture.Write(console, format, layout, 0, null, fields: false);
                }
            }
        }
        return anyInvalid ? ExitCodes.InvalidInput : ExitCodes.Success;
    }

    // ------------------------------------------------------------------------------------------------ JSON

    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    private static BufferLayout ArrayLayout(BufferFormat format, nint[] shape, ContiguityOrder order)
    {
        try
        {
            return BufferLayout.Contiguous(format.ItemSize, shape, order);
        }
        catch (Exception e) when (e is ArgumentException or OverflowException)
        {
            throw new UserError($"--shape {Inputs.ShapeText(shape)} of \"{Inputs.Shorten(format.Text)}\" items: {UserError.MessageOf(e)}");
        }
    }

    /// <summary>The <c>--json</c> object of a valid format (keys in the documented order; <c>shape</c> and <c>strides</c> with <c>--shape</c>).</summary>
    public static string LayoutJson(string text, BufferFormat format, BufferLayout? array = null) => Json(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("format", text);
        writer.WriteNumber("itemsize", format.ItemSize);
        writer.WriteNumber("alignment", format.Alignment);
        writer.WriteStartArray("fields");
        foreach (FormatField field in format.Fields)
        {
            writer.WriteStartObject();
            if (field.Name is null)
            {
                writer.WriteNull("name");
            }
            else
            {
                writer.WriteString("name", field.Name);
            }
            writer.WriteNumber("offset", field.Offset);
            writer.WriteNumber("size", field.Size);
            writer.WriteString("format", field.Format);
            if (field.Shape is { } shape)
            {
                writer.WriteStartArray("shape");
                foreach (nint extent in shape)
                {
                    writer.WriteNumberValue(extent);
                }
                writer.WriteEndArray();
            }
            else
            {
                writer.WriteNull("shape");
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        if (array is { } layout)
        {
            writer.WriteStartArray("shape");
            foreach (nint extent in layout.Shape)
            {
                writer.WriteNumberValue(extent);
            }
            writer.WriteEndArray();
            writer.WriteStartArray("strides");
            foreach (nint stride in layout.Strides)
            {
                writer.WriteNumberValue(stride);
            }
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    });

    /// <summary>The <c>--json</c> object of an invalid format.</summary>
    public static string ErrorJson(string text, BufferFormatException error) => Json(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("format", text);
        writer.WriteString("error", error.Problem);
        writer.WriteNumber("position", error.Position);
        writer.WriteEndObject();
    });

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, JsonOptions))
        {
            write(writer);
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    // ------------------------------------------------------------------------------------------------ text

    private static void WriteError(ConsoleSink console, string text, BufferFormatException e)
    {
        console.Error.WriteLine($"bufview: invalid format \"{Shorten(text)}\": {e.Problem} (at position {e.Position})");
        if (text.Length <= 120 && !text.Any(char.IsControl))
        {
            console.Error.WriteLine("    " + text);
            console.Error.WriteLine("    " + new string(' ', e.Position) + "^");
        }
    }

    private static string Shorten(string text) => text.Length <= 120 ? text : string.Concat(text.AsSpan(0, 120), "…");

    private static void WriteHuman(ConsoleSink console, string text, LayoutReport report)
    {
        BufferFormat format = report.Format;
        console.WriteHeading($"format \"{Shorten(text)}\"");
        console.Output.WriteLine(
            $"  itemsize {format.ItemSize}, alignment {format.Alignment}, canonical \"{Shorten(format.ToCanonicalString())}\"" +
            (format.IsStructCompatible ? ", struct-compatible" : ""));
        console.Output.WriteLine();

        var rows = report.Rows.Take(RowLimit).Select(r => (IReadOnlyList<string>)
        [
            r.Mark.ToString(), r.Name ?? (r.IsPadding ? "(padding)" : "-"), Number(r.Offset), Number(r.Size), r.Format,
            r.Shape is { } s ? "(" + string.Join(",", s) + ")" : "",
        ]).ToList();
        console.WriteTable(["", "name", "offset", "size", "format", "shape"], rows, [false, false, true, true, false, false]);
        if (report.Rows.Length > RowLimit)
        {
            console.Output.WriteLine($"  … {report.Rows.Length - RowLimit} more members");
        }
        console.Output.WriteLine();
        WritePicture(console, report);
        console.Output.WriteLine();
        console.Output.WriteLine("  C# (same layout):");
        foreach (string line in CSharpDeclaration.Write(format).Split(Environment.NewLine))
        {
            console.Output.WriteLine(line.Length == 0 ? "" : "    " + line);
        }
    }

    /// <summary>
    /// The bytes of one item, 32 to a line in groups of 8, each byte shown by the mark of its member
    /// (<c>.</c> padding, <c>-</c> alignment gap).
    /// </summary>
    private static void WritePicture(ConsoleSink console, LayoutReport report)
    {
        nint size = report.Format.ItemSize;
        console.Output.WriteLine($"  bytes ({LayoutReport.PaddingMark} = padding, {LayoutReport.GapMark} = alignment gap):");
        if (size == 0)
        {
            console.Output.WriteLine("    (none: the item is empty)");
            return;
        }
        char[] marks = report.ByteMarks(PictureLimit);
        int width = Math.Max(6, Number(Math.Min(size, PictureLimit)).Length);
        var header = new List<(string, Color?)> { ("    " + "offset".PadLeft(width) + "  ", null) };
        for (int group = 0; group < Math.Min(BytesPerLine, marks.Length); group += 8)
        {
            header.Add(($"+{group}".PadRight(9), null));
        }
        console.WriteSegments(header);
        for (int start = 0; start < marks.Length; start += BytesPerLine)
        {
            var line = new List<(string, Color?)> { ("    " + Number(start).PadLeft(width) + "  ", null) };
            for (int b = start; b < Math.Min(start + BytesPerLine, marks.Length); b++)
            {
                if (b > start && (b - start) % 8 == 0)
                {
                    line.Add((" ", null));
                }
                char mark = marks[b];
                Color? colour = mark is LayoutReport.PaddingMark or LayoutReport.GapMark
                    ? Color.Grey
                    : Palette[Math.Max(report.RowIndexOf(mark), 0) % Palette.Length];
                line.Add((mark.ToString(), colour));
            }
            console.WriteSegments(line);
        }
        if (size > PictureLimit)
        {
            console.Output.WriteLine($"    … {Number(size - PictureLimit)} more bytes");
        }
    }

    private static string Number(nint value) => value.ToString(CultureInfo.InvariantCulture);
}
