using BufferProtocol.Exporters;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;

namespace BufferProtocol.Interop.DLPack;

/// <summary>
/// A DLPack tensor imported from another library (<see cref="DLPackBuffers.Import"/>, <see cref="DLPackBuffers.ImportLegacy"/>),
/// exported to .NET consumers as a buffer: the producer's memory, in place, with the shape and strides it described.
/// </summary>
/// <remarks>
/// <para><b>Ownership.</b> The tensor owns the producer's managed tensor from the moment it is imported (also when the
/// import fails: the deleter has then already run). The deleter runs exactly once: when the tensor is disposed and
/// the last buffer exported from it is released, whichever comes last (<see cref="BufferExporter.Dispose()"/> is
/// deferred while exported), or — if it is never disposed — from a finalizer once nothing references it. It runs
/// through the <see cref="IDLPackDeleterInvoker"/> given at import, or directly on the releasing thread.</para>
/// <para><b>What consumers see.</b> Format from the DLPack type (<c>b h i q B H I Q e f d Zf Zd ?</c>), byte strides
/// (element strides × item size, or C-contiguous when the producer sent NULL), the address <c>data + byte_offset</c>,
/// read-only when the versioned struct carries <c>READ_ONLY</c> or the legacy struct was imported read-only.</para>
/// </remarks>
public sealed unsafe class DLPackTensor : BufferExporter
{
    private readonly DeleterHandle _deleter;
    private readonly nint _pointer;
    private readonly BufferLayout _layout;
    private readonly string _format;
    private readonly bool _readOnly;

    private DLPackTensor(DeleterHandle deleter, nint pointer, BufferLayout layout, string format, bool readOnly,
        DLDevice device, DLDataType dataType, DLPackVersion? version, ulong flags)
    {
        _deleter = deleter;
        _pointer = pointer;
        _layout = layout;
        _format = format;
        _readOnly = readOnly;
        Device = device;
        DataType = dataType;
        Version = version;
        Flags = flags;
    }

    /// <summary>The device the producer named (always one the CPU can address).</summary>
    public DLDevice Device { get; }

    /// <summary>The producer's element type.</summary>
    public DLDataType DataType { get; }

    /// <summary>The producer's version for a <see cref="DLManagedTensorVersioned"/>; null for the legacy struct.</summary>
    public DLPackVersion? Version { get; }

    /// <summary>The versioned struct's flags (<c>DLPACK_FLAG_BITMASK_*</c>); 0 for the legacy struct.</summary>
    public ulong Flags { get; }

    /// <summary>True when the producer copied the data for this import (<c>IS_COPIED</c>): nobody else sees it.</summary>
    public bool IsCopied => (Flags & DLManagedTensorVersioned.DLPACK_FLAG_BITMASK_IS_COPIED) != 0;

    /// <summary>True when consumers may not obtain a writable buffer.</summary>
    public bool IsReadOnly => _readOnly;

    /// <summary>The native format of one element, e.g. <c>"d"</c>.</summary>
    public string Format => _format;

    /// <summary>The layout: shape and byte strides.</summary>
    public BufferLayout Layout => _layout;

    /// <summary>True once the producer's deleter has been called.</summary>
    public bool IsDeleted => _deleter.IsDone;

    internal static DLPackTensor Create(nint managed, nint deleter, in DLTensor tensor, bool readOnly, DLPackVersion? version, ulong flags,
        IDLPackDeleterInvoker? invoker)
    {
        var handle = new DeleterHandle(deleter, managed, invoker);
        try
        {
            var (pointer, layout, format) = Describe(tensor);
            return new DLPackTensor(handle, pointer, layout, format, readOnly, tensor.device, tensor.dtype, version, flags);
        }
        catch
        {
            handle.Release();
            throw;
        }
    }

    /// <summary>Calls the deleter of a managed tensor that will not be imported (the caller owns it).</summary>
    internal static void Delete(nint deleter, nint managed, IDLPackDeleterInvoker? invoker) =>
        new DeleterHandle(deleter, managed, invoker).Release();

    /// <inheritdoc />
    protected override ExportSource Describe() => new(_pointer, _layout, _format, _readOnly);

    /// <inheritdoc />
    protected override void FreeResources() => _deleter.Release();

    private static (nint Pointer, BufferLayout Layout, string Format) Describe(in DLTensor tensor)
    {
        if (!tensor.device.IsHostAccessible)
        {
            throw new BufferException($"unsupported device {tensor.device} in DLTensor: only memory the CPU can address " +
                "(kDLCPU, kDLCUDAHost, kDLROCMHost, kDLCUDAManaged) can be imported");
        }
        var format = DLPackTypes.ToFormat(tensor.dtype, out var error) ?? throw new BufferException(error!);
        var rank = tensor.ndim;
        if (rank < 0 || rank > BufferLayout.MaxRank)
        {
            throw new BufferException($"the DLTensor has {rank} dimensions; 0 to {BufferLayout.MaxRank} are supported");
        }
        if (rank > 0 && tensor.shape is null)
        {
            throw new BufferException("the DLTensor has no shape but ndim > 0");
        }
        nint itemSize = tensor.dtype.bits / 8;
        Span<nint> shape = stackalloc nint[rank];
        Span<nint> strides = stackalloc nint[rank];
        for (var i = 0; i < rank; i++)
        {
            shape[i] = checked((nint)tensor.shape[i]);
        }
        try
        {
            if (tensor.strides is null)
            {
                BufferLayout.FillContiguousStrides(shape, strides, itemSize, ContiguityOrder.C);
            }
            else
            {
                for (var i = 0; i < rank; i++)
                {
                    strides[i] = checked((nint)tensor.strides[i] * itemSize);
                }
            }
        }
        catch (Exception e) when (e is OverflowException or ArgumentException)
        {
            throw new BufferException("the DLTensor's shape or strides overflow: " + e.Message);
        }
        if (!BufferLayout.TryCreate(itemSize, shape, strides, default, out var layout, out var problem))
        {
            throw new BufferException("the DLTensor's layout is invalid: " + problem);
        }
        if (tensor.byte_offset > long.MaxValue)
        {
            throw new BufferException($"the DLTensor's byte_offset {tensor.byte_offset} is out of range");
        }
        var pointer = (nint)((byte*)tensor.data + (long)tensor.byte_offset);
        if (pointer == 0 && !layout.IsEmpty)
        {
            throw new BufferException("the DLTensor has a NULL data pointer but holds elements");
        }
        return (pointer, layout, format);
    }

    /// <summary>
    /// The producer's deleter, called exactly once: by <see cref="Release"/>, or by the finalizer when the tensor was
    /// never released (through the invoker's non-blocking path).
    /// </summary>
    private sealed class DeleterHandle(nint deleter, nint managed, IDLPackDeleterInvoker? invoker)
    {
        private int _done;

        ~DeleterHandle()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0 && deleter != 0)
            {
                if (invoker is null)
                {
                    ((delegate* unmanaged<nint, void>)deleter)(managed);
                }
                else
                {
                    invoker.InvokeFromFinalizer(deleter, managed);
                }
            }
        }

        public bool IsDone => Volatile.Read(ref _done) != 0;

        public void Release()
        {
            if (Interlocked.Exchange(ref _done, 1) != 0)
            {
                return;
            }
            GC.SuppressFinalize(this);
            if (deleter == 0)
            {
                return;
            }
            if (invoker is null)
            {
                ((delegate* unmanaged<nint, void>)deleter)(managed);
            }
            else
            {
                invoker.Invoke(deleter, managed);
            }
        }
    }
}
