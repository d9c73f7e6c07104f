using System.Runtime.InteropServices;
using BufferProtocol.Interop.DLPack;
using BufferProtocol.Interop.NumPy;
using BufferProtocol.Protocol;
using BufferProtocol.Python.Interop;

namespace BufferProtocol.Python.Export;

/// <summary>
/// The NumPy-world protocols of <c>bufferprotocol.NetBuffer</c>: <c>__dlpack__</c>, <c>__dlpack_device__</c>
/// (<c>Py_tp_methods</c>), <c>__array_interface__</c> and <c>__array_struct__</c> (<c>Py_tp_getset</c>), as
/// <see cref="UnmanagedCallersOnlyAttribute"/> functions called by Python with the GIL held.
/// </summary>
/// <remarks>
/// <para><b><c>__dlpack__(*, stream=None, max_version=None, dl_device=None, copy=None)</c></b> (array API 2023.12):
/// <c>max_version &gt;= (1, 0)</c> gives a <see cref="DLManagedTensorVersioned"/> in a capsule named
/// <c>"dltensor_versioned"</c> (version 1.2, or the consumer's 1.x minor if lower), anything else the legacy
/// <see cref="DLManagedTensor"/> in <c>"dltensor"</c> — what NumPy 1.24's <c>from_dlpack</c> gets, since it calls
/// <c>type(x).__dlpack__(x)</c> with no arguments. <c>stream</c> must be None (<c>ValueError</c>), <c>dl_device</c>
/// None or <c>(1, 0)</c> (<c>BufferError</c>), <c>copy=True</c> exports a copy with <c>IS_COPIED</c>, <c>False</c> and
/// None never copy. What DLPack cannot describe raises <c>BufferError</c> with the reason.</para>
/// <para><b>Ownership.</b> The capsule owns the managed tensor until a consumer renames it <c>used_dltensor</c> /
/// <c>used_dltensor_versioned</c>; its destructor calls the tensor's deleter only if it still has the original name.
/// The deleter releases the .NET export (from any thread). The capsules themselves are made and destroyed in
/// <see cref="DLPackCapsules"/>.</para>
/// <para><b><c>__array_interface__</c></b> (version 3): <c>data</c> is <c>(address, readonly)</c> with the exporter's
/// real read-only flag, <c>strides</c> is None when C-contiguous, <c>typestr</c>/<c>descr</c> come from
/// <see cref="NumPyDType"/> (<c>('', '|Vn')</c> gap entries for records). The first access takes one export of the
/// .NET exporter and keeps it until the <c>NetBuffer</c> is deallocated, so the address stays valid (and managed
/// memory pinned) for as long as any consumer can hold the object — NumPy stores the interface's owner as the array's
/// base. Suboffsets and formats NumPy has no dtype for raise <c>BufferError</c>.</para>
/// <para><b><c>__array_struct__</c></b>: a new capsule per access over the same export, made by
/// <see cref="ArrayStructExport"/> (which holds a reference to the <c>NetBuffer</c> until the capsule is destroyed).</para>
/// </remarks>
internal static class NetBufferProtocols
{
    /// <summary><c>__dlpack__</c> (<c>METH_VARARGS | METH_KEYWORDS</c>; <paramref name="kwargs"/> may be NULL).</summary>
    [UnmanagedCallersOnly]
    internal static nint DLPack(nint self, nint args, nint kwargs)
    {
        try
        {
            var request = ParseDLPackArguments(args, kwargs);
            var exporter = NetBufferType.ExporterOf(self);
            var options = request.Versioned ? new DLPackExportOptions(request.Copy, request.Version) : new DLPackExportOptions(request.Copy);
            return DLPackCapsules.Export(exporter, request.Versioned, options);
        }
        catch (Exception e)
        {
            Raise(e);
            return 0;
        }
    }

    /// <summary><c>__dlpack_device__</c> (<c>METH_NOARGS</c>).</summary>
    [UnmanagedCallersOnly]
    internal static nint DLPackDevice(nint self, nint unused)
    {
        try
        {
            return PyValues.NewTuple(PyValues.NewInt((int)DLDeviceType.kDLCPU), PyValues.NewInt(0));
        }
        catch (Exception e)
        {
            Raise(e);
            return 0;
        }
    }

