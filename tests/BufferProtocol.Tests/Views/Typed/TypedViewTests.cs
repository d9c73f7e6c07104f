using System.Runtime.InteropServices;
using BufferProtocol.Exporters;
using BufferProtocol.Formats;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;
using BufferProtocol.Tests.Formats.CythonTypes;
using BufferProtocol.Views;

namespace BufferProtocol.Tests.Views.Typed;

/// <summary>The typed view's API: creation and refusals, value access, leases, spans, rows, 2-D spans, sub-views, copies.</summary>
public class TypedViewTests
{
    /// <summary>A C-contiguous 3×4 array of doubles holding 10·i + j.</summary>
    private static NativeBuffer Grid(bool readOnly = false)
    {
        var values = new double[12];
        for (var k = 0; k < 12; k++)
        {
            values[k] = 10 * (k / 4) + k % 4;
        }
        return NativeBuffer.Create("d", BufferLayout.Contiguous(8, [3, 4]), 0, 96, readOnly, contents: MemoryMarshal.AsBytes(values.AsSpan()));
    }

    [Fact]
    public void AsTyped_reads_and_writes_items_in_place()
    {
        using var exporter = Grid();
        using var m = new MemoryView(exporter);
        using var v = m.AsTyped<double>();
        Assert.Equal(2, v.Rank);
        Assert.Equal([3, 4], v.Shape.ToArray());
        Assert.Equal(12, v.ItemCount);
        Assert.Equal(23.0, v[2, 3]);
        v[1, 2] = -1.5;
        Assert.Equal(-1.5, m[1, 2]);                 // the same memory
        Assert.Equal(-1.5, v.GetItem(1, 2));
        Assert.True(v.IsCContiguous);
        Assert.True(v.IsAligned);
        Assert.False(v.IsReadOnly);
        Assert.Equal("d", v.Format);
        Assert.Same(exporter, v.Owner);
    }

    [Fact]
    public void Create_acquires_with_the_request_and_checks_the_format()
    {
        using var exporter = Grid();
        using (var v = MemoryView<double>.Create(exporter))
        {
            Assert.Equal(12.0, v[1, 2]);
        }
        // The exporter's refusals pass through (Cython passes NumPy's "ndarray is not C-contiguous" through).
        using var strided = NativeBuffer.Create("i", BufferLayout.Create(4, [3], [8]), 0, 20);
        Assert.Throws<BufferException>(() => MemoryView<int>.Create(strided, BufferRequest.CContiguous | BufferRequest.Format));
        Assert.Equal(0, strided.ExportCount);

        var e = Assert.Throws<ArgumentException>(() => MemoryView<float>.Create(exporter));
        Assert.Contains("expected 'float' but got 'double'", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, exporter.ExportCount); // the acquisition was given back

        Assert.False(MemoryView<int>.TryCreate(exporter, BufferRequest.FullRO, out var none, out var reason));
        Assert.Null(none);
        Assert.Contains("does not describe System.Int32", reason, StringComparison.Ordinal);
        Assert.Equal(0, exporter.ExportCount);
    }

    [Fact]
    public void Records_are_checked_field_by_field()
    {
        using var exporter = NativeBuffer.Create("T{i:a:xxxxd:b:}", BufferLayout.Contiguous(16, [2]), 0, 32);
        using var m = new MemoryView(exporter);
        using var s1 = m.AsTyped<S1>();
        s1[1] = new S1 { A = 7, B = 2.5 };
        Assert.Equal(7, s1[1].A);
        Assert.Equal(2.5, s1[1].B);
        Assert.Equal(7, ((BufferRecord)m[1]!)[0]);

        var packed = Assert.Throws<ArgumentException>(() => m.AsTyped<P1>());
        Assert.Contains("next field is at offset 8 but 4 expected ('P1.B')", packed.Message, StringComparison.Ordinal);
        Assert.False(m.TryAsTyped<Three>(out _, out var reason));
        Assert.Contains("Three", reason, StringComparison.Ordinal);

        // A field as a typed view: the b's of every item, strided by the record size.
        using var b = s1.GetField<double>("b");
        Assert.Equal([16], b.Strides.ToArray());
        Assert.Equal(2.5, b[1]);
        Assert.Throws<ArgumentException>(() => s1.GetField<float>("b"));
    }

