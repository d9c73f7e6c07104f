using BufferProtocol.Interop.NumPy;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;
using BufferProtocol.Python.Import;
using Python.Runtime;

namespace BufferProtocol.Python.Interop;

/// <summary>
/// Imports any Python object carrying <c>__array_struct__</c> (a nameless <c>PyCapsule</c> holding a
/// <see cref="PyArrayInterface"/>) as a buffer, the way NumPy 1.24's <c>PyArray_FromStructInterface</c> reads it.
/// </summary>
/// <remarks>
/// <para><b>Type.</b> With <see cref="PyArrayInterface.NPY_ARR_HAS_DESCR"/> the <c>descr</c> is read as an
/// <c>__array_interface__</c> descr (a list) or a typestr (a str); if it cannot be (or is absent), the typestr is the byte order (native with
/// <see cref="PyArrayInterface.NPY_ARRAY_NOTSWAPPED"/>, else swapped), <c>typekind</c> and <c>itemsize</c> — in
/// characters for <c>U</c>, 4 bytes each (NumPy itself would read the byte count as characters there).</para>
/// <para><b>Layout.</b> <c>strides</c> NULL means C-contiguous, or Fortran-contiguous when only
/// <see cref="PyArrayInterface.NPY_ARRAY_F_CONTIGUOUS"/> is set (NumPy's rule); read-only unless
/// <see cref="PyArrayInterface.NPY_ARRAY_WRITEABLE"/>. The memory is trusted, as NumPy trusts it.</para>
/// <para><b>Lifetime.</b> The buffer holds references to the object and to the capsule (whose destructor may own what
/// the data lives in) and drops both once, with the GIL, when it is disposed.</para>
/// </remarks>
internal static unsafe class ArrayStructImport
{
    /// <summary>Reads <c>obj.__array_struct__</c> and answers <paramref name="request"/> from it. The caller holds the GIL.</summary>
    public static AcquiredBuffer Acquire(PyObject obj, BufferRequest request, object? owner) =>
        Acquire(obj, PythonErrors.GetAttr(obj, "__array_struct__"), request, owner);

    /// <summary>
    /// Answers <paramref name="request"/> from <paramref name="capsule"/>, the value of <c>obj.__array_struct__</c>
    /// already looked up (the buffer takes it over, or disposes of it on failure). The caller holds the GIL.
    /// </summary>
    public static AcquiredBuffer Acquire(PyObject obj, PyObject capsule, BufferRequest request, object? owner)
    {
        try
        {
            var address = CPython.AddressOf(capsule);
            if (CPython.PyCapsule_IsValid(address, 0) == 0)
            {
                throw new BufferException($"__array_struct__ is a {capsule.GetPythonType().Name}, not a PyCapsule without a name");
            }
            var inter = (PyArrayInterface*)CPython.PyCapsule_GetPointer(address, 0);
            if (inter->two != 2)
            {
                throw new BufferException($"__array_struct__: the PyArrayInterface's 'two' is {inter->two}, not 2");
            }
            if (inter->nd < 0 || inter->nd > BufferLayout.MaxRank)
            {
                throw new BufferException($"__array_struct__ has {inter->nd} dimensions");
            }
            if (inter->nd > 0 && inter->shape is null)
            {
                throw new BufferException("__array_struct__ has dimensions but no shape");
            }
            var type = TypeOf(inter);
            var shape = new ReadOnlySpan<nint>(inter->shape, inter->nd);
            BufferLayout layout;
            if (inter->strides is not null)
            {
                if (!BufferLayout.TryCreate(type.ItemSize, shape, new ReadOnlySpan<nint>(inter->strides, inter->nd), default, out layout, out var error))
                {
                    throw new BufferException("__array_struct__ describes an invalid layout: " + error);
                }
            }
            else
            {
                var fortran = (inter->flags & (PyArrayInterface.NPY_ARRAY_C_CONTIGUOUS | PyArrayInterface.NPY_ARRAY_F_CONTIGUOUS)) == PyArrayInterface.NPY_ARRAY_F_CONTIGUOUS;
                try
                {
                    layout = BufferLayout.Contiguous(type.ItemSize, shape, fortran ? ContiguityOrder.Fortran : ContiguityOrder.C);
                }
                catch (ArgumentException e)
                {
                    throw new BufferException("__array_struct__ shape is invalid: " + e.Message);
                }
            }
            if (inter->data is null && !layout.IsEmpty)
            {
                throw new BufferException("__array_struct__ data is NULL but the array holds items");
            }
            var readOnly = (inter->flags & PyArrayInterface.NPY_ARRAY_WRITEABLE) == 0;
            var reference = NewReference(obj);
            var lease = new Lease(reference, capsule);
            try
            {
                return BufferRequestRules.Apply(new ExportSource((nint)inter->data, layout, type.Format, readOnly), request, owner ?? reference, lease);
            }
            catch
            {
                reference.Dispose();
                throw;
            }
        }
        catch
        {
            capsule.Dispose();
            throw;
        }
    }

