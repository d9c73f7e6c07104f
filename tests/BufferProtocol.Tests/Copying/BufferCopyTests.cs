using System.Runtime.InteropServices;
using BufferProtocol.Copying;
using BufferProtocol.Exporters;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;
using BufferProtocol.Tests.TestSupport;
using CsCheck;

namespace BufferProtocol.Tests.Copying;

public class BufferCopyTests
{
    // ndarray(range(12), shape=[3,4], format='h')[::-1, 1::2]: shape (3, 2), strides (-8, 4), first item 9.
    private static readonly BufferLayout Reversed = BufferLayout.Create(2, [3, 2], [-8, 4]);
    private const int ReversedOffset = 9 * 2;

    private static byte[] Shorts(params short[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private static short[] AsShorts(ReadOnlySpan<byte> bytes) => MemoryMarshal.Cast<byte, short>(bytes).ToArray();

    private static byte[] Range12() => Shorts(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);

    [Theory]
    [InlineData(ContiguityOrder.C, new short[] { 9, 11, 5, 7, 1, 3 })]
    [InlineData(ContiguityOrder.Fortran, new short[] { 9, 5, 1, 11, 7, 3 })]
    [InlineData(ContiguityOrder.Any, new short[] { 9, 11, 5, 7, 1, 3 })]
    public void ToContiguous_matches_CPython_on_a_reversed_strided_view(ContiguityOrder order, short[] expected)
    {
        var destination = new byte[12];
        BufferCopy.ToContiguous(Range12(), ReversedOffset, Reversed, destination, order);
        Assert.Equal(expected, AsShorts(destination));
    }

    [Fact]
    public void ToContiguous_Any_keeps_the_bytes_of_a_Fortran_contiguous_buffer()
    {
        var fortran = BufferLayout.Contiguous(2, [3, 4], ContiguityOrder.Fortran);
        var destination = new byte[24];
        BufferCopy.ToContiguous(Range12(), 0, fortran, destination, ContiguityOrder.Any);
        Assert.Equal(Range12(), destination);
        BufferCopy.ToContiguous(Range12(), 0, fortran, destination, ContiguityOrder.C);
        Assert.Equal(new short[] { 0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11 }, AsShorts(destination));
    }

    [Fact]
    public void ToContiguous_refuses_a_destination_of_the_wrong_length_without_writing()
    {
        var destination = new byte[14];
        var e = Assert.Throws<ArgumentException>(() => BufferCopy.ToContiguous(Range12(), ReversedOffset, Reversed, destination, ContiguityOrder.C));
        Assert.Contains("len != view->len", e.Message);
        Assert.All(destination, b => Assert.Equal(0, b));
        Assert.Throws<ArgumentOutOfRangeException>(() => BufferCopy.ToContiguous(Range12(), ReversedOffset, Reversed, new byte[12], (ContiguityOrder)'X'));
    }

    [Fact]
    public void Span_overloads_refuse_layouts_outside_their_memory_and_suboffsets()
    {
        Assert.Throws<ArgumentException>(() => BufferCopy.ToContiguous(Range12(), 2, Reversed, new byte[12], ContiguityOrder.C));
        var pil = BufferLayout.Create(1, [2], [8], [0]);
        Assert.Throws<ArgumentException>(() => BufferCopy.ToContiguous(new byte[16], 0, pil, new byte[2], ContiguityOrder.C));
    }

    [Fact]
    public void Scalars_and_empty_buffers()
    {
        var scalar = BufferLayout.Scalar(4);
        var destination = new byte[4];
        BufferCopy.ToContiguous(new byte[] { 1, 2, 3, 4, 5 }, 1, scalar, destination, ContiguityOrder.Fortran);
        Assert.Equal(new byte[] { 2, 3, 4, 5 }, destination);

        var empty = BufferLayout.Create(8, [2, 0, 3], [-1000, 7, 5000]);
        BufferCopy.ToContiguous([], 0, empty, [], ContiguityOrder.C);
        Assert.Equal(0, BufferCopy.FromContiguous(Span<byte>.Empty, 0, empty, new byte[16], ContiguityOrder.C));
        BufferCopy.Copy(Span<byte>.Empty, 0, empty, [], 0, BufferLayout.Create(8, [2, 0, 5], [0, 0, 0]));
    }

    [Fact]
    public void Sixty_four_dimensions_and_item_size_zero()
    {
        // 64 dimensions, ten of extent 2 (1024 items), Fortran-ordered source into C order and back.
        var shape = Enumerable.Range(0, BufferLayout.MaxRank).Select(i => (nint)(i % 6 == 0 && i < 60 ? 2 : 1)).ToArray();
        var fortran = BufferLayout.Contiguous(1, shape, ContiguityOrder.Fortran);
        var memory = Enumerable.Range(0, 1024).Select(i => (byte)(i * 7)).ToArray();
        var c = new byte[1024];
        BufferCopy.ToContiguous(memory, 0, fortran, c, ContiguityOrder.C);
        var back = new byte[1024];
        BufferCopy.FromContiguous(back, 0, fortran, c, ContiguityOrder.C);
        Assert.Equal(memory, back);
        Assert.NotEqual(memory, c);

        var nothing = BufferLayout.Create(0, [3, 4], [0, 0]);
        BufferCopy.ToContiguous(new byte[1], 0, nothing, [], ContiguityOrder.C);
        Assert.Equal(0, BufferCopy.FromContiguous(new byte[1], 0, nothing, new byte[4], ContiguityOrder.Fortran));
        BufferCopy.Copy(new byte[1], 0, nothing, new byte[1], 0, nothing);
    }

    // dst[::2, ::-1] of a zeroed 3x4 'h' array (shape (2, 4), strides (16, -2), first item at index 3), source 1..8.
    [Theory]
    [InlineData(ContiguityOrder.C, 16, new short[] { 4, 3, 2, 1, 0, 0, 0, 0, 8, 7, 6, 5 })]
    [InlineData(ContiguityOrder.Fortran, 16, new short[] { 7, 5, 3, 1, 0, 0, 0, 0, 8, 6, 4, 2 })]
    [InlineData(ContiguityOrder.C, 6, new short[] { 0, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(ContiguityOrder.C, 7, new short[] { 0, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(ContiguityOrder.Fortran, 11, new short[] { 0, 5, 3, 1, 0, 0, 0, 0, 0, 0, 4, 2 })]
    public void FromContiguous_matches_CPython_including_short_sources(ContiguityOrder order, int length, short[] expected)
    {
        var memory = new byte[24];
        var layout = BufferLayout.Create(2, [2, 4], [16, -2]);
        var source = Shorts(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
        var copied = BufferCopy.FromContiguous(memory, 6, layout, source.AsSpan(0, length), order);
        Assert.Equal(expected, AsShorts(memory));
        Assert.Equal(length / 2 * 2, copied);
    }

    [Fact]
    public void FromContiguous_clamps_a_long_source_and_copies_raw_bytes_into_contiguous_buffers()
    {
        var memory = new byte[24];
        var layout = BufferLayout.Create(2, [2, 4], [16, -2]);
        var source = Shorts(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
        Assert.Equal(16, BufferCopy.FromContiguous(memory, 6, layout, source, ContiguityOrder.C));
        Assert.Equal(new short[] { 4, 3, 2, 1, 0, 0, 0, 0, 8, 7, 6, 5 }, AsShorts(memory));

        // Contiguous in the order: a memcpy of exactly the source's bytes, partial item included.
        var contiguous = new byte[8];
        Assert.Equal(5, BufferCopy.FromContiguous(contiguous, 0, BufferLayout.Contiguous(2, [4]), new byte[] { 1, 2, 3, 4, 5 }, ContiguityOrder.C));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 0, 0, 0 }, contiguous);
    }

    [Fact]
    public void FromContiguous_into_a_zero_stride_destination_keeps_the_last_item_in_order()
    {
        var memory = new byte[2];
        var broadcast = BufferLayout.Create(2, [2, 3], [0, 0]);
        var source = Shorts(1, 2, 3, 4, 5, 6);
        BufferCopy.FromContiguous(memory, 0, broadcast, source, ContiguityOrder.C);
        Assert.Equal(new short[] { 6 }, AsShorts(memory));
        // Fortran order, 4 items: (0,0)=1 (1,0)=2 share the first slot, (0,1)=3 (1,1)=4 the second.
        var three = new byte[6];
        BufferCopy.FromContiguous(three, 0, BufferLayout.Create(2, [2, 3], [0, 2]), source.AsSpan(0, 8), ContiguityOrder.Fortran);
        Assert.Equal(new short[] { 2, 4, 0 }, AsShorts(three));
    }

    [Fact]
    public void Copy_within_one_array_is_memmove_like()
    {
        // m[1:] = m[:-1] on a 1-D view, then the same with a stride of 2 and backwards.
        var bytes = new byte[] { 0, 1, 2, 3, 4 };
        var four = BufferLayout.Contiguous(1, [4]);
        BufferCopy.Copy(bytes, 1, four, bytes, 0, four);
        Assert.Equal(new byte[] { 0, 0, 1, 2, 3 }, bytes);

        bytes = [0, 1, 2, 3, 4, 5, 6, 7, 8];
        var strided = BufferLayout.Create(1, [4], [2]);
        BufferCopy.Copy(bytes, 0, strided, bytes, 2, strided);
        Assert.Equal(new byte[] { 2, 1, 4, 3, 6, 5, 8, 7, 8 }, bytes);

        bytes = [0, 1, 2, 3, 4, 5, 6, 7, 8];
        BufferCopy.Copy(bytes, 0, BufferLayout.Create(1, [9], [1]), bytes, 8, BufferLayout.Create(1, [9], [-1]));
        Assert.Equal(new byte[] { 8, 7, 6, 5, 4, 3, 2, 1, 0 }, bytes);
    }

    [Fact]
    public void Copy_transposes_a_square_matrix_in_place()
    {
        var values = Enumerable.Range(0, 36).Select(i => (double)i).ToArray();
        var bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        var c = BufferLayout.Contiguous(8, [6, 6]);
        BufferCopy.Copy(bytes, 0, c, bytes, 0, c.Permute([1, 0]));
        var result = MemoryMarshal.Cast<byte, double>(bytes).ToArray();
        for (var i = 0; i < 6; i++)
        {
            for (var j = 0; j < 6; j++)
            {
                Assert.Equal(j * 6 + i, result[i * 6 + j]);
            }
        }
    }

    [Fact]
    public void Copy_refuses_different_structures_without_writing()
    {
        var destination = new byte[24];
        Assert.Throws<ArgumentException>(() =>
            BufferCopy.Copy(destination, 0, BufferLayout.Contiguous(2, [12]), Range12(), 0, BufferLayout.Contiguous(2, [3, 4])));
        Assert.Throws<ArgumentException>(() =>
            BufferCopy.Copy(destination, 0, BufferLayout.Contiguous(4, [6]), Range12(), 0, BufferLayout.Contiguous(2, [6])));
        Assert.Throws<ArgumentException>(() =>
            BufferCopy.Copy(destination, 2, BufferLayout.Contiguous(2, [12]), Range12(), 0, BufferLayout.Contiguous(2, [12])));
        Assert.All(destination, b => Assert.Equal(0, b));
        Assert.Throws<ArgumentException>(() => BufferCopy.Copy(0, BufferLayout.Contiguous(1, [1]), 1, BufferLayout.Contiguous(1, [1])));
    }

    // ---- CopyData / CopyDataAsCPython on acquired buffers --------------------------------------------------

    private sealed class Pinned(int length) : IDisposable
    {
        public readonly byte[] Bytes = GC.AllocateArray<byte>(length, pinned: true);

        public nint Address => Marshal.UnsafeAddrOfPinnedArrayElement(Bytes, 0);

        public AcquiredBuffer View(string? format, BufferLayout layout, nint offset = 0, bool readOnly = false) =>
            AcquiredBuffer.FromFields(Address + offset, layout.Length, layout.ItemSize, readOnly, format, layout.Rank, layout.Shape,
                layout.Strides, layout.SubOffsets, hasShape: true, hasStrides: true, this, null, BufferRequest.FullRO);

        public void Dispose()
        {
        }
    }

    [Fact]
    public void CopyData_copies_logically_between_C_and_Fortran_layouts()
    {
        using var src = new Pinned(24);
        using var dst = new Pinned(24);
        Range12().CopyTo(src.Bytes, 0);
        using var s = src.View("h", BufferLayout.Contiguous(2, [3, 4]));
        using var d = dst.View("@h", BufferLayout.Contiguous(2, [3, 4], ContiguityOrder.Fortran));
        BufferCopy.CopyData(d, s);
        Assert.Equal(new short[] { 0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11 }, AsShorts(dst.Bytes));
    }

    [Fact]
    public void CopyData_refuses_different_shapes_and_formats_read_only_destinations_without_writing()
    {
        using var src = new Pinned(24);
        using var dst = new Pinned(24);
        Range12().CopyTo(src.Bytes, 0);
        using var fortran = src.View("h", BufferLayout.Contiguous(2, [3, 4], ContiguityOrder.Fortran));
        using var flat = dst.View("h", BufferLayout.Contiguous(2, [12]));
        Assert.Throws<ArgumentException>(() => BufferCopy.CopyData(flat, fortran));
        using var bytesB = src.View("B", BufferLayout.Contiguous(1, [24]));
        using var bytesb = dst.View("b", BufferLayout.Contiguous(1, [24]));
        Assert.Throws<ArgumentException>(() => BufferCopy.CopyData(bytesb, bytesB));
        using var readOnly = dst.View("B", BufferLayout.Contiguous(1, [24]), readOnly: true);
        Assert.Throws<BufferException>(() => BufferCopy.CopyData(readOnly, bytesB));
        Assert.All(dst.Bytes, b => Assert.Equal(0, b));

        using var noFormat = dst.View(null, BufferLayout.Contiguous(1, [24]));
        BufferCopy.CopyData(noFormat, bytesB);
        Assert.Equal(src.Bytes, dst.Bytes);
    }

    [Fact]
    public void CopyDataAsCPython_copies_raw_bytes_between_contiguous_buffers_of_any_shape()
    {
        using var src = new Pinned(24);
        using var dst = new Pinned(24);
        Range12().CopyTo(src.Bytes, 0);
        using var fortran = src.View("h", BufferLayout.Contiguous(2, [3, 4], ContiguityOrder.Fortran));
        using var flat = dst.View("h", BufferLayout.Contiguous(2, [12]));
        BufferCopy.CopyDataAsCPython(flat, fortran);
        Assert.Equal(Range12(), dst.Bytes);

        // bytearray(8) <- b'123456'
        using var eight = new Pinned(8);
        using var six = new Pinned(6);
        "123456"u8.CopyTo(six.Bytes);
        using var e = eight.View("B", BufferLayout.Contiguous(1, [8]));
        using var s = six.View("B", BufferLayout.Contiguous(1, [6]));
        BufferCopy.CopyDataAsCPython(e, s);
        Assert.Equal("123456\0\0"u8.ToArray(), eight.Bytes);
        var tooSmall = Assert.Throws<BufferException>(() => BufferCopy.CopyDataAsCPython(s, e));
        Assert.Equal("destination is too small to receive data from source", tooSmall.Message);
    }

    [Fact]
    public void CopyDataAsCPython_walks_items_in_CPythons_rotated_order_and_refuses_what_CPython_leaves_undefined()
    {
        // A destination with a zero stride: CPython's loop visits (0,1), (0,2), ..., (1,2), (0,0): item (0,0) wins.
        using var src = new Pinned(12);
        using var dst = new Pinned(2);
        Shorts(1, 2, 3, 4, 5, 6).CopyTo(src.Bytes, 0);
        using var s = src.View("h", BufferLayout.Create(2, [2, 3], [2, 4]));
        using var d = dst.View("h", BufferLayout.Create(2, [2, 3], [0, 0]));
        BufferCopy.CopyDataAsCPython(d, s);
        Assert.Equal(new short[] { 1 }, AsShorts(dst.Bytes));
        BufferCopy.CopyData(d, s);
        Assert.Equal(new short[] { 6 }, AsShorts(dst.Bytes));  // the checked copy: C order, last wins

        using var small = dst.View("h", BufferLayout.Create(2, [2, 1], [0, 0]));
        using var wide = src.View("h", BufferLayout.Create(2, [1, 2], [2, 4]));
        Assert.Throws<ArgumentException>(() => BufferCopy.CopyDataAsCPython(small, wide));
    }

    [Fact]
    public void FromContiguous_refuses_a_read_only_buffer_and_released_buffers_throw()
    {
        var data = new short[] { 1, 2, 3 };
        using var exporter = ArrayExporter.Create(data);
        var buffer = exporter.GetBuffer(BufferRequest.FullRO);
        using (var writable = new Pinned(6))
        using (var readOnly = writable.View("h", BufferLayout.Contiguous(2, [3]), readOnly: true))
        {
            Assert.Throws<BufferException>(() => BufferCopy.FromContiguous(readOnly, Shorts(7, 8, 9)));
            Assert.All(writable.Bytes, b => Assert.Equal(0, b));
        }
        buffer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => BufferCopy.ToArray(buffer));
        Assert.Equal(new short[] { 1, 2, 3 }, data);
    }

    [Fact]
    public void AcquiredBuffer_overloads_use_the_buffer_layout()
    {
        var data = new short[,] { { 0, 1, 2 }, { 3, 4, 5 } };
        using var exporter = ArrayExporter.Create<short>(data);
        using var buffer = exporter.GetBuffer(BufferRequest.FullRO);
        Assert.Equal(new short[] { 0, 3, 1, 4, 2, 5 }, AsShorts(BufferCopy.ToArray(buffer, ContiguityOrder.Fortran)));
        var destination = new byte[12];
        BufferCopy.ToContiguous(buffer, destination);
        Assert.Equal(Shorts(0, 1, 2, 3, 4, 5), destination);
        Assert.Equal(12, BufferCopy.FromContiguous(buffer, Shorts(6, 7, 8, 9, 10, 11), ContiguityOrder.Fortran));
        Assert.Equal(new short[,] { { 6, 8, 10 }, { 7, 9, 11 } }, data);
    }

    // ---- the tiled and SIMD paths need larger shapes than the general properties draw -------------------------

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(16)]
    public void Every_other_item_copies_read_nothing_past_the_last_item(int itemSize)
    {
        Skip.IfNot(GuardedMemory.IsSupported, "guard pages need Linux");
        foreach (var placement in new[] { GuardPlacement.FlushEnd, GuardPlacement.FlushStart })
        {
            for (var count = 1; count <= 40; count++)
            {
                // a[::2] and a[::-2] with the block ending (or starting) exactly at the last item read.
                var layout = BufferLayout.Create(itemSize, [count], [2 * itemSize]);
                using var source = GuardedMemory.Allocate(layout.MaxOffset, placement);
                new Random(count).NextBytes(source.Span);
                using var destination = GuardedMemory.Allocate(layout.Length, placement);
                BufferCopy.ToContiguous(source.Pointer, layout, destination.Span, ContiguityOrder.C);
                Assert.Equal(ReferenceCopy.Items(source.Pointer, layout, fortran: false), destination.Span.ToArray());
                var reversed = BufferLayout.Create(itemSize, [count], [-2 * itemSize]);
                BufferCopy.ToContiguous(source.Pointer + layout.MaxOffset - itemSize, reversed, destination.Span, ContiguityOrder.C);
                Assert.Equal(ReferenceCopy.Items(source.Pointer + layout.MaxOffset - itemSize, reversed, fortran: false), destination.Span.ToArray());
            }
        }
    }

    private static readonly Gen<LayoutSpec> Large =
        from itemSize in TestLayouts.ItemSize
        from rank in Gen.Int[2, 3]
        from extents in Gen.Int[1, rank == 2 ? 64 : 16].Array[rank]
        from spec in TestLayouts.Of(extents.Select(e => (nint)e).ToArray(), itemSize, allowPil: false)
        select spec;

    [SkippableFact]
    public void Transposes_and_large_strided_copies_match_the_reference()
    {
        Skip.IfNot(GuardedMemory.IsSupported, "guard pages need Linux");
        var gen = Gen.Select(Large, Gen.Int[0, 2], (spec, order) => (spec, order: order switch { 0 => ContiguityOrder.C, 1 => ContiguityOrder.Fortran, _ => ContiguityOrder.Any }));
        PropertyRunner.Check(gen, t =>
        {
            using var source = TestBuffer.Create(t.spec);
            var expected = ReferenceCopy.ToContiguous(source.Pointer, source.Layout, t.order);
            using var destination = GuardedMemory.Allocate(source.Layout.Length, t.spec.Placement);
            BufferCopy.ToContiguous(source.Pointer, source.Layout, destination.Span, t.order);
            Assert.True(expected.AsSpan().SequenceEqual(destination.Span), "ToContiguous differs from the reference");

            // And back: FromContiguous into the strided layout, compared with the reference's result.
            using var actual = TestBuffer.Create(t.spec with { Seed = t.spec.Seed + 1 });
            using var reference = TestBuffer.Create(t.spec with { Seed = t.spec.Seed + 1 });
            BufferCopy.FromContiguous(actual.Pointer, actual.Layout, destination.Span, t.order);
            ReferenceCopy.FromContiguous(reference.Pointer, reference.Layout, destination.Span, t.order);
            Assert.True(reference.Data.Span.SequenceEqual(actual.Data.Span), "FromContiguous differs from the reference");
        }, 120, stream: 20);
    }
}
