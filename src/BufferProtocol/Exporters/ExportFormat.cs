using BufferProtocol.Formats;

namespace BufferProtocol.Exporters;

/// <summary>Checks the format an exporter is asked to export against the item size of its memory.</summary>
internal static class ExportFormat
{
    /// <summary>
    /// Throws unless <paramref name="format"/> is a PEP 3118 format (<see cref="BufferFormat.Parse(string)"/>) whose
    /// items are <paramref name="itemSize"/> bytes long.
    /// </summary>
    /// <exception cref="ArgumentException">The format is empty, does not parse, or describes items of another size.</exception>
    public static void Validate(string format, nint itemSize, string paramName)
    {
        ArgumentNullException.ThrowIfNull(format, paramName);
        if (format.Length == 0)
        {
            throw new ArgumentException("the format must not be empty", paramName);
        }
        BufferFormat parsed;
        try
        {
            parsed = BufferFormat.Parse(format);
        }
        catch (BufferFormatException e)
        {
            throw new ArgumentException($"'{format}' is not a PEP 3118 format: {e.Message}", paramName, e);
        }
        if (parsed.ItemSize != itemSize)
        {
            throw new ArgumentException($"format '{format}' describes items of {parsed.ItemSize} bytes, but the items are {itemSize} bytes long", paramName);
        }
    }
}
