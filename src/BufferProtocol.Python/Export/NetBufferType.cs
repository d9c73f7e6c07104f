using System.Runtime.InteropServices;
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
/// (<c>__array_interface__</c>, <c>__array_struct__</c>): <see cref="NetBufferProtocols"/>.</item>
/// </list>
/// <para>Python code cannot instantiate the type (<c>Py_TPFLAGS_DISALLOW_INSTANTIATION</c>); instances are made by
/// <see cref="Create"/>. The C side (the spec, slot and method tables, the <c>Py_buffer</c> the slots fill) is in
/// <c>Interop/</c>: <see cref="NetBufferSpec"/>, <see cref="ExportRecord"/>.</para>
/// </remarks>
internal static class NetBufferType
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
        var self = CPython.TypeAlloc(Type);
        if (self == 0)
        {
            throw CPython.FetchError("could not allocate a bufferprotocol.NetBuffer");
        }
        Marshal.WriteIntPtr(self + s_handleOffset, GCHandle.ToIntPtr(GCHandle.Alloc(exporter)));
        Marshal.WriteIntPtr(self + s_handleOffset + IntPtr.Size, 0);
        return CPython.ToPyObject(self);
    }

    /// <summary>The .NET exporter behind <paramref name="obj"/>, or null when it is not a <c>NetBuffer</c>. Needs the GIL.</summary>
    public static IBufferExporter? TryGetExporter(nint obj)
    {
        var type = Volatile.Read(ref s_type);
        if (type == 0 || CPython.Py_TYPE(obj) != type)
        {
            return null;
        }
        var handle = Marshal.ReadIntPtr(obj + s_handleOffset);
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
        var type = NetBufferSpec.CreateType(TypeName, Doc, basicSize + (2 * IntPtr.Size));
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

    /// <summary>
    /// The export behind <c>__array_interface__</c>: taken (<see cref="BufferRequest.FullRO"/>) on first use and kept
    /// until <c>tp_dealloc</c>, so that the address it publishes stays valid while the object lives. Needs the GIL.
    /// </summary>
    public static AcquiredBuffer InterfaceExport(nint self)
    {
        var slot = self + s_handleOffset + IntPtr.Size;
        var existing = Marshal.ReadIntPtr(slot);
        if (existing != 0)
        {
            return (AcquiredBuffer)GCHandle.FromIntPtr(existing).Target!;
        }
        var buffer = ExporterOf(self).GetBuffer(BufferRequest.FullRO);
        Marshal.WriteIntPtr(slot, GCHandle.ToIntPtr(GCHandle.Alloc(buffer)));
        return buffer;
    }

    /// <summary>The exporter behind a <c>NetBuffer</c> (<paramref name="self"/> must be one).</summary>
    public static IBufferExporter ExporterOf(nint self)
    {
        var handle = Marshal.ReadIntPtr(self + s_handleOffset);
        return handle == 0
            ? throw new ObjectDisposedException(TypeName)
            : (IBufferExporter)GCHandle.FromIntPtr(handle).Target!;
    }

    /// <summary><c>bf_getbuffer</c>: <paramref name="view"/> is the consumer's <see cref="Py_buffer"/>.</summary>
    [UnmanagedCallersOnly]
    internal static int GetBuffer(nint self, nint view, int flags)
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
            ExportRecord.Refuse(view);
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

    /// <summary><c>bf_releasebuffer</c>: <paramref name="view"/> is the <see cref="Py_buffer"/> <see cref="GetBuffer"/> filled.</summary>
    [UnmanagedCallersOnly]
    internal static void ReleaseBuffer(nint self, nint view)
    {
        try
        {
            ExportRecord.TryTake(view)?.Dispose();
        }
        catch (Exception)
        {
            // bf_releasebuffer cannot fail; the record's own release is exactly-once, so there is nothing to retry.
        }
    }

    /// <summary><c>tp_dealloc</c>.</summary>
    [UnmanagedCallersOnly]
    internal static void Dealloc(nint self)
    {
        var interfaceSlot = self + s_handleOffset + IntPtr.Size;
        var interfaceHandle = Marshal.ReadIntPtr(interfaceSlot);
        if (interfaceHandle != 0)
        {
            var handle = GCHandle.FromIntPtr(interfaceHandle);
            Marshal.WriteIntPtr(interfaceSlot, 0);
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
        var slot = self + s_handleOffset;
        var exporterHandle = Marshal.ReadIntPtr(slot);
        if (exporterHandle != 0)
        {
            GCHandle.FromIntPtr(exporterHandle).Free();
            Marshal.WriteIntPtr(slot, 0);
        }
        var type = CPython.Py_TYPE(self);
        CPython.TypeFree(self);
        CPython.Py_DecRef(type);
    }

    /// <summary><c>tp_repr</c>.</summary>
    [UnmanagedCallersOnly]
    internal static nint Repr(nint self)
    {
        try
        {
            var handle = Marshal.ReadIntPtr(self + s_handleOffset);
            var target = handle == 0 ? null : GCHandle.FromIntPtr(handle).Target;
            return PyValues.NewString($"<{TypeName} of {target?.GetType().FullName ?? "nothing"}>");
        }
        catch (PythonErrorSet)
        {
            return 0;
        }
        catch (Exception e)
        {
            CPython.SetError(CPython.PyExc_BufferError, e.Message);
            return 0;
        }
    }
}