    private static NumPyDType TypeOf(PyArrayInterface* inter)
    {
        var swapped = (inter->flags & PyArrayInterface.NPY_ARRAY_NOTSWAPPED) == 0;
        var order = swapped == BitConverter.IsLittleEndian ? '>' : '<';
        var kind = (char)inter->typekind;
        var typestr = $"{order}{kind}{(kind == 'U' ? inter->itemsize / 4 : inter->itemsize)}";
        NumPyDType type;
        try
        {
            var (descr, descrTypeString) = Descr(inter);
            type = NumPyDType.FromArrayInterface(descrTypeString ?? typestr, descr);
        }
        catch (Exception e) when (e is FormatException or NotSupportedException)
        {
            try
            {
                // NumPy too falls back to the typestr when descr does not convert.
                type = NumPyDType.FromArrayInterface(typestr, null);
            }
            catch (Exception inner) when (inner is FormatException or NotSupportedException)
            {
                throw new BufferException($"__array_struct__ typestr '{typestr}': {inner.Message}", inner);
            }
        }
        if (type.ItemSize != inter->itemsize)
        {
            throw new BufferException($"__array_struct__ says itemsize {inter->itemsize} but its type '{type.TypeString}' has {type.ItemSize}");
        }
        return type;
    }

    /// <summary>
    /// <c>descr</c> when <see cref="PyArrayInterface.NPY_ARR_HAS_DESCR"/> says it is there: a list (an
    /// <c>__array_interface__</c> descr, as its repr) or a typestr (a str); anything else is left to the typestr.
    /// </summary>
    private static (string? Descr, string? TypeString) Descr(PyArrayInterface* inter)
    {
        if ((inter->flags & PyArrayInterface.NPY_ARR_HAS_DESCR) == 0 || inter->descr == 0)
        {
            return (null, null);
        }
        CPython.Py_IncRef(inter->descr);
        using var descr = CPython.ToPyObject(inter->descr);
        return PyList.IsListType(descr) ? (descr.Repr(), null) : PyString.IsStringType(descr) ? (null, descr.As<string>()) : (null, null);
    }

    private static PyObject NewReference(PyObject obj)
    {
        var address = CPython.AddressOf(obj);
        CPython.Py_IncRef(address);
        return CPython.ToPyObject(address);
    }

    /// <summary>What an imported struct buffer holds: the object carrying <c>__array_struct__</c> and its capsule.</summary>
    private sealed class Lease(PyObject reference, PyObject capsule) : IBufferReleaser
    {
        public void ReleaseBuffer(AcquiredBuffer buffer)
        {
            if (CPython.IsAlive)
            {
                using (CPython.Gil())
                {
                    capsule.Dispose();
                    reference.Dispose();
                }
            }
        }
    }
}
