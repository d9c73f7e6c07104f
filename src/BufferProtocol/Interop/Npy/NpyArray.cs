using System.IO.MemoryMappedFiles;
using BufferProtocol.Exporters;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;

namespace BufferProtocol.Interop.Npy;

/// <summary>
/// A <c>.npy</c> file mapped into memory and exported as a buffer in place: the array's format, shape and (C or
/// Fortran) strides over the file's data bytes — NumPy's <c>np.load(path, mmap_mode=...)</c>.
/// </summary>
/// <remarks>
/// <para><b>Ownership.</b> The array owns a <see cref="MappedFileExporter"/> of the data region and holds one export of
/// it for as long as it lives (that export is where the address comes from, and it keeps the mapping in place). Its own
/// exports follow <see cref="BufferExporter"/>: <see cref="BufferExporter.Dispose()"/> is deferred until the last one is
/// released, then the mapping is released and the file closed.</para>
/// <para><b>Access.</b> <see cref="MemoryMappedFileAccess.Read"/> (<c>mmap_mode='r'</c>) exports read-only;
/// <see cref="MemoryMappedFileAccess.ReadWrite"/> (<c>'r+'</c>) writes through to the file;
/// <see cref="MemoryMappedFileAccess.CopyOnWrite"/> (<c>'c'</c>) is writable but private. An array with no data
/// (a zero extent) maps nothing and exports a null address.</para>
/// </remarks>
public sealed class NpyArray : BufferExporter
{
    private readonly MappedFileExporter? _mapping;
    private readonly AcquiredBuffer? _region;
    private readonly nint _address;
    private readonly bool _readOnly;

    internal NpyArray(NpyHeader header, MappedFileExporter? mapping, bool readOnly)
    {
        Header = header;
        Layout = header.Layout;
        Format = header.Format;
        _readOnly = readOnly;
        _mapping = mapping;
        if (mapping is not null)
        {
            _region = mapping.GetBuffer(readOnly ? BufferRequest.Simple : BufferRequest.Writable);
            _address = _region.Pointer;
        }
    }

    /// <summary>The file's header.</summary>
    public NpyHeader Header { get; }

    /// <summary>The PEP 3118 format of one item.</summary>
    public string Format { get; }

    /// <summary>The layout of the data: contiguous in C or Fortran order.</summary>
    public BufferLayout Layout { get; }

    /// <summary>True when the file was opened read-only.</summary>
    public bool IsReadOnly => _readOnly;

    /// <summary>Writes changes back to the file (for <see cref="MemoryMappedFileAccess.ReadWrite"/>).</summary>
    /// <exception cref="ObjectDisposedException">The array has been disposed.</exception>
    public void Flush()
    {
        ThrowIfDisposed();
        _mapping?.Flush();
    }

    /// <inheritdoc />
    protected override ExportSource Describe() => new(_address, Layout, Format, _readOnly);

    /// <inheritdoc />
    protected override void FreeResources()
    {
        _region?.Dispose();
        _mapping?.Dispose();
    }
}
