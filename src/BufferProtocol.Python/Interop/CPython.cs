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

    // The C functions as methods callable without unsafe code: pointers cross as nint, C out-parameters as out/ref.
    // The raw function pointers (class C, below) keep the C signatures.
    public static int Py_IsInitialized() => C.Py_IsInitialized();
    public static int PyGILState_Ensure() => C.PyGILState_Ensure();
    public static void PyGILState_Release(int state) => C.PyGILState_Release(state);
    public static int PyGILState_Check() => C.PyGILState_Check();
    public static nint PyEval_SaveThread() => C.PyEval_SaveThread();
    public static void PyEval_RestoreThread(nint state) => C.PyEval_RestoreThread(state);
    public static int PyObject_GetBuffer(nint obj, nint view, int flags) => C.PyObject_GetBuffer(obj, (Py_buffer*)view, flags);
    public static void PyBuffer_Release(nint view) => C.PyBuffer_Release((Py_buffer*)view);
    public static int PyObject_CheckBuffer(nint obj) => C.PyObject_CheckBuffer(obj);
    public static void PyErr_Fetch(out nint type, out nint value, out nint traceback)
    {
        nint t, v, tb;
        C.PyErr_Fetch(&t, &v, &tb);
        (type, value, traceback) = (t, v, tb);
    }
    public static void PyErr_NormalizeException(ref nint type, ref nint value, ref nint traceback)
    {
        nint t = type, v = value, tb = traceback;
        C.PyErr_NormalizeException(&t, &v, &tb);
        (type, value, traceback) = (t, v, tb);
    }
    public static void PyErr_SetString(nint type, nint message) => C.PyErr_SetString(type, (byte*)message);
    public static nint PyErr_Occurred() => C.PyErr_Occurred();
    public static nint PyObject_Str(nint obj) => C.PyObject_Str(obj);
    public static nint PyObject_GetAttrString(nint obj, nint name) => C.PyObject_GetAttrString(obj, (byte*)name);
    public static nint PyUnicode_AsUTF8AndSize(nint unicode, out nint size)
    {
        nint n;
        var p = C.PyUnicode_AsUTF8AndSize(unicode, &n);
        size = n;
        return (nint)p;
    }
    public static void Py_IncRef(nint obj) => C.Py_IncRef(obj);
    public static void Py_DecRef(nint obj) => C.Py_DecRef(obj);
    public static nint PyType_FromSpec(PyType_Spec* spec) => C.PyType_FromSpec(spec);
    public static nint PyType_GetSlot(nint type, int slot) => (nint)C.PyType_GetSlot(type, slot);
    public static int PyList_Append(nint list, nint item) => C.PyList_Append(list, item);
    public static nint PyUnicode_FromString(nint utf8) => C.PyUnicode_FromString((byte*)utf8);
    public static nint PyCapsule_New(nint pointer, nint name, delegate* unmanaged<nint, void> destructor) => C.PyCapsule_New((void*)pointer, (byte*)name, destructor);
    public static nint PyCapsule_GetPointer(nint capsule, nint name) => (nint)C.PyCapsule_GetPointer(capsule, (byte*)name);
    public static nint PyCapsule_GetName(nint capsule) => (nint)C.PyCapsule_GetName(capsule);
    public static int PyCapsule_SetName(nint capsule, nint name) => C.PyCapsule_SetName(capsule, (byte*)name);
    public static int PyCapsule_IsValid(nint capsule, nint name) => C.PyCapsule_IsValid(capsule, (byte*)name);
    public static void PyErr_Restore(nint type, nint value, nint traceback) => C.PyErr_Restore(type, value, traceback);
    public static void PyErr_Clear() => C.PyErr_Clear();
    public static int PyErr_ExceptionMatches(nint type) => C.PyErr_ExceptionMatches(type);
    public static nint PyTuple_New(nint size) => C.PyTuple_New(size);
    public static int PyTuple_SetItem(nint tuple, nint index, nint item) => C.PyTuple_SetItem(tuple, index, item);
    public static nint PyTuple_Size(nint tuple) => C.PyTuple_Size(tuple);
    public static nint PyTuple_GetItem(nint tuple, nint index) => C.PyTuple_GetItem(tuple, index);
    public static nint PyList_New(nint size) => C.PyList_New(size);
    public static int PyList_SetItem(nint list, nint index, nint item) => C.PyList_SetItem(list, index, item);
    public static nint PyDict_New() => C.PyDict_New();
    public static int PyDict_SetItemString(nint dict, nint key, nint value) => C.PyDict_SetItemString(dict, (byte*)key, value);
    public static int PyDict_Next(nint dict, ref nint position, out nint key, out nint value)
    {
        nint p = position, k, v;
        var more = C.PyDict_Next(dict, &p, &k, &v);
        (position, key, value) = (p, k, v);
        return more;
    }
    public static nint PyLong_FromLongLong(long value) => C.PyLong_FromLongLong(value);
    public static long PyLong_AsLongLong(nint obj) => C.PyLong_AsLongLong(obj);
    public static nint PyLong_FromVoidPtr(nint address) => C.PyLong_FromVoidPtr((void*)address);
    public static int PyObject_IsTrue(nint obj) => C.PyObject_IsTrue(obj);

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

    /// <summary><c>PyExc_BufferError</c>, <c>PyExc_MemoryError</c>, <c>PyExc_AttributeError</c>: borrowed, immortal for the interpreter's life.</summary>
    public static nint PyExc_BufferError;

    /// <inheritdoc cref="PyExc_BufferError"/>
    public static nint PyExc_MemoryError;

    /// <inheritdoc cref="PyExc_BufferError"/>
    public static nint PyExc_AttributeError;

    /// <summary>The handle of the library the functions come from.</summary>
    public static nint Library { get; private set; }

    /// <summary>True while the interpreter can be called: initialised and not finalising.</summary>
    public static bool IsAlive => s_loaded && Py_IsInitialized() != 0 && (C.Py_IsFinalizing == null || C.Py_IsFinalizing() == 0);

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
        C.PyErr_Fetch(&type, &value, &traceback);
        if (type == 0)
        {
            return new PythonBufferException(context + ": no Python error was set", "SystemError");
        }
        C.PyErr_NormalizeException(&type, &value, &traceback);
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

    /// <summary>
    /// <c>getattr(obj, name)</c> as NumPy 1.24 looks its protocols up (<c>PyArray_LookupSpecial_OnInstance</c>): a new
    /// reference, or 0 when the object has no such attribute (an <c>AttributeError</c>, subclasses included, is
    /// cleared); any other error raised while getting it is thrown as a <see cref="PythonBufferException"/>. GIL held.
    /// </summary>
    public static nint GetAttributeOrNull(nint obj, string name)
    {
        var attribute = GetAttrString(obj, name);
        if (attribute == 0)
        {
            if (C.PyErr_ExceptionMatches(PyExc_AttributeError) == 0)
            {
                throw FetchError(name);
            }
            C.PyErr_Clear();
        }
        return attribute;
    }

    /// <summary><c>Py_TYPE(obj)</c>: the borrowed type of an object (<c>ob_type</c> follows <c>ob_refcnt</c> in every non-debug build's header).</summary>
    public static nint Py_TYPE(nint obj) => *(nint*)(obj + IntPtr.Size);

    /// <summary>Calls the type's <c>tp_alloc(type, 0)</c>: a new zeroed instance, or 0 with a Python error set (GIL held).</summary>
    public static nint TypeAlloc(nint type)
    {
        var alloc = (delegate* unmanaged<nint, nint, nint>)C.PyType_GetSlot(type, TypeSlot.Py_tp_alloc);
        return alloc(type, 0);
    }

    /// <summary>Calls <c>tp_free(obj)</c> of the object's type: the last step of a <c>tp_dealloc</c> (GIL held).</summary>
    public static void TypeFree(nint obj)
    {
        var free = (delegate* unmanaged<nint, void>)C.PyType_GetSlot(Py_TYPE(obj), TypeSlot.Py_tp_free);
        free(obj);
    }

    /// <summary>Raises a Python exception of type <paramref name="type"/> with <paramref name="message"/> (GIL held).</summary>
    public static void SetError(nint type, string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message + "\0");
        fixed (byte* p = bytes)
        {
            C.PyErr_SetString(type, p);
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
        var attribute = GetAttrString(obj, name);
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

    /// <summary><c>PyObject_GetAttrString</c> with a .NET name: a new reference, or 0 with the error set (GIL held).</summary>
    private static nint GetAttrString(nint obj, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* p = bytes)
        {
            return C.PyObject_GetAttrString(obj, p);
        }
    }

    private static string? Utf8(nint unicode)
    {
        nint size;
        var p = C.PyUnicode_AsUTF8AndSize(unicode, &size);
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
        C.PyErr_Fetch(&type, &value, &traceback);
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
        C.Py_IsInitialized = (delegate* unmanaged<int>)Get(library, "Py_IsInitialized");
        C.Py_IsFinalizing = NativeLibrary.TryGetExport(library, "Py_IsFinalizing", out var f) || NativeLibrary.TryGetExport(library, "_Py_IsFinalizing", out f)
            ? (delegate* unmanaged<int>)f
            : null;
        C.PyGILState_Ensure = (delegate* unmanaged<int>)Get(library, "PyGILState_Ensure");
        C.PyGILState_Release = (delegate* unmanaged<int, void>)Get(library, "PyGILState_Release");
        C.PyGILState_Check = (delegate* unmanaged<int>)Get(library, "PyGILState_Check");
        C.PyEval_SaveThread = (delegate* unmanaged<nint>)Get(library, "PyEval_SaveThread");
        C.PyEval_RestoreThread = (delegate* unmanaged<nint, void>)Get(library, "PyEval_RestoreThread");
        C.PyObject_GetBuffer = (delegate* unmanaged<nint, Py_buffer*, int, int>)Get(library, "PyObject_GetBuffer");
        C.PyBuffer_Release = (delegate* unmanaged<Py_buffer*, void>)Get(library, "PyBuffer_Release");
        C.PyObject_CheckBuffer = (delegate* unmanaged<nint, int>)Get(library, "PyObject_CheckBuffer");
        C.PyErr_Fetch = (delegate* unmanaged<nint*, nint*, nint*, void>)Get(library, "PyErr_Fetch");
        C.PyErr_NormalizeException = (delegate* unmanaged<nint*, nint*, nint*, void>)Get(library, "PyErr_NormalizeException");
        C.PyErr_SetString = (delegate* unmanaged<nint, byte*, void>)Get(library, "PyErr_SetString");
        C.PyErr_Occurred = (delegate* unmanaged<nint>)Get(library, "PyErr_Occurred");
        C.PyObject_Str = (delegate* unmanaged<nint, nint>)Get(library, "PyObject_Str");
        C.PyObject_GetAttrString = (delegate* unmanaged<nint, byte*, nint>)Get(library, "PyObject_GetAttrString");
        C.PyUnicode_AsUTF8AndSize = (delegate* unmanaged<nint, nint*, byte*>)Get(library, "PyUnicode_AsUTF8AndSize");
        C.Py_IncRef = (delegate* unmanaged<nint, void>)Get(library, "Py_IncRef");
        C.Py_DecRef = (delegate* unmanaged<nint, void>)Get(library, "Py_DecRef");
        C.PyType_FromSpec = (delegate* unmanaged<PyType_Spec*, nint>)Get(library, "PyType_FromSpec");
        C.PyType_GetSlot = (delegate* unmanaged<nint, int, void*>)Get(library, "PyType_GetSlot");
        C.PyList_Append = (delegate* unmanaged<nint, nint, int>)Get(library, "PyList_Append");
        C.PyUnicode_FromString = (delegate* unmanaged<byte*, nint>)Get(library, "PyUnicode_FromString");
        C.PyCapsule_New = (delegate* unmanaged<void*, byte*, delegate* unmanaged<nint, void>, nint>)Get(library, "PyCapsule_New");
        C.PyCapsule_GetPointer = (delegate* unmanaged<nint, byte*, void*>)Get(library, "PyCapsule_GetPointer");
        C.PyCapsule_GetName = (delegate* unmanaged<nint, byte*>)Get(library, "PyCapsule_GetName");
        C.PyCapsule_SetName = (delegate* unmanaged<nint, byte*, int>)Get(library, "PyCapsule_SetName");
        C.PyCapsule_IsValid = (delegate* unmanaged<nint, byte*, int>)Get(library, "PyCapsule_IsValid");
        C.PyErr_Restore = (delegate* unmanaged<nint, nint, nint, void>)Get(library, "PyErr_Restore");
        C.PyErr_Clear = (delegate* unmanaged<void>)Get(library, "PyErr_Clear");
        C.PyErr_ExceptionMatches = (delegate* unmanaged<nint, int>)Get(library, "PyErr_ExceptionMatches");
        C.PyTuple_New = (delegate* unmanaged<nint, nint>)Get(library, "PyTuple_New");
        C.PyTuple_SetItem = (delegate* unmanaged<nint, nint, nint, int>)Get(library, "PyTuple_SetItem");
        C.PyTuple_Size = (delegate* unmanaged<nint, nint>)Get(library, "PyTuple_Size");
        C.PyTuple_GetItem = (delegate* unmanaged<nint, nint, nint>)Get(library, "PyTuple_GetItem");
        C.PyList_New = (delegate* unmanaged<nint, nint>)Get(library, "PyList_New");
        C.PyList_SetItem = (delegate* unmanaged<nint, nint, nint, int>)Get(library, "PyList_SetItem");
        C.PyDict_New = (delegate* unmanaged<nint>)Get(library, "PyDict_New");
        C.PyDict_SetItemString = (delegate* unmanaged<nint, byte*, nint, int>)Get(library, "PyDict_SetItemString");
        C.PyDict_Next = (delegate* unmanaged<nint, nint*, nint*, nint*, int>)Get(library, "PyDict_Next");
        C.PyLong_FromLongLong = (delegate* unmanaged<long, nint>)Get(library, "PyLong_FromLongLong");
        C.PyLong_AsLongLong = (delegate* unmanaged<nint, long>)Get(library, "PyLong_AsLongLong");
        C.PyLong_FromVoidPtr = (delegate* unmanaged<void*, nint>)Get(library, "PyLong_FromVoidPtr");
        C.PyObject_IsTrue = (delegate* unmanaged<nint, int>)Get(library, "PyObject_IsTrue");
        // Singletons and exception types are exported data: the object itself, or the address of a PyObject* variable.
        Py_None = Get(library, "_Py_NoneStruct");
        Py_True = Get(library, "_Py_TrueStruct");
        Py_False = Get(library, "_Py_FalseStruct");
        PyExc_TypeError = *(nint*)Get(library, "PyExc_TypeError");
        PyExc_ValueError = *(nint*)Get(library, "PyExc_ValueError");
        // Exception types are exported data: the address of a PyObject* variable.
        PyExc_BufferError = *(nint*)Get(library, "PyExc_BufferError");
        PyExc_MemoryError = *(nint*)Get(library, "PyExc_MemoryError");
        PyExc_AttributeError = *(nint*)Get(library, "PyExc_AttributeError");
    }

    private static nint Get(nint library, string name) =>
        NativeLibrary.TryGetExport(library, name, out var address)
            ? address
            : throw new InvalidOperationException($"the Python library does not export {name}");

    /// <summary>A held <c>PyGILState_Ensure</c>; dispose to release it. Use with <c>using</c> on one thread.</summary>
    /// <summary>The function pointers bound by <see cref="Bind"/>: C signatures, called only through the wrappers above.</summary>
    private static class C
    {
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
    }

    internal readonly struct GilScope(int state) : IDisposable
    {
        /// <summary><c>PyGILState_Release</c>.</summary>
        public void Dispose() => PyGILState_Release(state);
    }
}
