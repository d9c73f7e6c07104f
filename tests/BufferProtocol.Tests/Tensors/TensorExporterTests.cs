using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BufferProtocol.Protocol;
using BufferProtocol.Tensors;
using BufferProtocol.Tests.TestSupport;
using BufferProtocol.Views;
using CsCheck;

namespace BufferProtocol.Tests.Tensors;

/// <summary><see cref="TensorExporter{T}"/>: tensors and pinned tensor spans as PEP 3118 exporters.</summary>
public class TensorExporterTests
{
    [Fact]
    public void A_tensor_is_exported_in_place_and_pinned_while_exported()
    {
        var tensor = Tensor.Create(Enumerable.Range(0, 6).Select(i => (double)i).ToArray(), [2, 3]);
        using var exporter = TensorExporter<double>.Create(tensor);
        Assert.Same(tensor, exporter.Tensor);
        using (var v = MemoryView<double>.Create(exporter))
        {
            Assert.Equal(1, exporter.ExportCount);
            Assert.Equal("d", v.Format);
            Assert.Equal([2, 3], v.Shape.ToArray());
            Assert.Equal([24, 8], v.Strides.ToArray());
            Assert.Equal(5.0, v[1, 2]);
            v[0, 1] = -1;
            using var lease = v.LeaseReadOnly();
            Assert.Equal(tensor.GetSpan([0, 0], 6).ToArray(), lease.Span.ToArray());
        }
        Assert.Equal(-1.0, tensor[0, 1]);
        Assert.Equal(0, exporter.ExportCount);
        using var m = new MemoryView(exporter);
        Assert.Equal(-1.0, m[0, 1]);
    }

    [Fact]
    public void Permuted_sliced_and_broadcast_tensors_keep_their_strides()
    {
        var tensor = Tensor.Create(Enumerable.Range(0, 12).ToArray(), [3, 4]);
        using (var t = TensorExporter<int>.Create(Tensor.PermuteDimensions(tensor, [1, 0])))
        using (var v = MemoryView<int>.Create(t))
        {
            Assert.Equal([4, 16], v.Strides.ToArray());
            Assert.True(v.IsFContiguous);
            Assert.Equal([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11], v.ToArray());
        }
        using (var s = TensorExporter<int>.Create(tensor.Slice(1..3, 1..3)))
        using (var v = MemoryView<int>.Create(s))
        {
            Assert.Equal([5, 6, 9, 10], v.ToArray());
        }
        var broadcast = Tensor.Create(new[] { 1, 2, 3, 4 }, [3, 4], [0, 1]);
        using (var b = TensorExporter<int>.Create(broadcast))
        using (var v = MemoryView<int>.Create(b))
        {
            Assert.Equal([0, 4], v.Strides.ToArray());
            Assert.Equal(4, v[2, 3]);
        }
    }

    [Fact]
    public void Read_only_exporters_refuse_writable_requests()
    {
        var tensor = Tensor.Create(new[] { 1f, 2f }, [2]);
        using var exporter = TensorExporter<float>.Create(tensor, readOnly: true);
        Assert.Throws<BufferException>(() => exporter.GetBuffer(BufferRequest.Full));
        using var v = MemoryView<float>.Create(exporter);
        Assert.True(v.IsReadOnly);
    }

    [Fact]
    public void Empty_tensors_export_empty_buffers()
    {
        var tensor = Tensor.Create(Array.Empty<short>(), [0, 3]);
        using var exporter = TensorExporter<short>.Create(tensor);
        using var v = MemoryView<short>.Create(exporter);
        Assert.Equal(0, v.ItemCount);
        Assert.Empty(v.ToArray());
    }

