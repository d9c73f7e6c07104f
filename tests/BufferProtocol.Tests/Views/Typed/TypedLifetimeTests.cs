using System.Runtime.CompilerServices;
using BufferProtocol.Exporters;
using BufferProtocol.Layout;
using BufferProtocol.Tests.Exporters;
using BufferProtocol.Tests.TestSupport;
using BufferProtocol.Views;

namespace BufferProtocol.Tests.Views.Typed;

/// <summary>
/// The lifetime guarantee of typed views (docs/typed-views.md): use after release throws
/// <see cref="ObjectDisposedException"/> from any thread; a release racing with typed reads, copies and leases never
/// frees memory under them (the memory is guard-paged and unmapped when freed, so a late read would kill the test
/// host); a lease holds the memory until it ends and refuses every use afterwards; copies of a lease end it once.
/// </summary>
public class TypedLifetimeTests
{
    private const int Rows = 64;
    private const int Columns = 64;

    /// <summary>A guard-paged 'i' buffer of Rows × Columns holding 0..n-1, unmapped as soon as its last export ends.</summary>
    private static NativeBuffer FreedOnRelease(out MemoryView<int> view)
    {
        var layout = BufferLayout.Contiguous(4, [Rows, Columns]);
        var contents = new byte[Rows * Columns * 4];
        for (var i = 0; i < Rows * Columns; i++)
        {
            BitConverter.TryWriteBytes(contents.AsSpan(i * 4), i);
        }
        var exporter = NativeBuffer.CreateCore("i", layout, 0, layout.Length, false, 1, contents,
            GuardedMemory.IsSupported ? GuardedNativeBuffers.Allocator(GuardPlacement.FlushEnd) : null);
        view = MemoryView<int>.Create(exporter);
        exporter.Dispose(); // deferred while exported: freed when the view's acquisition is released
        return exporter;
    }

    [Fact]
    public void Use_after_release_throws_ObjectDisposedException_on_another_thread()
    {
        var exporter = FreedOnRelease(out var v);
        ThreadRace.OnAnotherThread(v.Release);
        Assert.True(v.IsReleased);
        Assert.Equal(0, exporter.ExportCount);
        var uses = new Action[]
        {
            () => _ = v[1, 2], () => v[1, 2] = 0, () => v.GetItem(0, 0), () => v.ToArray(), () => v.CopyTo(new int[Rows * Columns]),
            () => v.CopyFrom(new int[Rows * Columns]), () => v.Fill(1), () => v.Lease(), () => v.LeaseReadOnly(),
            () => _ = v[1..], () => v.Transpose(), () => v.AsMemoryView(), () => _ = v.Rank, () => _ = v.Shape.Length,
            () => _ = v.Format, () => _ = v.IsReadOnly, () => _ = v.IsAligned, () => v.GetBuffer(BufferProtocol.Protocol.BufferRequest.Simple),
        };
        var errors = 0;
        ThreadRace.OnAnotherThread(() => errors = uses.Count(a => Assert.Throws<ObjectDisposedException>(a) is not null));
        Assert.Equal(uses.Length, errors);
        v.Release(); // a no-op the second time
    }

    [Fact]
    public void Concurrent_typed_reads_during_release_never_touch_freed_memory()
    {
        for (var round = 0; round < 40; round++)
        {
            var exporter = FreedOnRelease(out var v);
            ThreadRace.ReadersAgainstRelease(3, round * 400, (r, n) => Read(v, n + r), v.Release);
            Assert.Equal(0, exporter.ExportCount);
        }
    }

    /// <summary>One read of a kind chosen by <paramref name="n"/>, checking the values.</summary>
    private static void Read(MemoryView<int> v, int n)
    {
        var i = (nint)(n * 7919L % Rows);
        switch (n % 5)
        {
            case 0:
                Assert.Equal((int)i * Columns + 3, v[i, 3]);
                break;
            case 1:
                Assert.Equal(Rows * Columns - 1, v.ToArray()[^1]);
                break;
            case 2:
                using (var lease = v.LeaseReadOnly())
                {
                    var sum = 0L;
                    foreach (var x in lease.Span)
                    {
                        sum += x;
                    }
                    Assert.Equal((long)Rows * Columns * (Rows * Columns - 1) / 2, sum);
                }
                break;
            case 3:
                using (var lease = v.LeaseReadOnly())
                {
                    var plane = lease.AsSpan2D();
                    Assert.Equal((int)i * Columns + 5, plane[i, 5]);
                    Assert.Equal((int)i * Columns, lease.GetRowSpan(i)[0]);
                }
                break;
            default:
                using (var tail = v[^1, ..])
                {
                    Assert.Equal(Rows * Columns - Columns, tail[0]);
                }
                break;
        }
    }

