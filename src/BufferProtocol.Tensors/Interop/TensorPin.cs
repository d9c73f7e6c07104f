using System.Buffers;
using System.Numerics.Tensors;

namespace BufferProtocol.Tensors.Interop;

/// <summary>
/// One pin of a tensor's array for the duration of an exporter's exports (<see cref="Tensor{T}.GetPinnedHandle"/>).
/// </summary>
/// <remarks>
/// The pin is a GC root: if a consumer leaks an export and the exporter becomes unreachable, it would keep the array
/// pinned, and alive, for the life of the process. This object's finalizer releases it in that case (nothing managed
/// can reach the export any more), as the core library's exporters do. <see cref="TensorExporter{T}"/> releases it
/// explicitly on its last release.
/// </remarks>
internal sealed class TensorPin
{
    private MemoryHandle _handle;
    private int _released;

    private TensorPin(MemoryHandle handle) => _handle = handle;

    ~TensorPin() => Free();

    /// <summary>Pins <paramref name="tensor"/>'s array until <see cref="Free"/>.</summary>
    public static TensorPin Pin<T>(Tensor<T> tensor) => new(tensor.GetPinnedHandle());

    /// <summary>Releases the pin; later calls do nothing.</summary>
    public void Free()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }
        _handle.Dispose();
        GC.SuppressFinalize(this);
    }
}
