using System.Runtime.InteropServices;
using System.Text;
using Python.Runtime;

namespace BufferProtocol.Python.Interop;

/// <summary>
/// The few CPython C-API functions this library calls, resolved from the interpreter pythonnet is running on.
/// </summary>
/// <remarks>
/// <para><b>Which library.</b> The functions must come from the very interpreter pythonnet initialised, never from a
/// second copy of libpython: pythonnet's <see cref="Runtime.PythonDLL"/> when it names a library (C# embeds
/// Python), otherwise the process itself (Python hosts .NET through pythonnet's <c>clr</c> module; pythonnet then
/// sets <see cref="Runtime.PythonDLL"/> to null and Debian's statically linked <c>python3</c> exports the C API
/// from the executable).</para>
/// <para><b>GIL.</b> Every function but <c>Py_IsInitialized</c>, <c>_Py_IsFinalizing</c> and the
/// <c>PyGILState_*</c> functions must be called with the GIL held. <see cref="Gil"/> takes it.</para>
/// </remarks>
internal static unsafe class CPython
{
    private static readonly Lock s_gate = new();
    private static volatile bool s_loaded;

    public static delegate* unmanaged<int> Py_IsInitialized;
    public static delegate* unmanaged<int> Py_IsFinalizing;
    public static delegate* unmanaged<int> PyGILState_Ensure;
    public static delegate* unmanaged<int, void> PyGILState_Release;
    public static delegate* unmanaged<int> PyGILState_Check;
    public static delegate* unmanaged<nint> PyEval_SaveThread;
    public static delegate* unmanaged<nint, void> PyEval_RestoreThread;
    public static delegate* unmanaged<nint, Py_buffer*, int, int> PyObject_GetBuffer;
    public static delegate* unmanaged<Py_buffer*, void> PyBuffer_Release;
    public static delegate* unmanaged<nint, int> PyObject_CheckBuffer;
    public static delegate* unmanaged<nint*, nint*, nint*, void> PyErr_Fetch;
    public static delegate* unmanaged<nint*, nint*, nint*, void> PyErr_NormalizeException;
    public static delegate* unmanaged<nint, byte*, void> PyErr_SetString;
    public static delegate* unmanaged<nint> PyErr_Occurred;
    public static delegate* unmanaged<nint, nint> PyObject_Str;
    public static delegate* unmanaged<nint, byte*, nint> PyObject_GetAttrString;
    public static delegate* unmanaged<nint, nint*, byte*> PyUnicode_AsUTF8AndSize;
    public static delegate* unmanaged<nint, void> Py_IncRef;
    public static delegate* unmanaged<nint, void> Py_DecRef;
    public static delegate* unmanaged<PyType_Spec*, nint> PyType_FromSpec;
    public static delegate* unmanaged<nint, int, void*> PyType_GetSlot;
    public static delegate* unmanaged<nint, nint, int> PyList_Append;
    public static delegate* unmanaged<byte*, nint> PyUnicode_FromString;

    // DLPack capsules and __array_interface__ (Interop/PyObjects.cs builds values with them).
    public static delegate* unmanaged<void*, byte*, delegate* unmanaged<nint, void>, nint> PyCapsule_New;
    public static delegate* unmanaged<nint, byte*, void*> PyCapsule_GetPointer;
    public static delegate* unmanaged<nint, byte*> PyCapsule_GetName;
    public static delegate* unmanaged<nint, byte*, int> PyCapsule_SetName;
    public static delegate* unmanaged<nint, byte*, int> PyCapsule_IsValid;
    public static delegate* unmanaged<nint, nint, nint, void> PyErr_Restore;
    public static delegate* unmanaged<void> PyErr_Clear;
    public static delegate* unmanaged<nint, int> PyErr_ExceptionMatches;
    public static delegate* unmanaged<nint, nint> PyTuple_New;
    public static delegate* unmanaged<nint, nint, nint, int> PyTuple_SetItem;
    public static delegate* unmanaged<nint, nint> PyTuple_Size;
    public static delegate* unmanaged<nint, nint, nint> PyTuple_GetItem;
    public static delegate* unmanaged<nint, nint> PyList_New;
    public static delegate* unmanaged<nint, nint, nint, int> PyList_SetItem;
    public static delegate* unmanaged<nint> PyDict_New;
    public static delegate* unmanaged<nint, byte*, nint, int> PyDict_SetItemString;
    public static delegate* unmanaged<nint, nint*, nint*, nint*, int> PyDict_Next;
    public static delegate* unmanaged<long, nint> PyLong_FromLongLong;
    public static delegate* unmanaged<nint, long> PyLong_AsLongLong;
    public static delegate* unmanaged<void*, nint> PyLong_FromVoidPtr;
    public static delegate* unmanaged<nint, int> PyObject_IsTrue;
    public static delegate* unmanaged<nint, byte*, int> PyObject_HasAttrString;

