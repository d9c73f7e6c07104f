using BufferProtocol.Exporters;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;
using BufferProtocol.Views;

namespace BufferProtocol.Tests.Views;

/// <summary>Construction, properties, release and re-export rules of <see cref="MemoryView"/> (CPython's semantics, §4.1–4.10).</summary>
public class MemoryViewTests
{
    private static ByteBuffer Bytes(params byte[] data) => new(data);

    [Fact]
    public void A_view_reports_its_exporter_and_layout()
    {
        using var exporter = NativeBuffer.Create<int>([2, 3]);
        using var m = new MemoryView(exporter);
        Assert.Same(exporter, m.Owner);
        Assert.Equal("i", m.Format);
        Assert.Equal(4, m.ItemSize);
        Assert.Equal(24, m.NBytes);
        Assert.Equal(2, m.Rank);
        Assert.Equal(new nint[] { 2, 3 }, m.Shape.ToArray());
        Assert.Equal(new nint[] { 12, 4 }, m.Strides.ToArray());
        Assert.True(m.SubOffsets.IsEmpty);
        Assert.True(m.IsCContiguous && !m.IsFContiguous && m.IsContiguous);
        Assert.False(m.IsReadOnly);
        Assert.Equal(2, m.Length);
        Assert.Equal(MemoryViewMode.Extended, m.Mode);
        Assert.Equal(1, exporter.ExportCount);
    }

    [Fact]
    public void Views_derived_from_one_acquisition_share_it_until_the_last_is_released()
    {
        var bytes = Bytes(1, 2, 3);
        var m1 = new MemoryView(bytes);
        var m2 = m1[1..];
        var m3 = new MemoryView(m1);
        var m4 = m1.ToReadOnly();
        Assert.Equal(1, bytes.ExportCount);
        Assert.Same(m1.Owner, m3.Owner);
        m1.Release();
        Assert.Throws<BufferException>(() => bytes.Append(4));
        Assert.Equal(new byte[] { 2, 3 }, m2.ToBytes());
        Assert.Throws<ObjectDisposedException>(() => m1.ToBytes());
        m2.Release();
        m3.Release();
        Assert.Equal(1, bytes.ExportCount);
        m4.Dispose();
        Assert.Equal(0, bytes.ExportCount);
        bytes.Append(4);
        m4.Release();
    }

    [Fact]
    public void Release_is_refused_while_re_exported_and_allowed_after()
    {
        var m = new MemoryView(Bytes(1, 2, 3));
        var e1 = m.GetBuffer(BufferRequest.FullRO);
        var e2 = m.GetBuffer(BufferRequest.Simple);
        Assert.Same(m, e1.Owner);
        Assert.Equal(2, m.ExportCount);
        var error = Assert.Throws<BufferException>(m.Release);
        Assert.Equal("memoryview has 2 exported buffers", error.Message);
        e1.Dispose();
        Assert.Equal("memoryview has 1 exported buffer", Assert.Throws<BufferException>(m.Dispose).Message);
        e2.Dispose();
        m.Release();
        Assert.True(m.IsReleased);
        m.Release();
    }

    [Fact]
    public void A_released_view_refuses_everything_but_release_equality_and_hash()
    {
        var m = new MemoryView(MemoryExporter.CreateReadOnly<byte>(new byte[] { 1, 2 }, "B"));
        var contentHash = m.GetContentHash();
        var other = new MemoryView(m);
        m.Release();
        Assert.Throws<ObjectDisposedException>(() => m.Format);
        Assert.Throws<ObjectDisposedException>(() => m.Shape.Length);
        Assert.Throws<ObjectDisposedException>(() => m.Owner);
        Assert.Throws<ObjectDisposedException>(() => m[0]);
        Assert.Throws<ObjectDisposedException>(() => m[0] = 1);
        Assert.Throws<ObjectDisposedException>(() => m[..]);
        Assert.Throws<ObjectDisposedException>(() => m.ToList());
        Assert.Throws<ObjectDisposedException>(() => m.Cast("b"));
        Assert.Throws<ObjectDisposedException>(() => m.ToReadOnly());
        Assert.Throws<ObjectDisposedException>(() => new MemoryView(m));
        Assert.Throws<ObjectDisposedException>(() => m.GetBuffer(BufferRequest.Simple));
        Assert.Throws<ObjectDisposedException>(() => m.Lease());
        Assert.Throws<ObjectDisposedException>(() => m.GetEnumerator());
        Assert.True(m.Equals(m));
        Assert.False(m.Equals(other));
        Assert.False(other.Equals(m));
        Assert.Equal(contentHash, m.GetContentHash());
        _ = m.GetHashCode();
        Assert.Equal("MemoryView (released)", m.ToString());
        other.Release();
    }

