using System.Buffers.Binary;
using System.Runtime.InteropServices;
using BufferProtocol.Copying;
using BufferProtocol.Exporters;
using BufferProtocol.Formats;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;

namespace BufferProtocol.Interop.DLPack;

/// <summary>
/// DLPack (<c>dlpack.h</c>) for any buffer, with no Python involved: export an exporter's memory as a
/// <see cref="DLManagedTensorVersioned"/> (DLPack ≥ 1.0) or a legacy <see cref="DLManagedTensor"/>, and import either
/// struct from another library as a <see cref="DLPackTensor"/>.
/// </summary>
/// <remarks>
/// <para><b>Export.</b> One <see cref="BufferRequest.FullRO"/> export of the exporter is taken and handed to the tensor:
/// the memory stays pinned and alive until the consumer calls the tensor's deleter — exactly once, from any thread
/// (it is an <see cref="System.Runtime.InteropServices.UnmanagedCallersOnlyAttribute"/> function that releases the
/// export and frees the struct, which is one native block holding the struct, the shape and the strides). A consumer
/// that never calls it leaks the export, as C code would. Strides are always filled (the DLPack 1.2 rule), in
/// elements; <c>byte_offset</c> is 0 and <c>data</c> is the address of the first element, as NumPy sends them; the
/// device is <c>(kDLCPU, 0)</c>. Read-only memory gets <c>READ_ONLY</c> in the versioned struct and is refused by the
/// legacy one, which cannot say so (NumPy's rule).</para>
/// <para><b>Refused</b> (<see cref="BufferException"/> naming the reason): records, strings, objects, pointers,
/// <c>g</c>/<c>Zg</c>, bool in the legacy struct, and — unless <see cref="DLPackExportOptions.Copy"/> — suboffsets,
/// a byte stride that is not a multiple of the item size on an axis longer than 1, and non-native byte order.
/// A top-level sub-array item (<c>"3f"</c>) is spread into extra dimensions.</para>
/// <para><b>Import</b> takes ownership of the struct in every case: when the import is refused (unknown major version,
/// device the CPU cannot address, <c>lanes != 1</c>, a type without a PEP 3118 format, a broken shape) the deleter
/// has run before the exception is thrown.</para>
/// </remarks>
public static unsafe class DLPackBuffers
{
    private static int s_liveExports;

    /// <summary>The DLPack version this library implements and writes into versioned exports: 1.2.</summary>
    public static DLPackVersion Version => new(1, 2);

    /// <summary>Exports that consumers have not deleted yet (for tests and diagnostics).</summary>
    public static int LiveExportCount => Volatile.Read(ref s_liveExports);

    /// <summary>Exports an exporter's memory as a <see cref="DLManagedTensorVersioned"/>.</summary>
    /// <param name="exporter">Any exporter.</param>
    /// <param name="options">Copy or not, and the version to write.</param>
    /// <returns>The managed tensor; the caller (or the consumer it hands the tensor to) must call its deleter exactly once.</returns>
    /// <exception cref="BufferException">DLPack cannot describe the memory (see the remarks on the type), or the exporter refused the request.</exception>
    /// <exception cref="ArgumentException">A version whose major is not 1.</exception>
    public static DLManagedTensorVersioned* Export(IBufferExporter exporter, DLPackExportOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(exporter);
        return (DLManagedTensorVersioned*)ExportOnce(exporter, options, static (buffer, o) => (nint)Export(buffer, o));
    }