    /// <summary>The <c>__array_interface__</c> getter (<paramref name="closure"/> is unused).</summary>
    [UnmanagedCallersOnly]
    internal static nint ArrayInterface(nint self, nint closure)
    {
        nint dict = 0;
        try
        {
            var (buffer, type, layout) = Describe(self, "__array_interface__");
            dict = CPython.PyDict_New();
            if (dict == 0)
            {
                throw new PythonErrorSet();
            }
            // Keys in the order NumPy's own ndarray.__array_interface__ lists them.
            PyValues.SetItem(dict, "data", PyValues.NewTuple(PyValues.NewAddress(buffer.Pointer), PyValues.NewBool(buffer.IsReadOnly)));
            PyValues.SetItem(dict, "strides", layout.IsCContiguous ? PyValues.NewNone() : PyValues.NewIntTuple(layout.Strides));
            PyValues.SetItem(dict, "descr", Descr(type));
            PyValues.SetItem(dict, "typestr", PyValues.NewString(type.TypeString));
            PyValues.SetItem(dict, "shape", PyValues.NewIntTuple(layout.Shape));
            PyValues.SetItem(dict, "version", PyValues.NewInt(3));
            return dict;
        }
        catch (Exception e)
        {
            if (dict != 0)
            {
                CPython.Py_DecRef(dict);
            }
            Raise(e);
            return 0;
        }
    }

    /// <summary>The <c>__array_struct__</c> getter (<paramref name="closure"/> is unused).</summary>
    [UnmanagedCallersOnly]
    internal static nint ArrayStruct(nint self, nint closure)
    {
        try
        {
            var (buffer, type, layout) = Describe(self, "__array_struct__");
            // NumPy converts descr with PyArray_DescrConverter: a record's descr list, else the typestr itself (a list
            // [('', '<U3')] would come back as a record with one field 'f0').
            var descr = !ArrayStructExport.NeedsDescr(type) ? 0 : type.IsStructured ? Descr(type) : PyValues.NewString(type.TypeString);
            return ArrayStructExport.NewCapsule(self, buffer.Pointer, buffer.IsReadOnly, type, layout, descr);
        }
        catch (Exception e)
        {
            Raise(e);
            return 0;
        }
    }

    /// <summary>
    /// The export both NumPy interfaces publish (kept until the <c>NetBuffer</c> is deallocated), its dtype, and its
    /// layout in items of that dtype; suboffsets and formats without a dtype are <see cref="BufferException"/>s.
    /// </summary>
    private static (AcquiredBuffer Buffer, NumPyDType Type, Layout.BufferLayout Layout) Describe(nint self, string protocol)
    {
        var buffer = NetBufferType.InterfaceExport(self);
        if (buffer.HasSubOffsets)
        {
            throw new BufferException($"{protocol} cannot describe PIL-style buffers with suboffsets");
        }
        try
        {
            var type = NumPyDType.FromBuffer(buffer.Format, buffer.Layout, out var layout);
            return (buffer, type, layout);
        }
        catch (NotSupportedException e)
        {
            throw new BufferException($"{protocol} cannot describe the format '{buffer.Format}': {e.Message}");
        }
    }

    /// <summary>The <c>descr</c> list: <c>[('', typestr)]</c>, or one tuple per field (padding entries included).</summary>
    private static nint Descr(NumPyDType type) =>
        type.IsStructured ? Fields(type) : PyValues.NewList([PyValues.NewTuple(PyValues.NewString(""), PyValues.NewString(type.TypeString))]);

    private static nint Fields(NumPyDType type)
    {
        var items = new nint[type.Fields.Length];
        try
        {
            for (var i = 0; i < items.Length; i++)
            {
                var field = type.Fields[i];
                var name = field.Title is null
                    ? PyValues.NewString(field.Name)
                    : PyValues.NewTuple(PyValues.NewString(field.Title), PyValues.NewString(field.Name));
                items[i] = field.Shape.IsDefaultOrEmpty
                    ? PyValues.NewTuple(name, FieldType(field.Type))
                    : PyValues.NewTuple(name, FieldType(field.Type), PyValues.NewIntTuple(field.Shape.AsSpan()));
            }
        }
        catch
        {
            foreach (var item in items)
            {
                if (item != 0)
                {
                    CPython.Py_DecRef(item);
                }
            }
            throw;
        }
        return PyValues.NewList(items);
    }

