using System.IO.MemoryMappedFiles;
using BufferProtocol.Interop.Memory;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;

namespace BufferProtocol.Exporters;

/// <summary>
/// A region of a memory-mapped file exported as unsigned bytes — the counterpart of Python's <c>mmap</c>: one
/// dimension, format <c>B</c>, answered as <c>PyBuffer_FillInfo</c> answers, read-only or writable.
/// </summary>
/// <remarks>
/// <para><b>Ownership.</b> The exporter owns one view of the file (a <see cref="MemoryMappedViewAccessor"/> whose pointer
/// it acquires once, with <see cref="System.Runtime.InteropServices.SafeBuffer.AcquirePointer"/>) and, unless created with
/// <c>leaveOpen</c>, the <see cref="MemoryMappedFile"/>. The view stays mapped at the same address for the exporter's
/// whole life, so exports need no pin.</para>
/// <para><b>Closing while exported.</b> Two ways, by design: <see cref="Close"/> is <c>mmap.close()</c> and
/// <em>refuses</em> while exports are live (<see cref="BufferException"/>, "cannot close exported pointers exist");
/// <see cref="BufferExporter.Dispose()"/> never throws and is <em>deferred</em>: the exporter stops exporting at once and
/// unmaps when the last export is released. Writes through <see cref="Bytes"/> or a writable export are the file's
/// contents (for <see cref="MemoryMappedFileAccess.CopyOnWrite"/>, a private copy); <see cref="Flush"/> writes them back.</para>
/// </remarks>
public sealed class MappedFileExporter : BufferExporter
{
    /// <summary>CPython's message when closing an exported mapping.</summary>
    public const string CloseRefused = "cannot close exported pointers exist";

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly bool _ownsFile;
    private readonly nint _address;
    private readonly long _length;
    private readonly bool _readOnly;

    private MappedFileExporter(MemoryMappedFile file, bool ownsFile, long offset, long length, MemoryMappedFileAccess access)
    {
        _readOnly = access is MemoryMappedFileAccess.Read or MemoryMappedFileAccess.ReadExecute;
        _file = file;
        _ownsFile = ownsFile;
        _view = file.CreateViewAccessor(offset, length, access);
        nint p;
        try
        {
            p = RawMemory.AcquirePointer(_view.SafeMemoryMappedViewHandle);
        }
        catch
        {
            _view.Dispose();
            throw;
        }
        _address = p + (nint)_view.PointerOffset;
        _length = length;
        Offset = offset;
    }

    /// <summary>Offset of the region in the file.</summary>
    public long Offset { get; }

    /// <summary>Size of the region in bytes.</summary>
    public long Length => _length;

    /// <summary>True when the region is mapped read-only: writable requests are refused.</summary>
    public bool IsReadOnly => _readOnly;

    /// <summary>The mapped bytes. Valid until the exporter is closed or disposed; do not keep the span past it.</summary>
    /// <exception cref="ObjectDisposedException">The exporter has been closed or disposed.</exception>
    /// <exception cref="OverflowException">The region is larger than a span can describe.</exception>
    public Span<byte> Bytes
    {
        get
        {
            ThrowIfDisposed();
            return RawMemory.AsSpan(_address, checked((int)_length));
        }
    }