    /// <summary>
    /// Exports an acquired buffer as a <see cref="DLManagedTensorVersioned"/>. On success the tensor owns the buffer
    /// (its deleter releases it; with <see cref="DLPackExportOptions.Copy"/> it has been released already); on failure
    /// the caller still owns it.
    /// </summary>
    /// <param name="buffer">The buffer (its <see cref="AcquiredBuffer.Layout"/> and format; no format means bytes).</param>
    /// <param name="options">Copy or not, and the version to write.</param>
    /// <returns>The managed tensor; call its deleter exactly once.</returns>
    /// <exception cref="BufferException">DLPack cannot describe the buffer.</exception>
    /// <exception cref="ArgumentException">A version whose major is not 1.</exception>
    public static DLManagedTensorVersioned* Export(AcquiredBuffer buffer, DLPackExportOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var version = options.Version ?? Version;
        if (version.major != 1)
        {
            throw new ArgumentException($"this library writes DLPack 1.x structs, not {version}", nameof(options));
        }
        var prepared = Prepare(buffer, versioned: true, options.Copy);
        var rank = prepared.Layout.Rank;
        var block = (byte*)NativeMemory.AllocZeroed((nuint)(sizeof(DLManagedTensorVersioned) + (2 * rank * sizeof(long))));
        var managed = (DLManagedTensorVersioned*)block;
        managed->version = version;
        managed->flags = (prepared.ReadOnly ? DLManagedTensorVersioned.DLPACK_FLAG_BITMASK_READ_ONLY : 0)
            | (prepared.Copied ? DLManagedTensorVersioned.DLPACK_FLAG_BITMASK_IS_COPIED : 0);
        Fill(ref managed->dl_tensor, prepared, (long*)(block + sizeof(DLManagedTensorVersioned)));
        managed->manager_ctx = (void*)GCHandle.ToIntPtr(GCHandle.Alloc(prepared.Holder));
        managed->deleter = &DeleteVersioned;
        Interlocked.Increment(ref s_liveExports);
        return managed;
    }

    /// <summary>Exports an exporter's memory as a legacy <see cref="DLManagedTensor"/> (no version, no flags).</summary>
    /// <param name="exporter">Any exporter.</param>
    /// <param name="options">Copy or not (<see cref="DLPackExportOptions.Version"/> is ignored).</param>
    /// <returns>The managed tensor; call its deleter exactly once.</returns>
    /// <exception cref="BufferException">DLPack cannot describe the memory, bool items, or read-only memory without a copy.</exception>
    public static DLManagedTensor* ExportLegacy(IBufferExporter exporter, DLPackExportOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(exporter);
        return (DLManagedTensor*)ExportOnce(exporter, options, static (buffer, o) => (nint)ExportLegacy(buffer, o));
    }

    /// <summary>
    /// Exports an acquired buffer as a legacy <see cref="DLManagedTensor"/>. On success the tensor owns the buffer; on
    /// failure the caller still owns it.
    /// </summary>
    /// <param name="buffer">The buffer.</param>
    /// <param name="options">Copy or not.</param>
    /// <returns>The managed tensor; call its deleter exactly once.</returns>
    /// <exception cref="BufferException">DLPack cannot describe the buffer, bool items, or read-only memory without a copy.</exception>
    public static DLManagedTensor* ExportLegacy(AcquiredBuffer buffer, DLPackExportOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var prepared = Prepare(buffer, versioned: false, options.Copy);
        var rank = prepared.Layout.Rank;
        var block = (byte*)NativeMemory.AllocZeroed((nuint)(sizeof(DLManagedTensor) + (2 * rank * sizeof(long))));
        var managed = (DLManagedTensor*)block;
        Fill(ref managed->dl_tensor, prepared, (long*)(block + sizeof(DLManagedTensor)));
        managed->manager_ctx = (void*)GCHandle.ToIntPtr(GCHandle.Alloc(prepared.Holder));
        managed->deleter = &DeleteLegacy;
        Interlocked.Increment(ref s_liveExports);
        return managed;
    }

    /// <summary>Imports a <see cref="DLManagedTensorVersioned"/>, taking ownership of it (see the remarks on the type).</summary>
    /// <param name="managed">The managed tensor (not NULL).</param>
    /// <param name="invoker">How to call its deleter; null to call it directly on the releasing thread.</param>
    /// <returns>An exporter of the tensor's memory; dispose it (its deleter runs once the last export is released).</returns>
    /// <exception cref="BufferException">The tensor cannot be imported; its deleter has been called.</exception>
    public static DLPackTensor Import(DLManagedTensorVersioned* managed, IDLPackDeleterInvoker? invoker = null)
    {
        ArgumentNullException.ThrowIfNull(managed);
        var deleter = (nint)managed->deleter;
        var version = managed->version;
        if (version.major != Version.major)
        {
            DLPackTensor.Delete(deleter, (nint)managed, invoker);
            throw new BufferException($"unsupported DLPack major version {version.major} (version {version}); this library reads 1.x");
        }
        var flags = managed->flags;
        var readOnly = (flags & DLManagedTensorVersioned.DLPACK_FLAG_BITMASK_READ_ONLY) != 0;
        return DLPackTensor.Create((nint)managed, deleter, managed->dl_tensor, readOnly, version, flags, invoker);
    }

