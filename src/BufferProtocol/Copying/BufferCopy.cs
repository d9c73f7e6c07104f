using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BufferProtocol.Interop.Memory;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;

namespace BufferProtocol.Copying;

/// <summary>
/// Copies between strided buffers: CPython's <c>PyBuffer_ToContiguous</c>, <c>PyBuffer_FromContiguous</c> and
/// <c>PyObject_CopyData</c>, and the N-dimensional strided copy underneath them.
/// </summary>
/// <remarks>
/// <para><b>Atomic.</b> Every method validates everything it can (shapes, item sizes, formats, lengths, bounds,
/// writability) before the first byte is written; a call that throws has written nothing. CPython's
/// <c>copy_buffer</c> makes the same promise.</para>
/// <para><b>Overlap-safe.</b> Source and destination may share memory in any way: the result is always as if the
/// source had been read completely before anything was written (CPython's functions use <c>memcpy</c> and
/// item-by-item loops, which are undefined or order-dependent on overlap).</para>
/// <para><b>Destinations whose items share memory</b> (zero strides, overlapping strides) receive items in C order
/// (Fortran order for <see cref="FromContiguous(nint, BufferLayout, ReadOnlySpan{byte}, ContiguityOrder)"/> with
/// <see cref="ContiguityOrder.Fortran"/>), so the last item in that order wins, as in CPython's loops. For PIL
/// layouts this holds within each dereferenced block and across blocks as long as no two pointers share memory.</para>
/// <para><b>Three kinds of entry point.</b> <see cref="AcquiredBuffer"/> overloads are the safe ones (the buffer's
/// layout describes memory the exporter guarantees). Span overloads take managed memory plus a byte offset and a
/// layout and check that the layout fits the memory (no suboffsets: those need real pointers). Address
/// (<see cref="nint"/>) overloads trust the caller that the layout describes readable (and, for destinations,
/// writable) memory; use them for views that carry their own layout over an acquired buffer.</para>
/// <para><b>Errors.</b> What CPython reports as <c>ValueError</c> is an <see cref="ArgumentException"/>; what it reports
/// as <c>BufferError</c> is a <see cref="BufferException"/>.</para>
/// </remarks>
public static class BufferCopy
{
    // ---- the strided copy --------------------------------------------------------------------------------

    /// <summary>
    /// Copies every item of the source to the same index of the destination: an N-dimensional strided copy
    /// between two layouts of equal shape and item size (memoryview slice assignment, <c>np.copyto</c>).
    /// </summary>
    /// <param name="destination">Address of the destination's first logical item (<c>buf</c>).</param>
    /// <param name="destinationLayout">The destination's layout.</param>
    /// <param name="source">Address of the source's first logical item.</param>
    /// <param name="sourceLayout">The source's layout.</param>
    /// <exception cref="ArgumentException">Different item sizes or shapes (shapes that agree up to and including a
    /// first zero extent count as equal, as CPython's <c>equiv_shape</c> says), or a null address for a non-empty buffer.</exception>
    public static void Copy(nint destination, BufferLayout destinationLayout, nint source, BufferLayout sourceLayout)
    {
        CheckSameStructure(destinationLayout, sourceLayout);
        if (destinationLayout.IsEmpty || destinationLayout.ItemSize == 0)
        {
            return;
        }
        CheckAddress(destination, nameof(destination));
        CheckAddress(source, nameof(source));
        CopyEngine.Copy(OperandAt(destination, destinationLayout), OperandAt(source, sourceLayout),
            sourceLayout.Shape, sourceLayout.ItemSize, VisitOrder.C);
    }

