using BufferProtocol.Formats;

namespace BufferProtocol.Views;

/// <summary>Chooses how a view reads and writes its items, from its format, item size and mode.</summary>
internal static class ItemAccessors
{
    /// <summary>
    /// CPython's <c>adjust_fmt</c> and what follows it. Under <see cref="MemoryViewMode.CPython"/>: one leading <c>@</c>
    /// is dropped and exactly one character must remain (else <c>NotImplementedError: memoryview: unsupported format</c>);
    /// a character memoryview does not know gives an accessor that raises <c>NotImplementedError</c> on use, as
    /// <c>unpack_single</c> does. Under <see cref="MemoryViewMode.Extended"/>: the native characters (and <c>e</c>) are
    /// read directly and every other format through the item codec.
    /// </summary>
    /// <exception cref="NotSupportedException">The format has no item access in this mode.</exception>
    public static ItemAccessor Resolve(string format, nint itemSize, MemoryViewMode mode)
    {
        var fmt = format.StartsWith('@') ? format[1..] : format;
        if (mode == MemoryViewMode.CPython)
        {
            if (fmt.Length != 1)
            {
                return ViewErrors.NotImplemented<ItemAccessor>($"memoryview: unsupported format {format}");
            }
            return (ItemAccessor?)Native(fmt[0], itemSize, NativeItemAccessor.CPythonCodes)
                ?? new UnsupportedItemAccessor($"memoryview: format {fmt} not supported");
        }
        if (fmt.Length == 1 && Native(fmt[0], itemSize, NativeItemAccessor.ExtendedCodes) is { } native)
        {
            return native;
        }
        if (!BufferFormat.TryParse(format, out var parsed))
        {
            return ViewErrors.NotImplemented<ItemAccessor>($"memoryview: unsupported format {format} (not a PEP 3118 format)");
        }
        if (parsed.ItemSize != itemSize)
        {
            return ViewErrors.NotImplemented<ItemAccessor>(
                $"memoryview: format {format} describes items of {parsed.ItemSize} bytes, but the view's items have {itemSize}");
        }
        return CodecItemAccessor.Create(parsed);
    }

    /// <summary>
    /// How equality unpacks items (<c>struct_get_unpacker</c>): the native characters directly; other formats through
    /// the codec, which unpacks exactly as <c>struct.unpack</c> for the formats <c>struct</c> accepts. Null — the views
    /// are unequal — for a format <c>struct</c> rejects (<see cref="MemoryViewMode.CPython"/>) or the grammar rejects
    /// (<see cref="MemoryViewMode.Extended"/>), and for a format larger than the items (CPython's <c>unpack_from</c>
    /// would raise <c>struct.error</c>).
    /// </summary>
    public static ItemAccessor? ForEquality(string format, nint itemSize, MemoryViewMode mode)
    {
        var fmt = format.StartsWith('@') ? format[1..] : format;
        if (fmt.Length == 1 && Native(fmt[0], itemSize, NativeItemAccessor.ExtendedCodes) is { } native)
        {
            return native;
        }
        if (!BufferFormat.TryParse(format, out var parsed) || (mode == MemoryViewMode.CPython && !parsed.IsStructCompatible) ||
            parsed.ItemSize > itemSize)
        {
            return null;
        }
        try
        {
            return CodecItemAccessor.Create(parsed);
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    // A native accessor reads sizeof(C type) bytes; it is only used when the items are at least that large (an
    // exporter may report format 'B' with a larger item size, as PyMemoryView_FromBuffer does without a format).
    private static NativeItemAccessor? Native(char code, nint itemSize, string codes) =>
        codes.Contains(code) && NativeItemAccessor.SizeOf(code) <= itemSize ? NativeItemAccessor.For(code) : null;
}
