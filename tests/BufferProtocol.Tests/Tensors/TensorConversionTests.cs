using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using BufferProtocol.Exporters;
using BufferProtocol.Layout;
using BufferProtocol.Tensors;
using BufferProtocol.Views;

namespace BufferProtocol.Tests.Tensors;

/// <summary>Typed views as tensor spans (leases), and the copy for the layouts a tensor span cannot describe.</summary>
public class TensorConversionTests
{
    private static NativeBuffer Grid()
    {
        var values = Enumerable.Range(0, 12).Select(k => (float)(10 * (k / 4) + k % 4)).ToArray();
        return NativeBuffer.Create("f", BufferLayout.Contiguous(4, [3, 4]), 0, 48, contents: MemoryMarshal.AsBytes(values.AsSpan()));
    }

    [Fact]
    public void A_writable_lease_is_a_TensorSpan_over_the_same_memory()
    {
        using var exporter = Grid();
        using var v = MemoryView<float>.Create(exporter);
        using (var lease = v.Lease())
        {
            var t = lease.AsTensorSpan();
            Assert.Equal([3, 4], t.Lengths.ToArray());
            Assert.Equal([4, 1], t.Strides.ToArray());
            Assert.True(t.IsDense);
            Assert.Equal(23f, t[2, 3]);
            t[1, 1] = -1;
            Assert.Equal(-1f, lease[1, 1]);
            Assert.Equal(3 * 4 * 11.5f - 12, Tensor.Sum<float>(lease.AsReadOnlyTensorSpan()));
        }
        Assert.Equal(-1f, v[1, 1]);
    }

    [Fact]
    public void Strided_transposed_and_broadcast_views_convert_with_element_strides()
    {
        using var exporter = Grid();
        using var v = MemoryView<float>.Create(exporter);
        using (var every2 = v[.., Slice.Every(2)])
        using (var lease = every2.LeaseReadOnly())
        {
            var t = lease.AsReadOnlyTensorSpan();
            Assert.Equal([4, 2], t.Strides.ToArray());
            Assert.Equal(22f, t[2, 1]);
            Assert.False(t.IsDense);
        }
        using (var transposed = v.Transpose())
        using (var lease = transposed.LeaseReadOnly())
        {
            var t = lease.AsReadOnlyTensorSpan();
            Assert.Equal([1, 4], t.Strides.ToArray());
            Assert.Equal(12f, t[2, 1]);
            var flat = new float[12];
            t.FlattenTo(flat);
            Assert.Equal(transposed.ToArray(), flat);
        }
        using (var row = v[1, ..])
        using (var rows = row.AsMemoryView())
        {
            // A broadcast: the same row three times (stride 0), as NumPy's broadcast_to gives it.
            using var broadcast = NativeBuffer.Create("f", BufferLayout.Create(4, [3, 4], [0, 4]), 0, 16);
            using var b = MemoryView<float>.Create(broadcast);
            using var lease = b.LeaseReadOnly();
            var t = lease.AsReadOnlyTensorSpan();
            Assert.Equal([0, 1], t.Strides.ToArray());
            Assert.Equal(12, t.FlattenedLength);
        }
    }

    [Fact]
    public void Layouts_a_TensorSpan_cannot_describe_are_refused_with_the_reason_and_copied_instead()
    {
        using var exporter = Grid();
        using var v = MemoryView<float>.Create(exporter);
        using var reversed = v[Slice.Reverse, ..];
        using (var lease = reversed.Lease())
        {
            Assert.False(lease.TryAsTensorSpan(out var none, out var reason));
            Assert.True(none.IsEmpty);
            Assert.Contains("runs backwards", reason, StringComparison.Ordinal);
            Assert.False(lease.TryAsReadOnlyTensorSpan(out _, out _));
            var e = Assert.Throws<InvalidOperationException>(() =>
            {
                using var inner = reversed.Lease();
                _ = inner.AsTensorSpan();
            });
            Assert.Contains("TensorSpan strides must be >= 0", e.Message, StringComparison.Ordinal);
        }
        var copy = reversed.ToTensor();
        Assert.Equal([3, 4], copy.Lengths.ToArray());
        Assert.Equal(20f, copy[0, 0]);
        Assert.True(copy.IsDense);
    }

    [Fact]
    public void Read_only_views_give_read_only_tensor_spans_only()
    {
        using var exporter = NativeBuffer.Create<double>([2, 2], readOnly: true);
        using var v = MemoryView<double>.Create(exporter);
        Assert.Throws<InvalidOperationException>(() => v.Lease());
        using var lease = v.LeaseReadOnly();
        Assert.Equal(4, lease.AsReadOnlyTensorSpan().FlattenedLength);
    }

    [Fact]
    public void Zero_dimensional_and_empty_views()
    {
        using var scalar = NativeBuffer.Create("d", BufferLayout.Scalar(8), 0, 8, contents: BitConverter.GetBytes(2.5));
        using var s = MemoryView<double>.Create(scalar);
        using (var lease = s.LeaseReadOnly())
        {
            var t = lease.AsReadOnlyTensorSpan();
            Assert.Equal([1], t.Lengths.ToArray());
            Assert.Equal(2.5, t[0]);
        }
        Assert.Equal([1], s.ToTensor().Lengths.ToArray());
        using var empty = NativeBuffer.Create("d", BufferLayout.Create(8, [0, 3], [-24, 8]), 0, 0);
        using var e = MemoryView<double>.Create(empty);
        using (var lease = e.LeaseReadOnly())
        {
            var t = lease.AsReadOnlyTensorSpan();
            Assert.True(t.IsEmpty);
            Assert.Equal([0, 3], t.Lengths.ToArray());
        }
    }

    [Fact]
    public void An_ended_lease_gives_no_tensor_span()
    {
        using var exporter = Grid();
        using var v = MemoryView<float>.Create(exporter);
        var lease = v.LeaseReadOnly();
        lease.Dispose();
        try
        {
            _ = lease.AsReadOnlyTensorSpan();
            Assert.Fail("no exception");
        }
        catch (ObjectDisposedException)
        {
        }
    }

    [Fact]
    public void Any_view_copies_to_a_tensor_after_the_format_check()
    {
        using var exporter = Grid();
        using var m = new MemoryView(exporter);
        using var transposed = m.Transpose();
        var tensor = transposed.ToTensor<float>();
        Assert.Equal([4, 3], tensor.Lengths.ToArray());
        for (var i = 0; i < 4; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                Assert.Equal(10f * j + i, tensor[i, j]);     // Grid(): row r, column c holds 10 r + c
            }
        }
        transposed[0, 0] = 99f;                              // a copy: the tensor keeps its values
        Assert.Equal(0f, tensor[0, 0]);
        var e = Assert.Throws<ArgumentException>(() => m.ToTensor<int>());
        Assert.Contains("does not describe System.Int32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Released_views_give_no_tensor()
    {
        using var exporter = Grid();
        var m = new MemoryView(exporter);
        var v = m.AsTyped<float>();
        m.Release();
        Assert.Throws<ObjectDisposedException>(() => m.ToTensor<float>());
        v.Release();
        Assert.Throws<ObjectDisposedException>(() => v.ToTensor());
        Assert.Equal(0, exporter.ExportCount);
    }
}
