using System.Runtime.InteropServices;
using System.Text;
using BufferProtocol.Protocol;
using BufferProtocol.Python.Interop;
using Python.Runtime;

namespace BufferProtocol.Python.Export;

/// <summary>
/// The Python type <c>bufferprotocol.NetBuffer</c>: a heap type made with <c>PyType_FromSpec</c> whose
/// <c>bf_getbuffer</c>/<c>bf_releasebuffer</c> are <see cref="UnmanagedCallersOnlyAttribute"/> functions backed by a
/// .NET <see cref="IBufferExporter"/>.
/// </summary>
/// <remarks>
/// <para><b>Instance layout.</b> <c>[PyObject header (object.__basicsize__ bytes)][GCHandle to the exporter][GCHandle to
/// the <c>__array_interface__</c> export, or 0]</c>. The handles are strong ones: the Python object keeps the .NET
/// exporter alive until <c>tp_dealloc</c> frees them. The exporter, for its part, keeps the memory at the same address
/// (pinned) and refuses to free or resize it while an export is live — including the one export
/// <c>__array_interface__</c> takes on first access and keeps until <c>tp_dealloc</c>.</para>
/// <para><b>Slots</b> (all called by Python with the GIL held; none lets a .NET exception escape):</para>
/// <list type="bullet">
/// <item><c>bf_getbuffer</c>: <c>exporter.GetBuffer((BufferRequest)flags)</c>, then <see cref="ExportRecord.Fill"/>;
/// a <see cref="BufferException"/> (or any other failure) becomes Python's <c>BufferError</c> with the message, and
/// <c>view-&gt;obj</c> is left NULL, as the protocol demands.</item>
/// <item><c>bf_releasebuffer</c>: disposes the export record (never touches <c>view-&gt;obj</c>, which
/// <c>PyBuffer_Release</c> drops).</item>
/// <item><c>tp_dealloc</c>: releases the <c>__array_interface__</c> export, frees the handles, the object
/// (<c>tp_free</c>) and the instance's reference to its heap type.</item>
/// <item><c>Py_tp_methods</c> (<c>__dlpack__</c>, <c>__dlpack_device__</c>) and <c>Py_tp_getset</c>
/// (<c>__array_interface__</c>): <see cref="NetBufferProtocols"/>.</item>
/// </list>
/// <para>Python code cannot instantiate the type (<c>Py_TPFLAGS_DISALLOW_INSTANTIATION</c>); instances are made by
/// <see cref="Create"/>.</para>
/// </remarks>
internal static unsafe class NetBufferType
{
    private const string TypeName = "bufferprotocol.NetBuffer";
    private const string Doc = "A .NET buffer exporter, seen through the PEP 3118 buffer protocol without copying.";

    private static nint s_type;
    private static int s_handleOffset;

    /// <summary>The type object (a borrowed reference kept for the interpreter's life). Needs the GIL.</summary>
    public static nint Type
    {
        get
        {
            var type = Volatile.Read(ref s_type);
            return type != 0 ? type : CreateType();
        }
    }

    /// <summary>Forgets the type when the interpreter shuts down (its objects die with it).</summary>
    public static void Reset() => Volatile.Write(ref s_type, 0);

    /// <summary>Makes a new Python object exporting <paramref name="exporter"/>. Needs the GIL.</summary>
    public static PyObject Create(IBufferExporter exporter)
    {
        var type = Type;
        var alloc = (delegate* unmanaged<nint, nint, nint>)CPython.PyType_GetSlot(type, TypeSlot.Py_tp_alloc);
        var self = alloc(type, 0);
        if (self == 0)
        {
            throw CPython.FetchError("could not allocate a bufferprotocol.NetBuffer");
        }
        *(nint*)(self + s_handleOffset) = GCHandle.ToIntPtr(GCHandle.Alloc(exporter));
        *(nint*)(self + s_handleOffset + IntPtr.Size) = 0;
        return CPython.ToPyObject(self);
    }

    /// <summary>The .NET exporter behind <paramref name="obj"/>, or null when it is not a <c>NetBuffer</c>. Needs the GIL.</summary>
    public static IBufferExporter? TryGetExporter(nint obj)
    {
        var type = Volatile.Read(ref s_type);
        if (type == 0 || *(nint*)(obj + IntPtr.Size) != type)
        {
            return null;
        }
        var handle = *(nint*)(obj + s_handleOffset);
        return handle == 0 ? null : (IBufferExporter?)GCHandle.FromIntPtr(handle).Target;
    }