    /// <summary>
    /// Copies every item of a layout over managed source memory to the same index of a layout over managed
    /// destination memory, checking that both layouts lie inside their memory.
    /// </summary>
    /// <param name="destination">The destination's memory block.</param>
    /// <param name="destinationOffset">Byte offset of the destination's first logical item in <paramref name="destination"/>.</param>
    /// <param name="destinationLayout">The destination's layout (no suboffsets).</param>
    /// <param name="source">The source's memory block (may be the same memory as <paramref name="destination"/>).</param>
    /// <param name="sourceOffset">Byte offset of the source's first logical item in <paramref name="source"/>.</param>
    /// <param name="sourceLayout">The source's layout (no suboffsets).</param>
    /// <exception cref="ArgumentException">Different item sizes or shapes, suboffsets, or a layout that reaches outside its memory.</exception>
    public static void Copy(Span<byte> destination, nint destinationOffset, BufferLayout destinationLayout,
        ReadOnlySpan<byte> source, nint sourceOffset, BufferLayout sourceLayout)
    {
        CheckSameStructure(destinationLayout, sourceLayout);
        CheckFits(destinationLayout, destinationOffset, destination.Length, nameof(destinationLayout));
        CheckFits(sourceLayout, sourceOffset, source.Length, nameof(sourceLayout));
        if (destinationLayout.IsEmpty || destinationLayout.ItemSize == 0)
        {
            return;
        }
        ref var d = ref Unsafe.Add(ref MemoryMarshal.GetReference(destination), destinationOffset);
        ref var s = ref Unsafe.Add(ref MemoryMarshal.GetReference(source), sourceOffset);
        CopyEngine.Copy(new Operand(ref d, destinationLayout.Strides), new Operand(ref s, sourceLayout.Strides),
            sourceLayout.Shape, sourceLayout.ItemSize, VisitOrder.C);
    }

    // ---- PyBuffer_ToContiguous -----------------------------------------------------------------------------

    /// <summary>
    /// <c>PyBuffer_ToContiguous</c>: copies the items of a buffer into a contiguous block in C or Fortran order.
    /// </summary>
    /// <param name="source">Address of the buffer's first logical item.</param>
    /// <param name="layout">The buffer's layout (suboffsets are followed).</param>
    /// <param name="destination">Exactly <see cref="BufferLayout.Length"/> bytes.</param>
    /// <param name="order">
    /// <see cref="ContiguityOrder.C"/> or <see cref="ContiguityOrder.Fortran"/>; <see cref="ContiguityOrder.Any"/>
    /// copies the bytes as they are when the buffer is C- or Fortran-contiguous, else in C order (CPython's rule).
    /// </param>
    /// <exception cref="ArgumentException">The destination's length is not the buffer's length
    /// (CPython: <c>ValueError: PyBuffer_ToContiguous: len != view-&gt;len</c>), or a null address.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="order"/> is not a defined order.</exception>
    public static void ToContiguous(nint source, BufferLayout layout, Span<byte> destination, ContiguityOrder order)
    {
        CheckOrder(order);
        CheckContiguousLength(destination.Length, layout);
        if (layout.Length == 0)
        {
            return;
        }
        CheckAddress(source, nameof(source));
        ToContiguousCore(OperandAt(source, layout), layout, destination, order);
    }

    /// <summary>
    /// <c>PyBuffer_ToContiguous</c> over managed memory: copies the items of a layout at <paramref name="offset"/>
    /// in <paramref name="memory"/> into a contiguous block.
    /// </summary>
    /// <param name="memory">The memory block the layout lies in.</param>
    /// <param name="offset">Byte offset of the first logical item in <paramref name="memory"/>.</param>
    /// <param name="layout">The layout (no suboffsets).</param>
    /// <param name="destination">Exactly <see cref="BufferLayout.Length"/> bytes.</param>
    /// <param name="order">C, Fortran, or Any (see <see cref="ToContiguous(nint, BufferLayout, Span{byte}, ContiguityOrder)"/>).</param>
    /// <exception cref="ArgumentException">The destination's length is not the layout's length, the layout has
    /// suboffsets, or it reaches outside <paramref name="memory"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="order"/> is not a defined order.</exception>
    public static void ToContiguous(ReadOnlySpan<byte> memory, nint offset, BufferLayout layout, Span<byte> destination, ContiguityOrder order)
    {
        CheckOrder(order);
        CheckFits(layout, offset, memory.Length, nameof(layout));
        CheckContiguousLength(destination.Length, layout);
        if (layout.Length == 0)
        {
            return;
        }
        ref var s = ref Unsafe.Add(ref MemoryMarshal.GetReference(memory), offset);
        ToContiguousCore(new Operand(ref s, layout.Strides), layout, destination, order);
    }