    [Fact]
    public void Construction_with_a_request_reconstructs_what_it_leaves_out()
    {
        using var exporter = NativeBuffer.Create<int>([2, 3], readOnly: true);
        using var simple = new MemoryView(exporter, BufferRequest.Simple);
        Assert.Equal("B", simple.Format);
        Assert.Equal(4, simple.ItemSize);
        Assert.Equal(new nint[] { 6 }, simple.Shape.ToArray());
        Assert.Equal(new nint[] { 4 }, simple.Strides.ToArray());
        using var nd = new MemoryView(exporter, BufferRequest.ND | BufferRequest.Format);
        Assert.Equal("i", nd.Format);
        Assert.Equal(new nint[] { 12, 4 }, nd.Strides.ToArray());
        Assert.Throws<BufferException>(() => new MemoryView(exporter, BufferRequest.Writable));
        Assert.Equal(2, exporter.ExportCount);
    }

    [Fact]
    public void FromBuffer_takes_ownership_of_an_acquired_buffer()
    {
        using var exporter = NativeBuffer.Create<short>([4]);
        var buffer = exporter.GetBuffer(BufferRequest.Full);
        var m = MemoryView.FromBuffer(buffer);
        var slice = m[1..];
        m.Release();
        Assert.False(buffer.IsReleased);
        slice.Release();
        Assert.True(buffer.IsReleased);
        Assert.Equal(0, exporter.ExportCount);
    }

    [Fact]
    public void ToReadOnly_makes_a_new_read_only_view_whose_writes_are_refused()
    {
        var bytes = Bytes(1, 2, 3);
        using var m = new MemoryView(bytes);
        using var r = m.ToReadOnly();
        using var r2 = r.ToReadOnly();
        Assert.NotSame(r, r2);
        Assert.True(r.IsReadOnly);
        Assert.Equal("cannot modify read-only memory", Assert.Throws<InvalidOperationException>(() => r[0] = 9).Message);
        m[0] = (byte)9;
        Assert.Equal((byte)9, r[0]);
        Assert.Throws<BufferException>(() => r.GetBuffer(BufferRequest.Writable));
        using var rv = new MemoryView(r);
        Assert.True(rv.IsReadOnly);
    }

    [Fact]
    public void Re_exports_answer_every_request_with_memoryview_contiguity()
    {
        var bytes = Bytes(0, 1, 2, 3, 4, 5);
        using var m = new MemoryView(bytes);
        using var stepped = m[Slice.Every(2)];
        using (var strided = stepped.GetBuffer(BufferRequest.RecordsRO))
        {
            Assert.Equal(new nint[] { 2 }, strided.Strides.ToArray());
            Assert.Equal("B", strided.Format);
        }
        Assert.Throws<BufferException>(() => stepped.GetBuffer(BufferRequest.Simple));
        using var empty = m[0..0];
        using var emptyStepped = stepped[0..0];
        // 1-D empty with stride != itemsize: memoryview says "not contiguous" (PyBuffer_IsContiguous would say yes).
        Assert.Throws<BufferException>(() => emptyStepped.GetBuffer(BufferRequest.CContiguous));
        empty.GetBuffer(BufferRequest.CContiguous).Dispose();
    }

    [Fact]
    public void Length_of_a_0_dimensional_view_depends_on_the_mode()
    {
        using var exporter = NativeBuffer.Create<double>([]);
        using var extended = new MemoryView(exporter);
        using var cpython = new MemoryView(exporter, MemoryViewMode.CPython);
        Assert.Throws<InvalidOperationException>(() => extended.Length);
        Assert.Equal(1, cpython.Length);
        Assert.Same(cpython, cpython[SliceIndex.Ellipsis]);
        Assert.Equal(0.0, cpython.GetItem());
    }

    [Fact]
    public void Views_of_a_view_inherit_its_mode_unless_told_otherwise()
    {
        using var m = new MemoryView(Bytes(1, 2), MemoryViewMode.CPython);
        using var v = new MemoryView(m);
        using var s = m[..1];
        using var e = new MemoryView(m, BufferRequest.FullRO, MemoryViewMode.Extended);
        Assert.Equal(MemoryViewMode.CPython, v.Mode);
        Assert.Equal(MemoryViewMode.CPython, s.Mode);
        Assert.Equal(MemoryViewMode.Extended, e.Mode);
    }

    [Fact]
    public void Hex_groups_like_bytes_hex()
    {
        using var m = new MemoryView(MemoryExporter.CreateReadOnly<byte>(new byte[] { 0xb9, 0x01, 0xef, 0x10, 0x20 }, "B"));
        Assert.Equal("b901ef1020", m.ToHex());
        Assert.Equal("b9:01:ef:10:20", m.ToHex(':'));
        Assert.Equal("b9:01ef:1020", m.ToHex(':', 2));
        Assert.Equal("b901:ef10:20", m.ToHex(':', -2));
        Assert.Equal("b901ef1020", m.ToHex(':', 0));
        using (var reversed = m[Slice.Every(-2)])
        {
            Assert.Equal("20efb9", reversed.ToHex());
        }
        Assert.Throws<ArgumentException>(() => m.ToHex("::"));
        Assert.Throws<ArgumentException>(() => m.ToHex('é'));
        Assert.Throws<ArgumentException>(() => m.ToBytes('c'));
        Assert.Equal(LayoutFlags.CContiguous, m.Layout.Flags & LayoutFlags.CContiguous);
    }
}
