using System.Runtime.CompilerServices;
using BufferProtocol.Exporters;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;
using BufferProtocol.Tests.Exporters;
using BufferProtocol.Tests.TestSupport;
using BufferProtocol.Views;

namespace BufferProtocol.Tests.Views;

/// <summary>
/// The lifetime guarantees of docs/memoryview.md under threads: use after release throws from any thread, a release
/// racing with reads never frees memory under a read (the memory is guard-paged and unmapped when freed, so a read
/// after the free would kill the test host), leases hold the memory, re-exports and releases never interleave, and
/// forgotten views are released by their finalizers.
/// </summary>
public class LifetimeThreadTests
{
    private const int Items = 4096;

    /// <summary>A guard-paged 'i' buffer holding 0..n-1 whose memory is unmapped as soon as its last export ends.</summary>
    private static NativeBuffer FreedOnRelease(out MemoryView view)
    {
        var layout = BufferLayout.Contiguous(4, [Items]);
        var contents = new byte[Items * 4];
        for (var i = 0; i < Items; i++)
        {
            BitConverter.TryWriteBytes(contents.AsSpan(i * 4), i);
        }
        var exporter = NativeBuffer.CreateCore("i", layout, 0, layout.Length, false, 1, contents,
            GuardedMemory.IsSupported ? GuardedNativeBuffers.Allocator(GuardPlacement.FlushEnd) : null);
        view = new MemoryView(exporter);
        // Disposal is deferred while exported: the block is freed when the view's acquisition is released.
        exporter.Dispose();
        return exporter;
    }

    [Fact]
    public void Use_after_release_throws_ObjectDisposedException_on_another_thread()
    {
        var m = new MemoryView(new ByteBuffer([1, 2, 3]));
        ThreadRace.OnAnotherThread(m.Release);
        var errors = 0;
        ThreadRace.OnAnotherThread(() => errors = new Action[]
        {
            () => m.ToList(), () => _ = m[0], () => m.ToBytes(), () => _ = m[1..], () => m.Cast("b"), () => _ = m.Rank,
        }.Count(a => Assert.ThrowsAny<ObjectDisposedException>(a) is not null));
        Assert.Equal(6, errors);
    }

    [Fact]
    public void Concurrent_reads_during_release_never_touch_freed_memory()
    {
        for (var round = 0; round < 60; round++)
        {
            var exporter = FreedOnRelease(out var m);
            ThreadRace.ReadersAgainstRelease(3, round * 500, (r, n) => Read(m, n + r), m.Release);
            Assert.Equal(0, exporter.ExportCount);
        }
    }

    /// <summary>One read of a kind chosen by <paramref name="n"/>, checking the values.</summary>
    private static void Read(MemoryView m, int n)
    {
        switch (n % 5)
        {
            case 0:
                var i = (nint)(n * 7919L % Items);
                Assert.Equal((int)i, m[i]);
                break;
            case 1:
                Assert.Equal(Items - 1, ((List<object?>)m.ToList()!)[Items - 1]);
                break;
            case 2:
                Assert.Equal(Items * 4, m.ToBytes().Length);
                break;
            case 3:
                Assert.True(m.Equals(m));
                break;
            default:
                using (var tail = m[^10..])
                {
                    Assert.Equal(Items - 10, tail[0]);
                }
                break;
        }
    }

    [Fact]
    public void A_lease_keeps_the_memory_until_it_ends_even_across_a_release()
    {
        var exporter = FreedOnRelease(out var m);
        using (var lease = m.Lease())
        {
            ThreadRace.OnAnotherThread(m.Release);
            Assert.True(m.IsReleased);
            Assert.Equal(1, exporter.ExportCount);
            Assert.Equal(Items * 4, lease.Bytes.Length);
            Assert.Equal(Items - 1, BitConverter.ToInt32(lease.Bytes[^4..]));
            Assert.Throws<ObjectDisposedException>(() => m.Lease());
        }
        Assert.Equal(0, exporter.ExportCount);
    }

    [Fact]
    public void Re_exports_and_releases_never_interleave()
    {
        for (var round = 0; round < 200; round++)
        {
            var bytes = new ByteBuffer([1, 2, 3]);
            var m = new MemoryView(bytes);
            Exception? failure = null;
            var exporting = new Thread(() =>
            {
                try
                {
                    for (var i = 0; i < 100; i++)
                    {
                        using var buffer = m.GetBuffer(BufferRequest.FullRO);
                        // While this export lives the view cannot have been released.
                        Assert.False(m.IsReleased);
                        Assert.Equal(1, buffer.GetContiguousBytes()[0]);
                    }
                }
                catch (ObjectDisposedException)
                {
                }
                catch (Exception e)
                {
                    failure = e;
                }
            });
            exporting.Start();
            while (true)
            {
                try
                {
                    m.Release();
                    break;
                }
                catch (BufferException)
                {
                    Thread.Yield();
                }
            }
            exporting.Join();
            Assert.Null(failure);
            Assert.Equal(0, m.ExportCount);
            Assert.Equal(0, bytes.ExportCount);
        }
    }

    [Fact]
    public void Forgotten_views_are_released_by_their_finalizers()
    {
        var bytes = new ByteBuffer([1, 2, 3, 4]);
        UseAndForget(bytes);
        Finalization.CollectUntil(() => bytes.ExportCount == 0);
        Assert.Equal(0, bytes.ExportCount);
        bytes.Append(5);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UseAndForget(ByteBuffer bytes)
    {
        var m = new MemoryView(bytes);
        Assert.Equal(3, ((List<object?>)m[1..].ToList()!).Count);
        _ = m.Cast("B", 2, 2);
        m.Release();
        Assert.Equal(1, bytes.ExportCount);
    }

    [Fact]
    public void Releasing_inside_an_iteration_ends_it_on_valid_memory()
    {
        var exporter = FreedOnRelease(out var m);
        var seen = 0;
        Assert.Throws<ObjectDisposedException>(() =>
        {
            foreach (var item in m)
            {
                Assert.Equal(seen, item);
                if (++seen == 10)
                {
                    m.Release();
                }
            }
        });
        Assert.Equal(10, seen);
        Assert.Equal(0, exporter.ExportCount);
    }
}