    /// <summary>Maps a region of an existing file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="access"><see cref="MemoryMappedFileAccess.Read"/> (read-only), <see cref="MemoryMappedFileAccess.ReadWrite"/>, or <see cref="MemoryMappedFileAccess.CopyOnWrite"/> (writable, private).</param>
    /// <param name="offset">Offset of the region in the file.</param>
    /// <param name="length">Size of the region; null for the rest of the file.</param>
    /// <exception cref="ArgumentException">The region is empty or extends past the end of the file (as <c>mmap</c> refuses an empty file).</exception>
    /// <exception cref="IOException">The file cannot be opened or mapped.</exception>
    public static MappedFileExporter Open(string path, MemoryMappedFileAccess access = MemoryMappedFileAccess.Read, long offset = 0, long? length = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fileAccess = access is MemoryMappedFileAccess.ReadWrite or MemoryMappedFileAccess.ReadWriteExecute ? FileAccess.ReadWrite : FileAccess.Read;
        var stream = new FileStream(path, FileMode.Open, fileAccess, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            var size = length ?? stream.Length - offset;
            CheckRegion(offset, size, stream.Length);
            var file = MemoryMappedFile.CreateFromFile(stream, null, 0, access, HandleInheritability.None, leaveOpen: false);
            try
            {
                return new MappedFileExporter(file, ownsFile: true, offset, size, access);
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Maps <paramref name="length"/> zeroed bytes of anonymous, writable memory (<c>mmap.mmap(-1, length)</c>).</summary>
    /// <param name="length">Bytes (&gt; 0).</param>
    /// <exception cref="ArgumentException">A length ≤ 0.</exception>
    public static MappedFileExporter CreateAnonymous(long length)
    {
        CheckRegion(0, length, length);
        var file = MemoryMappedFile.CreateNew(null, length, MemoryMappedFileAccess.ReadWrite);
        try
        {
            return new MappedFileExporter(file, ownsFile: true, 0, length, MemoryMappedFileAccess.ReadWrite);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Maps a region of a <see cref="MemoryMappedFile"/> the caller opened.</summary>
    /// <param name="file">The mapped file.</param>
    /// <param name="offset">Offset of the region.</param>
    /// <param name="length">Size of the region (&gt; 0).</param>
    /// <param name="access">The view's access; must be allowed by the file's.</param>
    /// <param name="leaveOpen">True to leave <paramref name="file"/> open when the exporter is closed or disposed.</param>
    /// <exception cref="ArgumentException">An empty region.</exception>
    /// <exception cref="UnauthorizedAccessException">The file does not allow <paramref name="access"/>.</exception>
    public static MappedFileExporter Create(MemoryMappedFile file, long offset, long length, MemoryMappedFileAccess access, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(file);
        CheckRegion(offset, length, long.MaxValue);
        return new MappedFileExporter(file, ownsFile: !leaveOpen, offset, length, access);
    }

    /// <summary>Writes changes of the region back to the file.</summary>
    /// <exception cref="ObjectDisposedException">The exporter has been closed or disposed.</exception>
    public void Flush()
    {
        using (EnterLock())
        {
            ThrowIfDisposed();
            _view.Flush();
        }
    }

    /// <summary>
    /// Unmaps the region now (<c>mmap.close()</c>), refusing while exported. Use <see cref="BufferExporter.Dispose()"/>
    /// to close as soon as the last export is released instead.
    /// </summary>
    /// <exception cref="BufferException">The region is exported: "cannot close exported pointers exist".</exception>
    public void Close()
    {
        using (EnterLock())
        {
            if (IsDisposed)
            {
                return;
            }
            if (ExportCount > 0)
            {
                throw new BufferException(CloseRefused);
            }
            Dispose();
        }
    }

    /// <inheritdoc />
    protected override ExportSource Describe() =>
        new(_address, BufferLayout.Create(1, [checked((nint)_length)], [1]), "B", _readOnly);

    /// <inheritdoc />
    protected override AcquiredBuffer Answer(in ExportSource source, BufferRequest request) =>
        BufferRequestRules.FillInfo(source, request, this, this);

    /// <inheritdoc />
    protected override void FreeResources()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        if (_ownsFile)
        {
            _file.Dispose();
        }
    }

    private static void CheckRegion(long offset, long length, long fileLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length <= 0)
        {
            throw new ArgumentException("cannot map an empty region", nameof(length));
        }
        if (offset > fileLength || length > fileLength - offset)
        {
            throw new ArgumentException($"the region [{offset}, {offset}+{length}) extends past the end of the file ({fileLength} bytes)", nameof(length));
        }
    }
}
