using BufferProtocol.Exporters;
using BufferProtocol.Formats;
using BufferProtocol.Interop.Npy;
using BufferProtocol.Layout;
using BufferProtocol.Views;

namespace BufferProtocol.Bufview.Common;

/// <summary>How to read a raw binary file: its item format, shape (null: as many items as fit), offset and order.</summary>
internal sealed record RawDescription(BufferFormat Format, nint[]? Shape, long Offset, ContiguityOrder Order);

/// <summary>
/// An input array opened for viewing: a raw binary file, a <c>.npy</c> file or a <c>.npz</c> member, memory-mapped
/// (a deflated <c>.npz</c> member is inflated into memory) and wrapped in an extended <see cref="MemoryView"/>.
/// </summary>
internal sealed class ArrayInput : IDisposable
{
    private ArrayInput(string path, InputKind kind, BufferExporter exporter, string format, long dataOffset, long fileLength)
    {
        Path = path;
        Kind = kind;
        Exporter = exporter;
        Format = format;
        DataOffset = dataOffset;
        FileLength = fileLength;
        try
        {
            View = new MemoryView(exporter);
        }
        catch
        {
            exporter.Dispose();
            throw;
        }
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Raw, <c>.npy</c> or <c>.npz</c> member.</summary>
    public InputKind Kind { get; }

    /// <summary>The array's exporter (mapped).</summary>
    public BufferExporter Exporter { get; }

    /// <summary>The whole array.</summary>
    public MemoryView View { get; }

    /// <summary>The PEP 3118 format of the items.</summary>
    public string Format { get; }

    /// <summary>Where the data starts in the file (for a <c>.npz</c> member: in the member).</summary>
    public long DataOffset { get; }

    /// <summary>The file's length in bytes.</summary>
    public long FileLength { get; }

    /// <summary>The <c>.npy</c> header (null for raw input).</summary>
    public NpyHeader? Header { get; private init; }

    /// <summary>The member's name in its archive (null otherwise).</summary>
    public string? Member { get; private init; }

    /// <summary>True for a deflated <c>.npz</c> member (inflated into memory).</summary>
    public bool Compressed { get; private init; }

    /// <summary>Bytes after the array that no item covers (raw input whose shape was given or inferred).</summary>
    public long TrailingBytes { get; private init; }

    /// <summary>Maps a raw binary file with the given description, checking that the shape fits the file.</summary>
    public static ArrayInput OpenRaw(string path, RawDescription raw)
    {
        long fileLength = Inputs.FileLength(path);
        BufferFormat format = raw.Format;
        nint itemSize = format.ItemSize;
        if (raw.Offset > fileLength)
        {
            throw new UserError($"--offset {raw.Offset} is past the end of '{Inputs.Shorten(path)}' ({Bytes(fileLength)})");
        }
        long available = fileLength - raw.Offset;
        nint[] shape = raw.Shape ?? [-1];
        int inferred = Array.IndexOf(shape, (nint)(-1));
        if (inferred >= 0)
        {
            long others = 1;
            foreach (nint extent in shape.Where((_, i) => i != inferred))
            {
                // Beyond the bytes available the product only has to stay "too large" (no overflow).
                others = others == 0 || extent == 0 ? 0 : others > available / extent ? available + 1 : others * extent;
            }
            if (itemSize == 0 || others == 0)
            {
                throw new UserError(itemSize == 0
                    ? $"the format \"{Inputs.Shorten(format.Text)}\" has items of 0 bytes: give every extent with --shape"
                    : $"cannot infer the -1 extent of --shape {Inputs.ShapeText(shape)}: the other extents multiply to 0");
            }
            shape[inferred] = (nint)Math.Min(available / itemSize / others, nint.MaxValue);
        }
        long needed;
        try
        {
            long count = 1;
            foreach (nint extent in shape)
            {
                count = checked(count * extent);
            }
            needed = checked(count * itemSize);
        }
        catch (OverflowException)
        {
            throw new UserError($"the shape {Inputs.ShapeText(shape)} of \"{Inputs.Shorten(format.Text)}\" items is too large (more than 2^63 bytes)");
        }
        if (needed > available)
        {
            throw new UserError(
                $"the shape {Inputs.ShapeText(shape)} of \"{Inputs.Shorten(format.Text)}\" items ({itemSize} bytes each) needs {Bytes(needed)} " +
                $"from offset {raw.Offset}, but '{Inputs.Shorten(path)}' has only {Bytes(available)} there ({Bytes(fileLength)} in all)");
        }
        BufferLayout layout = BufferLayout.Contiguous(itemSize, shape, raw.Order);
        var exporter = Inputs.Guard(path, () => MappedArray.Open(path, raw.Offset, layout, format.Text));
        return new ArrayInput(path, InputKind.Raw, exporter, format.Text, raw.Offset, fileLength)
        {
            TrailingBytes = available - needed,
        };
    }

    /// <summary>Maps a <c>.npy</c> file.</summary>
    public static ArrayInput OpenNpy(string path)
    {
        long fileLength = Inputs.FileLength(path);
        NpyArray array = Inputs.GuardNumPy(path, () => NpyFile.Open(path));
        return new ArrayInput(path, InputKind.Npy, array, array.Format, array.Header.DataOffset, fileLength)
        {
            Header = array.Header,
            TrailingBytes = fileLength - array.Header.DataOffset - array.Header.DataLength,
        };
    }

    /// <summary>Opens one array of a <c>.npz</c> archive: mapped in place when stored, inflated when deflated.</summary>
    public static ArrayInput OpenNpzMember(string path, string member)
    {
        long fileLength = Inputs.FileLength(path);
        NpzArchive archive = Inputs.GuardNumPy(path, () => NpzArchive.Open(path));
        string name = member.EndsWith(".npy", StringComparison.Ordinal) ? member[..^4] : member;
        if (!archive.Names.Contains(name))
        {
            throw new UserError(archive.Names.Length == 0
                ? $"'{Inputs.Shorten(path)}' holds no arrays, so no '{Inputs.Shorten(name)}'"
                : $"'{Inputs.Shorten(path)}' has no array '{Inputs.Shorten(name)}' (it has: {Inputs.Shorten(string.Join(", ", archive.Names))})");
        }
        NpyHeader header = Inputs.GuardNumPy(path, () => archive.ReadHeader(name));
        bool compressed = !archive.IsStored(name);
        BufferExporter exporter = Inputs.GuardNumPy(path, () => archive.OpenArray(name));
        return new ArrayInput(path, InputKind.NpzMember, exporter, header.Format, header.DataOffset, fileLength)
        {
            Header = header,
            Member = name,
            Compressed = compressed,
        };
    }

    /// <summary>
    /// Splits <c>archive.npz:member</c> into the archive and the member when the whole text is not an existing file
    /// but the part before the last ':' is.
    /// </summary>
    public static (string Path, string? Member) SplitMember(string text)
    {
        if (File.Exists(text) || Directory.Exists(text))
        {
            return (text, null);
        }
        int colon = text.LastIndexOf(':');
        if (colon > 0 && colon < text.Length - 1 && File.Exists(text[..colon]))
        {
            return (text[..colon], text[(colon + 1)..]);
        }
        return (text, null);
    }

    /// <summary>A byte count for messages: <c>1 byte</c>, <c>2400 bytes</c>, <c>10737418240 bytes = 10 GiB</c>.</summary>
    public static string Bytes(long count)
    {
        string text = count == 1 ? "1 byte" : $"{count} bytes";
        if (count < 10 * 1024)
        {
            return text;
        }
        string[] units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        double value = count;
        int unit = -1;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return $"{text} = {value.ToString(value < 10 ? "0.#" : "0", System.Globalization.CultureInfo.InvariantCulture)} {units[unit]}";
    }

    /// <inheritdoc />
    public void Dispose()
    {
        View.Dispose();
        Exporter.Dispose();
    }
}