    /// <summary><c>Py_None</c>, <c>Py_True</c>, <c>Py_False</c> (<c>_Py_NoneStruct</c>, …): borrowed, immortal.</summary>
    public static nint Py_None;

    /// <inheritdoc cref="Py_None"/>
    public static nint Py_True;

    /// <inheritdoc cref="Py_None"/>
    public static nint Py_False;

    /// <summary><c>PyExc_TypeError</c>, <c>PyExc_ValueError</c>: borrowed, immortal.</summary>
    public static nint PyExc_TypeError;

    /// <inheritdoc cref="PyExc_TypeError"/>
    public static nint PyExc_ValueError;

    /// <summary><c>PyExc_BufferError</c>, <c>PyExc_MemoryError</c>: borrowed, immortal for the interpreter's life.</summary>
    public static nint PyExc_BufferError;

    /// <inheritdoc cref="PyExc_BufferError"/>
    public static nint PyExc_MemoryError;

    /// <summary>The handle of the library the functions come from.</summary>
    public static nint Library { get; private set; }

    /// <summary>True while the interpreter can be called: initialised and not finalising.</summary>
    public static bool IsAlive => s_loaded && Py_IsInitialized() != 0 && (Py_IsFinalizing == null || Py_IsFinalizing() == 0);

    /// <summary>Resolves the functions once; throws when no initialised interpreter is found.</summary>
    /// <exception cref="InvalidOperationException">Python is not initialised in this process.</exception>
    public static void EnsureLoaded()
    {
        if (s_loaded)
        {
            return;
        }
        lock (s_gate)
        {
            if (s_loaded)
            {
                return;
            }
            var library = ResolveLibrary();
            Bind(library);
            Library = library;
            s_loaded = true;
        }
        if (Py_IsInitialized() == 0)
        {
            throw new InvalidOperationException(
                "Python is not initialised: call PythonHost.Initialize() (or pythonnet's PythonEngine.Initialize()) first");
        }
    }

    /// <summary>Takes the GIL for the current thread (reentrant: <c>PyGILState_Ensure</c>).</summary>
    public static GilScope Gil()
    {
        EnsureLoaded();
        return new GilScope(PyGILState_Ensure());
    }

    /// <summary>
    /// The address of <paramref name="obj"/>'s Python object (a borrowed reference, valid while <paramref name="obj"/>
    /// is alive). pythonnet marks <see cref="PyObject.Handle"/> obsolete to steer callers to its reference structs,
    /// which are internal: the handle is the only public way to reach the C object.
    /// </summary>
    public static nint AddressOf(PyObject obj)
    {
#pragma warning disable CS0612 // Type or member is obsolete
        return obj.Handle;
#pragma warning restore CS0612
    }

    /// <summary>
    /// Moves a raw strong reference into a pythonnet <see cref="PyObject"/> using only pythonnet's public API:
    /// the reference goes through a one-item list, whose indexer hands back a <see cref="PyObject"/> with its own
    /// reference. The raw reference is consumed either way. Needs the GIL.
    /// </summary>
    public static PyObject ToPyObject(nint newReference)
    {
        try
        {
            using var list = new PyList();
            if (PyList_Append(AddressOf(list), newReference) != 0)
            {
                throw FetchError("could not hand a Python object to pythonnet");
            }
            return list[0];
        }
        finally
        {
            Py_DecRef(newReference);
        }
    }

    /// <summary>Takes the pending Python exception (the GIL held) and turns it into a .NET exception.</summary>
    public static PythonBufferException FetchError(string context)
    {
        nint type, value, traceback;
        PyErr_Fetch(&type, &value, &traceback);
        if (type == 0)
        {
            return new PythonBufferException(context + ": no Python error was set", "SystemError");
        }
        PyErr_NormalizeException(&type, &value, &traceback);
        try
        {
            var typeName = GetStringAttribute(type, "__name__") ?? "Exception";
            var message = value == 0 ? "" : Str(value) ?? "";
            return new PythonBufferException($"{context}: {typeName}: {message}", typeName);
        }
        finally
        {
            DecRefNullable(type);
            DecRefNullable(value);
            DecRefNullable(traceback);
        }
    }

