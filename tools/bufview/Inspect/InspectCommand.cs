using System.CommandLine;
using System.Globalization;
using BufferProtocol.Bufview.Common;
using BufferProtocol.Bufview.Dump;
using BufferProtocol.Bufview.Output;
using BufferProtocol.Bufview.Values;
using BufferProtocol.Formats;
using BufferProtocol.Interop.Npy;
using BufferProtocol.Views;

namespace BufferProtocol.Bufview.Inspect;

/// <summary>
/// <c>bufview inspect FILE.npy | FILE.npz[:NAME]</c>: the header (version, header length, descr, fortran_order,
/// shape), the dtype as a PEP 3118 format, shape, order, strides, data offset, a preview of the values, <c>--slice</c>,
/// <c>--layout</c> (a picture of the memory) and <c>--json</c>. An archive without a member lists its arrays.
/// </summary>
internal static class InspectCommand
{
    public static Command Create(ConsoleSink console)
    {
        var file = new Argument<string>("FILE") { Description = "A .npy file, a .npz archive (lists its arrays), FILE.npz:NAME, or raw binary with --format" };
        var member = InputOpener.MemberOption();
        var raw = new RawOptions();
        var slice = DumpCommand.SliceOption();
        var layout = new Option<bool>("--layout", "-l") { Description = "Draw the memory layout: which bytes belong to which item and field, and how the strides walk the memory" };
        var values = new ValueOptions();
        var command = new Command("inspect", "Show the header, data type, layout and a preview of a .npy file or .npz member (or list the arrays of a .npz archive).")
        {
            file,
        };
        command.Options.Add(member);
        raw.AddTo(command);
        command.Options.Add(slice);
        command.Options.Add(layout);
        values.AddTo(command);
        command.SetAction(result => CommandRunner.Run(console, () =>
        {
            var (format, limit) = values.Read(result);
            // A preview: tables and JSON both show NumPy's summary unless --limit or --all says otherwise.
            if (format == ValueFormat.Json && result.GetValue(values.Limit) is null && !result.GetValue(values.All))
            {
                limit = null;
            }
            string fileText = result.GetValue(file)!;
            string? memberName = result.GetValue(member);
            var (path, fromPath) = ArrayInput.SplitMember(fileText);
            if (memberName is null && fromPath is null && result.GetValue(raw.Format) is null && Inputs.Sniff(path) == InputKind.NpzMember)
            {
                if (raw.AnyGiven(result) || result.GetValue(slice) is not null)
                {
                    throw UserError.Usage($"'{Inputs.Shorten(path)}' is a .npz archive: name one of its arrays (FILE.npz:NAME or --member) to use --slice or describe it");
                }
                return ListArchive(console, path, format == ValueFormat.Json);
            }
            using ArrayInput input = InputOpener.Open(fileText, memberName, raw, result);
            string? key = result.GetValue(slice);
            using MemoryView view = key is null ? new MemoryView(input.View) : Inputs.ApplySlice(input.View, key);
            var selection = ValueOptions.Select(view, limit);
            if (format == ValueFormat.Json)
            {
                return ValueOptions.Finish(console, ValueOptions.WriteJson(console.Output, view, selection, writer => WriteJsonHeader(writer, input, view)));
            }
            if (format == ValueFormat.Csv)
            {
                return ValueOptions.Finish(console, ValueOptions.WriteValues(console, view, selection, format));
            }
            WriteHuman(console, input, view, key);
            if (result.GetValue(layout))
            {
                console.Output.WriteLine();
                MemoryPicture.Write(console, BufferFormat.Parse(view.Format), view.Layout, DumpCommand.FirstItemOffset(input, view) - input.DataOffset,
                    input.Kind == InputKind.NpzMember ? null : input.DataOffset);
            }
            console.Output.WriteLine();
            console.WriteHeading(selection.IsElided ? "values (preview)" : "values");
            return ValueOptions.Finish(console, ValueOptions.WriteValues(console, view, selection, format));
        }));
        return command;
    }

