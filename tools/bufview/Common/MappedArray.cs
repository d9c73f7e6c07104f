using System.IO.MemoryMappedFiles;
using BufferProtocol.Exporters;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;

namespace BufferProtocol.Bufview.Common;

/// <summary>
/// A region of a file, memory-mapped and exported with a format and a contiguous C or Fortran layout: how
/// <c>bufview</c> views raw binary files (the file is never read as a whole; pages are touched as items are shown).
/// </summary>
internal sealed class MappedArray : BufferExporter
{
    private readonly MappedFileExporter? _mapping;
    private readonly AcquiredBuffer? _region;
    private readonly nint _address;

    private MappedArray(MappedFileExporter? mapping, BufferLayout layout, string format)
    {
        _mapping = mapping;
        Layout = layout;
        Format = format;
        if (mapping is not null)
        {
            _region = mapping.GetBuffer(BufferRequest.Simple);
            _address = _region.Pointer;
        }
    }

    /// <summary>The layout exported.</summary>
    public BufferLayout Layout { get; }

    /// <summary>The format exported.</summary>
    public string Format { get; }

    /// <summary>Maps <c>layout.Length</c> bytes of <paramref name="path"/> from <paramref name="offset"/> (nothing for an empty array).</summary>
    public static MappedArray Open(string path, long offset, BufferLayout layout, string format)
    {
        var mapping = layout.Length == 0 ? null : MappedFileExporter.Open(path, MemoryMappedFileAccess.Read, offset, layout.Length);
        try
        {
            return new MappedArray(mapping, layout, format);
        }
        catch
        {
            mapping?.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    protected override ExportSource Describe() => new(_address, Layout, Format, IsReadOnly: true);

    /// <inheritdoc />
    protected override void FreeResources()
    {
        _region?.Dispose();
        _mapping?.Dispose();
    }
}
