using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;

namespace BufferProtocol.Interop.Npy;

/// <summary>
/// Writes NumPy <c>.npz</c> archives (<c>np.savez</c>, <c>np.savez_compressed</c>): a ZIP file with one <c>.npy</c>
/// member, <c>name.npy</c>, per array — laid out as CPython's <c>zipfile</c> lays out what NumPy writes through it.
/// </summary>
/// <remarks>
/// <para><b>Streaming.</b> Each member is written by <see cref="NpyFile"/>'s block-wise writer straight into the
/// archive (through a <see cref="DeflateStream"/> when <see cref="NpzCompression.Deflated"/>): a large or strided
/// array is never copied whole in memory. The CRC and sizes are known only at the end of a member, so on a seekable
/// stream its local header is written again in place; on a stream that cannot seek they follow the data in a data
/// descriptor (flag bit 3), as <c>zipfile</c> does.</para>
/// <para><b>ZIP64.</b> NumPy opens every member with <c>force_zip64=True</c> (numpy#10776), so every local header carries
/// a ZIP64 extra field with both sizes. The central directory gets ZIP64 fields, and the archive a ZIP64
/// end-of-central-directory record, only where a value exceeds <c>zipfile</c>'s limit of 2³¹−1 (65535 members).</para>
/// <para><b>Byte identity.</b> With stored members and the default <see cref="Timestamp"/>, the archive has the bytes
/// <c>np.savez</c> writes, to a seekable stream or to one that cannot seek (dates, permissions <c>rw-------</c>,
/// versions and flags as <c>zipfile</c> sets them).
/// Deflated data differs in its bytes from Python's zlib, not in what it inflates to.</para>
/// <para><b>Failures.</b> A name, an array or a format that is refused (<see cref="ArgumentException"/>,
/// <see cref="ObjectDisposedException"/>, <see cref="NotSupportedException"/>) is refused before anything is written,
/// and the writer goes on. A failure while a member is being written (an I/O error) leaves it broken: further calls
/// throw <see cref="InvalidOperationException"/> and <see cref="Dispose"/> writes no directory. <see cref="Save"/> writes
/// a whole archive to a temporary file and renames it, so a failure leaves no partial file.</para>
/// </remarks>
public sealed class NpzWriter : IDisposable
{
    private const ushort DefaultVersion = 20;
    private const ushort Zip64Version = 45;
    private const ushort DataDescriptorFlag = 1 << 3;
    private const ushort Utf8NameFlag = 1 << 11;
    private const uint ExternalAttributes = 0x180 << 16; // 0o600 << 16: rw------- in the Unix mode bits
    private const byte UnixSystem = 3;

    private readonly Stream _stream;
    private readonly ZipCountingStream _output;
    private readonly bool _leaveOpen;
    private readonly bool _seekable;
    private readonly long _zip64Limit;
    private readonly ushort _dosTime;
    private readonly ushort _dosDate;
    private readonly List<Entry> _entries = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private bool _broken;
    private bool _disposed;

    /// <summary>Starts an archive at the current position of <paramref name="stream"/>.</summary>
    /// <param name="stream">A writable stream; it need not be seekable.</param>
    /// <param name="compression">Stored (<c>np.savez</c>) or deflated (<c>np.savez_compressed</c>).</param>
    /// <param name="timestamp">The modification time of every member (ZIP keeps local time to two seconds); default
    /// <see cref="NumPyTimestamp"/>, as NumPy writes.</param>
    /// <param name="leaveOpen">True to leave <paramref name="stream"/> open after <see cref="Dispose"/>.</param>
    /// <exception cref="ArgumentException">The stream is not writable.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The timestamp is before 1980 or after 2107 (ZIP cannot hold it).</exception>
    public NpzWriter(Stream stream, NpzCompression compression = NpzCompression.Stored, DateTime? timestamp = null, bool leaveOpen = false)
        : this(stream, compression, timestamp, leaveOpen, int.MaxValue)
    {
    }

