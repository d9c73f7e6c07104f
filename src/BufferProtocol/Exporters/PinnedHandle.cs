using System.Buffers;
using System.Runtime.InteropServices;
using BufferProtocol.Interop.Memory;

namespace BufferProtocol.Exporters;

/// <summary>
/// One pin of managed memory for the duration of an exporter's exports: a pinned <see cref="GCHandle"/> or a
/// <see cref="MemoryHandle"/> from <c>Memory&lt;T&gt;.Pin()</c>, with the address it fixes.
/// </summary>
/// <remarks>
/// A pinned <see cref="GCHandle"/> is a GC root: if a consumer leaks an export and the exporter becomes unreachable,
/// the pin would keep the memory pinned for the life of the process. This object's finalizer releases the pin in that
/// case (nothing managed can reach the export any more). Exporters release it explicitly on their last release.
/// </remarks>
internal sealed class PinnedHandle
{
    private GCHandle _handle;
    private MemoryHandle _memoryHandle;
    private int _released;

    private PinnedHandle(GCHandle handle)
    {
        _handle = handle;
        Address = handle.AddrOfPinnedObject();
    }

    private PinnedHandle(MemoryHandle handle)
    {
        _memoryHandle = handle;
        Address = RawMemory.AddressOf(handle);
    }

    ~PinnedHandle() => Free();

    /// <summary>The address of the pinned memory's first element.</summary>
    public nint Address { get; }

    /// <summary>Pins an array (of any rank).</summary>
    /// <param name="array">The array.</param>
    public static PinnedHandle Pin(Array array) => new(GCHandle.Alloc(array, GCHandleType.Pinned));

    /// <summary>Pins memory through <see cref="Memory{T}.Pin"/>.</summary>
    /// <param name="memory">The memory.</param>
    /// <typeparam name="T">The element type.</typeparam>
    public static PinnedHandle Pin<T>(Memory<T> memory) => new(memory.Pin());

    /// <summary>Releases the pin; later calls do nothing.</summary>
    public void Free()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }
        if (_handle.IsAllocated)
        {
            _handle.Free();
        }
        _memoryHandle.Dispose();
        GC.SuppressFinalize(this);
    }
}