    private static nint FieldType(NumPyDType type) =>
        type.IsSubArray ? PyValues.NewTuple(FieldType(type.Base!), PyValues.NewIntTuple(type.SubArrayShape.AsSpan()))
        : type.IsStructured ? Fields(type)
        : PyValues.NewString(type.TypeString);

    private readonly record struct DLPackRequest(bool Versioned, DLPackVersion? Version, bool Copy);

    private static DLPackRequest ParseDLPackArguments(nint args, nint kwargs)
    {
        if (args != 0 && CPython.PyTuple_Size(args) > 0)
        {
            throw new PythonRaise(CPython.PyExc_TypeError, "__dlpack__() takes no positional arguments");
        }
        nint stream = CPython.Py_None, maxVersion = CPython.Py_None, device = CPython.Py_None, copy = CPython.Py_None;
        if (kwargs != 0)
        {
            nint position = 0;
            while (CPython.PyDict_Next(kwargs, ref position, out var key, out var value) != 0)
            {
                switch (PyValues.AsString(key))
                {
                    case "stream": stream = value; break;
                    case "max_version": maxVersion = value; break;
                    case "dl_device": device = value; break;
                    case "copy": copy = value; break;
                    case var name:
                        throw new PythonRaise(CPython.PyExc_TypeError, $"__dlpack__() got an unexpected keyword argument '{name}'");
                }
            }
        }
        if (stream != CPython.Py_None)
        {
            throw new PythonRaise(CPython.PyExc_ValueError, "__dlpack__: only stream=None is supported for CPU (kDLCPU) buffers");
        }
        if (device != CPython.Py_None && PyValues.AsIntPair(device) != ((int)DLDeviceType.kDLCPU, 0))
        {
            throw new BufferException($"cannot export to dl_device={CPython.Str(device)}: .NET buffers live on the CPU, (1, 0)");
        }
        if (copy != CPython.Py_None && copy != CPython.Py_True && copy != CPython.Py_False)
        {
            throw new PythonRaise(CPython.PyExc_TypeError, "__dlpack__: copy must be None, True or False");
        }
        if (maxVersion == CPython.Py_None)
        {
            return new DLPackRequest(false, null, copy == CPython.Py_True);
        }
        if (PyValues.AsIntPair(maxVersion) is not var (major, minor))
        {
            throw new PythonRaise(CPython.PyExc_TypeError, "__dlpack__: max_version must be None or a (major, minor) tuple of ints");
        }
        if (major < 1)
        {
            return new DLPackRequest(false, null, copy == CPython.Py_True);
        }
        var ours = DLPackBuffers.Version;
        var version = major == ours.major && minor >= 0 && minor < ours.minor ? new DLPackVersion(ours.major, (uint)minor) : ours;
        return new DLPackRequest(true, version, copy == CPython.Py_True);
    }

    /// <summary>Turns a .NET exception into the pending Python exception (nothing .NET escapes into C).</summary>
    internal static void Raise(Exception e)
    {
        try
        {
            switch (e)
            {
                case PythonErrorSet:
                    return;
                case PythonRaise raise:
                    CPython.SetError(raise.Type, raise.Message);
                    return;
                case OutOfMemoryException:
                    CPython.SetError(CPython.PyExc_MemoryError, e.Message);
                    return;
                case BufferException or NotSupportedException:
                    CPython.SetError(CPython.PyExc_BufferError, e.Message);
                    return;
                default:
                    CPython.SetError(CPython.PyExc_BufferError, $"{e.GetType().Name}: {e.Message}");
                    return;
            }
        }
        catch (Exception)
        {
            // Raising failed too (out of memory): Python reports "error return without exception set".
        }
    }
}
