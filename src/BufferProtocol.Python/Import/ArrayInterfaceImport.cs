using System.Text;
using BufferProtocol.Interop.NumPy;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;
using BufferProtocol.Python.Interop;
using Python.Runtime;

namespace BufferProtocol.Python.Import;

/// <summary>
/// Imports any Python object carrying <c>__array_interface__</c> (version 3) as a buffer, the way NumPy 1.24's
/// <c>PyArray_FromInterface</c> reads it (interop-protocols §4.1).
/// </summary>
/// <remarks>
/// <para><b>Keys.</b> <c>typestr</c> (str or bytes) and <c>shape</c> (a tuple) are required; <c>descr</c> is read only
/// when the typestr is void; <c>strides</c> is None (C-contiguous) or a tuple as long as the shape; <c>version</c> and
/// <c>mask</c> are not checked. <c>data</c> is either <c>(address, readonly)</c> — the memory is trusted, as NumPy
/// trusts it, and <c>offset</c> is ignored — or an object with the buffer protocol (None: the object itself), whose
/// buffer is acquired writable if possible, else read-only, plus <c>offset</c>; the described layout must then fit in
/// that buffer. A missing <c>data</c> (NumPy's "scalar path") is refused.</para>
/// <para><b>Types.</b> typestr/descr → format through <see cref="NumPyDType"/>; datetime/timedelta (<c>M</c>,
/// <c>m</c>) are refused — view them as <c>'&lt;i8'</c> and keep the unit out of band.</para>
/// <para><b>Lifetime.</b> The buffer holds a reference to the object carrying the interface (what NumPy keeps as the
/// array's base) and, on the buffer-object path, the acquired Python buffer; both are released once, with the GIL, when
/// the buffer is disposed (or, if it is never disposed, by their finalizers).</para>
/// </remarks>
internal static class ArrayInterfaceImport
{
    /// <summary>Reads <c>obj.__array_interface__</c> and answers <paramref name="request"/> from it. The caller holds the GIL.</summary>
    public static AcquiredBuffer Acquire(PyObject obj, BufferRequest request, object? owner) =>
        Acquire(obj, PythonErrors.GetAttr(obj, "__array_interface__"), request, owner);

    /// <summary>
    /// Answers <paramref name="request"/> from <paramref name="iface"/>, the value of <c>obj.__array_interface__</c>
    /// already looked up (disposed of here). The caller holds the GIL.
    /// </summary>
    public static AcquiredBuffer Acquire(PyObject obj, PyObject iface, BufferRequest request, object? owner)
    {
        using (iface)
        {
            if (!PyDict.IsDictType(iface))
            {
                throw new BufferException($"__array_interface__ is a {iface.GetPythonType().Name}, not a dict");
            }
            using var dict = new PyDict(iface);
            var typestr = TypeString(dict);
            var shape = Extents(Get(dict, "shape") ?? throw new BufferException("Missing __array_interface__ shape"), "shape");
            NumPyDType type;
            try
            {
                using var descr = Get(dict, "descr");
                type = NumPyDType.FromArrayInterface(typestr, descr is null ? null : descr.Repr());
            }
            catch (Exception e) when (e is FormatException or NotSupportedException)
            {
                throw new BufferException($"__array_interface__ typestr '{typestr}': {e.Message}", e);
            }
            var format = type.Format;
            var layout = Layout(dict, type.ItemSize, shape);
            using var data = Get(dict, "data") ?? throw new BufferException(
                "__array_interface__ has no 'data': NumPy would store the object itself as a scalar, which is not a buffer");
            var reference = NewReference(obj);
            try
            {
                if (PyTuple.IsTupleType(data))
                {
                    return FromAddress(data, layout, format, request, owner ?? reference, new Lease(reference, null));
                }
                return FromBufferObject(data.IsNone() ? obj : data, dict, layout, format, request, owner ?? reference, reference);
            }
            catch
            {
                reference.Dispose();
                throw;
            }
        }
    }

    private static AcquiredBuffer FromAddress(PyObject data, in BufferLayout layout, string format, BufferRequest request, object owner, Lease lease)
    {
        using var tuple = new PyTuple(data);
        if (tuple.Length() != 2)
        {
            throw new BufferException("__array_interface__ data must be a 2-tuple with (data pointer integer, read-only flag)");
        }
        nint address;
        bool readOnly;
        using (var pointer = tuple[0])
        using (var flag = tuple[1])
        {
            if (!PyInt.IsIntType(pointer))
            {
                throw new BufferException("__array_interface__ data must be a 2-tuple with (data pointer integer, read-only flag)");
            }
            address = (nint)pointer.As<long>();
            readOnly = flag.IsTrue();
        }
        if (address == 0 && !layout.IsEmpty)
        {
            throw new BufferException("__array_interface__ data has a NULL address but the array holds items");
        }
        return BufferRequestRules.Apply(new ExportSource(address, layout, format, readOnly), request, owner, lease);
    }