    private static void WriteHuman(ConsoleSink console, ArrayInput input, MemoryView view, string? key)
    {
        MemoryView whole = input.View;
        if (input.Header is { } header)
        {
            console.WriteHeading(input.Member is null
                ? $"{input.Path} (.npy file, {ArrayInput.Bytes(input.FileLength)})"
                : $"{input.Path}:{input.Member} (.npz member, {(input.Compressed ? "deflated" : "stored")}; archive {ArrayInput.Bytes(input.FileLength)})");
            var rows = new List<IReadOnlyList<string>>
            {
                new[] { "version", $"{header.MajorVersion}.{header.MinorVersion}" },
                new[] { "header length", $"{HeaderLength(header)} bytes (the data starts at byte {header.DataOffset}{(input.Member is null ? "" : " of the member")})" },
                new[] { "descr", Inputs.Shorten(header.DataType.ToDescrLiteral()) },
                new[] { "fortran_order", header.FortranOrder ? "True" : "False" },
                new[] { "shape", Inputs.ShapeText(header.Shape.AsSpan()) },
            };
            if (input.Member is null && ReadHeaderText(input.Path, header) is { } text)
            {
                rows.Add(["header text", Inputs.Shorten(text)]);
            }
            console.WriteTable(["header", ""], rows, [false, false]);
        }
        else
        {
            console.WriteHeading($"{input.Path} (raw binary, {ArrayInput.Bytes(input.FileLength)})");
        }
        console.Output.WriteLine();
        BufferFormat format = BufferFormat.Parse(whole.Format);
        var array = new List<IReadOnlyList<string>>
        {
            new[] { "format", $"\"{Inputs.Shorten(whole.Format)}\" (PEP 3118)" },
            new[] { "itemsize", $"{whole.ItemSize} bytes{(format.Root is RecordType r ? $", {r.Fields.Length} fields" : "")}" },
            new[] { "shape", Inputs.ShapeText(whole.Shape) },
            new[] { "order", DumpCommand.OrderText(whole) },
            new[] { "strides", Inputs.ShapeText(whole.Strides) },
            new[] { "items", whole.Layout.ItemCount.ToString(CultureInfo.InvariantCulture) },
            new[] { "data", $"{ArrayInput.Bytes(whole.NBytes)} from byte {input.DataOffset}{(input.TrailingBytes > 0 ? $", then {ArrayInput.Bytes(input.TrailingBytes)} no item covers" : "")}" },
        };
        if (key is not null)
        {
            array.Add(["slice", $"[{Inputs.Shorten(key)}] → shape {Inputs.ShapeText(view.Shape)}, strides {Inputs.ShapeText(view.Strides)}, {DumpCommand.OrderText(view)}, first item at byte {DumpCommand.FirstItemOffset(input, view)}"]);
        }
        console.WriteTable(["array", ""], array, [false, false]);
    }

    /// <summary>The header's length field: the bytes after the magic, version and length field, up to the data.</summary>
    private static long HeaderLength(NpyHeader header) => header.DataOffset - (header.MajorVersion == 1 ? 10 : 12);

    /// <summary>The header dict as written in the file, trailing padding removed.</summary>
    private static string? ReadHeaderText(string path, NpyHeader header)
    {
        try
        {
            int prefix = header.MajorVersion == 1 ? 10 : 12;
            using var stream = Inputs.OpenRead(path);
            var bytes = new byte[HeaderLength(header)];
            stream.Position = prefix;
            stream.ReadExactly(bytes);
            var encoding = header.MajorVersion >= 3 ? System.Text.Encoding.UTF8 : System.Text.Encoding.Latin1;
            return PythonText.Text(encoding.GetString(bytes).TrimEnd('\n', ' '));
        }
        catch (Exception e) when (e is IOException or UserError)
        {
            return null;
        }
    }

