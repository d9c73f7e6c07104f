using System.Runtime.InteropServices;
using System.Text;
using BufferProtocol.Protocol;

namespace BufferProtocol.Python.Interop;

/// <summary>
/// One export of .NET memory to Python: the <see cref="AcquiredBuffer"/> the .NET exporter answered with, and the
/// native copies of its format, shape, strides and suboffsets that the <see cref="Py_buffer"/> points at.
/// </summary>
/// <remarks>
/// <para><b>Ownership.</b> <c>bf_getbuffer</c> creates the record and stores a <see cref="GCHandle"/> to it in
/// <c>Py_buffer.internal</c>; <c>bf_releasebuffer</c> frees the handle and disposes the record, which releases the
/// .NET export (export count down, unpinned) and frees the native block. Python guarantees exactly one
/// <c>bf_releasebuffer</c> per successful <c>bf_getbuffer</c>, with the GIL held.</para>
/// <para>The native block is laid out as <c>[shape][strides][suboffsets][format\0]</c>, each array <c>ndim</c>
/// entries long and present only when the buffer reports it (rank 0 reports none, as PEP 3118 demands).</para>
/// </remarks>
internal sealed unsafe class ExportRecord : IDisposable
{
    private readonly AcquiredBuffer _buffer;
    private void* _block;

    private ExportRecord(AcquiredBuffer buffer, void* block)
    {
        _buffer = buffer;
        _block = block;
    }

    /// <summary>
    /// Fills the <see cref="Py_buffer"/> at <paramref name="address"/> from <paramref name="buffer"/> for the Python
    /// object <paramref name="self"/>, taking ownership of the buffer. On failure nothing is left allocated and the buffer
    /// is not released.
    /// </summary>
    public static void Fill(nint address, nint self, AcquiredBuffer buffer)
    {
        var view = (Py_buffer*)address;
        var rank = buffer.Rank;
        var hasShape = buffer.HasShape && rank > 0;
        var hasStrides = buffer.HasStrides && rank > 0;
        var hasSubOffsets = buffer.HasSubOffsets && rank > 0;
        var format = buffer.Format;
        var dims = (hasShape ? rank : 0) + (hasStrides ? rank : 0) + (hasSubOffsets ? rank : 0);
        var formatBytes = format is null ? 0 : Encoding.UTF8.GetByteCount(format) + 1;
        var size = (nuint)(dims * sizeof(nint) + formatBytes);
        var block = size == 0 ? null : NativeMemory.Alloc(size);
        var cursor = (nint*)block;

        nint* shape = null, strides = null, subOffsets = null;
        if (hasShape)
        {
            shape = cursor;
            buffer.Shape.CopyTo(new Span<nint>(cursor, rank));
            cursor += rank;
        }
        if (hasStrides)
        {
            strides = cursor;
            buffer.Strides.CopyTo(new Span<nint>(cursor, rank));
            cursor += rank;
        }
        if (hasSubOffsets)
        {
            subOffsets = cursor;
            buffer.SubOffsets.CopyTo(new Span<nint>(cursor, rank));
            cursor += rank;
        }
        byte* formatPointer = null;
        if (format is not null)
        {
            formatPointer = (byte*)cursor;
            var written = Encoding.UTF8.GetBytes(format, new Span<byte>(formatPointer, formatBytes - 1));
            formatPointer[written] = 0;
        }

        var record = new ExportRecord(buffer, block);
        view->buf = (void*)buffer.Pointer;
        view->obj = self;
        view->len = buffer.Length;
        view->itemsize = buffer.ItemSize;
        view->@readonly = buffer.IsReadOnly ? 1 : 0;
        view->ndim = rank;
        view->format = formatPointer;
        view->shape = shape;
        view->strides = strides;
        view->suboffsets = subOffsets;
        view->@internal = (void*)GCHandle.ToIntPtr(GCHandle.Alloc(record));
        CPython.Py_IncRef(self);
    }

    /// <summary>
    /// <c>bf_getbuffer</c> failed: sets <c>view-&gt;obj</c> to NULL, as the protocol demands (nothing else was filled).
    /// </summary>
    public static void Refuse(nint address) => ((Py_buffer*)address)->obj = 0;

    /// <summary>
    /// Takes back the record stored in the <c>internal</c> field of the <see cref="Py_buffer"/> at
    /// <paramref name="address"/> and frees the handle; null when the field is empty.
    /// </summary>
    public static ExportRecord? TryTake(nint address)
    {
        var view = (Py_buffer*)address;
        if (view->@internal is null)
        {
            return null;
        }
        var handle = GCHandle.FromIntPtr((nint)view->@internal);
        var record = (ExportRecord)handle.Target!;
        handle.Free();
        view->@internal = null;
        return record;
    }

    /// <summary>Releases the .NET export and frees the native block.</summary>
    public void Dispose()
    {
        try
        {
            _buffer.Dispose();
        }
        finally
        {
            if (_block is not null)
            {
                NativeMemory.Free(_block);
                _block = null;
            }
        }
    }
}