    /// <summary>Imports a legacy <see cref="DLManagedTensor"/>, taking ownership of it (see the remarks on the type).</summary>
    /// <param name="managed">The managed tensor (not NULL).</param>
    /// <param name="writable">
    /// True to let consumers write. The legacy struct cannot say whether the memory is read-only, so the import is
    /// read-only unless the caller knows better (as NumPy ≥ 2.1 imports legacy capsules read-only).
    /// </param>
    /// <param name="invoker">How to call its deleter; null to call it directly on the releasing thread.</param>
    /// <returns>An exporter of the tensor's memory; dispose it (its deleter runs once the last export is released).</returns>
    /// <exception cref="BufferException">The tensor cannot be imported; its deleter has been called.</exception>
    public static DLPackTensor ImportLegacy(DLManagedTensor* managed, bool writable = false, IDLPackDeleterInvoker? invoker = null)
    {
        ArgumentNullException.ThrowIfNull(managed);
        return DLPackTensor.Create((nint)managed, (nint)managed->deleter, managed->dl_tensor, !writable, null, 0, invoker);
    }

    /// <summary>Calls the deleter of a managed tensor (if it has one): gives it back without importing it.</summary>
    /// <param name="managed">The managed tensor; not usable afterwards.</param>
    public static void Delete(DLManagedTensorVersioned* managed)
    {
        ArgumentNullException.ThrowIfNull(managed);
        if (managed->deleter != null)
        {
            managed->deleter(managed);
        }
    }

    /// <summary>Calls the deleter of a legacy managed tensor (if it has one).</summary>
    /// <param name="managed">The managed tensor; not usable afterwards.</param>
    public static void Delete(DLManagedTensor* managed)
    {
        ArgumentNullException.ThrowIfNull(managed);
        if (managed->deleter != null)
        {
            managed->deleter(managed);
        }
    }

