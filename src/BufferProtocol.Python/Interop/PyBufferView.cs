using System.Runtime.InteropServices;
using BufferProtocol.Protocol;

namespace BufferProtocol.Python.Interop;

/// <summary>
/// A <see cref="Py_buffer"/> in native memory, addressed as an <see cref="nint"/> by the code outside this folder: its
/// allocation, and the reading of the fields an exporter filled in.
/// </summary>
/// <remarks>
/// The block is allocated zeroed, <see cref="Py_buffer.Size"/> bytes, by whoever will call <c>PyObject_GetBuffer</c>
/// (<c>Import/PythonBufferLease</c>), and freed by the same owner after <c>PyBuffer_Release</c>, or at once when
/// <c>PyObject_GetBuffer</c> failed (then there is nothing to release). It must not move: exporters may point
/// <c>shape</c>/<c>strides</c> into it.
/// </remarks>
internal static unsafe class PyBufferView
{
    /// <summary>A zeroed <see cref="Py_buffer"/> in native memory (free with <see cref="Free"/>).</summary>
    public static nint Allocate() => (nint)NativeMemory.AllocZeroed(Py_buffer.Size);

    /// <summary>Frees a block from <see cref="Allocate"/>; the view is released already, or was never filled.</summary>
    public static void Free(nint view) => NativeMemory.Free((void*)view);

    /// <summary>
    /// Checks and copies the fields <c>PyObject_GetBuffer</c> filled into an <see cref="AcquiredBuffer"/>
    /// (<see cref="AcquiredBuffer.FromFields"/>) that points at the exporter's memory and keeps the view until released.
    /// </summary>
    /// <exception cref="BufferException">The exporter's fields are inconsistent.</exception>
    public static AcquiredBuffer ToAcquiredBuffer(nint address, object owner, IBufferReleaser releaser, BufferRequest request)
    {
        var view = (Py_buffer*)address;
        var rank = view->ndim;
        if (rank < 0 || rank > Layout.BufferLayout.MaxRank)
        {
            throw new BufferException($"the exporter reported {rank} dimensions");
        }
        var shape = view->shape is null ? default : new ReadOnlySpan<nint>(view->shape, rank);
        var strides = view->strides is null ? default : new ReadOnlySpan<nint>(view->strides, rank);
        var subOffsets = view->suboffsets is null || rank == 0 ? default : new ReadOnlySpan<nint>(view->suboffsets, rank);
        var format = view->format is null ? null : Marshal.PtrToStringUTF8((nint)view->format);
        return AcquiredBuffer.FromFields((nint)view->buf, view->len, view->itemsize, view->@readonly != 0, format, rank,
            shape, strides, subOffsets, view->shape is not null, view->strides is not null, owner, releaser, request);
    }
}
