using System.Runtime.InteropServices;
using BufferProtocol.Exporters;
using BufferProtocol.Tests.TestSupport;

namespace BufferProtocol.Tests.Exporters;

/// <summary>
/// Builds <see cref="NativeBuffer"/>s whose blocks sit flush against a guard page (<see cref="GuardedMemory"/>), so that any
/// read or write outside the exported memory kills the test host.
/// </summary>
internal static class GuardedNativeBuffers
{
    /// <summary>The placements to run a case under: both guards where guard pages exist, else ordinary memory (null).</summary>
    public static IEnumerable<GuardPlacement?> Placements =>
        GuardedMemory.IsSupported ? [GuardPlacement.FlushEnd, GuardPlacement.FlushStart] : [null];

    /// <summary>An allocator for <see cref="NativeBuffer"/>'s internal factories; null means the default allocator.</summary>
    public static NativeBuffer.BlockAllocator? Allocator(GuardPlacement? placement) =>
        placement is { } p
            ? (length, _) =>
            {
                var memory = GuardedMemory.Allocate(length, p);
                return (new Owner(memory), memory.Pointer);
            }
            : null;

    private sealed class Owner : SafeHandle
    {
        private readonly GuardedMemory _memory;

        public Owner(GuardedMemory memory) : base(0, ownsHandle: true)
        {
            _memory = memory;
            SetHandle(memory.Pointer == 0 ? 1 : memory.Pointer);
        }

        public override bool IsInvalid => handle == 0;

        protected override bool ReleaseHandle()
        {
            _memory.Dispose();
            return true;
        }
    }
}
