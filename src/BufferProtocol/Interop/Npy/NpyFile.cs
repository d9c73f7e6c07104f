using System.Buffers;
using System.IO.MemoryMappedFiles;
using BufferProtocol.Copying;
using BufferProtocol.Exporters;
using BufferProtocol.Interop.NumPy;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;

namespace BufferProtocol.Interop.Npy;

/// <summary>
/// Reads and writes NumPy's <c>.npy</c> files: open them memory-mapped as buffers (<see cref="Open"/>), read them into
/// native memory (<see cref="Read"/>), and write any buffer as NumPy's <c>np.save</c> would (<see cref="Save"/>,
/// <see cref="Write"/>).
/// </summary>
/// <remarks>
/// <para>The header is described on <see cref="NpyHeader"/>, the data types on <see cref="NumPyDType"/>. Object arrays
/// (pickled by NumPy) are refused in both directions; so are formats NumPy has no dtype for.</para>
/// <para><b>Byte identity.</b> For the array NumPy would build from a buffer, <see cref="Write"/> produces the bytes
/// <c>np.save</c> produces: the same header (see <see cref="NpyHeader"/>), then the items in C order — or in Fortran
/// order, with <c>fortran_order: True</c>, when the buffer is Fortran- but not C-contiguous (the default
/// <see cref="ContiguityOrder.Any"/>). Items of a non-contiguous buffer are gathered through <see cref="BufferCopy"/> in
/// blocks of at most 16 MiB.</para>
/// </remarks>
public static class NpyFile
{
    private const int BlockSize = 16 << 20;

