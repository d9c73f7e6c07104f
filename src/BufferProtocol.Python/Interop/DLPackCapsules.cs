using System.Runtime.InteropServices;
using BufferProtocol.Interop.DLPack;
using BufferProtocol.Protocol;

namespace BufferProtocol.Python.Interop;

/// <summary>
/// DLPack tensors in <c>PyCapsule</c>s, at the C level: the capsules <c>__dlpack__</c> returns (export) and takes apart
/// (import), their destructors, and calls of a producer's <c>deleter</c>. The protocol around them (arguments,
/// fallbacks, when a deleter may run) is in <c>Export/NetBufferProtocols</c> and <c>Import/DLPackImport</c>.
/// </summary>
/// <remarks>
/// <para><b>Who releases what.</b> A capsule named <c>"dltensor_versioned"</c> holds a <see cref="DLManagedTensorVersioned"/>,
/// one named <c>"dltensor"</c> a legacy <see cref="DLManagedTensor"/>; the capsule owns the tensor until a consumer
/// renames it <c>used_dltensor_versioned</c> / <c>used_dltensor</c>, which hands the tensor (and the duty to call its
/// <c>deleter</c> exactly once) to that consumer. The destructor of a capsule this library made calls the deleter only
/// if the capsule still has its original name. Importing renames first, then builds the <see cref="DLPackTensor"/>
/// whose last release calls the deleter through the given <see cref="IDLPackDeleterInvoker"/>.</para>
/// <para>Capsule names are process-lifetime UTF-8 strings (<see cref="PyValues.StaticString"/>): CPython keeps the
/// pointer, not a copy.</para>
/// </remarks>
internal static unsafe class DLPackCapsules
{
    private static readonly nint s_legacy = PyValues.StaticString("dltensor");
    private static readonly nint s_versioned = PyValues.StaticString("dltensor_versioned");
    private static readonly nint s_usedLegacy = PyValues.StaticString("used_dltensor");
    private static readonly nint s_usedVersioned = PyValues.StaticString("used_dltensor_versioned");

    /// <summary>
    /// A new capsule holding an export of <paramref name="exporter"/>: versioned (<c>"dltensor_versioned"</c>) or legacy
    /// (<c>"dltensor"</c>). Returns 0 with a Python error set when <c>PyCapsule_New</c> fails (the tensor is deleted
    /// then). The GIL is held.
    /// </summary>
    /// <exception cref="BufferException">DLPack cannot describe the buffer.</exception>
    public static nint Export(IBufferExporter exporter, bool versioned, DLPackExportOptions options)
    {
        if (versioned)
        {
            var managed = DLPackBuffers.Export(exporter, options);
            var capsule = CPython.PyCapsule_New((nint)managed, s_versioned, &DestroyVersioned);
            if (capsule == 0)
            {
                DLPackBuffers.Delete(managed);
            }
            return capsule;
        }
        var legacy = DLPackBuffers.ExportLegacy(exporter, options);
        var legacyCapsule = CPython.PyCapsule_New((nint)legacy, s_legacy, &DestroyLegacy);
        if (legacyCapsule == 0)
        {
            DLPackBuffers.Delete(legacy);
        }
        return legacyCapsule;
    }

    /// <summary>
    /// Takes the tensor out of the capsule <c>__dlpack__</c> returned (renaming it <c>used_…</c> first) and imports it.
    /// The GIL is held.
    /// </summary>
    /// <exception cref="BufferException">Not a DLPack capsule (or one already consumed).</exception>
    /// <exception cref="PythonBufferException">The capsule could not be renamed.</exception>
    public static DLPackTensor Import(nint capsule, bool legacyWritable, IDLPackDeleterInvoker invoker)
    {
        if (CPython.PyCapsule_IsValid(capsule, s_versioned) != 0)
        {
            var managed = (DLManagedTensorVersioned*)CPython.PyCapsule_GetPointer(capsule, s_versioned);
            if (CPython.PyCapsule_SetName(capsule, s_usedVersioned) != 0)
            {
                throw CPython.FetchError("__dlpack__ capsule");
            }
            return DLPackBuffers.Import(managed, invoker);
        }
        if (CPython.PyCapsule_IsValid(capsule, s_legacy) != 0)
        {
            var managed = (DLManagedTensor*)CPython.PyCapsule_GetPointer(capsule, s_legacy);
            if (CPython.PyCapsule_SetName(capsule, s_usedLegacy) != 0)
            {
                throw CPython.FetchError("__dlpack__ capsule");
            }
            return DLPackBuffers.ImportLegacy(managed, legacyWritable, invoker);
        }
        var name = CPython.PyCapsule_GetName(capsule);
        CPython.PyErr_Clear();
        throw new BufferException(name == 0
            ? $"__dlpack__ returned {CPython.Str(capsule)}, not a DLPack capsule"
            : $"__dlpack__ returned a capsule named '{Marshal.PtrToStringUTF8(name)}', not 'dltensor' or 'dltensor_versioned' (a capsule that was already consumed?)");
    }

    /// <summary>Calls a producer's <c>void deleter(DLManagedTensor*)</c> (either struct: the deleter takes its own kind).</summary>
    public static void CallDeleter(nint deleter, nint managedTensor) => ((delegate* unmanaged<nint, void>)deleter)(managedTensor);

    [UnmanagedCallersOnly]
    private static void DestroyLegacy(nint capsule) => Destroy(capsule, s_legacy, versioned: false);

    [UnmanagedCallersOnly]
    private static void DestroyVersioned(nint capsule) => Destroy(capsule, s_versioned, versioned: true);

    /// <summary>
    /// The capsule destructor: calls the tensor's deleter unless a consumer renamed the capsule (<c>used_…</c>), which
    /// means it took the tensor. Keeps any pending Python exception, as destructors run during unwinding too.
    /// </summary>
    private static void Destroy(nint capsule, nint name, bool versioned)
    {
        CPython.PyErr_Fetch(out var type, out var value, out var traceback);
        try
        {
            if (CPython.PyCapsule_IsValid(capsule, name) != 0)
            {
                var managed = CPython.PyCapsule_GetPointer(capsule, name);
                if (versioned)
                {
                    DLPackBuffers.Delete((DLManagedTensorVersioned*)managed);
                }
                else
                {
                    DLPackBuffers.Delete((DLManagedTensor*)managed);
                }
            }
        }
        catch (Exception)
        {
            // A destructor cannot fail; the deleter releases exactly once, so there is nothing to retry.
        }
        finally
        {
            CPython.PyErr_Restore(type, value, traceback);
        }
    }
}
