using BufferProtocol.Exporters;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;

namespace BufferProtocol.Tests.Exporters;

public class NativeBufferTests
{
    [Fact]
    public unsafe void Allocate_exports_zeroed_aligned_bytes()
    {
        using var native = NativeBuffer.Allocate(100, alignment: 256);
        using var buffer = native.GetBuffer(BufferRequest.FullRO);
        Assert.Equal("B", buffer.Format);
        Assert.Equal(new nint[] { 100 }, buffer.Shape.ToArray());
        Assert.Equal(0, buffer.Pointer % 256);
        Assert.All(buffer.GetContiguousBytes().ToArray(), b => Assert.Equal(0, b));
        native.Bytes[7] = 42;
        Assert.Equal(42, *(byte*)buffer.GetPointer([7]));
    }

    [Fact]
    public unsafe void Create_of_T_is_contiguous_in_either_order()
    {
        using var c = NativeBuffer.Create<double>([2, 3]);
        using var f = NativeBuffer.Create<short>([2, 3], ContiguityOrder.Fortran, readOnly: true);
        Assert.Equal("d", c.Format);
        Assert.Equal(new nint[] { 24, 8 }, c.Layout.Strides.ToArray());
        Assert.Equal(new nint[] { 2, 4 }, f.Layout.Strides.ToArray());
        Assert.True(f.Layout.IsFContiguous);
        Assert.Throws<BufferException>(() => f.GetBuffer(BufferRequest.Writable));
        Assert.Throws<BufferException>(() => f.GetBuffer(BufferRequest.CContiguous));
        using var fb = f.GetBuffer(BufferRequest.FContiguous);
        Assert.True(fb.IsReadOnly);
    }