    /// <summary>The constructor, with the size above which ZIP64 fields are written (tests lower it).</summary>
    internal NpzWriter(Stream stream, NpzCompression compression, DateTime? timestamp, bool leaveOpen, long zip64Limit)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("the stream is not writable", nameof(stream));
        }
        if (compression is not (NpzCompression.Stored or NpzCompression.Deflated))
        {
            throw new ArgumentOutOfRangeException(nameof(compression), compression, "not an NpzCompression");
        }
        var time = timestamp ?? NumPyTimestamp;
        if (time.Year is < 1980 or > 2107)
        {
            throw new ArgumentOutOfRangeException(nameof(timestamp), time, "ZIP holds times from 1980 to 2107");
        }
        _dosTime = (ushort)((time.Hour << 11) | (time.Minute << 5) | (time.Second / 2));
        _dosDate = (ushort)(((time.Year - 1980) << 9) | (time.Month << 5) | time.Day);
        Compression = compression;
        Timestamp = time;
        _stream = stream;
        _leaveOpen = leaveOpen;
        _seekable = stream.CanSeek;
        _zip64Limit = zip64Limit;
        _output = new ZipCountingStream(stream, _seekable ? stream.Position : 0, computeCrc: false);
    }

    /// <summary>
    /// 1980-01-01 00:00:00, the modification time <c>np.savez</c> gives every member (no clock is read:
    /// <c>zipfile.ZipFile.open(name, 'w')</c> makes a <c>ZipInfo(name)</c>, whose default date is the earliest ZIP holds).
    /// </summary>
    public static readonly DateTime NumPyTimestamp = new(1980, 1, 1);

    /// <summary>How the members are stored.</summary>
    public NpzCompression Compression { get; }

    /// <summary>The modification time written for every member.</summary>
    public DateTime Timestamp { get; }

    /// <summary>The arrays written so far, in order (without <c>.npy</c>).</summary>
    public IReadOnlyList<string> Names => [.. _entries.Select(e => e.Name)];

    /// <summary>Writes a whole archive to a file: under a temporary name in the same folder, renamed over <paramref name="path"/> when complete.</summary>
    /// <param name="path">The <c>.npz</c> file to create or replace (no extension is added, unlike <c>np.savez</c>).</param>
    /// <param name="arrays">The arrays by name, in the order they are written.</param>
    /// <param name="compression">Stored or deflated.</param>
    /// <param name="timestamp">The members' modification time; default <see cref="NumPyTimestamp"/>.</param>
    /// <exception cref="ArgumentException">A name is empty, holds <c>/</c>, <c>\</c> or NUL, is too long, or comes twice
    /// (checked before the file is created).</exception>
    /// <exception cref="ObjectDisposedException">An array has been disposed or released.</exception>
    /// <exception cref="NotSupportedException">NumPy has no dtype for an array's format, or it holds objects.</exception>
    /// <exception cref="BufferException">An exporter refused the request.</exception>
    /// <exception cref="IOException">The file cannot be written; <paramref name="path"/> is left as it was.</exception>
    public static void Save(string path, IEnumerable<KeyValuePair<string, IBufferExporter>> arrays,
        NpzCompression compression = NpzCompression.Stored, DateTime? timestamp = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(arrays);
        var list = arrays.ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, array) in list)
        {
            CheckName(name, seen, nameof(arrays));
            ArgumentNullException.ThrowIfNull(array, nameof(arrays));
            seen.Add(name);
        }
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            using (var writer = new NpzWriter(stream, compression, timestamp))
            {
                foreach (var (name, array) in list)
                {
                    writer.Add(name, array);
                }
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The original error matters more; the name starts with '.' and ends with .tmp.
            }
            throw;
        }
    }

    /// <summary>Writes an exporter's array as the member <c>name.npy</c> (acquired read-only for the write, then released).</summary>
    /// <param name="name">The array's name, as <c>np.load(...)[name]</c> finds it.</param>
    /// <param name="array">The array (an exporter, a <c>MemoryView</c>, …).</param>
    /// <param name="order">C, Fortran, or <see cref="ContiguityOrder.Any"/> (as <see cref="NpyFile.Write"/>).</param>
    /// <exception cref="ArgumentException">The name is empty, holds <c>/</c>, <c>\</c> or NUL, is too long, or was written before.</exception>
    /// <exception cref="ObjectDisposedException">The exporter has been disposed, or the writer.</exception>
    /// <exception cref="NotSupportedException">NumPy has no dtype for the format, or it holds objects.</exception>
    /// <exception cref="BufferException">The exporter refused the request.</exception>
    /// <exception cref="InvalidOperationException">An earlier member failed half-way; the archive is broken.</exception>
    /// <exception cref="IOException">The stream failed; the archive is broken.</exception>
    public void Add(string name, IBufferExporter array, ContiguityOrder order = ContiguityOrder.Any)
    {
        ArgumentNullException.ThrowIfNull(array);
        ThrowIfUnusable();
        CheckName(name, _names, nameof(name));
        using var buffer = array.GetBuffer(BufferRequest.FullRO);
        Add(name, buffer, order);
    }

    /// <summary>Writes an acquired buffer as the member <c>name.npy</c> (the buffer stays acquired).</summary>
    /// <param name="name">The array's name.</param>
    /// <param name="buffer">The array (any strides, suboffsets followed; no format means unsigned bytes).</param>
    /// <param name="order">C, Fortran, or <see cref="ContiguityOrder.Any"/>.</param>
    /// <exception cref="ArgumentException">The name is empty, holds <c>/</c>, <c>\</c> or NUL, is too long, or was written before.</exception>
    /// <exception cref="ObjectDisposedException">The buffer has been released, or the writer disposed.</exception>
    /// <exception cref="NotSupportedException">NumPy has no dtype for the format, or it holds objects.</exception>
    /// <exception cref="InvalidOperationException">An earlier member failed half-way; the archive is broken.</exception>
    /// <exception cref="IOException">The stream failed; the archive is broken.</exception>
    public void Add(string name, AcquiredBuffer buffer, ContiguityOrder order = ContiguityOrder.Any)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ThrowIfUnusable();
        CheckName(name, _names, nameof(name));
        var plan = NpyFile.Plan(buffer, order);
        _broken = true; // until the member is complete
        var entry = WriteMember(name, plan);
        _entries.Add(entry);
        _names.Add(name);
        _broken = false;
    }

    /// <summary>Writes the central directory and the end records (unless a member failed half-way), then closes the stream unless left open.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        try
        {
            if (!_broken)
            {
                WriteDirectory();
                _output.Flush();
            }
        }
        finally
        {
            if (!_leaveOpen)
            {
                _stream.Dispose();
            }
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_broken)
        {
            throw new InvalidOperationException("an earlier member failed half-way: the archive is broken");
        }
    }

    private static void CheckName(string name, HashSet<string> seen, string parameter)
    {
        ArgumentNullException.ThrowIfNull(name, parameter);
        if (name.Length == 0 || name.AsSpan().IndexOfAny('/', '\\', '\0') >= 0)
        {
            throw new ArgumentException($"the array name '{name}' is empty or holds '/', '\\' or NUL, which would make the member a path", parameter);
        }
        if (Encoding.UTF8.GetByteCount(name) + 4 > ushort.MaxValue)
        {
            throw new ArgumentException($"the array name is {Encoding.UTF8.GetByteCount(name)} bytes long; a ZIP name holds at most {ushort.MaxValue - 4} before '.npy'", parameter);
        }
        if (seen.Contains(name))
        {
            throw new ArgumentException($"the array name '{name}' comes twice", parameter);
        }
    }

    private Entry WriteMember(string name, NpyFile.NpyPlan plan)
    {
        var entry = new Entry(name, Compression == NpzCompression.Deflated ? (ushort)8 : (ushort)0, _output.Position64);
        var fileName = name + ".npy";
        var ascii = Ascii.IsValid(fileName);
        entry.NameBytes = ascii ? Encoding.ASCII.GetBytes(fileName) : Encoding.UTF8.GetBytes(fileName);
        entry.Flags = (ushort)((ascii ? 0 : Utf8NameFlag) | (_seekable ? 0 : DataDescriptorFlag));
        _output.Write(LocalHeader(entry));

        var start = _output.Position64;
        var deflate = entry.Method == 8 ? new DeflateStream(_output, CompressionLevel.Optimal, leaveOpen: true) : null;
        var content = new ZipCountingStream(deflate ?? (Stream)_output, 0, computeCrc: true);
        plan.WriteTo(content);
        deflate?.Dispose(); // flushes the last block into the archive
        entry.Crc = content.Crc;
        entry.Size = content.Position64;
        entry.CompressedSize = _output.Position64 - start;

        if (!_seekable)
        {
            Span<byte> descriptor = stackalloc byte[24];
            BinaryPrimitives.WriteUInt32LittleEndian(descriptor, ZipSignatures.DataDescriptor);
            BinaryPrimitives.WriteUInt32LittleEndian(descriptor[4..], entry.Crc);
            BinaryPrimitives.WriteUInt64LittleEndian(descriptor[8..], (ulong)entry.CompressedSize);
            BinaryPrimitives.WriteUInt64LittleEndian(descriptor[16..], (ulong)entry.Size);
            _output.Write(descriptor);
            return entry;
        }
        // The header again, now with the CRC and sizes (same length: the ZIP64 field is there either way).
        var end = _stream.Position;
        if (entry.Size > _zip64Limit || entry.CompressedSize > _zip64Limit)
        {
            entry.Version = Zip64Version;
        }
        _stream.Position = entry.HeaderOffset;
        _stream.Write(LocalHeader(entry));
        _stream.Position = end;
        return entry;
    }

    private byte[] LocalHeader(Entry entry)
    {
        var header = new byte[30 + entry.NameBytes.Length + 20];
        var h = header.AsSpan();
        var known = (entry.Flags & DataDescriptorFlag) == 0;
        var large = entry.Size > _zip64Limit || entry.CompressedSize > _zip64Limit;
        BinaryPrimitives.WriteUInt32LittleEndian(h, ZipSignatures.LocalHeader);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], entry.Version);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], entry.Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(h[8..], entry.Method);
        BinaryPrimitives.WriteUInt16LittleEndian(h[10..], _dosTime);
        BinaryPrimitives.WriteUInt16LittleEndian(h[12..], _dosDate);
        BinaryPrimitives.WriteUInt32LittleEndian(h[14..], known ? entry.Crc : 0);
        BinaryPrimitives.WriteUInt32LittleEndian(h[18..], !known ? 0 : large ? uint.MaxValue : (uint)entry.CompressedSize);
        BinaryPrimitives.WriteUInt32LittleEndian(h[22..], !known ? 0 : large ? uint.MaxValue : (uint)entry.Size);
        BinaryPrimitives.WriteUInt16LittleEndian(h[26..], (ushort)entry.NameBytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(h[28..], 20);
        entry.NameBytes.CopyTo(h[30..]);
        var extra = h[(30 + entry.NameBytes.Length)..];
        BinaryPrimitives.WriteUInt16LittleEndian(extra, 1);
        BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], 16);
        BinaryPrimitives.WriteUInt64LittleEndian(extra[4..], known ? (ulong)entry.Size : 0);
        BinaryPrimitives.WriteUInt64LittleEndian(extra[12..], known ? (ulong)entry.CompressedSize : 0);
        return header;
    }

    private void WriteDirectory()
    {
        var directoryOffset = _output.Position64;
        foreach (var entry in _entries)
        {
            // zipfile's rule: 8-byte values, in this order, for what exceeds its limit; the field then says 0xFFFFFFFF.
            var zip64 = new List<ulong>(3);
            var largeSizes = entry.Size > _zip64Limit || entry.CompressedSize > _zip64Limit;
            if (largeSizes)
            {
                zip64.Add((ulong)entry.Size);
                zip64.Add((ulong)entry.CompressedSize);
            }
            var largeOffset = entry.HeaderOffset > _zip64Limit;
            if (largeOffset)
            {
                zip64.Add((ulong)entry.HeaderOffset);
            }
            var version = zip64.Count > 0 ? Zip64Version : entry.Version;
            var extraLength = zip64.Count == 0 ? 0 : 4 + (8 * zip64.Count);
            var record = new byte[46 + entry.NameBytes.Length + extraLength];
            var r = record.AsSpan();
            BinaryPrimitives.WriteUInt32LittleEndian(r, ZipSignatures.CentralHeader);
            r[4] = (byte)version;
            r[5] = UnixSystem;
            BinaryPrimitives.WriteUInt16LittleEndian(r[6..], version);
            BinaryPrimitives.WriteUInt16LittleEndian(r[8..], entry.Flags);
            BinaryPrimitives.WriteUInt16LittleEndian(r[10..], entry.Method);
            BinaryPrimitives.WriteUInt16LittleEndian(r[12..], _dosTime);
            BinaryPrimitives.WriteUInt16LittleEndian(r[14..], _dosDate);
            BinaryPrimitives.WriteUInt32LittleEndian(r[16..], entry.Crc);
            BinaryPrimitives.WriteUInt32LittleEndian(r[20..], largeSizes ? uint.MaxValue : (uint)entry.CompressedSize);
            BinaryPrimitives.WriteUInt32LittleEndian(r[24..], largeSizes ? uint.MaxValue : (uint)entry.Size);
            BinaryPrimitives.WriteUInt16LittleEndian(r[28..], (ushort)entry.NameBytes.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(r[30..], (ushort)extraLength);
            BinaryPrimitives.WriteUInt32LittleEndian(r[38..], ExternalAttributes);
            BinaryPrimitives.WriteUInt32LittleEndian(r[42..], largeOffset ? uint.MaxValue : (uint)entry.HeaderOffset);
            entry.NameBytes.CopyTo(r[46..]);
            if (zip64.Count > 0)
            {
                var extra = r[(46 + entry.NameBytes.Length)..];
                BinaryPrimitives.WriteUInt16LittleEndian(extra, 1);
                BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], (ushort)(8 * zip64.Count));
                for (var i = 0; i < zip64.Count; i++)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(extra[(4 + (8 * i))..], zip64[i]);
                }
            }
            _output.Write(record);
        }
        var zip64End = _output.Position64;
        var count = (long)_entries.Count;
        var size = zip64End - directoryOffset;
        if (count > ushort.MaxValue || directoryOffset > _zip64Limit || size > _zip64Limit)
        {
            Span<byte> end64 = stackalloc byte[56 + 20];
            end64.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(end64, ZipSignatures.Zip64End);
            BinaryPrimitives.WriteUInt64LittleEndian(end64[4..], 44);
            BinaryPrimitives.WriteUInt16LittleEndian(end64[12..], Zip64Version);
            BinaryPrimitives.WriteUInt16LittleEndian(end64[14..], Zip64Version);
            BinaryPrimitives.WriteUInt64LittleEndian(end64[24..], (ulong)count);
            BinaryPrimitives.WriteUInt64LittleEndian(end64[32..], (ulong)count);
            BinaryPrimitives.WriteUInt64LittleEndian(end64[40..], (ulong)size);
            BinaryPrimitives.WriteUInt64LittleEndian(end64[48..], (ulong)directoryOffset);
            var locator = end64[56..];
            BinaryPrimitives.WriteUInt32LittleEndian(locator, ZipSignatures.Zip64Locator);
            BinaryPrimitives.WriteUInt64LittleEndian(locator[8..], (ulong)zip64End);
            BinaryPrimitives.WriteUInt32LittleEndian(locator[16..], 1);
            _output.Write(end64);
            count = Math.Min(count, ushort.MaxValue);
            size = Math.Min(size, uint.MaxValue);
            directoryOffset = Math.Min(directoryOffset, uint.MaxValue);
        }
        Span<byte> endRecord = stackalloc byte[22];
        endRecord.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(endRecord, ZipSignatures.End);
        BinaryPrimitives.WriteUInt16LittleEndian(endRecord[8..], (ushort)count);
        BinaryPrimitives.WriteUInt16LittleEndian(endRecord[10..], (ushort)count);
        BinaryPrimitives.WriteUInt32LittleEndian(endRecord[12..], (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(endRecord[16..], (uint)directoryOffset);
        _output.Write(endRecord);
    }

    /// <summary>A member written: what the central directory repeats about it.</summary>
    private sealed class Entry(string name, ushort method, long headerOffset)
    {
        public string Name { get; } = name;

        public ushort Method { get; } = method;

        public long HeaderOffset { get; } = headerOffset;

        public byte[] NameBytes { get; set; } = [];

        public ushort Flags { get; set; }

        public ushort Version { get; set; } = DefaultVersion;

        public uint Crc { get; set; }

        public long Size { get; set; }

        public long CompressedSize { get; set; }
    }
}
