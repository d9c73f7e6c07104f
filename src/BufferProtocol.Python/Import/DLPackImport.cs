using BufferProtocol.Interop.DLPack;
using BufferProtocol.Python.Interop;
using Python.Runtime;

namespace BufferProtocol.Python.Import;

/// <summary>
/// Imports any Python object with <c>__dlpack__</c> as a <see cref="DLPackTensor"/>: the consumer side of the array
/// API's DLPack protocol.
/// </summary>
/// <remarks>
/// <para><b>Protocol.</b> <c>x.__dlpack__(max_version=(1, 2))</c>; on <c>TypeError</c> (producers older than the
/// 2023.12 standard, such as NumPy 1.24, whose <c>__dlpack__</c> takes only <c>stream</c>) <c>x.__dlpack__()</c>. A
/// capsule named <c>"dltensor_versioned"</c> holds a <see cref="DLManagedTensorVersioned"/>, one named
/// <c>"dltensor"</c> a legacy <see cref="DLManagedTensor"/>. The capsule is renamed <c>used_…</c> before anything
/// else, which hands the tensor to this library (the producer's capsule destructor then leaves it alone).</para>
/// <para><b>Release.</b> The tensor's deleter runs exactly once, when the <see cref="DLPackTensor"/> and its exports are
/// released — always with the GIL (NumPy 1.24's deleter drops a Python reference without taking it): at once on a
/// thread that holds the GIL, otherwise (and from finalizers) through the release queue, whose thread takes the GIL
/// (<see cref="PythonBuffers.DrainPendingReleases"/> drains it on demand); not at all once the interpreter is gone.</para>
/// </remarks>
internal static class DLPackImport
{
    /// <summary>Calls <c>__dlpack__</c> and takes the tensor. The caller holds the GIL.</summary>
    public static DLPackTensor Import(PyObject obj, bool legacyWritable)
    {
        using var capsule = CallDLPack(obj);
        return DLPackCapsules.Import(CPython.AddressOf(capsule), legacyWritable, PythonDeleterInvoker.Instance);
    }

    private static PyObject CallDLPack(PyObject obj)
    {
        var method = PythonErrors.GetAttr(obj, "__dlpack__");
        // The bound method holds a reference to the producer: dispose it on every path (pythonnet's InvokeMethod
        // leaves it to the finalizer when the call raises).
        using (method)
        {
            try
            {
                using var kwargs = new PyDict();
                using var version = new PyTuple([new PyInt(DLPackBuffers.Version.major), new PyInt(DLPackBuffers.Version.minor)]);
                kwargs["max_version"] = version;
                using var args = new PyTuple();
                return method.Invoke(args, kwargs);
            }
            catch (PythonException e)
            {
                if (PythonErrors.TypeName(e) != "TypeError")
                {
                    throw PythonErrors.ToBufferException("__dlpack__(max_version=(1, 2))", e);
                }
                // A producer from before the 2023.12 standard: it knows only `stream`.
            }
            try
            {
                return method.Invoke();
            }
            catch (PythonException e)
            {
                throw PythonErrors.ToBufferException("__dlpack__()", e);
            }
        }
    }

    /// <summary>
    /// Calls deleters of Python-produced tensors with the GIL. The last release of a <see cref="DLPackTensor"/> runs under
    /// the tensor's export lock, and a thread holding the GIL may be waiting for that lock: so the deleter runs at once
    /// only on a thread that already holds the GIL, and is otherwise queued to the release thread (as from finalizers).
    /// </summary>
    private sealed class PythonDeleterInvoker : IDLPackDeleterInvoker
    {
        public static readonly PythonDeleterInvoker Instance = new();

        public void Invoke(nint deleter, nint managedTensor)
        {
            if (CPython.PyGILState_Check() != 0)
            {
                PendingReleases.CallDeleterNow(deleter, managedTensor);
            }
            else
            {
                PendingReleases.EnqueueDeleter(deleter, managedTensor);
            }
        }

        public void InvokeFromFinalizer(nint deleter, nint managedTensor) => PendingReleases.EnqueueDeleter(deleter, managedTensor);
    }
}