    /// <summary>Takes one export of <paramref name="exporter"/> and hands it to <paramref name="export"/>, releasing it if that fails.</summary>
    private static nint ExportOnce(IBufferExporter exporter, DLPackExportOptions options, Func<AcquiredBuffer, DLPackExportOptions, nint> export)
    {
        var buffer = exporter.GetBuffer(BufferRequest.FullRO);
        try
        {
            return export(buffer, options);
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    private static Prepared Prepare(AcquiredBuffer buffer, bool versioned, bool copy)
    {
        BufferFormat format;
        try
        {
            format = BufferFormat.Parse(buffer.Format ?? "B");
        }
        catch (BufferFormatException e)
        {
            throw new BufferException($"the buffer's format '{buffer.Format}' is invalid: {e.Message}", e);
        }
        if (!DLPackTypes.TryFromFormat(format, allowBool: versioned, out var dtype, out var element, out var subShape, out var error))
        {
            throw new BufferException(error!);
        }
        if (format.ItemSize != buffer.ItemSize)
        {
            throw new BufferException($"the buffer's item size {buffer.ItemSize} is not the size of its format '{format.Text}' ({format.ItemSize})");
        }
        var layout = ItemShapes.Spread(buffer.Layout, subShape.AsSpan(), element!.Size);
        var swapped = DLPackTypes.IsSwapped(element);
        if (copy)
        {
            return Copy(buffer, layout, dtype, element, swapped);
        }
        if (layout.HasSubOffsets)
        {
            throw new BufferException("DLPack cannot describe PIL-style buffers with suboffsets; export a copy (copy=True)");
        }
        if (swapped)
        {
            throw new BufferException($"DLPack only supports native byte order; the format is '{format.Text}' (export a copy to swap it)");
        }
        if (!versioned && buffer.IsReadOnly)
        {
            throw new BufferException("cannot export read-only memory as a legacy DLManagedTensor, which cannot signal read-only; " +
                "export the versioned struct (max_version >= (1, 0)) or a copy");
        }
        CheckElementStrides(layout);
        return new Prepared(buffer, buffer.Pointer, layout, dtype, buffer.IsReadOnly, Copied: false);
    }

    private static Prepared Copy(AcquiredBuffer source, in BufferLayout layout, DLDataType dtype, ScalarType element, bool swapped)
    {
        var nativeFormat = DLPackTypes.ToFormat(dtype, out _)!;
        using var copy = NativeBuffer.Create(nativeFormat, BufferLayout.Contiguous(layout.ItemSize, layout.Shape), 0, layout.Length);
        var target = copy.GetBuffer(BufferRequest.Full);
        try
        {
            BufferCopy.Copy(target.Pointer, target.Layout, source.Pointer, layout);
            if (swapped)
            {
                SwapBytes(target.Pointer, target.Length, DLPackTypes.UnitSize(element));
            }
        }
        catch
        {
            target.Dispose();
            throw;
        }
        source.Dispose();
        return new Prepared(target, target.Pointer, target.Layout, dtype, ReadOnly: false, Copied: true);
    }

    private static void CheckElementStrides(in BufferLayout layout)
    {
        var shape = layout.Shape;
        var strides = layout.Strides;
        for (var i = 0; i < layout.Rank; i++)
        {
            if (layout.ItemSize != 0 && strides[i] % layout.ItemSize != 0 && shape[i] > 1 && !layout.IsEmpty)
            {
                throw new BufferException($"DLPack only supports strides which are a multiple of the item size: axis {i} has a byte stride of " +
                    $"{strides[i]} with item size {layout.ItemSize} (export a copy)");
            }
        }
    }

    private static void Fill(ref DLTensor tensor, in Prepared prepared, long* dims)
    {
        var layout = prepared.Layout;
        var rank = layout.Rank;
        var itemSize = layout.ItemSize;
        tensor.data = (void*)prepared.Pointer;
        tensor.device = DLDevice.Cpu;
        tensor.ndim = rank;
        tensor.dtype = prepared.DataType;
        tensor.byte_offset = 0;
        if (rank == 0)
        {
            tensor.shape = null;
            tensor.strides = null;
            return;
        }
        var shape = dims;
        var strides = dims + rank;
        Span<nint> cStrides = stackalloc nint[rank];
        BufferLayout.FillContiguousStrides(layout.Shape, cStrides, 1, ContiguityOrder.C);
        for (var i = 0; i < rank; i++)
        {
            shape[i] = layout.Shape[i];
            var stride = layout.Strides[i];
            // Axes of extent ≤ 1 (and empty tensors) may have any byte stride; give them the C stride instead.
            strides[i] = itemSize != 0 && stride % itemSize == 0 ? stride / itemSize : cStrides[i];
        }
        tensor.shape = shape;
        tensor.strides = strides;
    }

    private static void SwapBytes(nint address, nint length, int unit)
    {
        const int Chunk = 1 << 30;
        for (nint done = 0; done < length; done += Chunk)
        {
            var span = new Span<byte>((byte*)address + done, (int)Math.Min(Chunk, length - done));
            switch (unit)
            {
                case 2:
                    BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(span), MemoryMarshal.Cast<byte, ushort>(span));
                    break;
                case 4:
                    BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(span), MemoryMarshal.Cast<byte, uint>(span));
                    break;
                case 8:
                    BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(span), MemoryMarshal.Cast<byte, ulong>(span));
                    break;
                default:
                    throw new NotSupportedException($"cannot swap {unit}-byte values");
            }
        }
    }

    [UnmanagedCallersOnly]
    private static void DeleteVersioned(DLManagedTensorVersioned* self) => Release(self->manager_ctx, self);

    [UnmanagedCallersOnly]
    private static void DeleteLegacy(DLManagedTensor* self) => Release(self->manager_ctx, self);

    private static void Release(void* context, void* block)
    {
        try
        {
            var handle = GCHandle.FromIntPtr((nint)context);
            var holder = (AcquiredBuffer?)handle.Target;
            handle.Free();
            holder?.Dispose();
        }
        catch (Exception)
        {
            // A deleter cannot report failure to C; the buffer's release is exactly-once, so there is nothing to retry.
        }
        finally
        {
            NativeMemory.Free(block);
            Interlocked.Decrement(ref s_liveExports);
        }
    }

    private readonly record struct Prepared(AcquiredBuffer Holder, nint Pointer, BufferLayout Layout, DLDataType DataType, bool ReadOnly, bool Copied);
}