    private static nint CreateType()
    {
        int basicSize;
        using (var builtins = Py.Import("builtins"))
        using (var objectType = builtins.GetAttr("object"))
        using (var size = objectType.GetAttr("__basicsize__"))
        {
            basicSize = size.As<int>();
        }
        // Everything the spec points at must outlive the type: allocate once, never free.
        var slots = (PyType_Slot*)NativeMemory.AllocZeroed((nuint)(8 * sizeof(PyType_Slot)));
        slots[0] = new PyType_Slot { slot = TypeSlot.Py_bf_getbuffer, pfunc = (delegate* unmanaged<nint, Py_buffer*, int, int>)&GetBuffer };
        slots[1] = new PyType_Slot { slot = TypeSlot.Py_bf_releasebuffer, pfunc = (delegate* unmanaged<nint, Py_buffer*, void>)&ReleaseBuffer };
        slots[2] = new PyType_Slot { slot = TypeSlot.Py_tp_dealloc, pfunc = (delegate* unmanaged<nint, void>)&Dealloc };
        slots[3] = new PyType_Slot { slot = TypeSlot.Py_tp_repr, pfunc = (delegate* unmanaged<nint, nint>)&Repr };
        slots[4] = new PyType_Slot { slot = TypeSlot.Py_tp_doc, pfunc = NativeString(Doc) };
        slots[5] = new PyType_Slot { slot = TypeSlot.Py_tp_methods, pfunc = NetBufferProtocols.Methods };
        slots[6] = new PyType_Slot { slot = TypeSlot.Py_tp_getset, pfunc = NetBufferProtocols.GetSets };
        var spec = (PyType_Spec*)NativeMemory.AllocZeroed((nuint)sizeof(PyType_Spec));
        spec->name = NativeString(TypeName);
        spec->basicsize = basicSize + (2 * IntPtr.Size);
        spec->itemsize = 0;
        spec->flags = Interop.TypeFlags.Py_TPFLAGS_DEFAULT | Interop.TypeFlags.Py_TPFLAGS_DISALLOW_INSTANTIATION;
        spec->slots = slots;

        var type = CPython.PyType_FromSpec(spec);
        if (type == 0)
        {
            throw CPython.FetchError("could not create the bufferprotocol.NetBuffer type");
        }
        s_handleOffset = basicSize;
        var existing = Interlocked.CompareExchange(ref s_type, type, 0);
        if (existing != 0)
        {
            // Another thread won while this one waited for the GIL inside PyType_FromSpec.
            CPython.Py_DecRef(type);
            return existing;
        }
        return type;
    }

    private static byte* NativeString(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var p = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
        bytes.CopyTo(new Span<byte>(p, bytes.Length));
        p[bytes.Length] = 0;
        return p;
    }

    /// <summary>
    /// The export behind <c>__array_interface__</c>: taken (<see cref="BufferRequest.FullRO"/>) on first use and kept
    /// until <c>tp_dealloc</c>, so that the address it publishes stays valid while the object lives. Needs the GIL.
    /// </summary>
    public static AcquiredBuffer InterfaceExport(nint self)
    {
        var slot = (nint*)(self + s_handleOffset + IntPtr.Size);
        if (*slot != 0)
        {
            return (AcquiredBuffer)GCHandle.FromIntPtr(*slot).Target!;
        }
        var buffer = ExporterOf(self).GetBuffer(BufferRequest.FullRO);
        *slot = GCHandle.ToIntPtr(GCHandle.Alloc(buffer));
        return buffer;
    }

    /// <summary>The exporter behind a <c>NetBuffer</c> (<paramref name="self"/> must be one).</summary>
    public static IBufferExporter ExporterOf(nint self)
    {
        var handle = *(nint*)(self + s_handleOffset);
        return handle == 0
            ? throw new ObjectDisposedException(TypeName)
            : (IBufferExporter)GCHandle.FromIntPtr(handle).Target!;
    }

    [UnmanagedCallersOnly]
    private static int GetBuffer(nint self, Py_buffer* view, int flags)
    {
        try
        {
            var buffer = ExporterOf(self).GetBuffer((BufferRequest)flags);
            try
            {
                ExportRecord.Fill(view, self, buffer);
            }
            catch
            {
                buffer.Dispose();
                throw;
            }
            return 0;
        }
        catch (Exception e)
        {
            view->obj = 0;
            try
            {
                var message = e is BufferException ? e.Message : $"{e.GetType().Name}: {e.Message}";
                CPython.SetError(e is OutOfMemoryException ? CPython.PyExc_MemoryError : CPython.PyExc_BufferError, message);
            }
            catch (Exception)
            {
                // Raising failed too (out of memory): Python reports "error return without exception set".
            }
            return -1;
        }
    }

    [UnmanagedCallersOnly]
    private static void ReleaseBuffer(nint self, Py_buffer* view)
    {
        try
        {
            if (view->@internal is not null)
            {
                ExportRecord.Take(view).Dispose();
            }
        }
        catch (Exception)
        {
            // bf_releasebuffer cannot fail; the record's own release is exactly-once, so there is nothing to retry.
        }
    }

    [UnmanagedCallersOnly]
    private static void Dealloc(nint self)
    {
        var interfaceSlot = (nint*)(self + s_handleOffset + IntPtr.Size);
        if (*interfaceSlot != 0)
        {
            var handle = GCHandle.FromIntPtr(*interfaceSlot);
            *interfaceSlot = 0;
            try
            {
                ((AcquiredBuffer)handle.Target!).Dispose();
            }
            catch (Exception)
            {
                // tp_dealloc cannot fail; the release is exactly-once.
            }
            handle.Free();
        }
        var slot = (nint*)(self + s_handleOffset);
        if (*slot != 0)
        {
            GCHandle.FromIntPtr(*slot).Free();
            *slot = 0;
        }
        // ob_type follows ob_refcnt in every non-debug build's PyObject header.
        var type = *(nint*)(self + IntPtr.Size);
        var free = (delegate* unmanaged<nint, void>)CPython.PyType_GetSlot(type, TypeSlot.Py_tp_free);
        free(self);
        CPython.Py_DecRef(type);
    }

    [UnmanagedCallersOnly]
    private static nint Repr(nint self)
    {
        try
        {
            var handle = *(nint*)(self + s_handleOffset);
            var target = handle == 0 ? null : GCHandle.FromIntPtr(handle).Target;
            var text = $"<{TypeName} of {target?.GetType().FullName ?? "nothing"}>";
            var bytes = Encoding.UTF8.GetBytes(text + "\0");
            fixed (byte* p = bytes)
            {
                return CPython.PyUnicode_FromString(p);
            }
        }
        catch (Exception e)
        {
            CPython.SetError(CPython.PyExc_BufferError, e.Message);
            return 0;
        }
    }
}