    [Fact]
    public void A_lease_keeps_the_memory_until_it_ends_even_across_a_release()
    {
        var exporter = FreedOnRelease(out var v);
        using (var lease = v.LeaseReadOnly())
        {
            var span = lease.Span;
            ThreadRace.OnAnotherThread(v.Release);
            Assert.True(v.IsReleased);
            Assert.Equal(1, exporter.ExportCount);           // not released yet: the lease holds it
            Assert.Equal(Rows * Columns - 1, span[^1]);      // still valid memory
            Assert.Equal(5, lease[0, 5]);
            Assert.Throws<ObjectDisposedException>(() => v.LeaseReadOnly());
            Assert.Throws<ObjectDisposedException>(() => v[0, 0]);
        }
        Assert.Equal(0, exporter.ExportCount);               // released when the lease ended
    }

    [Fact]
    public void A_writable_lease_holds_the_memory_too()
    {
        var exporter = FreedOnRelease(out var v);
        var lease = v.Lease();
        ThreadRace.OnAnotherThread(v.Release);
        lease[3, 3] = -1;
        lease.GetRowSpan(4).Fill(7);
        Assert.Equal(1, exporter.ExportCount);
        lease.Dispose();
        Assert.Equal(0, exporter.ExportCount);
    }

    [Fact]
    public void An_ended_lease_refuses_every_use()
    {
        using var exporter = NativeBuffer.Create<int>([2, 3]);
        using var v = MemoryView<int>.Create(exporter);
        var lease = v.Lease();
        Assert.True(lease.IsActive);
        lease.Dispose();
        Assert.False(lease.IsActive);
        LeaseAssert.Throws<ObjectDisposedException, int>(lease, static (in l) => _ = l[0, 0]);
        LeaseAssert.Throws<ObjectDisposedException, int>(lease, static (in l) => _ = l.GetReference(0, 0));
        LeaseAssert.Throws<ObjectDisposedException, int>(lease, static (in l) => _ = l.Span.Length);
        LeaseAssert.Throws<ObjectDisposedException, int>(lease, static (in l) => l.TryGetSpan(out _));
        LeaseAssert.Throws<ObjectDisposedException, int>(lease, static (in l) => _ = l.GetRowSpan(0).Length);
        LeaseAssert.Throws<ObjectDisposedException, int>(lease, static (in l) => _ = l.AsSpan2D().Height);
        LeaseAssert.Throws<ObjectDisposedException, int>(lease, static (in l) => _ = l.Pointer);
        LeaseAssert.Throws<ObjectDisposedException, int>(lease, static (in l) => _ = l.Layout);
        Assert.Equal("MemoryViewLease<Int32> (ended)", lease.ToString());
        lease.Dispose(); // harmless
        var readOnly = default(ReadOnlyMemoryViewLease<int>);
        LeaseAssert.Throws<ObjectDisposedException, int>(in readOnly, static (in l) => _ = l.GetReference());
    }

    [Fact]
    public void Copies_of_a_lease_end_it_once()
    {
        var exporter = FreedOnRelease(out var v);
        using var other = v.ToReadOnly();                   // a second view of the same acquisition
        var a = v.LeaseReadOnly();
        var b = a;
        a.Dispose();
        b.Dispose();                                        // the hold is ended once, not twice
        LeaseAssert.Throws<ObjectDisposedException, int>(in b, static (in l) => _ = l.Span.Length);
        v.Release();
        Assert.Equal(1, exporter.ExportCount);              // 'other' still holds the acquisition
        Assert.Equal(7, other[0, 7]);
        other.Release();
        Assert.Equal(0, exporter.ExportCount);
    }

    [Fact]
    public void Typed_and_untyped_views_and_sub_views_outlive_each_other()
    {
        using var exporter = NativeBuffer.Create<double>([4]);
        var m = new MemoryView(exporter);
        var typed = m.AsTyped<double>();
        var tail = typed[2..];
        m.Release();
        typed[3] = 1.5;
        typed.Release();
        Assert.Equal(1.5, tail[1]);
        Assert.Equal(1, exporter.ExportCount);
        tail.Release();
        Assert.Equal(0, exporter.ExportCount);
    }

    [Fact]
    public void Forgotten_typed_views_are_released_by_their_finalizers()
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
        var v = MemoryView<byte>.Create(bytes);
        Assert.Equal(3, v[2]);
        _ = v[1..].Transpose();
        Assert.Equal(1, bytes.ExportCount);
    }
}