    /// <summary><c>PyBuffer_ToContiguous</c> on an acquired buffer (its <see cref="AcquiredBuffer.Layout"/>).</summary>
    /// <param name="source">The buffer.</param>
    /// <param name="destination">Exactly <see cref="AcquiredBuffer.Length"/> bytes.</param>
    /// <param name="order">C, Fortran, or Any (see <see cref="ToContiguous(nint, BufferLayout, Span{byte}, ContiguityOrder)"/>).</param>
    /// <exception cref="ArgumentException">The destination's length is not the buffer's length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="order"/> is not a defined order.</exception>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    public static void ToContiguous(AcquiredBuffer source, Span<byte> destination, ContiguityOrder order = ContiguityOrder.C)
    {
        ArgumentNullException.ThrowIfNull(source);
        ToContiguous(source.Pointer, source.Layout, destination, order);
    }

    /// <summary>The items of an acquired buffer as a new contiguous byte array (<c>memoryview.tobytes(order)</c>).</summary>
    /// <param name="source">The buffer.</param>
    /// <param name="order">C, Fortran, or Any (see <see cref="ToContiguous(nint, BufferLayout, Span{byte}, ContiguityOrder)"/>).</param>
    /// <returns>A new array of <see cref="AcquiredBuffer.Length"/> bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="order"/> is not a defined order.</exception>
    /// <exception cref="OutOfMemoryException">The buffer is larger than an array can be.</exception>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    public static byte[] ToArray(AcquiredBuffer source, ContiguityOrder order = ContiguityOrder.C)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckOrder(order);
        var length = source.Length;
        if (length > Array.MaxLength)
        {
            throw new OutOfMemoryException($"a buffer of {length} bytes does not fit in an array");
        }
        var bytes = GC.AllocateUninitializedArray<byte>((int)length);
        ToContiguous(source.Pointer, source.Layout, bytes, order);
        return bytes;
    }

    // ---- PyBuffer_FromContiguous ---------------------------------------------------------------------------

    /// <summary>
    /// <c>PyBuffer_FromContiguous</c>: fills a buffer's items from a contiguous block read in C or Fortran order.
    /// </summary>
    /// <param name="destination">Address of the buffer's first logical item.</param>
    /// <param name="layout">The buffer's layout (suboffsets are followed).</param>
    /// <param name="source">The contiguous bytes. Longer than the buffer: the rest is ignored. Shorter: only the first
    /// items in <paramref name="order"/> are written, and a trailing partial item is ignored — except when the buffer
    /// is contiguous in <paramref name="order"/>, where exactly the source's bytes are copied (CPython's memcpy).</param>
    /// <param name="order">
    /// <see cref="ContiguityOrder.C"/> or <see cref="ContiguityOrder.Fortran"/>; <see cref="ContiguityOrder.Any"/>
    /// copies the bytes as they are when the buffer is C- or Fortran-contiguous, else reads them in C order.
    /// </param>
    /// <returns>The number of source bytes copied.</returns>
    /// <exception cref="ArgumentException">A null address for a non-empty buffer.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="order"/> is not a defined order.</exception>
    public static nint FromContiguous(nint destination, BufferLayout layout, ReadOnlySpan<byte> source, ContiguityOrder order)
    {
        CheckOrder(order);
        var length = nint.Min(source.Length, layout.Length);
        if (length == 0)
        {
            return 0;
        }
        CheckAddress(destination, nameof(destination));
        return FromContiguousCore(ref RawMemory.AsRef(destination), layout, source[..(int)length], order);
    }

    /// <summary>
    /// <c>PyBuffer_FromContiguous</c> over managed memory: fills the items of a layout at <paramref name="offset"/>
    /// in <paramref name="memory"/> from a contiguous block.
    /// </summary>
    /// <param name="memory">The memory block the layout lies in.</param>
    /// <param name="offset">Byte offset of the first logical item in <paramref name="memory"/>.</param>
    /// <param name="layout">The layout (no suboffsets).</param>
    /// <param name="source">The contiguous bytes (see <see cref="FromContiguous(nint, BufferLayout, ReadOnlySpan{byte}, ContiguityOrder)"/>).</param>
    /// <param name="order">C, Fortran, or Any.</param>
    /// <returns>The number of source bytes copied.</returns>
    /// <exception cref="ArgumentException">The layout has suboffsets or reaches outside <paramref name="memory"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="order"/> is not a defined order.</exception>
    public static nint FromContiguous(Span<byte> memory, nint offset, BufferLayout layout, ReadOnlySpan<byte> source, ContiguityOrder order)
    {
        CheckOrder(order);
        CheckFits(layout, offset, memory.Length, nameof(layout));
        var length = nint.Min(source.Length, layout.Length);
        if (length == 0)
        {
            return 0;
        }
        ref var d = ref Unsafe.Add(ref MemoryMarshal.GetReference(memory), offset);
        return FromContiguousCore(ref d, layout, source[..(int)length], order);
    }

    /// <summary><c>PyBuffer_FromContiguous</c> on an acquired, writable buffer (its <see cref="AcquiredBuffer.Layout"/>).</summary>
    /// <param name="destination">The buffer.</param>
    /// <param name="source">The contiguous bytes (see <see cref="FromContiguous(nint, BufferLayout, ReadOnlySpan{byte}, ContiguityOrder)"/>).</param>
    /// <param name="order">C, Fortran, or Any.</param>
    /// <returns>The number of source bytes copied.</returns>
    /// <exception cref="BufferException">The buffer is read-only.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="order"/> is not a defined order.</exception>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    public static nint FromContiguous(AcquiredBuffer destination, ReadOnlySpan<byte> source, ContiguityOrder order = ContiguityOrder.C)
    {
        ArgumentNullException.ThrowIfNull(destination);
        CheckWritable(destination);
        return FromContiguous(destination.Pointer, destination.Layout, source, order);
    }

    /// <summary>
    /// <see cref="FromContiguous(AcquiredBuffer, ReadOnlySpan{byte}, ContiguityOrder)"/> for callers without span
    /// support: from Python through pythonnet, a <c>bytes</c> or <c>bytearray</c> arrives as <c>byte[]</c> (a copy).
    /// </summary>
    /// <param name="destination">The buffer.</param>
    /// <param name="source">The contiguous bytes.</param>
    /// <param name="order">C, Fortran, or Any.</param>
    /// <returns>The number of source bytes copied.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> or <paramref name="source"/> is null.</exception>
    /// <exception cref="BufferException">The buffer is read-only.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="order"/> is not a defined order.</exception>
    /// <exception cref="ObjectDisposedException">The buffer has been released.</exception>
    [OverloadResolutionPriority(-1)] // C# callers keep the span overload wherever it applies (e.g. an empty [] shape)
    public static nint FromContiguous(AcquiredBuffer destination, byte[] source, ContiguityOrder order = ContiguityOrder.C)
    {
        ArgumentNullException.ThrowIfNull(source);
        return FromContiguous(destination, source.AsSpan(), order);
    }

    // ---- PyObject_CopyData ---------------------------------------------------------------------------------

    /// <summary>
    /// <c>PyObject_CopyData</c>, checked: copies every item of <paramref name="source"/> to the same index of
    /// <paramref name="destination"/>, which must have the same format, item size and shape.
    /// </summary>
    /// <param name="destination">A writable buffer.</param>
    /// <param name="source">The buffer to copy; may share memory with <paramref name="destination"/>.</param>
    /// <remarks>
    /// CPython's <c>PyObject_CopyData</c> checks neither shape nor format: it copies raw bytes whenever both buffers
    /// are contiguous in the same order (a 1-D destination receives an F-ordered 3×4 source's memory as is), walks
    /// indices of the source's shape through the destination otherwise (undefined when the shapes differ), and uses
    /// <c>memcpy</c> on overlapping memory. This method instead refuses different structures, as memoryview slice
    /// assignment (<c>copy_buffer</c>) does, and is overlap-safe and atomic. The unchecked behaviour is
    /// <see cref="CopyDataAsCPython"/>. Formats compare as strings after dropping one leading <c>'@'</c>; a missing
    /// format is <c>"B"</c>.
    /// </remarks>
    /// <exception cref="BufferException">The destination is read-only.</exception>
    /// <exception cref="ArgumentException">Different formats, item sizes or shapes (CPython's memoryview:
    /// <c>ValueError: memoryview assignment: lvalue and rvalue have different structures</c>).</exception>
    /// <exception cref="ObjectDisposedException">Either buffer has been released.</exception>
    public static void CopyData(AcquiredBuffer destination, AcquiredBuffer source)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(source);
        CheckWritable(destination);
        string dstFormat = NormalFormat(destination.Format), srcFormat = NormalFormat(source.Format);
        if (!string.Equals(dstFormat, srcFormat, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"the destination and source have different structures: format '{dstFormat}' vs '{srcFormat}'", nameof(source));
        }
        Copy(destination.Pointer, destination.Layout, source.Pointer, source.Layout);
    }

    /// <summary>
    /// <c>PyObject_CopyData</c> with CPython's semantics, for code (and tests) that must behave exactly as CPython:
    /// no format check; raw bytes when both buffers are C- or both Fortran-contiguous; otherwise item by item over
    /// the source's indices, in CPython's (rotated) C order.
    /// </summary>
    /// <param name="destination">A writable buffer at least as long as <paramref name="source"/>.</param>
    /// <param name="source">The buffer to copy.</param>
    /// <remarks>
    /// Where CPython's behaviour is undefined this method refuses instead (<see cref="ArgumentException"/>): an
    /// item-by-item copy whose indices would leave the destination's shape, or whose source items are larger than
    /// the destination's. Overlap: the raw-bytes path is a memmove; the item-by-item path reads and writes one item
    /// at a time, in CPython's order, so overlapping buffers give CPython's result. Prefer
    /// <see cref="CopyData"/>.
    /// </remarks>
    /// <exception cref="BufferException">The destination is read-only (<c>Object is not writable.</c>) or shorter than
    /// the source (<c>destination is too small to receive data from source</c>).</exception>
    /// <exception cref="ArgumentException">An item-by-item copy CPython would run out of bounds.</exception>
    /// <exception cref="ObjectDisposedException">Either buffer has been released.</exception>
    public static void CopyDataAsCPython(AcquiredBuffer destination, AcquiredBuffer source)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(source);
        CheckWritable(destination);
        var dst = destination.Layout;
        var src = source.Layout;
        if (destination.Length < source.Length)
        {
            throw new BufferException("destination is too small to receive data from source");
        }
        if ((dst.IsCContiguous && src.IsCContiguous) || (dst.IsFContiguous && src.IsFContiguous))
        {
            if (source.Length > 0)
            {
                Streaming.MoveWhole(ref RawMemory.AsRef(destination.Pointer), ref RawMemory.AsRef(source.Pointer), (nuint)source.Length);
            }
            return;
        }
        var shape = src.Shape;
        if (src.IsEmpty)
        {
            return;
        }
        if (dst.Rank > src.Rank || src.ItemSize > dst.ItemSize)
        {
            throw new ArgumentException(
                $"CPython would copy {src.Rank}-d items of {src.ItemSize} bytes into a {dst.Rank}-d buffer of {dst.ItemSize}-byte items: undefined", nameof(destination));
        }
        for (var i = 0; i < dst.Rank; i++)
        {
            if (shape[i] > dst.Shape[i])
            {
                throw new ArgumentException(
                    $"CPython would write outside the destination: source shape {BufferLayout.Tuple(shape)}, destination shape {BufferLayout.Tuple(dst.Shape)}", nameof(destination));
            }
        }
        CopyItemsAsCPython(destination.Pointer, dst, source.Pointer, src);
    }

    // ---- implementation ---------------------------------------------------------------------------------------

    [SkipLocalsInit]
    private static void ToContiguousCore(scoped in Operand source, BufferLayout layout, Span<byte> destination, ContiguityOrder order)
    {
        if (layout.IsContiguous(order))
        {
            // Bytes as they are (for Any, whichever order the buffer has); the first item is the lowest address.
            Streaming.MoveWhole(ref MemoryMarshal.GetReference(destination), ref source.Base, (nuint)layout.Length);
            return;
        }
        var shape = layout.Shape;
        Span<nint> strides = stackalloc nint[shape.Length];
        ContiguousStrides(shape, strides, layout.ItemSize, order == ContiguityOrder.Fortran);
        CopyEngine.Copy(new Operand(ref MemoryMarshal.GetReference(destination), strides), source, shape, layout.ItemSize, VisitOrder.Free);
    }

    [SkipLocalsInit]
    private static nint FromContiguousCore(ref byte destination, BufferLayout layout, ReadOnlySpan<byte> source, ContiguityOrder order)
    {
        var length = (nint)source.Length;
        if (layout.IsContiguous(order))
        {
            Streaming.MoveWhole(ref destination, ref MemoryMarshal.GetReference(source), (nuint)length);
            return length;
        }
        var itemSize = layout.ItemSize;
        var count = length / itemSize;
        if (count == 0)
        {
            return 0;
        }
        var byteCount = count * itemSize;
        source = source[..(int)byteCount];

        // Several blocks may be written below; if the source shares memory with the destination, read it all first.
        if (layout.HasSubOffsets || SourceOverlaps(ref destination, layout, source))
        {
            source = source.ToArray();
        }

        var fortran = order == ContiguityOrder.Fortran;
        var visit = fortran ? VisitOrder.Fortran : VisitOrder.C;
        if (count == layout.ItemCount)
        {
            CopyFromBlock(new Operand(ref destination, layout.Strides, layout.SubOffsets), layout.Shape, itemSize, source, fortran, visit);
            return byteCount;
        }

        // A prefix of the items in the given order: for each dimension from the slowest, the whole slabs before the
        // one the prefix ends in, then the prefix continues inside that slab. Blocks are addressed by their start
        // index, not by slicing the layout: with suboffsets a slice would fold into (and could turn negative) the
        // suboffset of an earlier dimension.
        var rank = layout.Rank;
        var shape = layout.Shape;
        Span<nint> start = stackalloc nint[rank];
        Span<nint> blockShape = stackalloc nint[rank];
        start.Clear();
        shape.CopyTo(blockShape);
        nint consumed = 0;
        var remaining = count;
        for (var k = 0; k < rank && remaining > 0; k++)
        {
            var dim = fortran ? rank - 1 - k : k;
            nint inner = 1;
            for (var j = 0; j < rank; j++)
            {
                if (fortran ? j < dim : j > dim)
                {
                    inner *= shape[j];
                }
            }
            var slabs = remaining / inner;
            if (slabs > 0)
            {
                blockShape[dim] = slabs;
                var bytes = slabs * inner * itemSize;
                CopyFromBlock(new Operand(ref destination, layout.Strides, layout.SubOffsets, start), blockShape, itemSize,
                    source.Slice((int)consumed, (int)bytes), fortran, visit);
                consumed += bytes;
                remaining -= slabs * inner;
            }
            start[dim] = slabs;
            blockShape[dim] = 1;
        }
        return byteCount;
    }

    // All items of a block from contiguous bytes in C or Fortran order.
    [SkipLocalsInit]
    private static void CopyFromBlock(scoped in Operand destination, ReadOnlySpan<nint> shape, nint itemSize, ReadOnlySpan<byte> source,
        bool fortran, VisitOrder visit)
    {
        Span<nint> strides = stackalloc nint[shape.Length];
        ContiguousStrides(shape, strides, itemSize, fortran);
        CopyEngine.Copy(destination, new Operand(ref MemoryMarshal.GetReference(source), strides), shape, itemSize, visit);
    }

    // FillContiguousStrides without its checks: the shape's byte length is known to fit.
    private static void ContiguousStrides(ReadOnlySpan<nint> shape, Span<nint> strides, nint itemSize, bool fortran)
    {
        var step = itemSize;
        for (var k = 0; k < shape.Length; k++)
        {
            var i = fortran ? k : shape.Length - 1 - k;
            strides[i] = step;
            step *= shape[i];
        }
    }

    private static bool SourceOverlaps(ref byte destination, BufferLayout layout, ReadOnlySpan<byte> source)
    {
        var start = Unsafe.ByteOffset(ref destination, ref MemoryMarshal.GetReference(source));
        return CopyEngine.Overlaps(layout.MinOffset, layout.MaxOffset, start, start + source.Length);
    }

    // PyObject_CopyData's fallback loop: the index is advanced before each copy, so the visit starts at the
    // second item and ends with item (0, ..., 0).
    [SkipLocalsInit]
    private static void CopyItemsAsCPython(nint destination, BufferLayout dst, nint source, BufferLayout src)
    {
        var rank = src.Rank;
        var shape = src.Shape;
        Span<nint> index = stackalloc nint[rank];
        index.Clear();
        var items = src.ItemCount;
        var itemSize = (nuint)src.ItemSize;
        for (nint e = 0; e < items; e++)
        {
            for (var k = rank - 1; k >= 0; k--)
            {
                if (++index[k] < shape[k])
                {
                    break;
                }
                index[k] = 0;
            }
            var d = AcquiredBuffer.WalkPointer(destination, dst, index[..dst.Rank]);
            var s = AcquiredBuffer.WalkPointer(source, src, index);
            CopyKernels.Move(ref RawMemory.AsRef(d), ref RawMemory.AsRef(s), itemSize);
        }
    }

    private static Operand OperandAt(nint address, BufferLayout layout) =>
        new(ref RawMemory.AsRef(address), layout.Strides, layout.SubOffsets);

    private static string NormalFormat(string? format) =>
        format is null ? "B" : format.StartsWith('@') ? format[1..] : format;

    private static void CheckSameStructure(BufferLayout destination, BufferLayout source)
    {
        if (destination.ItemSize != source.ItemSize)
        {
            throw new ArgumentException(
                $"the destination and source have different structures: item size {destination.ItemSize} vs {source.ItemSize}", nameof(source));
        }
        if (!EquivalentShapes(destination.Shape, source.Shape))
        {
            throw new ArgumentException(
                $"the destination and source have different structures: shape {BufferLayout.Tuple(destination.Shape)} vs {BufferLayout.Tuple(source.Shape)}", nameof(source));
        }
    }

    // CPython's equiv_shape: same rank, extents equal up to and including the first zero.
    private static bool EquivalentShapes(ReadOnlySpan<nint> a, ReadOnlySpan<nint> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }
            if (a[i] == 0)
            {
                break;
            }
        }
        return true;
    }

    private static void CheckFits(BufferLayout layout, nint offset, int memoryLength, string paramName)
    {
        if (layout.HasSubOffsets)
        {
            throw new ArgumentException("a layout with suboffsets needs real pointers: use the address overload", paramName);
        }
        if (!layout.FitsWithin(offset, memoryLength))
        {
            throw new ArgumentException(
                $"the layout at offset {offset} reaches bytes [{offset + layout.MinOffset}, {offset + layout.MaxOffset}) of a memory block of {memoryLength} bytes", paramName);
        }
    }

    private static void CheckContiguousLength(int destinationLength, BufferLayout layout)
    {
        if (destinationLength != layout.Length)
        {
            throw new ArgumentException(
                $"the destination holds {destinationLength} bytes, the buffer's contiguous length is {layout.Length} (PyBuffer_ToContiguous: len != view->len)", "destination");
        }
    }

    private static void CheckOrder(ContiguityOrder order)
    {
        if (order is not (ContiguityOrder.C or ContiguityOrder.Fortran or ContiguityOrder.Any))
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, "order must be 'C', 'F' or 'A'");
        }
    }

    private static void CheckAddress(nint address, string paramName)
    {
        if (address == 0)
        {
            throw new ArgumentException("null address for a non-empty buffer", paramName);
        }
    }

    private static void CheckWritable(AcquiredBuffer destination)
    {
        if (destination.IsReadOnly)
        {
            throw new BufferException("the destination buffer is read-only (Object is not writable.)");
        }
    }
}
