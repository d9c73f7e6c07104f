using Python.Runtime;

namespace BufferProtocol.Python.Import;

/// <summary>pythonnet's <see cref="PythonException"/> as this library reports Python errors.</summary>
internal static class PythonErrors
{
    /// <summary>The Python exception's type name (<c>TypeError</c>, <c>BufferError</c>, …). The GIL is held.</summary>
    public static string TypeName(PythonException e)
    {
        try
        {
            using var name = e.Type.GetAttr("__name__");
            return name.As<string>();
        }
        catch (PythonException)
        {
            return "Exception";
        }
    }

    /// <summary><c>getattr(obj, name)</c>, with a Python error reported as a <see cref="PythonBufferException"/>. The GIL is held.</summary>
    public static PyObject GetAttr(PyObject obj, string name)
    {
        try
        {
            return obj.GetAttr(name);
        }
        catch (PythonException e)
        {
            throw ToBufferException(name, e);
        }
    }

    /// <summary>A <see cref="PythonBufferException"/> carrying the Python exception's type and message.</summary>
    public static PythonBufferException ToBufferException(string context, PythonException e)
    {
        var type = TypeName(e);
        return new PythonBufferException($"{context}: {type}: {e.Message}", type);
    }
}
