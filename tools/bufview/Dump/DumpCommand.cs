using System.CommandLine;
using BufferProtocol.Bufview.Common;
using BufferProtocol.Bufview.Output;
using BufferProtocol.Views;

namespace BufferProtocol.Bufview.Dump;

/// <summary>
/// <c>bufview dump FILE --format F [--shape S] [--offset N] [--order C|F] [--slice KEY]</c>: any binary file viewed
/// as a typed N-d array, memory-mapped, printed as a table, CSV or JSON.
/// </summary>
internal static class DumpCommand
{
    public static Command Create(ConsoleSink console)
    {
        var file = new Argument<string>("FILE") { Description = "The file: raw binary (with --format), .npy, or FILE.npz:NAME" };
        var raw = new RawOptions();
        var member = InputOpener.MemberOption();
        var slice = SliceOption();
        var values = new ValueOptions();
        var command = new Command("dump", "Show the items of a binary file as a typed N-d array (memory-mapped: only the items shown are read).")
        {
            file,
        };
        raw.AddTo(command);
        command.Options.Add(member);
        command.Options.Add(slice);
        values.AddTo(command);
        command.SetAction(result => CommandRunner.Run(console, () =>
        {
            var (format, limit) = values.Read(result);
            using ArrayInput input = InputOpener.Open(result.GetValue(file)!, result.GetValue(member), raw, result);
            string? key = result.GetValue(slice);
            using MemoryView view = key is null ? new MemoryView(input.View) : Inputs.ApplySlice(input.View, key);
            var selection = ValueOptions.Select(view, limit);
            if (format == ValueFormat.Json)
            {
                return ValueOptions.Finish(console, ValueOptions.WriteJson(console.Output, view, selection));
            }
            if (format == ValueFormat.Table)
            {
                WriteSummary(console, input, view, key);
                console.Output.WriteLine();
            }
            return ValueOptions.Finish(console, ValueOptions.WriteValues(console, view, selection, format));
        }));
        return command;
    }

    public static Option<string?> SliceOption(string use = "showing") => new("--slice")
    {
        Description = $"A NumPy-style index applied before {use}, e.g. \"1:3, ::-1\", \"..., 0\", \"::2\" (quote it)",
        HelpName = "KEY",
    };

    /// <summary>The lines above the table: the file, the format, the array's layout and the slice.</summary>
    public static void WriteSummary(ConsoleSink console, ArrayInput input, MemoryView view, string? key)
    {
        MemoryView whole = input.View;
        string where = input.Kind switch
        {
            InputKind.Npy => $"{input.Path} (.npy {input.Header!.MajorVersion}.{input.Header.MinorVersion}, {ArrayInput.Bytes(input.FileLength)})",
            InputKind.NpzMember => $"{input.Path}:{input.Member} (.npz member, {(input.Compressed ? "deflated" : "stored")})",
            _ => $"{input.Path} ({ArrayInput.Bytes(input.FileLength)})",
        };
        console.WriteHeading(where);
        string itemSize = whole.ItemSize == 1 ? "1 byte" : $"{whole.ItemSize} bytes";
        console.Output.WriteLine($"  format   \"{Inputs.Shorten(input.Format)}\" ({itemSize} per item)");
        string after = input.TrailingBytes > 0 ? $"; {ArrayInput.Bytes(input.TrailingBytes)} after it" : "";
        console.Output.WriteLine(
            $"  array    shape {Inputs.ShapeText(whole.Shape)}, strides {Inputs.ShapeText(whole.Strides)}, {OrderText(whole)}, " +
            $"data from byte {input.DataOffset}{after}");
        if (key is not null)
        {
            console.Output.WriteLine($"  slice    [{Inputs.Shorten(key)}] → shape {Inputs.ShapeText(view.Shape)}, strides {Inputs.ShapeText(view.Strides)}, first item at byte {FirstItemOffset(input, view)}");
        }
    }

    /// <summary>"C order", "Fortran order", "C and Fortran order" (1-D, or extents of 1) or "strided".</summary>
    public static string OrderText(MemoryView view) => (view.Layout.IsCContiguous, view.Layout.IsFContiguous) switch
    {
        (true, true) when view.Rank > 1 => "C and Fortran order",
        (true, _) => "C order",
        (false, true) => "Fortran order",
        _ => "strided",
    };

    /// <summary>Where a view's first item is in the file (or in the member, for a .npz member).</summary>
    public static long FirstItemOffset(ArrayInput input, MemoryView view)
    {
        using var whole = input.View.Lease();
        using var part = view.Lease();
        return input.DataOffset + (part.Pointer - whole.Pointer);
    }
}