    /// <summary>Maps a <c>.npy</c> file and exports its array in place.</summary>
    /// <param name="path">The file.</param>
    /// <param name="access"><see cref="MemoryMappedFileAccess.Read"/>, <see cref="MemoryMappedFileAccess.ReadWrite"/> or <see cref="MemoryMappedFileAccess.CopyOnWrite"/>.</param>
    /// <returns>The array; dispose it to unmap.</returns>
    /// <exception cref="InvalidDataException">The file is not a valid <c>.npy</c> file, or is shorter than its data.</exception>
    /// <exception cref="NotSupportedException">An object array, or a data type without a PEP 3118 format.</exception>
    /// <exception cref="IOException">The file cannot be opened or mapped.</exception>
    public static NpyArray Open(string path, MemoryMappedFileAccess access = MemoryMappedFileAccess.Read)
    {
        ArgumentNullException.ThrowIfNull(path);
        NpyHeader header;
        long fileLength;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            header = NpyHeader.Read(stream);
            fileLength = stream.Length;
        }
        CheckMappable(header);
        if (fileLength - header.DataOffset < header.DataLength)
        {
            throw new InvalidDataException($"the .npy file holds {fileLength - header.DataOffset} data bytes but its header announces {header.DataLength}");
        }
        return Map(path, header, 0, access);
    }

    /// <summary>Maps the data of the <c>.npy</c> file that starts <paramref name="start"/> bytes into <paramref name="path"/>.</summary>
    internal static NpyArray Map(string path, NpyHeader header, long start, MemoryMappedFileAccess access)
    {
        CheckMappable(header);
        var readOnly = access is MemoryMappedFileAccess.Read or MemoryMappedFileAccess.ReadExecute;
        var mapping = header.DataLength == 0 ? null : MappedFileExporter.Open(path, access, start + header.DataOffset, header.DataLength);
        try
        {
            return new NpyArray(header, mapping, readOnly);
        }
        catch
        {
            mapping?.Dispose();
            throw;
        }
    }

    /// <summary>Reads the header of a <c>.npy</c> file.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="InvalidDataException">The file does not start with a valid header.</exception>
    /// <exception cref="NotSupportedException">A data type without a PEP 3118 format.</exception>
    public static NpyHeader ReadHeader(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return NpyHeader.Read(stream);
    }

    /// <summary>Reads a <c>.npy</c> array from a stream into owned native memory (for streams that cannot be mapped, such as compressed <c>.npz</c> members).</summary>
    /// <param name="stream">A readable stream positioned at the magic.</param>
    /// <param name="readOnly">True to refuse writable exports of the result.</param>
    /// <returns>The array, with the file's format, shape and C or Fortran strides.</returns>
    /// <exception cref="InvalidDataException">The stream is not a valid <c>.npy</c> file, or ends before the data does.</exception>
    /// <exception cref="NotSupportedException">An object array, or a data type without a PEP 3118 format.</exception>
    public static unsafe NativeBuffer Read(Stream stream, bool readOnly = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var header = NpyHeader.Read(stream);
        CheckMappable(header);
        var result = NativeBuffer.Create(header.Format, header.Layout, 0, header.DataLength, readOnly);
        try
        {
            using var target = result.GetBuffer(BufferRequest.StridedRO); // contiguous in C or Fortran order: the block starts at the base
            var address = (byte*)target.Pointer;
            for (nint done = 0; done < header.DataLength;)
            {
                var n = stream.Read(new Span<byte>(address + done, (int)Math.Min(BlockSize, header.DataLength - done)));
                if (n == 0)
                {
                    throw new InvalidDataException($"the .npy data ends after {done} of {header.DataLength} bytes");
                }
                done += n;
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>Writes an exporter's array to a new <c>.npy</c> file (<c>np.save</c>).</summary>
    /// <param name="path">The file to create or overwrite.</param>
    /// <param name="exporter">The array.</param>
    /// <param name="order">C, Fortran, or <see cref="ContiguityOrder.Any"/> (Fortran only for Fortran- but not C-contiguous buffers, as NumPy decides).</param>
    /// <exception cref="NotSupportedException">NumPy has no dtype for the format, or it holds objects.</exception>
    /// <exception cref="BufferException">The exporter refused the request.</exception>
    public static void Save(string path, IBufferExporter exporter, ContiguityOrder order = ContiguityOrder.Any)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(exporter);
        using var buffer = exporter.GetBuffer(BufferRequest.FullRO);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Write(stream, buffer, order);
    }

    /// <summary>Writes a buffer as a <c>.npy</c> file to a stream: the header, then the items in the chosen order.</summary>
    /// <param name="stream">A writable stream.</param>
    /// <param name="buffer">The array (any strides, suboffsets followed; no format means unsigned bytes).</param>
    /// <param name="order">C, Fortran, or <see cref="ContiguityOrder.Any"/>.</param>
    /// <returns>The header written.</returns>
    /// <exception cref="NotSupportedException">NumPy has no dtype for the format, or it holds objects.</exception>
    public static NpyHeader Write(Stream stream, AcquiredBuffer buffer, ContiguityOrder order = ContiguityOrder.Any)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(buffer);
        var plan = Plan(buffer, order);
        plan.WriteTo(stream);
        return plan.Header;
    }

    /// <summary>
    /// Everything that can refuse a buffer, decided before a byte is written (so that a caller such as
    /// <see cref="NpzWriter"/> can refuse an array without leaving half a member behind).
    /// </summary>
    internal static NpyPlan Plan(AcquiredBuffer buffer, ContiguityOrder order)
    {
        var dataType = NumPyDType.FromBuffer(buffer.Format, buffer.Layout, out var layout);
        if (dataType.HasObjects)
        {
            throw new NotSupportedException("object arrays cannot be written to .npy files without pickling");
        }
        var fortran = order == ContiguityOrder.Fortran || (order == ContiguityOrder.Any && layout.IsFContiguous && !layout.IsCContiguous);
        var header = NpyHeader.Create(dataType, layout.Shape, fortran);
        return new NpyPlan(header, buffer.Pointer, layout, fortran ? ContiguityOrder.Fortran : ContiguityOrder.C);
    }

    /// <summary>A buffer accepted for writing: its header, and where and in which order its items are read.</summary>
    internal readonly record struct NpyPlan(NpyHeader Header, nint Pointer, BufferLayout Layout, ContiguityOrder Order)
    {
        /// <summary>The size of the whole <c>.npy</c> file.</summary>
        public long FileLength => Header.DataOffset + Layout.Length;

        /// <summary>Writes the header, then the items a block at a time.</summary>
        public void WriteTo(Stream stream)
        {
            stream.Write(Header.ToBytes());
            WriteData(stream, Pointer, Layout, Order);
        }
    }

    private static void CheckMappable(NpyHeader header)
    {
        if (header.DataType.HasObjects)
        {
            throw new NotSupportedException("the .npy file holds a pickled object array, which cannot be read as a buffer");
        }
    }

    private static unsafe void WriteData(Stream stream, nint pointer, in BufferLayout layout, ContiguityOrder order)
    {
        if (layout.Length == 0)
        {
            return;
        }
        if (layout.IsContiguous(order) && !layout.HasSubOffsets)
        {
            for (nint done = 0; done < layout.Length;)
            {
                var n = (int)Math.Min(BlockSize, layout.Length - done);
                stream.Write(new ReadOnlySpan<byte>((byte*)pointer + done, n));
                done += n;
            }
            return;
        }
        var rented = ArrayPool<byte>.Shared.Rent((int)Math.Min(BlockSize, layout.Length));
        try
        {
            WriteBlocks(stream, pointer, layout, order, rented);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Gathers the items in <paramref name="order"/> a block of outer slices at a time (the slowest axis: first for C,
    /// last for Fortran); when one slice alone is larger than the block, its slices along the next axis are gathered
    /// instead (<paramref name="depth"/> axes are already fixed).
    /// </summary>
    private static void WriteBlocks(Stream stream, nint pointer, in BufferLayout layout, ContiguityOrder order, byte[] block, int depth = 0)
    {
        if (layout.Length <= block.Length || depth >= layout.Rank)
        {
            // A single item larger than the block is gathered on its own.
            var span = layout.Length <= block.Length ? block.AsSpan(0, (int)layout.Length) : new byte[layout.Length];
            BufferCopy.ToContiguous(pointer, layout, span, order);
            stream.Write(span);
            return;
        }
        var axis = order == ContiguityOrder.Fortran ? layout.Rank - 1 - depth : depth;
        var extent = layout.Shape[axis];
        var sliceBytes = layout.Length / extent;
        var perBlock = Math.Max(1, block.Length / sliceBytes);
        for (nint start = 0; start < extent; start += perBlock)
        {
            var count = Math.Min(perBlock, extent - start);
            var part = layout.Slice(axis, start, 1, count, out var delta);
            WriteBlocks(stream, pointer + delta, part, order, block, count == 1 ? depth + 1 : depth);
        }
    }
}
