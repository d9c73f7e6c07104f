using BufferProtocol.Formats;
using BufferProtocol.Views;

namespace BufferProtocol.Bufview.Values;

/// <summary>An item that could not be read (bytes that are not a value of the format, such as an invalid UCS-4 code point).</summary>
internal sealed record ItemError(string Message);

/// <summary>
/// Reads the items of a view one at a time (only the pages of the items read are touched), turning items that cannot
/// be decoded into <see cref="ItemError"/> values, counted so the command can report them and exit non-zero.
/// </summary>
internal sealed class ItemReader
{
    private readonly MemoryView _view;

    public ItemReader(MemoryView view)
    {
        _view = view;
        FieldNames = [];
        if (BufferFormat.TryParse(view.Format, out var format) && format.Root is RecordType record)
        {
            // Records (T{...} and several items like "=bhlq") are shown by field: the codec's value fields.
            FieldNames = JsonText.FieldNames([.. record.Fields.Where(f => !IsPadding(f.Type)).Select(f => f.Name)]);
        }
    }

    private static bool IsPadding(DataType type) => type switch
    {
        PaddingType => true,
        SubArrayType array => IsPadding(array.Element),
        _ => false,
    };

    /// <summary>The names of the value fields when the items are records (else empty).</summary>
    public string[] FieldNames { get; }

    /// <summary>True when the items are records.</summary>
    public bool IsRecord => FieldNames.Length > 0;

    /// <summary>Items that could not be read.</summary>
    public long Errors { get; private set; }

    /// <summary>The first problem, with the item's index.</summary>
    public string? FirstError { get; private set; }

    public object? Read(nint[] index)
    {
        try
        {
            return _view.GetItem(index);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or InvalidOperationException or OverflowException)
        {
            Errors++;
            string message = Common.UserError.MessageOf(e);
            FirstError ??= $"item {IndexText(index)}: {message}";
            return new ItemError(message);
        }
    }

    /// <summary>An index as NumPy prints it: <c>[3]</c>, <c>[1, 2]</c>, <c>[]</c>.</summary>
    public static string IndexText(ReadOnlySpan<nint> index) => "[" + string.Join(", ", index.ToArray()) + "]";
}