    [Fact]
    public void Non_native_byte_order_is_refused_unless_the_caller_swaps()
    {
        using var exporter = NativeBuffer.Create(">i", BufferLayout.Contiguous(4, [2]), 0, 8, contents: [0, 0, 1, 2, 0, 0, 0, 3]);
        using var m = new MemoryView(exporter);
        var e = Assert.Throws<ArgumentException>(() => m.AsTyped<int>());
        Assert.Contains("Big-endian buffer not supported", e.Message, StringComparison.Ordinal);
        using var raw = m.AsTyped<int>(new FormatCompatibilityOptions { AllowNonNativeByteOrder = true });
        Assert.Equal(0x0102, System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(raw[0]));
    }

    [Fact]
    public void Indices_are_checked()
    {
        using var exporter = Grid();
        using var v = MemoryView<double>.Create(exporter);
        Assert.Throws<ArgumentOutOfRangeException>(() => v[3, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => v[0, -1]); // .NET indices: no wrap-around
        Assert.Throws<ArgumentException>(() => v[1]);
        Assert.Throws<ArgumentException>(() => v[1, 2, 3]);
        using var lease = v.LeaseReadOnly();
        Assert.Equal(23.0, lease[2, 3]);
        Assert.Equal(23.0, lease.GetReference(2, 3));
        Assert.Equal(23.0, lease.DangerousGetReference(2, 3));
        try
        {
            _ = lease[0, 4];
            Assert.Fail("no exception");
        }
        catch (ArgumentOutOfRangeException e)
        {
            Assert.Contains("index 4 is out of range for dimension 1 of extent 4", e.Message, StringComparison.Ordinal);
        }
        try
        {
            _ = lease[1];
            Assert.Fail("no exception");
        }
        catch (ArgumentException e)
        {
            Assert.Contains("takes 2 indices, not 1", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Read_only_views_refuse_every_write()
    {
        using var exporter = Grid(readOnly: true);
        using var v = MemoryView<double>.Create(exporter);
        Assert.True(v.IsReadOnly);
        Assert.Equal("cannot modify read-only memory", Assert.Throws<InvalidOperationException>(() => v[0, 0] = 1).Message);
        Assert.Throws<InvalidOperationException>(() => v.Fill(1));
        Assert.Throws<InvalidOperationException>(() => v.CopyFrom(new double[12]));
        Assert.Throws<InvalidOperationException>(() => v.Lease());
        using (var lease = v.LeaseReadOnly())
        {
            Assert.Equal(23.0, lease.Span[11]);
        }
        using var writable = Grid();
        using var w = MemoryView<double>.Create(writable);
        using var ro = w.ToReadOnly();
        Assert.Throws<InvalidOperationException>(() => ro[0, 0] = 1);
        Assert.Throws<InvalidOperationException>(() => ro.Lease());
        w[0, 0] = 1;
        Assert.Equal(1.0, ro[0, 0]);
    }

    [Fact]
    public void Leases_give_references_spans_rows_and_2D_spans()
    {
        using var exporter = Grid();
        using var v = MemoryView<double>.Create(exporter);
        using (var lease = v.Lease())
        {
            lease[0, 1] = 100;
            lease.GetReference(0, 2) += 1;
            ref var item = ref lease[2, 3];
            item = -7;
            Assert.Equal(12, lease.Span.Length);
            Assert.Equal(100.0, lease.Span[1]);
            Assert.True(lease.HasContiguousRows);
            var row = lease.GetRowSpan(1);
            Assert.Equal([10.0, 11, 12, 13], row.ToArray());
            row[0] = 99;
            var plane = lease.AsSpan2D();
            Assert.Equal(3, plane.Height);
            Assert.Equal(4, plane.Width);
            Assert.Equal(99.0, plane[1, 0]);
            Assert.Equal(-7.0, plane.Transpose()[3, 2]);
            Assert.Equal([12.0, 13], plane.Slice(1, 2, 1, 2).GetRowSpan(0).ToArray());
        }
        Assert.Equal(100.0, v[0, 1]);
        Assert.Equal(3.0, v[0, 2]);
        Assert.Equal(-7.0, v[2, 3]);
        Assert.Equal(99.0, v[1, 0]);
    }

    [Fact]
    public void Strided_views_give_rows_and_2D_spans_but_no_span()
    {
        using var exporter = Grid();
        using var v = MemoryView<double>.Create(exporter);
        using var reversed = v[.., Slice.Reverse];            // columns reversed: stride -8
        using (var lease = reversed.LeaseReadOnly())
        {
            Assert.False(lease.HasContiguousRows);
            var e = LeaseAssert.Throws<InvalidOperationException, double>(in lease, static (in l) => _ = l.Span.Length);
            Assert.Contains("not C-contiguous", e.Message, StringComparison.Ordinal);
            Assert.False(lease.TryGetSpan(out _));
            var rows = LeaseAssert.Throws<InvalidOperationException, double>(in lease, static (in l) => _ = l.GetRowSpan(0).Length);
            Assert.Contains("stride is -8 bytes, not the element size 8", rows.Message, StringComparison.Ordinal);
            var plane = lease.AsSpan2D();
            Assert.Equal(-8, plane.ColumnStride);
            Assert.Equal(13.0, plane[1, 0]);
            Assert.Equal(new double[,] { { 3, 2, 1, 0 }, { 13, 12, 11, 10 }, { 23, 22, 21, 20 } }, plane.ToArray());
        }
        using var columns = v.Transpose();                    // Fortran order: rows of the transpose are strided
        using (var lease = columns.LeaseReadOnly())
        {
            Assert.False(lease.TryGetSpan(out _));
            Assert.True(lease.TryGetSpan(out var memoryOrder, ContiguityOrder.Fortran));
            Assert.Equal(12, memoryOrder.Length);
            Assert.Equal(10.0, lease[0, 1]);
        }
        using var every2 = v[.., Slice.Every(2)];
        Assert.Equal([0.0, 2, 10, 12, 20, 22], every2.ToArray());
    }

    [Fact]
    public void Values_copy_out_and_in_in_C_order()
    {
        using var exporter = Grid();
        using var v = MemoryView<double>.Create(exporter);
        using var t = v.Transpose();
        Assert.Equal([0.0, 10, 20, 1, 11, 21, 2, 12, 22, 3, 13, 23], t.ToArray());
        var destination = new double[13];
        t.CopyTo(destination);
        Assert.Equal(23.0, destination[11]);
        Assert.Throws<ArgumentException>(() => t.CopyTo(new double[11]));
        t.CopyFrom(Enumerable.Range(0, 12).Select(i => (double)i).ToArray());
        Assert.Equal(3.0, v[0, 1]);                          // t[1, 0]
        Assert.Throws<ArgumentException>(() => t.CopyFrom(new double[13]));
        t.Fill(4);
        Assert.All(v.ToArray(), x => Assert.Equal(4.0, x));
        using var reversed = v[Slice.Reverse, Slice.Every(3)];
        reversed.Fill(-1);
        Assert.Equal([-1.0, 4, 4, -1], v[0, ..].ToArray());
    }

    [Fact]
    public void Sub_views_stay_typed_and_share_the_acquisition()
    {
        using var exporter = Grid();
        var v = MemoryView<double>.Create(exporter);
        var row = v[1, ..];
        var tail = v["1:, -1"];
        var shaped = v.Reshape(2, 6);
        v.Release();
        Assert.Equal(1, exporter.ExportCount);               // the sub-views keep the acquisition
        Assert.Equal(13.0, row[3]);
        Assert.Equal([13.0, 23], tail.ToArray());
        Assert.Equal(12.0, shaped[1, 0]);
        row.Release();
        tail.Release();
        shaped.Release();
        Assert.Equal(0, exporter.ExportCount);
    }

    [Fact]
    public void Typed_views_are_exporters()
    {
        using var exporter = Grid();
        using var v = MemoryView<double>.Create(exporter);
        using (var shared = MemoryView<double>.Create(v))
        {
            Assert.Equal(0, v.ExportCount);                  // shares the acquisition: no re-export
            Assert.Equal(12.0, shared[1, 2]);
        }
        using (var untyped = v.AsMemoryView())
        {
            Assert.Equal(12.0, untyped[1, 2]);
        }
        var buffer = v.GetBuffer(BufferRequest.Strided);
        Assert.Equal(1, v.ExportCount);
        Assert.Throws<BufferException>(v.Release);
        buffer.Dispose();
        v.Release();
        Assert.True(v.IsReleased);
    }

    [Fact]
    public void Zero_dimensional_and_empty_views()
    {
        using var scalar = NativeBuffer.Create("q", BufferLayout.Scalar(8), 0, 8, contents: BitConverter.GetBytes(42L));
        using var s = MemoryView<long>.Create(scalar);
        Assert.Equal(0, s.Rank);
        Assert.Equal(42L, s.GetItem());
        s.SetItem([], 43);
        using (var lease = s.Lease())
        {
            Assert.Equal(43L, lease.GetReference());
            Assert.Equal(1, lease.Span.Length);
            LeaseAssert.Throws<InvalidOperationException, long>(lease, static (in l) => _ = l.GetRowSpan().Length);
            LeaseAssert.Throws<InvalidOperationException, long>(lease, static (in l) => _ = l.AsSpan2D().Height);
        }
        Assert.Equal([43L], s.ToArray());

        using var empty = NativeBuffer.Create("h", BufferLayout.Create(2, [0, 3], [6, 2]), 0, 0);
        using var e = MemoryView<short>.Create(empty);
        Assert.Empty(e.ToArray());
        e.Fill(1);
        var l = e.LeaseReadOnly();
        Assert.Equal(0, l.Span.Length);
        LeaseAssert.Throws<ArgumentOutOfRangeException, short>(in l, static (in x) => _ = x[0, 0]);
        Assert.Equal(0, l.AsSpan2D().Height);
        l.Dispose();
    }

    [Fact]
    public void Misaligned_items_are_read_and_reported()
    {
        // NumPy's unaligned arrays (Cython C41 "=i"): items one byte off the grid.
        using var exporter = NativeBuffer.Create("=i", BufferLayout.Create(4, [3], [5]), 1, 16, contents: [0, 1, 0, 0, 0, 9, 2, 0, 0, 0, 9, 3, 0, 0, 0, 9]);
        using var v = MemoryView<int>.Create(exporter);
        Assert.False(v.IsAligned);
        Assert.Equal([1, 2, 3], v.ToArray());
        using var lease = v.Lease();
        lease[2] = 0x01020304;
        Assert.Equal(0x01020304, v[2]);
    }

    [Fact]
    public void ToString_describes_the_view()
    {
        using var exporter = Grid();
        var v = MemoryView<double>.Create(exporter);
        Assert.StartsWith("MemoryView<Double> 'd' ", v.ToString(), StringComparison.Ordinal);
        using (var lease = v.LeaseReadOnly())
        {
            Assert.StartsWith("ReadOnlyMemoryViewLease<Double> ", lease.ToString(), StringComparison.Ordinal);
        }
        v.Release();
        Assert.Equal("MemoryView<Double> (released)", v.ToString());
    }
}
