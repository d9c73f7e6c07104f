using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BufferProtocol.Formats;
using BufferProtocol.Internal;
using BufferProtocol.Interop.Memory;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;

namespace BufferProtocol.Exporters;

/// <summary>
/// An owned block of aligned unmanaged memory exported with any format, item size, shape, strides and base offset,
/// optionally PIL-style: suboffsets that follow real pointer tables stored in the block, as CPython's
/// <c>_testbuffer.ndarray</c> builds them with <c>ND_PIL</c>.
/// </summary>
/// <remarks>
/// <para><b>Ownership.</b> The buffer owns the block (allocated with <see cref="NativeMemory.AlignedAlloc"/>, zeroed,
/// held by a <see cref="SafeHandle"/> so that a leaked buffer is still freed by the finalizer). Each export
/// (<see cref="BufferExporter.GetBuffer"/>) owns one count. The block is freed when the buffer is disposed <em>and</em>
/// the last export is released, whichever comes last: <see cref="BufferExporter.Dispose()"/> with live exports is
/// deferred, never refused. The layout, format and pointer tables never change, so nothing is refused while exported.</para>
/// <para><b>Validation.</b> Every factory checks, with checked arithmetic, that every item the layout reaches lies inside
/// the block — <see cref="BufferLayout.ValidateWithin"/> (CPython's <c>verify_structure</c>) for strided layouts, and a
/// walk through every pointer for layouts with suboffsets: each dereference must land on a pointer slot the buffer wrote
/// itself, and no item may overlap a slot (so consumers writing items cannot corrupt the tables). Unlike
/// <c>_testbuffer</c>, strides and the offset need not be multiples of the item size (the protocol does not ask it,
/// and NumPy's field views break it).</para>
/// <para><b>Memory layout.</b> <see cref="Bytes"/> is the whole block; <see cref="BaseOffset"/> is where the item at index
/// (0, …, 0) (or, for PIL layouts, the pointer of index 0 in the first dimension) sits in it. For
/// <see cref="CreateIndirect(string, BufferLayout, nint, nint, bool, nint, ReadOnlySpan{byte})"/> the block starts with the pointer table (<see cref="DataOffset"/> bytes) followed by the
/// data. The owner may write the data through <see cref="Bytes"/> at any time; writing over a pointer table breaks the
/// structure and is not allowed.</para>
/// <para>The format must parse (<see cref="BufferFormat.Parse(string)"/>) and describe items of the layout's item size;
/// it is exported verbatim. (To hand a consumer a format the parser rejects, describe the memory with an
/// <see cref="ExportSource"/> and answer with <see cref="BufferRequestRules"/> directly.)</para>
/// </remarks>
public sealed class NativeBuffer : BufferExporter
{
    /// <summary>The default alignment of the block: a cache line.</summary>
    public const int DefaultAlignment = 64;

    private readonly SafeHandle _block;
    private readonly nint _address;
    private readonly nint _length;
    private readonly nint _baseOffset;
    private readonly nint _dataOffset;
    private readonly string _format;
    private readonly BufferLayout _layout;
    private readonly bool _readOnly;
    private readonly NativePointer[] _pointers;

    /// <summary>Allocates a block; returns the object that frees it and the block's address.</summary>
    internal delegate (SafeHandle Owner, nint Address) BlockAllocator(nint length, nint alignment);

    private NativeBuffer(SafeHandle block, nint address, nint length, nint baseOffset, nint dataOffset, string format,
        BufferLayout layout, bool readOnly, NativePointer[] pointers)
    {
        _block = block;
        _address = address;
        _length = length;
        _baseOffset = baseOffset;
        _dataOffset = dataOffset;
        _format = format;
        _layout = layout;
        _readOnly = readOnly;
        _pointers = pointers;
    }

    /// <summary>The item format exported with <see cref="BufferRequest.Format"/>.</summary>
    public string Format => _format;

    /// <summary>The full layout exported (shape, byte strides, suboffsets).</summary>
    public BufferLayout Layout => _layout;

    /// <summary>True when consumers may not obtain a writable buffer.</summary>
    public bool IsReadOnly => _readOnly;

