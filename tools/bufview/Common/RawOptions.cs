using System.CommandLine;
using BufferProtocol.Layout;

namespace BufferProtocol.Bufview.Common;

/// <summary>The options that describe a raw binary input: <c>--format</c>, <c>--shape</c>, <c>--offset</c>, <c>--order</c>.</summary>
internal sealed class RawOptions
{
    public Option<string?> Format { get; } = new("--format", "-f")
    {
        Description = "Item format of raw input: PEP 3118 (\"<d\", \"T{<i:id:<d:x:}\", \"(3,3)f\") or a NumPy typestr (\"<f8\", \"i4\", \"|S5\")",
        HelpName = "F",
    };

    public Option<string?> Shape { get; } = new("--shape", "-s")
    {
        Description = "Shape of raw input, e.g. 100,3 or (2,3,4); one extent may be -1; default: as many items as fit (1-D)",
        HelpName = "S",
    };

    public Option<string?> Offset { get; } = new("--offset", "-o")
    {
        Description = "Where the data starts in the file, in bytes (decimal or 0x hex); default 0",
        HelpName = "N",
    };

    public Option<string?> Order { get; } = new("--order")
    {
        Description = "Memory order of raw input: C (row-major, default) or F (the file holds Fortran-order data)",
        HelpName = "C|F",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Format);
        command.Options.Add(Shape);
        command.Options.Add(Offset);
        command.Options.Add(Order);
    }

    /// <summary>True when any of the raw-input options is given.</summary>
    public bool AnyGiven(ParseResult result) =>
        result.GetValue(Format) is not null || result.GetValue(Shape) is not null || result.GetValue(Offset) is not null || result.GetValue(Order) is not null;

    /// <summary>The options other than <c>--format</c> that were given (for messages).</summary>
    public string GivenWithoutFormat(ParseResult result) => string.Join(", ",
        new[] { (Shape.Name, result.GetValue(Shape)), (Offset.Name, result.GetValue(Offset)), (Order.Name, result.GetValue(Order)) }
            .Where(o => o.Item2 is not null).Select(o => o.Name));

    /// <summary>The description of a raw input; <c>--format</c> is required.</summary>
    public RawDescription Read(ParseResult result, string path)
    {
        string? format = result.GetValue(Format);
        if (format is null)
        {
            throw UserError.Usage($"'{Inputs.Shorten(path)}' is raw binary: give the item format with --format (for example --format \"<d\" or -f i4)");
        }
        return new RawDescription(
            Inputs.ParseFormat(format),
            result.GetValue(Shape) is { } shape ? Inputs.ParseShape(shape) : null,
            result.GetValue(Offset) is { } offset ? Inputs.ParseOffset(offset) : 0,
            result.GetValue(Order) is { } order ? Inputs.ParseOrder(order) : ContiguityOrder.C);
    }
}