    /// <summary>Raises a Python exception of type <paramref name="type"/> with <paramref name="message"/> (GIL held).</summary>
    public static void SetError(nint type, string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message + "\0");
        fixed (byte* p = bytes)
        {
            PyErr_SetString(type, p);
        }
    }

    /// <summary><c>str(obj)</c> as a .NET string, or null when it fails (the error is cleared). GIL held.</summary>
    public static string? Str(nint obj)
    {
        var s = PyObject_Str(obj);
        if (s == 0)
        {
            ClearError();
            return null;
        }
        try
        {
            return Utf8(s);
        }
        finally
        {
            Py_DecRef(s);
        }
    }

    private static string? GetStringAttribute(nint obj, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name + "\0");
        nint attribute;
        fixed (byte* p = bytes)
        {
            attribute = PyObject_GetAttrString(obj, p);
        }
        if (attribute == 0)
        {
            ClearError();
            return null;
        }
        try
        {
            return Utf8(attribute);
        }
        finally
        {
            Py_DecRef(attribute);
        }
    }

    private static string? Utf8(nint unicode)
    {
        nint size;
        var p = PyUnicode_AsUTF8AndSize(unicode, &size);
        if (p == null)
        {
            ClearError();
            return null;
        }
        return Encoding.UTF8.GetString(p, checked((int)size));
    }

    private static void ClearError()
    {
        nint type, value, traceback;
        PyErr_Fetch(&type, &value, &traceback);
        DecRefNullable(type);
        DecRefNullable(value);
        DecRefNullable(traceback);
    }

    private static void DecRefNullable(nint obj)
    {
        if (obj != 0)
        {
            Py_DecRef(obj);
        }
    }

    private static nint ResolveLibrary()
    {
        var dll = Runtime.PythonDLL;
        if (!string.IsNullOrEmpty(dll) && dll != "__Internal")
        {
            if (NativeLibrary.TryLoad(dll, out var handle) && NativeLibrary.TryGetExport(handle, "Py_IsInitialized", out _))
            {
                return handle;
            }
            throw new InvalidOperationException($"pythonnet's Python library '{dll}' could not be loaded or is not a Python library");
        }
        var main = NativeLibrary.GetMainProgramHandle();
        if (NativeLibrary.TryGetExport(main, "Py_IsInitialized", out _))
        {
            return main;
        }
        throw new InvalidOperationException(
            "no Python interpreter found: pythonnet's Runtime.PythonDLL is not set and this process exports no Python C API " +
            "(set PYTHONNET_PYDLL or call PythonHost.Initialize())");
    }

    private static void Bind(nint library)
    {
        Py_IsInitialized = (delegate* unmanaged<int>)Get(library, "Py_IsInitialized");
        Py_IsFinalizing = NativeLibrary.TryGetExport(library, "Py_IsFinalizing", out var f) || NativeLibrary.TryGetExport(library, "_Py_IsFinalizing", out f)
            ? (delegate* unmanaged<int>)f
            : null;
        PyGILState_Ensure = (delegate* unmanaged<int>)Get(library, "PyGILState_Ensure");
        PyGILState_Release = (delegate* unmanaged<int, void>)Get(library, "PyGILState_Release");
        PyGILState_Check = (delegate* unmanaged<int>)Get(library, "PyGILState_Check");
        PyEval_SaveThread = (delegate* unmanaged<nint>)Get(library, "PyEval_SaveThread");
        PyEval_RestoreThread = (delegate* unmanaged<nint, void>)Get(library, "PyEval_RestoreThread");
        PyObject_GetBuffer = (delegate* unmanaged<nint, Py_buffer*, int, int>)Get(library, "PyObject_GetBuffer");
        PyBuffer_Release = (delegate* unmanaged<Py_buffer*, void>)Get(library, "PyBuffer_Release");
        PyObject_CheckBuffer = (delegate* unmanaged<nint, int>)Get(library, "PyObject_CheckBuffer");
        PyErr_Fetch = (delegate* unmanaged<nint*, nint*, nint*, void>)Get(library, "PyErr_Fetch");
        PyErr_NormalizeException = (delegate* unmanaged<nint*, nint*, nint*, void>)Get(library, "PyErr_NormalizeException");
        PyErr_SetString = (delegate* unmanaged<nint, byte*, void>)Get(library, "PyErr_SetString");
        PyErr_Occurred = (delegate* unmanaged<nint>)Get(library, "PyErr_Occurred");
        PyObject_Str = (delegate* unmanaged<nint, nint>)Get(library, "PyObject_Str");
        PyObject_GetAttrString = (delegate* unmanaged<nint, byte*, nint>)Get(library, "PyObject_GetAttrString");
        PyUnicode_AsUTF8AndSize = (delegate* unmanaged<nint, nint*, byte*>)Get(library, "PyUnicode_AsUTF8AndSize");
        Py_IncRef = (delegate* unmanaged<nint, void>)Get(library, "Py_IncRef");
        Py_DecRef = (delegate* unmanaged<nint, void>)Get(library, "Py_DecRef");
        PyType_FromSpec = (delegate* unmanaged<PyType_Spec*, nint>)Get(library, "PyType_FromSpec");
        PyType_GetSlot = (delegate* unmanaged<nint, int, void*>)Get(library, "PyType_GetSlot");
        PyList_Append = (delegate* unmanaged<nint, nint, int>)Get(library, "PyList_Append");
        PyUnicode_FromString = (delegate* unmanaged<byte*, nint>)Get(library, "PyUnicode_FromString");
        PyCapsule_New = (delegate* unmanaged<void*, byte*, delegate* unmanaged<nint, void>, nint>)Get(library, "PyCapsule_New");
        PyCapsule_GetPointer = (delegate* unmanaged<nint, byte*, void*>)Get(library, "PyCapsule_GetPointer");
        PyCapsule_GetName = (delegate* unmanaged<nint, byte*>)Get(library, "PyCapsule_GetName");
        PyCapsule_SetName = (delegate* unmanaged<nint, byte*, int>)Get(library, "PyCapsule_SetName");
        PyCapsule_IsValid = (delegate* unmanaged<nint, byte*, int>)Get(library, "PyCapsule_IsValid");
        PyErr_Restore = (delegate* unmanaged<nint, nint, nint, void>)Get(library, "PyErr_Restore");
        PyErr_Clear = (delegate* unmanaged<void>)Get(library, "PyErr_Clear");
        PyErr_ExceptionMatches = (delegate* unmanaged<nint, int>)Get(library, "PyErr_ExceptionMatches");
        PyTuple_New = (delegate* unmanaged<nint, nint>)Get(library, "PyTuple_New");
        PyTuple_SetItem = (delegate* unmanaged<nint, nint, nint, int>)Get(library, "PyTuple_SetItem");
        PyTuple_Size = (delegate* unmanaged<nint, nint>)Get(library, "PyTuple_Size");
        PyTuple_GetItem = (delegate* unmanaged<nint, nint, nint>)Get(library, "PyTuple_GetItem");
        PyList_New = (delegate* unmanaged<nint, nint>)Get(library, "PyList_New");
        PyList_SetItem = (delegate* unmanaged<nint, nint, nint, int>)Get(library, "PyList_SetItem");
        PyDict_New = (delegate* unmanaged<nint>)Get(library, "PyDict_New");
        PyDict_SetItemString = (delegate* unmanaged<nint, byte*, nint, int>)Get(library, "PyDict_SetItemString");
        PyDict_Next = (delegate* unmanaged<nint, nint*, nint*, nint*, int>)Get(library, "PyDict_Next");
        PyLong_FromLongLong = (delegate* unmanaged<long, nint>)Get(library, "PyLong_FromLongLong");
        PyLong_AsLongLong = (delegate* unmanaged<nint, long>)Get(library, "PyLong_AsLongLong");
        PyLong_FromVoidPtr = (delegate* unmanaged<void*, nint>)Get(library, "PyLong_FromVoidPtr");
        PyObject_IsTrue = (delegate* unmanaged<nint, int>)Get(library, "PyObject_IsTrue");
        PyObject_HasAttrString = (delegate* unmanaged<nint, byte*, int>)Get(library, "PyObject_HasAttrString");
        // Singletons and exception types are exported data: the object itself, or the address of a PyObject* variable.
        Py_None = Get(library, "_Py_NoneStruct");
        Py_True = Get(library, "_Py_TrueStruct");
        Py_False = Get(library, "_Py_FalseStruct");
        PyExc_TypeError = *(nint*)Get(library, "PyExc_TypeError");
        PyExc_ValueError = *(nint*)Get(library, "PyExc_ValueError");
        // Exception types are exported data: the address of a PyObject* variable.
        PyExc_BufferError = *(nint*)Get(library, "PyExc_BufferError");
        PyExc_MemoryError = *(nint*)Get(library, "PyExc_MemoryError");
    }

    private static nint Get(nint library, string name) =>
        NativeLibrary.TryGetExport(library, name, out var address)
            ? address
            : throw new InvalidOperationException($"the Python library does not export {name}");

    /// <summary>A held <c>PyGILState_Ensure</c>; dispose to release it. Use with <c>using</c> on one thread.</summary>
    internal readonly struct GilScope(int state) : IDisposable
    {
        /// <summary><c>PyGILState_Release</c>.</summary>
        public void Dispose() => PyGILState_Release(state);
    }
}
