using BufferProtocol.Interop.DLPack;
using BufferProtocol.Protocol;
using BufferProtocol.Python.Export;
using BufferProtocol.Python.Import;
using BufferProtocol.Python.Interop;
using Python.Runtime;

namespace BufferProtocol.Python;

/// <summary>
/// Zero-copy buffers between .NET and the CPython interpreter pythonnet hosts, in both directions.
/// </summary>
/// <remarks>
/// <para><b>Python → .NET.</b> <see cref="AcquireBuffer"/> calls <c>PyObject_GetBuffer</c> on any Python exporter
/// (NumPy arrays of any strides and dtype, <c>bytes</c>, <c>bytearray</c>, <c>array.array</c>, <c>mmap</c>,
/// <c>memoryview</c>, …) and returns an <see cref="AcquiredBuffer"/> over the same memory, with exactly the fields
/// the exporter filled in. Disposing it calls <c>PyBuffer_Release</c> once, with the GIL, from any thread; if it is
/// never disposed its finalizer queues the release instead of waiting for the GIL. While it is alive the Python
/// exporter sees a live export (a <c>bytearray</c> refuses to resize).</para>
/// <para><b>.NET → Python.</b> <see cref="ToPython"/> wraps any <see cref="IBufferExporter"/> in a Python object of
/// type <c>bufferprotocol.NetBuffer</c> whose <c>bf_getbuffer</c> asks the exporter, so <c>memoryview(x)</c>,
/// <c>numpy.asarray(x)</c>, <c>bytes(x)</c>, <c>hashlib.sha256(x)</c>, … read and write .NET memory in place under
/// every request flag.</para>
/// <para><b>NumPy's other protocols.</b> <see cref="FromDLPack"/> imports any object with <c>__dlpack__</c> and
/// <see cref="FromArrayInterface"/> any object with <c>__array_interface__</c>, <see cref="FromArrayStruct"/> any object with
/// <c>__array_struct__</c>; for objects without the buffer protocol <see cref="AcquireBuffer"/> falls back to
/// <c>__array_struct__</c>, then <c>__array_interface__</c>, in NumPy's order. Objects made by <see cref="ToPython"/> have <c>__dlpack__</c>, <c>__dlpack_device__</c>,
/// <c>__array_interface__</c> and <c>__array_struct__</c> (see <c>docs/interop.md</c>).</para>
/// <para><b>GIL.</b> Every method takes the GIL itself (reentrantly), so callers may or may not hold it. Python must
/// be initialised first (<see cref="PythonHost.Initialize"/>, or pythonnet's own start-up).</para>
/// </remarks>
public static class PythonBuffers
{
    /// <summary>
    /// Acquires the buffer of a Python object under <paramref name="request"/> (<c>PyObject_GetBuffer</c>), without
    /// copying.
    /// </summary>
    /// <param name="obj">Any Python object implementing the buffer protocol, <c>__array_struct__</c> or <c>__array_interface__</c>.</param>
    /// <param name="request">The request flags, passed to the exporter unchanged; <see cref="BufferRequest.FullRO"/>
    /// is what <c>memoryview(obj)</c> asks for.</param>
    /// <returns>The buffer; <see cref="AcquiredBuffer.Owner"/> is <paramref name="obj"/>. Dispose it to release the export.</returns>
    /// <remarks>An object whose type has no buffer protocol is read as NumPy 1.24 reads it next
    /// (<c>_array_from_array_like</c>): through <c>__array_struct__</c> (<see cref="FromArrayStruct"/>) if it has one,
    /// else through <c>__array_interface__</c> (<see cref="FromArrayInterface"/>). An attribute whose lookup raises
    /// <c>AttributeError</c> counts as absent; a present but malformed one is refused without trying the next. An
    /// exporter that refuses the request does not fall back: its error is the answer to this request.</remarks>
    /// <exception cref="PythonBufferException">The exporter refused the request (its Python exception's type and
    /// message are kept); the object has no buffer protocol, <c>__array_struct__</c> or <c>__array_interface__</c>
    /// (<c>TypeError</c>, "… nor does it have __array_struct__ or __array_interface__"); or looking one of those up
    /// raised something other than <c>AttributeError</c>.</exception>
    /// <exception cref="BufferException">The exporter filled in fields that break the protocol's invariants (the
    /// buffer has then been released), or the <c>__array_struct__</c>/<c>__array_interface__</c> read instead is
    /// malformed or cannot meet the request (as <see cref="FromArrayStruct"/> and <see cref="FromArrayInterface"/>).</exception>
    /// <exception cref="InvalidOperationException">Python is not initialised.</exception>
    public static AcquiredBuffer AcquireBuffer(this PyObject obj, BufferRequest request = BufferRequest.FullRO)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return Acquire(obj, request, obj);
    }

    /// <summary>
    /// Imports an object with <c>__dlpack__</c> (NumPy arrays, PyTorch/JAX/CuPy CPU tensors, another
    /// <c>NetBuffer</c>, …) without copying: calls <c>__dlpack__(max_version=(1, 2))</c>, or <c>__dlpack__()</c> when the
    /// producer predates that keyword, and takes the capsule (renaming it <c>used_dltensor[_versioned]</c>).
    /// </summary>
    /// <param name="obj">The producer.</param>
    /// <param name="legacyWritable">
    /// True to let consumers write into a tensor that came in a legacy <c>"dltensor"</c> capsule, which cannot say whether
    /// the memory is read-only (NumPy 1.24 sends only these, and only for writable arrays). False (the default) imports
    /// them read-only, as NumPy ≥ 2.1 does.
    /// </param>
    /// <returns>An exporter of the producer's memory. Dispose it: the producer's deleter runs (with the GIL) once it and
    /// every buffer taken from it are released.</returns>
    /// <exception cref="PythonBufferException">The producer raised (its type and message are kept): <c>BufferError</c> for
    /// what it cannot export, <c>AttributeError</c> without <c>__dlpack__</c>.</exception>
    /// <exception cref="BufferException">The tensor cannot be imported (device, data type, version); its deleter has run.</exception>
    /// <exception cref="InvalidOperationException">Python is not initialised.</exception>
    public static DLPackTensor FromDLPack(this PyObject obj, bool legacyWritable = false)
    {
        ArgumentNullException.ThrowIfNull(obj);
        Start();
        using (CPython.Gil())
        {
            PendingReleases.DrainWithGil();
            return DLPackImport.Import(obj, legacyWritable);
        }
    }

    /// <summary>
    /// Reads an object's <c>__array_interface__</c> (version 3) as a buffer without copying, as NumPy does: typestr and
    /// descr give the format, shape and strides the layout, <c>data</c> the memory (an address tuple, or a buffer object
    /// plus <c>offset</c>).
    /// </summary>
    /// <param name="obj">Any object carrying <c>__array_interface__</c>.</param>
    /// <param name="request">The request to answer (the interface describes everything; the request trims it).</param>
    /// <returns>The buffer; it keeps <paramref name="obj"/> alive. Dispose it to release.</returns>
    /// <exception cref="BufferException">The interface is missing, malformed (NumPy's messages: "Missing
    /// __array_interface__ typestr", "mismatch in length of strides and shape", …), describes a type without a PEP 3118
    /// format (datetime), or the request cannot be met.</exception>
    /// <exception cref="InvalidOperationException">Python is not initialised.</exception>
    public static AcquiredBuffer FromArrayInterface(this PyObject obj, BufferRequest request = BufferRequest.FullRO)
    {
        ArgumentNullException.ThrowIfNull(obj);
        Start();
        using (CPython.Gil())
        {
            PendingReleases.DrainWithGil();
            return ArrayInterfaceImport.Acquire(obj, request, null);
        }
    }

    /// <summary>
    /// Reads an object's <c>__array_struct__</c> (a <c>PyCapsule</c> holding NumPy's <c>PyArrayInterface</c>; NumPy
    /// arrays have one) as a buffer without copying, as NumPy does: the struct's kind, itemsize and byte-order flag, or
    /// its descr, give the format, its shape and strides (or its contiguity flags) the layout.
    /// </summary>
    /// <param name="obj">Any object carrying <c>__array_struct__</c>.</param>
    /// <param name="request">The request to answer (the struct describes everything; the request trims it).</param>
    /// <returns>The buffer; it keeps <paramref name="obj"/> and the capsule alive. Dispose it to release them.</returns>
    /// <exception cref="PythonBufferException">The object has no <c>__array_struct__</c> (<c>AttributeError</c>), or getting it raised.</exception>
    /// <exception cref="BufferException">Not a nameless capsule, <c>two</c> is not 2, a type without a PEP 3118 format,
    /// an invalid layout, or the request cannot be met.</exception>
    /// <exception cref="InvalidOperationException">Python is not initialised.</exception>
    public static AcquiredBuffer FromArrayStruct(this PyObject obj, BufferRequest request = BufferRequest.FullRO)
    {
        ArgumentNullException.ThrowIfNull(obj);
        Start();
        using (CPython.Gil())
        {
            PendingReleases.DrainWithGil();
            return ArrayStructImport.Acquire(obj, request, null);
        }
    }

    /// <summary>
    /// Wraps a Python object as a .NET <see cref="IBufferExporter"/>: each <see cref="IBufferExporter.GetBuffer"/> is a
    /// new <c>PyObject_GetBuffer</c>. Use it to hand Python memory to anything that consumes exporters, or to
    /// re-export it.
    /// </summary>
    /// <param name="obj">Any Python object implementing the buffer protocol.</param>
    /// <returns>The exporter; it keeps <paramref name="obj"/> alive.</returns>
    public static PythonExporter AsBufferExporter(this PyObject obj) => new(obj);

    /// <summary>
    /// Makes a Python object whose buffer protocol is backed by <paramref name="exporter"/>: Python reads and writes
    /// the .NET memory in place.
    /// </summary>
    /// <param name="exporter">Any exporter (arrays, native memory, views, a <see cref="PythonExporter"/>, …).</param>
    /// <returns>A new <c>bufferprotocol.NetBuffer</c>. It keeps <paramref name="exporter"/> alive until Python
    /// deallocates it; each export Python takes is one export of <paramref name="exporter"/>, released when Python
    /// releases it.</returns>
    /// <exception cref="InvalidOperationException">Python is not initialised.</exception>
    public static PyObject ToPython(this IBufferExporter exporter)
    {
        ArgumentNullException.ThrowIfNull(exporter);
        Start();
        using (CPython.Gil())
        {
            PendingReleases.DrainWithGil();
            return NetBufferType.Create(exporter);
        }
    }

    /// <summary>The .NET exporter behind a <c>bufferprotocol.NetBuffer</c> made by <see cref="ToPython"/>, or null.</summary>
    /// <param name="obj">Any Python object.</param>
    public static IBufferExporter? GetNetExporter(PyObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        Start();
        using (CPython.Gil())
        {
            return NetBufferType.TryGetExporter(CPython.AddressOf(obj));
        }
    }

    /// <summary>True when <paramref name="obj"/>'s type implements the buffer protocol (<c>PyObject_CheckBuffer</c>).</summary>
    /// <param name="obj">Any Python object.</param>
    public static bool IsBufferExporter(PyObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        Start();
        using (CPython.Gil())
        {
            return CPython.PyObject_CheckBuffer(CPython.AddressOf(obj)) != 0;
        }
    }

    /// <summary>
    /// Releases now the Python buffers whose <see cref="AcquiredBuffer"/> was collected without being disposed
    /// (their finalizers only queue the release). Happens on its own in the background; call it for determinism.
    /// </summary>
    /// <returns>True when the queue was drained.</returns>
    public static bool DrainPendingReleases()
    {
        Start();
        if (!CPython.IsAlive)
        {
            return false;
        }
        using (CPython.Gil())
        {
            PendingReleases.DrainWithGil();
        }
        return PendingReleases.Count == 0;
    }

    internal static AcquiredBuffer Acquire(PyObject obj, BufferRequest request, object owner, bool allowArrayLike = true)
    {
        Start();
        var lease = new PythonBufferLease();
        var view = lease.View;
        using (CPython.Gil())
        {
            PendingReleases.DrainWithGil();
            var address = CPython.AddressOf(obj);
            if (CPython.PyObject_GetBuffer(address, view, (int)request) != 0)
            {
                lease.Abandon();
                var context = $"PyObject_GetBuffer(flags=0x{(int)request:x})";
                // Only an object without the buffer protocol falls back: an exporter's refusal answers this request.
                if (!allowArrayLike || CPython.PyObject_CheckBuffer(address) != 0 || CPython.PyErr_ExceptionMatches(CPython.PyExc_TypeError) == 0)
                {
                    throw CPython.FetchError(context);
                }
                var noBuffer = CPython.FetchError(context);
                return ArrayLikeImport.TryAcquire(obj, request, owner) ?? throw new PythonBufferException(
                    noBuffer.Message + "; nor does it have __array_struct__ or __array_interface__", noBuffer.PythonTypeName);
            }
        }
        try
        {
            return PyBufferView.ToAcquiredBuffer(view, owner, lease, request);
        }
        catch
        {
            lease.Release();
            throw;
        }
    }

    private static void Start()
    {
        CPython.EnsureLoaded();
        PendingReleases.EnsureStarted();
    }
}
