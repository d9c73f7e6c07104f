using System.Buffers.Binary;
using System.Collections.Immutable;
using System.IO.Compression;
using System.IO.MemoryMappedFiles;
using System.Text;
using BufferProtocol.Exporters;

namespace BufferProtocol.Interop.Npy;

/// <summary>
/// A NumPy <c>.npz</c> archive (<c>np.savez</c>, <c>np.savez_compressed</c>): a ZIP file of <c>.npy</c> members, each
/// opened as a buffer — memory-mapped in place when the member is stored, read into native memory when it is deflated.
/// </summary>
/// <remarks>
/// <para><b>Reading the ZIP.</b> The central directory is read directly (end-of-central-directory record, its ZIP64
/// locator and record when present, ZIP64 extra fields) because mapping a stored member needs the offset of its bytes
/// in the file, which <see cref="ZipArchive"/> does not expose: a member's data starts after its local header (30 bytes,
/// its name and its own extra field — <c>np.savez</c> writes every member with a ZIP64 extra field).</para>
/// <para><b>Members.</b> <see cref="Names"/> are the member names without <c>.npy</c>, as <c>np.load(...).files</c>
/// lists them. <see cref="OpenArray"/> maps a stored member (method 0) through <see cref="NpyFile"/>'s mapping, read-only
/// or copy-on-write (writing through would break the member's CRC), and inflates a deflated one (method 8) into a
/// <see cref="NativeBuffer"/>. Other compression methods, encryption and multi-disk archives are refused.</para>
/// <para>The archive holds no open file: every call opens the file again, so it may be shared between threads.</para>
/// </remarks>
public sealed class NpzArchive
{

    private readonly string _path;
    private readonly Dictionary<string, Member> _members;

    private NpzArchive(string path, Dictionary<string, Member> members, ImmutableArray<string> names)
    {
        _path = path;
        _members = members;
        Names = names;
    }

    /// <summary>The arrays in the archive, in directory order, without the <c>.npy</c> suffix.</summary>
    public ImmutableArray<string> Names { get; }

