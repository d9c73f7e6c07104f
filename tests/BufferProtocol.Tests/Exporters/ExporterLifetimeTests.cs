using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BufferProtocol.Exporters;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;
using BufferProtocol.Tests.TestSupport;

namespace BufferProtocol.Tests.Exporters;

/// <summary>Export counting, release, disposal and threads, for every exporter of the library.</summary>
public class ExporterLifetimeTests
{
    public static TheoryData<string> Kinds => new() { "native", "native-pil", "array", "array-2d", "memory", "memory-readonly", "bytes", "mapped" };

    private static BufferExporter Make(string kind) => kind switch
    {
        "native" => NativeBuffer.Create<int>([4, 4]),
        "native-pil" => NativeBuffer.CreateIndirect("i", BufferLayout.Contiguous(4, [4, 4]), 0, 64),
        "array" => ArrayExporter.Create(new long[8]),
        "array-2d" => ArrayExporter.Create<float>(new float[3, 5]),
        "memory" => MemoryExporter.Create(new byte[32].AsMemory(4, 16)),
        "memory-readonly" => MemoryExporter.CreateReadOnly<double>(new double[4]),
        "bytes" => new ByteBuffer(new byte[10]),
        "mapped" => MappedFileExporter.CreateAnonymous(64),
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Exports_are_counted_and_released_exactly_once(string kind)
    {
        using var exporter = Make(kind);
        var a = exporter.GetBuffer(BufferRequest.FullRO);
        var b = exporter.GetBuffer(BufferRequest.FullRO);
        Assert.Equal(2, exporter.ExportCount);
        Assert.Equal(a.Pointer, b.Pointer);
        a.Dispose();
        a.Dispose();
        Assert.Equal(1, exporter.ExportCount);
        Assert.True(a.IsReleased);
        Assert.Same(exporter, a.Owner);
        b.Dispose();
        Assert.Equal(0, exporter.ExportCount);
        // A refused request is no export.
        foreach (var request in new[] { BufferRequest.Full, BufferRequest.CContiguous, BufferRequest.Format, BufferRequest.FContiguous })
        {
            try
            {
                exporter.GetBuffer(request).Dispose();
            }
            catch (BufferException)
            {
            }
            Assert.Equal(0, exporter.ExportCount);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_released_buffer_throws_ObjectDisposed_from_every_thread(string kind)
    {
        using var exporter = Make(kind);
        var buffer = exporter.GetBuffer(BufferRequest.FullRO);
        await Task.Run(buffer.Dispose);
        Action[] uses =
        [
            () => _ = buffer.Pointer, () => _ = buffer.Length, () => _ = buffer.ItemSize, () => _ = buffer.Format,
            () => _ = buffer.Rank, () => _ = buffer.Shape.Length, () => _ = buffer.Strides.Length, () => _ = buffer.SubOffsets.Length,
            () => _ = buffer.Layout, () => _ = buffer.IsReadOnly, () => _ = buffer.HasShape, () => buffer.GetPointer([0, 0]),
            () => buffer.DangerousGetPointer([0]), () => _ = buffer.GetContiguousBytes().Length,
        ];
        foreach (var use in uses)
        {
            Assert.Throws<ObjectDisposedException>(use);
            await Assert.ThrowsAsync<ObjectDisposedException>(() => Task.Run(use));
        }
        Assert.Equal(BufferRequest.FullRO, buffer.Request);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Dispose_with_live_exports_is_deferred_until_the_last_release(string kind)
    {
        var exporter = Make(kind);
        var buffer = exporter.GetBuffer(BufferRequest.FullRO);
        exporter.Dispose();
        exporter.Dispose();
        Assert.True(exporter.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => exporter.GetBuffer(BufferRequest.FullRO));
        Assert.Equal(1, exporter.ExportCount);
        _ = buffer.Layout.Length; // the buffer stays fully usable
        buffer.Dispose();
        Assert.Equal(0, exporter.ExportCount);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Concurrent_exports_and_releases_balance(string kind)
    {
        using var exporter = Make(kind);
        var pointer = exporter.GetBuffer(BufferRequest.FullRO);
        var expected = pointer.Pointer;
        pointer.Dispose();
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 2000; i++)
            {
                using var buffer = exporter.GetBuffer(BufferRequest.FullRO);
                Assert.True(exporter.ExportCount >= 1);
                if (kind is not ("array" or "array-2d" or "memory" or "memory-readonly" or "bytes"))
                {
                    Assert.Equal(expected, buffer.Pointer); // unmanaged memory never moves
                }
            }
        });
        Assert.Equal(0, exporter.ExportCount);
    }

    [Fact]
    public void Native_memory_is_freed_once_when_disposed_and_the_last_export_released_in_any_order_on_any_thread()
    {
        for (var round = 0; round < 50; round++)
        {
            var counter = new CountingAllocator();
            var native = NativeBuffer.CreateCore("B", BufferLayout.Contiguous(1, [64]), 0, 64, false, 8, default, counter.Allocate);
            var exports = new System.Collections.Concurrent.ConcurrentBag<AcquiredBuffer>();
            Parallel.For(0, 4, t =>
            {
                for (var i = 0; i < 50; i++)
                {
                    try
                    {
                        exports.Add(native.GetBuffer(BufferRequest.Simple));
                    }
                    catch (ObjectDisposedException)
                    {
                    }
                    if (t == 0 && i == 25)
                    {
                        native.Dispose();
                    }
                }
            });
            Assert.Equal(0, counter.Freed);
            Parallel.ForEach(exports, e => e.Dispose());
            Assert.Equal(1, counter.Freed);
            Assert.Equal(0, native.ExportCount);
        }
    }

    [Fact]
    public void A_leaked_native_buffer_is_freed_by_the_finalizer()
    {
        var counter = new CountingAllocator();
        Leak(counter);
        Finalization.CollectUntil(() => counter.Freed > 0);
        Assert.Equal(1, counter.Freed);

        [MethodImpl(MethodImplOptions.NoInlining)]
        static void Leak(CountingAllocator counter) =>
            NativeBuffer.CreateCore("B", BufferLayout.Contiguous(1, [8]), 0, 8, false, 8, default, counter.Allocate).GetBuffer(BufferRequest.Simple);
    }

    [Fact]
    public void A_leaked_export_does_not_pin_an_unreachable_array_forever()
    {
        var array = LeakExport();
        Finalization.CollectUntil(() => !array.IsAlive);
        Assert.False(array.IsAlive);

        [MethodImpl(MethodImplOptions.NoInlining)]
        static WeakReference LeakExport()
        {
            var data = new byte[1000];
            ArrayExporter.Create(data).GetBuffer(BufferRequest.Simple);
            return new WeakReference(data);
        }
    }

    private sealed class CountingAllocator
    {
        private int _freed;

        public int Freed => Volatile.Read(ref _freed);

        public (SafeHandle, nint) Allocate(nint length, nint alignment)
        {
            var handle = new Handle(this, length);
            return (handle, handle.DangerousGetHandle());
        }

        private sealed unsafe class Handle : SafeHandle
        {
            private readonly CountingAllocator _owner;

            public Handle(CountingAllocator owner, nint length) : base(0, true)
            {
                _owner = owner;
                SetHandle((nint)NativeMemory.AllocZeroed((nuint)Math.Max(length, 1)));
            }

            public override bool IsInvalid => handle == 0;

            protected override bool ReleaseHandle()
            {
                NativeMemory.Free((void*)handle);
                Interlocked.Increment(ref _owner._freed);
                return true;
            }
        }
    }
}