    private static void WriteJsonHeader(TextWriter writer, ArrayInput input, MemoryView view)
    {
        writer.Write("\"file\":");
        JsonText.WriteString(writer, input.Path);
        writer.Write(",\"kind\":\"" + input.Kind switch { InputKind.Npy => "npy", InputKind.NpzMember => "npz-member", _ => "raw" } + "\"");
        if (input.Member is not null)
        {
            writer.Write(",\"member\":");
            JsonText.WriteString(writer, input.Member);
            writer.Write(",\"compressed\":" + (input.Compressed ? "true" : "false"));
        }
        if (input.Header is { } header)
        {
            writer.Write(",\"header\":{\"version\":\"" + header.MajorVersion + "." + header.MinorVersion + "\"");
            writer.Write(",\"header_length\":" + HeaderLength(header).ToString(CultureInfo.InvariantCulture));
            writer.Write(",\"descr\":");
            JsonText.WriteString(writer, header.DataType.ToDescrLiteral());
            writer.Write(",\"fortran_order\":" + (header.FortranOrder ? "true" : "false"));
            writer.Write(",\"shape\":[" + string.Join(",", header.Shape) + "]}");
        }
        writer.Write(",\"itemsize\":" + view.ItemSize.ToString(CultureInfo.InvariantCulture));
        writer.Write(",\"order\":\"" + (input.View.Layout.IsCContiguous ? "C" : input.View.Layout.IsFContiguous ? "F" : "strided") + "\"");
        writer.Write(",\"data_offset\":" + input.DataOffset.ToString(CultureInfo.InvariantCulture));
        writer.Write(",\"data_length\":" + input.View.NBytes.ToString(CultureInfo.InvariantCulture));
        writer.Write(",\"offset\":" + DumpCommand.FirstItemOffset(input, view).ToString(CultureInfo.InvariantCulture) + ",");
    }

    /// <summary>The arrays of an archive: name, format, shape, order, stored or deflated, size; or JSON.</summary>
    private static int ListArchive(ConsoleSink console, string path, bool json)
    {
        long length = Inputs.FileLength(path);
        NpzArchive archive = Inputs.GuardNumPy(path, () => NpzArchive.Open(path));
        var headers = archive.Names.Select(name => (Name: name, Header: Inputs.GuardNumPy(path, () => archive.ReadHeader(name)), Stored: archive.IsStored(name))).ToList();
        if (json)
        {
            var writer = console.Output;
            writer.Write("{\"file\":");
            JsonText.WriteString(writer, path);
            writer.Write(",\"kind\":\"npz\",\"members\":[");
            for (int i = 0; i < headers.Count; i++)
            {
                var (name, header, stored) = headers[i];
                writer.Write(i == 0 ? "{\"name\":" : ",{\"name\":");
                JsonText.WriteString(writer, name);
                writer.Write(",\"compressed\":" + (stored ? "false" : "true"));
                writer.Write(",\"version\":\"" + header.MajorVersion + "." + header.MinorVersion + "\",\"descr\":");
                JsonText.WriteString(writer, header.DataType.ToDescrLiteral());
                writer.Write(",\"fortran_order\":" + (header.FortranOrder ? "true" : "false"));
                writer.Write(",\"shape\":[" + string.Join(",", header.Shape) + "],\"format\":");
                JsonText.WriteString(writer, header.Format);
                writer.Write(",\"itemsize\":" + header.DataType.ItemSize.ToString(CultureInfo.InvariantCulture));
                writer.Write(",\"data_length\":" + header.DataLength.ToString(CultureInfo.InvariantCulture) + "}");
            }
            writer.WriteLine("]}");
            return ExitCodes.Success;
        }
        console.WriteHeading($"{path} (.npz archive, {headers.Count} array{(headers.Count == 1 ? "" : "s")}, {ArrayInput.Bytes(length)})");
        if (headers.Count == 0)
        {
            console.Output.WriteLine("  (no arrays)");
            return ExitCodes.Success;
        }
        var rows = headers.Select(h => (IReadOnlyList<string>)
        [
            h.Name, "\"" + Inputs.Shorten(h.Header.Format) + "\"", Inputs.ShapeText(h.Header.Shape.AsSpan()), h.Header.FortranOrder ? "F" : "C",
            h.Stored ? "stored" : "deflated", h.Header.DataLength.ToString(CultureInfo.InvariantCulture), Inputs.Shorten(h.Header.DataType.ToDescrLiteral()),
        ]).ToList();
        console.WriteTable(["name", "format", "shape", "order", "storage", "bytes", "descr"], rows, [false, false, false, false, false, true, false]);
        console.Output.WriteLine();
        console.Output.WriteLine($"  inspect one with: bufview inspect {path}:{headers[0].Name}");
        return ExitCodes.Success;
    }
}