    [Fact]
    public unsafe void Pinned_tensor_spans_are_exported_by_the_caller_s_guarantee()
    {
        var memory = (int*)NativeMemory.Alloc(6 * sizeof(int));
        try
        {
            for (var i = 0; i < 6; i++)
            {
                memory[i] = i;
            }
            var span = new TensorSpan<int>(memory, 6, [2, 3], [1, 2]);
            using (var exporter = TensorExporter<int>.DangerousCreate(span))
            using (var v = MemoryView<int>.Create(exporter))
            {
                Assert.Null(exporter.Tensor);
                Assert.Equal([4, 8], v.Strides.ToArray());
                Assert.Equal([0, 2, 4, 1, 3, 5], v.ToArray());
                v[1, 2] = 50;
            }
            Assert.Equal(50, memory[5]);
            using (var readOnly = TensorExporter<int>.DangerousCreate((ReadOnlyTensorSpan<int>)span))
            {
                Assert.Throws<BufferException>(() => readOnly.GetBuffer(BufferRequest.Full));
            }
        }
        finally
        {
            NativeMemory.Free(memory);
        }
        var array = new int[4];
        var e = Assert.Throws<ArgumentException>(() => TensorExporter<int>.DangerousCreate(new TensorSpan<int>(array)));
        Assert.Contains("not pinned", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Round_trip_view_to_tensor_span_to_exporter_to_view()
    {
        var tensor = Tensor.CreateFromShape<long>([3, 6], pinned: true);
        using var exporter = TensorExporter<long>.Create(tensor);
        using var v = MemoryView<long>.Create(exporter);
        using var columns = v[.., Slice.Every(2)];
        using var lease = columns.Lease();
        var span = lease.AsTensorSpan();
        span.Fill(7);
        using var again = TensorExporter<long>.DangerousCreate(span);
        using var w = MemoryView<long>.Create(again);
        Assert.Equal([48, 16], w.Strides.ToArray());
        Assert.All(w.ToArray(), x => Assert.Equal(7L, x));
        Assert.Equal(0L, tensor[0, 1]);
        Assert.Equal(7L, tensor[2, 4]);

        // An odd number of columns: every other column interleaves with the rows (strides 5 and 2 over extents 3 and 3),
        // which TensorSpan refuses; the reason says so.
        var odd = Tensor.CreateFromShape<long>([3, 5]);
        using var oddExporter = TensorExporter<long>.Create(odd);
        using var oddView = MemoryView<long>.Create(oddExporter);
        using var oddColumns = oddView[.., Slice.Every(2)];
        using var oddLease = oddColumns.Lease();
        Assert.False(oddLease.TryAsTensorSpan(out _, out var reason));
        Assert.Contains("dimensions 1 and 0 overlap or interleave", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Disposal_stops_new_exports_and_waits_for_the_live_ones()
    {
        var tensor = Tensor.Create(new[] { 1, 2, 3, 4 }, [2, 2]);
        var exporter = TensorExporter<int>.Create(tensor);
        var view = MemoryView<int>.Create(exporter);
        exporter.Dispose();
        Assert.True(exporter.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => exporter.GetBuffer(BufferRequest.Full));
        Assert.Equal(4, view[1, 1]);                        // the live export still reads the tensor
        view[0, 0] = 9;
        Assert.Equal(9, tensor[0, 0]);
        Assert.Equal(1, exporter.ExportCount);
        view.Release();
        Assert.Equal(0, exporter.ExportCount);
        Assert.Throws<ObjectDisposedException>(() => view[0, 0]);
    }

    [Fact]
    public void A_leaked_export_does_not_pin_an_unreachable_tensor_forever()
    {
        var array = LeakExport();
        Finalization.CollectUntil(() => !array.IsAlive);
        Assert.False(array.IsAlive);

        [MethodImpl(MethodImplOptions.NoInlining)]
        static WeakReference LeakExport()
        {
            var data = new double[1000];
            TensorExporter<double>.Create(Tensor.Create(data, [10, 100])).GetBuffer(BufferRequest.Full);
            return new WeakReference(data);
        }
    }

    /// <summary>A tensor made over an array with random lengths, a random order of dimensions, gaps and broadcasts.</summary>
    public sealed record TensorSpec(nint[] Lengths, nint[] Strides, int Offset, bool Permute)
    {
        public override string ToString() =>
            $"lengths ({string.Join(", ", Lengths)}), strides ({string.Join(", ", Strides)}), offset {Offset}, permute {Permute}";
    }

    private static readonly Gen<TensorSpec> Specs =
        from rank in Gen.Int[1, 4]
        from lengths in Gen.Frequency((1, Gen.Const(0)), (2, Gen.Const(1)), (12, Gen.Int[2, 4])).Array[rank]
        from order in Gen.Int[0, 1000].Array[rank]
        from gaps in Gen.Frequency((3, Gen.Const(1)), (1, Gen.Int[2, 3])).Array[rank]
        from broadcast in Gen.Frequency((3, Gen.Const(-1)), (1, Gen.Int[0, rank - 1]))
        from offset in Gen.Int[0, 3]
        from permute in Gen.Bool
        select Build(lengths, order, gaps, broadcast, offset, permute);

    /// <summary>Element strides that interleave no dimensions: dense in a random order, each step times a gap.</summary>
    private static TensorSpec Build(int[] lengths, int[] order, int[] gaps, int broadcast, int offset, bool permute)
    {
        var strides = new nint[lengths.Length];
        nint step = 1;
        foreach (var d in Enumerable.Range(0, lengths.Length).OrderBy(d => order[d]))
        {
            step *= gaps[d];
            strides[d] = d == broadcast || lengths[d] <= 1 ? 0 : step;
            step *= Math.Max(lengths[d], 1);
        }
        return new TensorSpec(lengths.Select(n => (nint)n).ToArray(), strides, offset, permute);
    }

    [Fact]
    public void Random_tensors_export_every_element_where_the_tensor_has_it()
    {
        PropertyRunner.Check(Specs, spec =>
        {
            nint reach = 0;
            for (var d = 0; d < spec.Lengths.Length; d++)
            {
                reach += (spec.Lengths[d] - 1) * spec.Strides[d];
            }
            var empty = spec.Lengths.Any(n => n == 0);
            var values = Enumerable.Range(0, spec.Offset + (empty ? 0 : (int)reach + 1)).Select(i => 1000 + i).ToArray();
            var tensor = Tensor.Create(values, spec.Offset, spec.Lengths, spec.Strides);
            if (spec.Permute)
            {
                tensor = Tensor.PermuteDimensions(tensor, Enumerable.Range(0, spec.Lengths.Length).Reverse().ToArray());
            }
            using var exporter = TensorExporter<int>.Create(tensor);
            using var view = MemoryView<int>.Create(exporter);
            Assert.Equal(tensor.Lengths.ToArray(), view.Shape.ToArray());
            Assert.Equal(tensor.Strides.ToArray().Select(s => s * sizeof(int)), view.Strides.ToArray());
            var flat = new int[tensor.FlattenedLength];
            tensor.FlattenTo(flat);
            Assert.Equal(flat, view.ToArray());
            foreach (var index in ReferenceCopy.Indices(view.Shape.ToArray(), fortran: false))
            {
                Assert.Equal(tensor[index], view[index]);
            }
            if (!empty)
            {
                // Writes through the export land in the tensor's array.
                var last = view.Shape.ToArray().Select(n => n - 1).ToArray();
                view[last] = -7;
                Assert.Equal(-7, tensor[last]);
            }
        }, 300, stream: 43);
    }
}
