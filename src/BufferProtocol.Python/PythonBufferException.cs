using BufferProtocol.Protocol;

namespace BufferProtocol.Python;

/// <summary>
/// A Python exporter refused a buffer request, or Python raised while a buffer crossed the boundary: the Python
/// exception, carried into .NET with its type name and message.
/// </summary>
/// <remarks>
/// Exporters disagree on the type: CPython's raise <c>BufferError</c>, NumPy 1.24 raises <c>ValueError</c>
/// ("ndarray is not C-contiguous"), objects without the buffer protocol raise <c>TypeError</c>
/// ("a bytes-like object is required"). <see cref="PythonTypeName"/> tells them apart.
/// </remarks>
public sealed class PythonBufferException : BufferException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, with the Python exception's type and message.</param>
    /// <param name="pythonTypeName">The Python exception's type name, e.g. <c>BufferError</c>.</param>
    public PythonBufferException(string message, string pythonTypeName) : base(message)
    {
        PythonTypeName = pythonTypeName;
    }

    /// <summary>The Python exception's type name (<c>BufferError</c>, <c>ValueError</c>, <c>TypeError</c>, …).</summary>
    public string PythonTypeName { get; }
}