    /// <summary>The size of the block in bytes.</summary>
    public nint MemoryLength => _length;

    /// <summary>The offset of the base (<c>Py_buffer.buf</c>) within the block.</summary>
    public nint BaseOffset => _baseOffset;

    /// <summary>The offset within the block where the data begins: the size of the pointer table for
    /// <see cref="CreateIndirect(string, BufferLayout, nint, nint, bool, nint, ReadOnlySpan{byte})"/>, else 0.</summary>
    public nint DataOffset => _dataOffset;

    /// <summary>The pointer slots the buffer wrote into its block (empty without suboffsets).</summary>
    public ReadOnlySpan<NativePointer> Pointers => _pointers;

    /// <summary>The whole block. Valid until the buffer is disposed; do not keep the span past it.</summary>
    /// <exception cref="ObjectDisposedException">The buffer has been disposed.</exception>
    /// <exception cref="OverflowException">The block is larger than a span can describe.</exception>
    public Span<byte> Bytes
    {
        get
        {
            ThrowIfDisposed();
            return RawMemory.AsSpan(_address, checked((int)_length));
        }
    }

    /// <summary>A zeroed, writable block of <paramref name="length"/> unsigned bytes (format <c>B</c>, one dimension).</summary>
    /// <param name="length">Bytes (≥ 0).</param>
    /// <param name="alignment">Alignment of the block: a power of two.</param>
    /// <exception cref="ArgumentException">A negative length or an alignment that is not a power of two.</exception>
    public static NativeBuffer Allocate(nint length, nint alignment = DefaultAlignment)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return Create("B", BufferLayout.Create(1, [length], [1]), 0, length, readOnly: false, alignment: alignment);
    }

    /// <summary>
    /// <see cref="Allocate(nint, nint)"/> for callers that pass integers as <c>long</c> (Python through pythonnet,
    /// which does not convert an int to <see cref="nint"/>): <c>NativeBuffer.Allocate(16)</c>.
    /// </summary>
    /// <param name="length">Bytes (≥ 0).</param>
    /// <param name="alignment">Alignment of the block: a power of two.</param>
    /// <exception cref="ArgumentException">A negative length or an alignment that is not a power of two.</exception>
    [OverloadResolutionPriority(-1)] // C# callers keep the nint overload wherever it applies
    public static NativeBuffer Allocate(long length, long alignment = DefaultAlignment) =>
        Allocate(DimensionArrays.ToNative(length, nameof(length)), DimensionArrays.ToNative(alignment, nameof(alignment)));

    /// <summary>
    /// A zeroed, contiguous array of <typeparamref name="T"/> with the given shape, in C or Fortran order, with the
    /// format of <typeparamref name="T"/> (<see cref="ClrFormat"/>).
    /// </summary>
    /// <param name="shape">Extents (each ≥ 0, at most 64).</param>
    /// <param name="order">C (row-major) or Fortran (column-major).</param>
    /// <param name="readOnly">True to refuse writable requests.</param>
    /// <typeparam name="T">An unmanaged type with a PEP 3118 format.</typeparam>
    /// <exception cref="ArgumentException">An invalid shape.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no PEP 3118 format.</exception>
    public static NativeBuffer Create<T>(ReadOnlySpan<nint> shape, ContiguityOrder order = ContiguityOrder.C, bool readOnly = false)
        where T : unmanaged
    {
        var layout = BufferLayout.Contiguous(Unsafe.SizeOf<T>(), shape, order);
        return Create(ClrFormat.Of<T>(), layout, 0, layout.Length, readOnly);
    }

    /// <summary>
    /// <see cref="Create{T}(ReadOnlySpan{nint}, ContiguityOrder, bool)"/> for callers without span support: from Python
    /// through pythonnet, <c>NativeBuffer.Create[Double]([3, 4])</c>.
    /// </summary>
    /// <param name="shape">Extents (each ≥ 0, at most 64).</param>
    /// <param name="order">C (row-major) or Fortran (column-major).</param>
    /// <param name="readOnly">True to refuse writable requests.</param>
    /// <typeparam name="T">An unmanaged type with a PEP 3118 format.</typeparam>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException">An invalid shape.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no PEP 3118 format.</exception>
    [OverloadResolutionPriority(-1)] // C# callers keep the span overload wherever it applies (e.g. an empty [] shape)
    public static NativeBuffer Create<T>(long[] shape, ContiguityOrder order = ContiguityOrder.C, bool readOnly = false)
        where T : unmanaged =>
        Create<T>(DimensionArrays.ToNative(shape, nameof(shape)), order, readOnly);

    /// <summary>
    /// A zeroed block of <paramref name="memoryLength"/> bytes exported as <paramref name="layout"/> with its base
    /// <paramref name="offset"/> bytes into the block: any format, item size, shape and (negative or zero) strides.
    /// </summary>
    /// <param name="format">The PEP 3118 format of one item, exported verbatim; its item size must be the layout's.</param>
    /// <param name="layout">Item size, shape and strides; without suboffsets (see <see cref="CreateIndirect(string, BufferLayout, nint, nint, bool, nint, ReadOnlySpan{byte})"/> and <see cref="CreateWithPointers"/>).</param>
    /// <param name="offset">Byte offset of the base (the item at index (0, …, 0)) within the block.</param>
    /// <param name="memoryLength">Size of the block in bytes.</param>
    /// <param name="readOnly">True to refuse writable requests.</param>
    /// <param name="alignment">Alignment of the block: a power of two.</param>
    /// <param name="contents">Bytes copied to the start of the block (at most <paramref name="memoryLength"/>); the rest is zero.</param>
    /// <exception cref="ArgumentException">
    /// A format that does not parse or whose item size is not the layout's, a layout with suboffsets, an item outside the
    /// block (<see cref="BufferLayout.ValidateWithin"/>), contents longer than the block, or an alignment that is not a
    /// power of two.
    /// </exception>
    public static NativeBuffer Create(string format, BufferLayout layout, nint offset, nint memoryLength, bool readOnly = false,
        nint alignment = DefaultAlignment, ReadOnlySpan<byte> contents = default) =>
        CreateCore(format, layout, offset, memoryLength, readOnly, alignment, contents, allocator: null);

    /// <summary>
    /// <see cref="Create(string, BufferLayout, nint, nint, bool, nint, ReadOnlySpan{byte})"/> for callers without span
    /// support (Python through pythonnet: integers as <c>long</c>, a <c>bytes</c> object as <c>byte[]</c>):
    /// <c>NativeBuffer.Create("&lt;H", BufferLayout.Create(2, [3, 2], [4, -2]), 2, 12)</c>.
    /// </summary>
    /// <param name="format">The PEP 3118 format of one item, exported verbatim; its item size must be the layout's.</param>
    /// <param name="layout">Item size, shape and strides; without suboffsets.</param>
    /// <param name="offset">Byte offset of the base (the item at index (0, …, 0)) within the block.</param>
    /// <param name="memoryLength">Size of the block in bytes.</param>
    /// <param name="readOnly">True to refuse writable requests.</param>
    /// <param name="alignment">Alignment of the block: a power of two.</param>
    /// <param name="contents">Null, or bytes copied to the start of the block (at most <paramref name="memoryLength"/>).</param>
    /// <exception cref="ArgumentException">As for the span overload.</exception>
    [OverloadResolutionPriority(-1)] // C# callers keep the span overload wherever it applies (e.g. an empty [] shape)
    public static NativeBuffer Create(string format, BufferLayout layout, long offset, long memoryLength, bool readOnly = false,
        long alignment = DefaultAlignment, byte[]? contents = null) =>
        Create(format, layout, DimensionArrays.ToNative(offset, nameof(offset)), DimensionArrays.ToNative(memoryLength, nameof(memoryLength)),
            readOnly, DimensionArrays.ToNative(alignment, nameof(alignment)), contents);

    /// <summary>
    /// PIL-style memory exactly as <c>_testbuffer.ndarray(..., flags=ND_PIL)</c> builds it from a strided description:
    /// the block holds a table of <c>Shape[0]</c> pointers (padded to a multiple of 8 bytes) followed by the data, and
    /// the exported layout strides the first dimension through the table.
    /// </summary>
    /// <param name="format">The PEP 3118 format of one item; its item size must be the layout's.</param>
    /// <param name="dataLayout">The strided layout of the data (rank ≥ 1, no suboffsets), as it would be without the table.</param>
    /// <param name="dataOffset">Byte offset of the base within the data.</param>
    /// <param name="dataLength">Size of the data in bytes.</param>
    /// <param name="readOnly">True to refuse writable requests.</param>
    /// <param name="alignment">Alignment of the block: a power of two.</param>
    /// <param name="contents">Bytes copied to the start of the data (at most <paramref name="dataLength"/>).</param>
    /// <returns>
    /// A buffer whose layout has <c>Strides[0] = ±sizeof(void*)</c> and <c>SubOffsets = [s, -1, …]</c>: pointer
    /// <c>i</c> addresses sub-array <c>i</c> (in memory order) minus <c>s</c>, where <c>s</c> undoes the negative strides
    /// of the inner dimensions. With a negative first stride the base is the table's last entry.
    /// </returns>
    /// <exception cref="ArgumentException">As for <see cref="Create(string, BufferLayout, nint, nint, bool, nint, ReadOnlySpan{byte})"/>, or a 0-dimensional layout.</exception>
    public static NativeBuffer CreateIndirect(string format, BufferLayout dataLayout, nint dataOffset, nint dataLength, bool readOnly = false,
        nint alignment = DefaultAlignment, ReadOnlySpan<byte> contents = default) =>
        CreateIndirectCore(format, dataLayout, dataOffset, dataLength, readOnly, alignment, contents, allocator: null);

    /// <summary>
    /// <see cref="CreateIndirect(string, BufferLayout, nint, nint, bool, nint, ReadOnlySpan{byte})"/> for callers without
    /// span support (Python through pythonnet: integers as <c>long</c>, a <c>bytes</c> object as <c>byte[]</c>).
    /// </summary>
    /// <param name="format">The PEP 3118 format of one item; its item size must be the layout's.</param>
    /// <param name="dataLayout">The strided layout of the data (rank ≥ 1, no suboffsets), as it would be without the table.</param>
    /// <param name="dataOffset">Byte offset of the base within the data.</param>
    /// <param name="dataLength">Size of the data in bytes.</param>
    /// <param name="readOnly">True to refuse writable requests.</param>
    /// <param name="alignment">Alignment of the block: a power of two.</param>
    /// <param name="contents">Null, or bytes copied to the start of the data (at most <paramref name="dataLength"/>).</param>
    /// <returns>The buffer, as the span overload describes it.</returns>
    /// <exception cref="ArgumentException">As for the span overload.</exception>
    [OverloadResolutionPriority(-1)] // C# callers keep the span overload wherever it applies (e.g. an empty [] shape)
    public static NativeBuffer CreateIndirect(string format, BufferLayout dataLayout, long dataOffset, long dataLength, bool readOnly = false,
        long alignment = DefaultAlignment, byte[]? contents = null) =>
        CreateIndirect(format, dataLayout, DimensionArrays.ToNative(dataOffset, nameof(dataOffset)), DimensionArrays.ToNative(dataLength, nameof(dataLength)),
            readOnly, DimensionArrays.ToNative(alignment, nameof(alignment)), contents);

    /// <summary>
    /// A block holding pointers the caller places: each <see cref="NativePointer"/> makes the buffer store the address
    /// of block byte <see cref="NativePointer.Target"/> at block byte <see cref="NativePointer.Slot"/>. Any PIL layout
    /// can be built this way, including several dereferencing dimensions.
    /// </summary>
    /// <param name="format">The PEP 3118 format of one item; its item size must be the layout's.</param>
    /// <param name="layout">The exported layout, usually with suboffsets.</param>
    /// <param name="offset">Byte offset of the base within the block.</param>
    /// <param name="memoryLength">Size of the block in bytes.</param>
    /// <param name="pointers">The pointer slots and the offsets they point at.</param>
    /// <param name="readOnly">True to refuse writable requests.</param>
    /// <param name="alignment">Alignment of the block: a power of two.</param>
    /// <param name="contents">Bytes copied to the start of the block before the pointers are written.</param>
    /// <exception cref="ArgumentException">
    /// A slot outside the block or listed twice, a dereference that does not land on a slot, an item outside the
    /// block or overlapping a slot, or the reasons of <see cref="Create(string, BufferLayout, nint, nint, bool, nint, ReadOnlySpan{byte})"/>.
    /// </exception>
    public static NativeBuffer CreateWithPointers(string format, BufferLayout layout, nint offset, nint memoryLength,
        ReadOnlySpan<NativePointer> pointers, bool readOnly = false, nint alignment = DefaultAlignment, ReadOnlySpan<byte> contents = default) =>
        CreateWithPointersCore(format, layout, offset, memoryLength, pointers, readOnly, alignment, contents, allocator: null);

    internal static NativeBuffer CreateWithPointersCore(string format, BufferLayout layout, nint offset, nint memoryLength,
        ReadOnlySpan<NativePointer> pointers, bool readOnly, nint alignment, ReadOnlySpan<byte> contents, BlockAllocator? allocator) =>
        Build(format, layout, offset, memoryLength, 0, pointers, readOnly, alignment, contents, allocator);

    internal static NativeBuffer CreateCore(string format, BufferLayout layout, nint offset, nint memoryLength, bool readOnly,
        nint alignment, ReadOnlySpan<byte> contents, BlockAllocator? allocator)
    {
        if (layout.HasSubOffsets)
        {
            throw new ArgumentException("a layout with suboffsets needs pointer tables: use CreateIndirect or CreateWithPointers", nameof(layout));
        }
        return Build(format, layout, offset, memoryLength, 0, default, readOnly, alignment, contents, allocator);
    }

    internal static NativeBuffer CreateIndirectCore(string format, BufferLayout dataLayout, nint dataOffset, nint dataLength, bool readOnly,
        nint alignment, ReadOnlySpan<byte> contents, BlockAllocator? allocator)
    {
        if (dataLayout.Rank == 0)
        {
            throw new ArgumentException("a 0-dimensional layout cannot be made indirect (ND_PIL needs ndim > 0)", nameof(dataLayout));
        }
        if (dataLayout.HasSubOffsets)
        {
            throw new ArgumentException("the data layout already has suboffsets", nameof(dataLayout));
        }
        CheckStructure(dataLayout, dataOffset, dataLength);
        if ((nint)contents.Length > dataLength)
        {
            throw new ArgumentException($"contents has {contents.Length} bytes but the data holds {dataLength}", nameof(contents));
        }

        // _testbuffer's init_suboffsets, step by step.
        var shape = dataLayout.Shape;
        var strides = dataLayout.Strides;
        var rank = dataLayout.Rank;
        nint pointerSize = IntPtr.Size;
        try
        {
            var tableSize = checked((shape[0] * pointerSize + 7) / 8 * 8);
            nint imin = 0, subOffset0 = 0;
            for (var n = 0; n < rank; n++)
            {
                if (shape[n] == 0)
                {
                    break;
                }
                if (strides[n] <= 0)
                {
                    var x = checked((shape[n] - 1) * strides[n]);
                    imin = checked(imin + x);
                    if (n >= 1)
                    {
                        subOffset0 = checked(subOffset0 - x);
                    }
                }
            }
            var start = checked(tableSize + dataOffset + imin);
            var step = strides[0] < 0 ? checked(-strides[0]) : strides[0];
            var pointers = new NativePointer[(int)shape[0]];
            for (var i = 0; i < pointers.Length; i++)
            {
                pointers[i] = new NativePointer(checked(i * pointerSize), checked(start + i * step));
            }

            Span<nint> newStrides = stackalloc nint[rank];
            Span<nint> subOffsets = stackalloc nint[rank];
            strides.CopyTo(newStrides);
            subOffsets.Fill(-1);
            subOffsets[0] = subOffset0;
            nint baseOffset = 0;
            if (strides[0] >= 0)
            {
                newStrides[0] = pointerSize;
            }
            else
            {
                newStrides[0] = -pointerSize;
                if (shape[0] > 0)
                {
                    baseOffset = (shape[0] - 1) * pointerSize;
                }
            }
            var layout = BufferLayout.Create(dataLayout.ItemSize, shape, newStrides, subOffsets);
            var blockLength = checked(tableSize + dataLength);
            Span<byte> image = contents.IsEmpty ? default : new byte[checked((int)(tableSize + contents.Length))];
            if (!contents.IsEmpty)
            {
                contents.CopyTo(image[(int)tableSize..]);
            }
            return Build(format, layout, baseOffset, blockLength, tableSize, pointers, readOnly, alignment, image, allocator);
        }
        catch (OverflowException)
        {
            throw new ArgumentException("the pointer table or its targets overflow the address space", nameof(dataLayout));
        }
    }

    /// <inheritdoc />
    protected override ExportSource Describe() => new(_address + _baseOffset, _layout, _format, _readOnly);

    /// <inheritdoc />
    protected override void FreeResources() => _block.Dispose();

    /// <summary>A description such as <c>NativeBuffer 'h' itemsize 2, shape (2, 3), strides (6, 2) at offset 0 of 12 bytes</c>.</summary>
    public override string ToString() => $"NativeBuffer '{_format}' {_layout} at offset {_baseOffset} of {_length} bytes";

    private static NativeBuffer Build(string format, BufferLayout layout, nint offset, nint memoryLength, nint dataOffset,
        ReadOnlySpan<NativePointer> pointers, bool readOnly, nint alignment, ReadOnlySpan<byte> contents, BlockAllocator? allocator)
    {
        ExportFormat.Validate(format, layout.ItemSize, nameof(format));
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0)
        {
            throw new ArgumentException($"the alignment must be a power of two, not {alignment}", nameof(alignment));
        }
        if ((nint)contents.Length > memoryLength)
        {
            throw new ArgumentException($"contents has {contents.Length} bytes but the block holds {memoryLength}", nameof(contents));
        }
        var slots = pointers.ToArray();
        if (layout.HasSubOffsets || slots.Length > 0)
        {
            PointerWalk.Validate(layout, offset, memoryLength, slots);
        }
        else
        {
            CheckStructure(layout, offset, memoryLength);
        }

        var (owner, address) = allocator is null ? AllocateDefault(memoryLength, alignment) : allocator(memoryLength, alignment);
        contents.CopyTo(RawMemory.AsSpan(address, contents.Length));
        foreach (var slot in slots)
        {
            RawMemory.Write(address + slot.Slot, address + slot.Target);
        }
        return new NativeBuffer(owner, address, memoryLength, offset, dataOffset, format, layout, readOnly, slots);
    }

    private static (SafeHandle, nint) AllocateDefault(nint length, nint alignment)
    {
        var handle = new NativeMemoryHandle(length, alignment);
        return (handle, handle.DangerousGetHandle());
    }

    private static void CheckStructure(BufferLayout layout, nint offset, nint memoryLength)
    {
        if (memoryLength < 0)
        {
            throw new ArgumentException($"the memory length must be >= 0, not {memoryLength}", nameof(memoryLength));
        }
        if (offset < 0 || offset > memoryLength)
        {
            throw new ArgumentException($"offset {offset} is outside the block of {memoryLength} bytes", nameof(offset));
        }
        layout.ValidateWithin(offset, memoryLength);
    }
}

/// <summary>
/// A pointer a <see cref="NativeBuffer"/> stores in its block: at byte <paramref name="Slot"/> (a pointer-sized slot),
/// the address of byte <paramref name="Target"/>. Both are offsets from the start of the block.
/// </summary>
/// <param name="Slot">Offset of the pointer-sized slot.</param>
/// <param name="Target">Offset the stored pointer addresses (it may lie outside the block only if no item is reached through it).</param>
public readonly record struct NativePointer(nint Slot, nint Target);