    [Fact]
    public unsafe void Negative_strides_and_an_offset_address_the_right_bytes()
    {
        // The example of pep3118-cpython.md §6.4: memlen 14, itemsize 2, shape [2], strides [-6], offset 12.
        var image = Convert.FromHexString("1005b65c40351895db5ff02de751");
        using var native = NativeBuffer.Create("h", BufferLayout.Create(2, [2], [-6]), 12, 14, contents: image);
        using var buffer = native.GetBuffer(BufferRequest.FullRO);
        Assert.Equal(20967, *(short*)buffer.GetPointer([0]));
        Assert.Equal(-27368, *(short*)buffer.GetPointer([1]));
        Assert.Equal(-27368, *(short*)buffer.GetPointer([-1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.GetPointer([2]));
        Assert.False(buffer.Layout.IsAnyContiguous);
        Assert.Throws<BufferException>(() => native.GetBuffer(BufferRequest.ND));
    }

    [Theory]
    [InlineData(13, 14)] // last item would end past the block
    [InlineData(5, 14)]  // first item (stride -6) would start before the block
    [InlineData(-1, 14)]
    [InlineData(15, 14)]
    public void Structures_outside_the_block_are_refused(long offset, long memoryLength)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() =>
            NativeBuffer.Create("h", BufferLayout.Create(2, [2], [-6]), (nint)offset, (nint)memoryLength));
        Assert.False(string.IsNullOrEmpty(e.Message));
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        var layout = BufferLayout.Create(1, [4], [1]);
        Assert.Throws<ArgumentException>(() => NativeBuffer.Create("", layout, 0, 4));
        Assert.Throws<ArgumentException>(() => NativeBuffer.Create("B", layout, 0, 4, alignment: 3));
        Assert.Throws<ArgumentException>(() => NativeBuffer.Create("B", layout, 0, 4, contents: new byte[5]));
        Assert.Throws<ArgumentException>(() => NativeBuffer.Create("B", BufferLayout.Create(1, [2, 2], [8, 1], [0, -1]), 0, 16));
        Assert.Throws<ArgumentException>(() => NativeBuffer.CreateIndirect("B", BufferLayout.Scalar(1), 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => NativeBuffer.Allocate(-1));
    }

    [Theory]
    [InlineData("i", 4)]
    [InlineData("=bhlq", 15)]
    [InlineData("@bhlq", 24)]
    [InlineData("T{<d:x:<d:y:}", 16)]
    [InlineData("(3,3)f", 36)]
    [InlineData("Zd", 16)]
    public void The_format_must_describe_the_item_size(string format, int itemSize)
    {
        using (NativeBuffer.Create(format, BufferLayout.Create(itemSize, [2], [itemSize]), 0, 2 * itemSize))
        {
        }
        var wrongSize = Assert.Throws<ArgumentException>(() => NativeBuffer.Create(format, BufferLayout.Create(itemSize + 1, [2], [itemSize + 1]), 0, 2 * itemSize + 2));
        Assert.Contains($"{itemSize} bytes", wrongSize.Message);
    }

    [Fact]
    public void A_format_that_does_not_parse_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => NativeBuffer.Create("ii}", BufferLayout.Create(8, [1], [8]), 0, 8));
        Assert.IsType<BufferProtocol.Formats.BufferFormatException>(e.InnerException);
        Assert.Throws<ArgumentException>(() => MemoryExporter.Create(new int[2].AsMemory(), "d"));
        Assert.Throws<ArgumentException>(() => MemoryExporter.Create(new int[2].AsMemory(), "T{"));
        using var ok = MemoryExporter.Create(new int[2].AsMemory(), "<I");
        Assert.Equal("<I", ok.Format);
    }

    [Fact]
    public void Zero_extents_need_no_memory_and_strides_may_be_anything()
    {
        using var native = NativeBuffer.Create("i", BufferLayout.Create(4, [3, 0, 2], [1000, -77, 5]), 0, 0);
        using var buffer = native.GetBuffer(BufferRequest.FullRO);
        Assert.Equal(0, buffer.Length);
        Assert.True(buffer.Layout.IsCContiguous && buffer.Layout.IsFContiguous);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.GetPointer([0, 0, 0]));
    }

    [Fact]
    public unsafe void Sixty_four_dimensions_are_supported()
    {
        var shape = Enumerable.Repeat((nint)1, 64).ToArray();
        shape[63] = 3;
        using var native = NativeBuffer.Create("B", BufferLayout.Contiguous(1, shape), 0, 3, contents: [7, 8, 9]);
        using var buffer = native.GetBuffer(BufferRequest.FullRO);
        Assert.Equal(64, buffer.Rank);
        var index = new nint[64];
        index[63] = 2;
        Assert.Equal(9, *(byte*)buffer.GetPointer(index));
    }

    [Fact]
    public unsafe void CreateIndirect_builds_the_ND_PIL_layout_of_testbuffer()
    {
        // pep3118-cpython.md §1.4: ndarray(list(range(12)), shape=[3,4], flags=ND_PIL) -> strides (8, 1) suboffsets (0, -1)
        var data = Enumerable.Range(0, 12).Select(i => (byte)i).ToArray();
        using var pil = NativeBuffer.CreateIndirect("B", BufferLayout.Contiguous(1, [3, 4]), 0, 12, contents: data);
        Assert.Equal(new nint[] { 8, 1 }, pil.Layout.Strides.ToArray());
        Assert.Equal(new nint[] { 0, -1 }, pil.Layout.SubOffsets.ToArray());
        Assert.Equal(24, pil.DataOffset);
        Assert.Equal(36, pil.MemoryLength);
        Assert.Equal(new[] { new NativePointer(0, 24), new NativePointer(8, 28), new NativePointer(16, 32) }, pil.Pointers.ToArray());
        Assert.Throws<BufferException>(() => pil.GetBuffer(BufferRequest.RecordsRO));
        using var buffer = pil.GetBuffer(BufferRequest.FullRO);
        Assert.False(buffer.Layout.IsAnyContiguous);
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 4; j++)
            {
                Assert.Equal(4 * i + j, *(byte*)buffer.GetPointer([i, j]));
            }
        }
        // The slice p[:, 1:] folds into suboffsets (1, -1); get_pointer(p[:, 1:], [2, 0]) == 9.
        var sliced = buffer.Layout.Slice(1, 1, 1, 3, out var delta);
        Assert.Equal(0, delta);
        Assert.Equal(9, *(byte*)AcquiredBuffer.WalkPointer(buffer.Pointer, sliced, [2, 0]));
    }

    [Fact]
    public unsafe void CreateIndirect_with_negative_strides_starts_at_the_last_table_entry()
    {
        // _testbuffer's own example: shape {2, 2, 3}, strides {-6, 3, -1}, offset 8 -> strides {-8, 3, -1}, suboffsets {2, -1, -1}.
        var data = Enumerable.Range(0, 12).Select(i => (byte)i).ToArray();
        using var pil = NativeBuffer.CreateIndirect("B", BufferLayout.Create(1, [2, 2, 3], [-6, 3, -1]), 8, 12, contents: data);
        Assert.Equal(new nint[] { -8, 3, -1 }, pil.Layout.Strides.ToArray());
        Assert.Equal(new nint[] { 2, -1, -1 }, pil.Layout.SubOffsets.ToArray());
        Assert.Equal(8, pil.BaseOffset);
        using var buffer = pil.GetBuffer(BufferRequest.Full);
        using var reference = NativeBuffer.Create("B", BufferLayout.Create(1, [2, 2, 3], [-6, 3, -1]), 8, 12, contents: data);
        using var expected = reference.GetBuffer(BufferRequest.FullRO);
        foreach (var index in Indices([2, 2, 3]))
        {
            Assert.Equal(*(byte*)expected.GetPointer(index), *(byte*)buffer.GetPointer(index));
        }
    }

    [Fact]
    public unsafe void CreateWithPointers_supports_two_levels_of_indirection()
    {
        // A 2x2x2 array of bytes: a table of 2 pointers to tables of 2 pointers to rows of 2 bytes.
        var p = (nint)IntPtr.Size;
        var rows = 6 * p;
        NativePointer[] pointers =
        [
            new(0, 2 * p), new(p, 4 * p),                    // level 1 -> level-2 tables
            new(2 * p, rows + 0), new(3 * p, rows + 2),      // table 0 -> rows 0, 1
            new(4 * p, rows + 4), new(5 * p, rows + 6),      // table 1 -> rows 2, 3
        ];
        var layout = BufferLayout.Create(1, [2, 2, 2], [p, p, 1], [0, 0, -1]);
        var contents = new byte[rows + 8];
        for (var i = 0; i < 8; i++)
        {
            contents[rows + i] = (byte)(10 + i);
        }
        using var native = NativeBuffer.CreateWithPointers("B", layout, 0, rows + 8, pointers, contents: contents);
        using var buffer = native.GetBuffer(BufferRequest.FullRO);
        var k = 0;
        foreach (var index in Indices([2, 2, 2]))
        {
            Assert.Equal(10 + k++, *(byte*)buffer.GetPointer(index));
        }
    }

    [Fact]
    public void CreateWithPointers_refuses_walks_that_leave_the_block_or_miss_the_table()
    {
        var p = (nint)IntPtr.Size;
        var layout = BufferLayout.Create(1, [2, 4], [p, 1], [0, -1]);
        // Row 1 points 2 bytes too far: its last item is past the block.
        Assert.Contains("reaches", Assert.Throws<ArgumentException>(() =>
            NativeBuffer.CreateWithPointers("B", layout, 0, 2 * p + 8, [new(0, 2 * p), new(p, 2 * p + 6)])).Message);
        // Only one pointer for two rows.
        Assert.Contains("holds no pointer", Assert.Throws<ArgumentException>(() =>
            NativeBuffer.CreateWithPointers("B", layout, 0, 2 * p + 8, [new(0, 2 * p)])).Message);
        // Items overlapping the table.
        Assert.Contains("overlap", Assert.Throws<ArgumentException>(() =>
            NativeBuffer.CreateWithPointers("B", layout, 0, 2 * p + 8, [new(0, 0), new(p, 2 * p)])).Message);
        // A slot outside the block; a slot listed twice.
        Assert.Throws<ArgumentException>(() => NativeBuffer.CreateWithPointers("B", layout, 0, 2 * p + 8, [new(2 * p + 4, 0)]));
        Assert.Throws<ArgumentException>(() => NativeBuffer.CreateWithPointers("B", layout, 0, 2 * p + 8, [new(0, 2 * p), new(0, 2 * p)]));
    }

    [Fact]
    public void Memory_lives_until_disposed_and_the_last_export_is_released()
    {
        var native = NativeBuffer.Allocate(16);
        var a = native.GetBuffer(BufferRequest.Simple);
        var b = native.GetBuffer(BufferRequest.Writable);
        native.Dispose();
        Assert.True(native.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => native.GetBuffer(BufferRequest.Simple));
        Assert.Throws<ObjectDisposedException>(() => native.Bytes.Length);
        b.GetWritableContiguousBytes()[3] = 1; // still alive
        a.Dispose();
        Assert.Equal(1, a.IsReleased ? b.GetContiguousBytes()[3] : 0);
        b.Dispose();
        Assert.Equal(0, native.ExportCount);
    }

    internal static IEnumerable<nint[]> Indices(nint[] shape)
    {
        if (shape.Any(d => d == 0))
        {
            yield break;
        }
        var index = new nint[shape.Length];
        while (true)
        {
            yield return (nint[])index.Clone();
            var d = shape.Length - 1;
            for (; d >= 0; d--)
            {
                if (++index[d] < shape[d])
                {
                    break;
                }
                index[d] = 0;
            }
            if (d < 0)
            {
                yield break;
            }
        }
    }
}