    private static AcquiredBuffer FromBufferObject(PyObject bufferObject, PyDict dict, in BufferLayout layout, string format,
        BufferRequest request, object owner, PyObject reference)
    {
        nint offset = 0;
        using (var value = Get(dict, "offset"))
        {
            if (value is not null && !value.IsNone())
            {
                offset = PyInt.IsIntType(value) ? (nint)value.As<long>() : throw new BufferException("__array_interface__ offset must be an integer");
            }
        }
        // NumPy asks for a writable buffer first and settles for a read-only one.
        AcquiredBuffer inner;
        try
        {
            inner = PythonBuffers.Acquire(bufferObject, BufferRequest.Writable, bufferObject, allowArrayLike: false);
        }
        catch (PythonBufferException)
        {
            inner = PythonBuffers.Acquire(bufferObject, BufferRequest.Simple, bufferObject, allowArrayLike: false);
        }
        try
        {
            if (offset < 0 || !layout.FitsWithin(offset, inner.Length))
            {
                throw new BufferException($"the __array_interface__ layout {layout} at offset {offset} does not fit in the {inner.Length}-byte buffer of its data object");
            }
            var source = new ExportSource(inner.Pointer + offset, layout, format, inner.IsReadOnly);
            return BufferRequestRules.Apply(source, request, owner, new Lease(reference, inner));
        }
        catch
        {
            inner.Dispose();
            throw;
        }
    }

    private static string TypeString(PyDict dict)
    {
        using var value = Get(dict, "typestr") ?? throw new BufferException("Missing __array_interface__ typestr");
        if (PyString.IsStringType(value))
        {
            return value.As<string>();
        }
        if (value.GetPythonType().Name == "bytes")
        {
            return Encoding.Latin1.GetString(value.As<byte[]>());
        }
        throw new BufferException("__array_interface__ typestr must be a str or bytes");
    }

    private static BufferLayout Layout(PyDict dict, nint itemSize, nint[] shape)
    {
        using var value = Get(dict, "strides");
        nint[] strides;
        if (value is null || value.IsNone())
        {
            strides = new nint[shape.Length];
            try
            {
                BufferLayout.FillContiguousStrides(shape, strides, itemSize, ContiguityOrder.C);
            }
            catch (ArgumentException e)
            {
                throw new BufferException("__array_interface__ shape is invalid: " + e.Message);
            }
        }
        else
        {
            strides = Extents(value, "strides", allowNegative: true);
            if (strides.Length != shape.Length)
            {
                throw new BufferException("__array_interface__: mismatch in length of strides and shape");
            }
        }
        if (!BufferLayout.TryCreate(itemSize, shape, strides, default, out var layout, out var error))
        {
            throw new BufferException("__array_interface__ describes an invalid layout: " + error);
        }
        return layout;
    }

    private static nint[] Extents(PyObject value, string key, bool allowNegative = false)
    {
        if (!PyTuple.IsTupleType(value))
        {
            throw new BufferException($"__array_interface__ {key} must be a tuple");
        }
        using var tuple = new PyTuple(value);
        var result = new nint[tuple.Length()];
        for (var i = 0; i < result.Length; i++)
        {
            using var item = tuple[i];
            if (!PyInt.IsIntType(item) || (result[i] = (nint)item.As<long>()) < 0 && !allowNegative)
            {
                throw new BufferException($"__array_interface__ {key} must hold {(allowNegative ? "" : "non-negative ")}integers");
            }
        }
        return result;
    }

    private static PyObject? Get(PyDict dict, string key) => dict.HasKey(key) ? dict[key] : null;

    private static PyObject NewReference(PyObject obj)
    {
        var address = CPython.AddressOf(obj);
        CPython.Py_IncRef(address);
        return CPython.ToPyObject(address);
    }

    /// <summary>What an imported interface buffer holds: the interface's object and, on the buffer-object path, its Python buffer.</summary>
    private sealed class Lease(PyObject reference, AcquiredBuffer? inner) : IBufferReleaser
    {
        public void ReleaseBuffer(AcquiredBuffer buffer)
        {
            inner?.Dispose();
            if (CPython.IsAlive)
            {
                using (CPython.Gil())
                {
                    reference.Dispose();
                }
            }
        }
    }
}
