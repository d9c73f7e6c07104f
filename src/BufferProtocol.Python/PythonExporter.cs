using BufferProtocol.Protocol;
using Python.Runtime;

namespace BufferProtocol.Python;

/// <summary>
/// A Python object seen as a .NET <see cref="IBufferExporter"/>: every <see cref="GetBuffer"/> is one
/// <c>PyObject_GetBuffer</c> on it, answered by the Python exporter's own rules (NumPy's, <c>bytearray</c>'s, …).
/// </summary>
/// <remarks>
/// The buffers it returns have this exporter as <see cref="AcquiredBuffer.Owner"/> and release the Python export
/// when disposed (see <see cref="PythonBuffers.AcquireBuffer"/>). Handing it to <see cref="PythonBuffers.ToPython"/>
/// re-exports the Python memory through .NET.
/// </remarks>
public sealed class PythonExporter : IBufferExporter
{
    /// <summary>Wraps <paramref name="obj"/>.</summary>
    /// <param name="obj">Any Python object implementing the buffer protocol, <c>__array_struct__</c> or <c>__array_interface__</c>.</param>
    public PythonExporter(PyObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        Object = obj;
    }

    /// <summary>The Python exporter.</summary>
    public PyObject Object { get; }

    /// <inheritdoc />
    /// <remarks>As <see cref="PythonBuffers.AcquireBuffer"/>: an object without the buffer protocol is read through its
    /// <c>__array_struct__</c>, else its <c>__array_interface__</c>, in NumPy's order.</remarks>
    /// <exception cref="PythonBufferException">The Python exporter refused the request, or the object has no buffer
    /// protocol, <c>__array_struct__</c> or <c>__array_interface__</c> (<c>TypeError</c>).</exception>
    /// <exception cref="BufferException">The <c>Py_buffer</c> breaks the protocol's invariants, or the struct or
    /// interface read instead is malformed or cannot meet the request.</exception>
    public AcquiredBuffer GetBuffer(BufferRequest request) => PythonBuffers.Acquire(Object, request, this);
}