    /// <summary>Reads an archive's directory.</summary>
    /// <param name="path">The <c>.npz</c> file.</param>
    /// <exception cref="InvalidDataException">The file is not a ZIP archive this reader understands.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static NpzArchive Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var members = new Dictionary<string, Member>(StringComparer.Ordinal);
        var names = ImmutableArray.CreateBuilder<string>();
        foreach (var member in ReadDirectory(stream))
        {
            if (member.Name.EndsWith(".npy", StringComparison.Ordinal) && members.TryAdd(member.Name[..^4], member))
            {
                names.Add(member.Name[..^4]);
            }
        }
        return new NpzArchive(path, members, names.ToImmutable());
    }

    /// <summary>True when a stored (uncompressed) member, which <see cref="OpenArray"/> maps in place.</summary>
    /// <param name="name">The array's name (with or without <c>.npy</c>).</param>
    /// <exception cref="KeyNotFoundException">No such member.</exception>
    public bool IsStored(string name) => Find(name).Method == 0;

    /// <summary>Reads the <c>.npy</c> header of a member.</summary>
    /// <param name="name">The array's name (with or without <c>.npy</c>).</param>
    /// <exception cref="KeyNotFoundException">No such member.</exception>
    /// <exception cref="InvalidDataException">The member is not a valid <c>.npy</c> file.</exception>
    public NpyHeader ReadHeader(string name)
    {
        var member = Find(name);
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var content = OpenContent(stream, member);
        return NpyHeader.Read(content);
    }

    /// <summary>
    /// Opens a member as a buffer: a stored member is mapped in place (<see cref="NpyArray"/>), a deflated one is read
    /// into native memory.
    /// </summary>
    /// <param name="name">The array's name (with or without <c>.npy</c>).</param>
    /// <param name="access"><see cref="MemoryMappedFileAccess.Read"/> or <see cref="MemoryMappedFileAccess.CopyOnWrite"/>
    /// (a deflated member is always an in-memory copy, writable with CopyOnWrite).</param>
    /// <returns>The array; dispose it.</returns>
    /// <exception cref="KeyNotFoundException">No such member.</exception>
    /// <exception cref="InvalidDataException">The member is not a valid <c>.npy</c> file.</exception>
    /// <exception cref="NotSupportedException">Another compression method, an object array, or <see cref="MemoryMappedFileAccess.ReadWrite"/>.</exception>
    public BufferExporter OpenArray(string name, MemoryMappedFileAccess access = MemoryMappedFileAccess.Read)
    {
        if (access is not (MemoryMappedFileAccess.Read or MemoryMappedFileAccess.CopyOnWrite))
        {
            throw new NotSupportedException("an .npz member opens read-only or copy-on-write: writing through would break its CRC");
        }
        var member = Find(name);
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var content = OpenContent(stream, member);
        if (member.Method != 0)
        {
            return NpyFile.Read(content, readOnly: access == MemoryMappedFileAccess.Read);
        }
        var header = NpyHeader.Read(content);
        if (header.DataOffset + header.DataLength > member.UncompressedSize)
        {
            throw new InvalidDataException($"the member '{member.Name}' holds {member.UncompressedSize} bytes but its header announces {header.DataOffset + header.DataLength}");
        }
        return NpyFile.Map(_path, header, member.DataOffset, access);
    }

    private Member Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        // The exact name first, as np.load looks it up: the array "x.npy" is the member "x.npy.npy".
        if (_members.TryGetValue(name, out var member))
        {
            return member;
        }
        var key = name.EndsWith(".npy", StringComparison.Ordinal) ? name[..^4] : name;
        return _members.TryGetValue(key, out member) ? member : throw new KeyNotFoundException($"the archive has no array '{key}'");
    }

    private static Stream OpenContent(FileStream stream, Member member)
    {
        stream.Position = member.DataOffset;
        return member.Method switch
        {
            0 => stream,
            8 => new DeflateStream(stream, CompressionMode.Decompress, leaveOpen: true),
            _ => throw new NotSupportedException($"the member '{member.Name}' uses ZIP compression method {member.Method}; only stored (0) and deflated (8) are read"),
        };
    }

    private readonly record struct Member(string Name, ushort Method, long DataOffset, long UncompressedSize);

    private static List<Member> ReadDirectory(FileStream stream)
    {
        var length = stream.Length;
        var tailLength = (int)Math.Min(length, 22 + ushort.MaxValue);
        var tail = new byte[tailLength];
        stream.Position = length - tailLength;
        stream.ReadExactly(tail);
        var end = -1;
        for (var i = tailLength - 22; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) == ZipSignatures.End)
            {
                end = i;
                break;
            }
        }
        if (end < 0)
        {
            throw new InvalidDataException("not a ZIP archive: no end-of-central-directory record");
        }
        var record = tail.AsSpan(end);
        long count = BinaryPrimitives.ReadUInt16LittleEndian(record[10..]);
        long directoryOffset = BinaryPrimitives.ReadUInt32LittleEndian(record[16..]);
        if (BinaryPrimitives.ReadUInt16LittleEndian(record[4..]) != 0 || BinaryPrimitives.ReadUInt16LittleEndian(record[6..]) != 0)
        {
            throw new InvalidDataException("multi-disk ZIP archives are not supported");
        }
        if (count == 0xffff || directoryOffset == 0xffffffff)
        {
            (count, directoryOffset) = ReadZip64End(stream, length - tailLength + end);
        }
        var members = new List<Member>();
        stream.Position = directoryOffset;
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        var entries = new List<(string Name, ushort Method, ushort Flags, long Size, long LocalOffset)>();
        for (long i = 0; i < count; i++)
        {
            if (reader.ReadUInt32() != ZipSignatures.CentralHeader)
            {
                throw new InvalidDataException($"corrupt ZIP central directory at entry {i}");
            }
            reader.ReadBytes(4);
            var flags = reader.ReadUInt16();
            var method = reader.ReadUInt16();
            reader.ReadBytes(8);
            long compressed = reader.ReadUInt32();
            long uncompressed = reader.ReadUInt32();
            var nameLength = reader.ReadUInt16();
            var extraLength = reader.ReadUInt16();
            var commentLength = reader.ReadUInt16();
            reader.ReadBytes(8);
            long localOffset = reader.ReadUInt32();
            var nameBytes = reader.ReadBytes(nameLength);
            var name = (flags & 0x800) != 0 ? Encoding.UTF8.GetString(nameBytes) : Encoding.Latin1.GetString(nameBytes);
            var extra = reader.ReadBytes(extraLength);
            reader.ReadBytes(commentLength);
            ReadZip64Extra(extra, ref uncompressed, ref compressed, ref localOffset);
            if ((flags & 1) != 0)
            {
                throw new NotSupportedException($"the member '{name}' is encrypted");
            }
            entries.Add((name, method, flags, uncompressed, localOffset));
        }
        foreach (var (name, method, _, size, localOffset) in entries)
        {
            stream.Position = localOffset;
            if (reader.ReadUInt32() != ZipSignatures.LocalHeader)
            {
                throw new InvalidDataException($"corrupt ZIP local header for '{name}'");
            }
            reader.ReadBytes(22);
            var nameLength = reader.ReadUInt16();
            var extraLength = reader.ReadUInt16();
            members.Add(new Member(name, method, localOffset + 30 + nameLength + extraLength, size));
        }
        return members;
    }

    private static (long Count, long Offset) ReadZip64End(FileStream stream, long endPosition)
    {
        Span<byte> locator = stackalloc byte[20];
        stream.Position = endPosition - 20;
        stream.ReadExactly(locator);
        if (BinaryPrimitives.ReadUInt32LittleEndian(locator) != ZipSignatures.Zip64Locator)
        {
            throw new InvalidDataException("the ZIP archive needs a ZIP64 end-of-central-directory locator and has none");
        }
        Span<byte> record = stackalloc byte[56];
        stream.Position = (long)BinaryPrimitives.ReadUInt64LittleEndian(locator[8..]);
        stream.ReadExactly(record);
        if (BinaryPrimitives.ReadUInt32LittleEndian(record) != ZipSignatures.Zip64End)
        {
            throw new InvalidDataException("corrupt ZIP64 end-of-central-directory record");
        }
        return ((long)BinaryPrimitives.ReadUInt64LittleEndian(record[32..]), (long)BinaryPrimitives.ReadUInt64LittleEndian(record[48..]));
    }

    /// <summary>The ZIP64 extended information extra field (id 1): the 8-byte values replace the fields that are 0xFFFFFFFF, in this order.</summary>
    private static void ReadZip64Extra(ReadOnlySpan<byte> extra, ref long uncompressed, ref long compressed, ref long localOffset)
    {
        while (extra.Length >= 4)
        {
            var id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            var size = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            var data = extra.Slice(4, Math.Min(size, extra.Length - 4));
            if (id == 1)
            {
                if (uncompressed == 0xffffffff && data.Length >= 8)
                {
                    uncompressed = (long)BinaryPrimitives.ReadUInt64LittleEndian(data);
                    data = data[8..];
                }
                if (compressed == 0xffffffff && data.Length >= 8)
                {
                    compressed = (long)BinaryPrimitives.ReadUInt64LittleEndian(data);
                    data = data[8..];
                }
                if (localOffset == 0xffffffff && data.Length >= 8)
                {
                    localOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(data);
                }
                return;
            }
            extra = extra[Math.Min(extra.Length, 4 + size)..];
        }
    }
}
