using BufferProtocol.Layout;

namespace BufferProtocol.Tests.Layout;

// Hand cases from pep3118-cpython.md §3.4 (observed with CPython 3.11's PyBuffer_IsContiguous and memoryview flags).
public class BufferLayoutTests
{
    [Theory]
    //          shape         strides        C      F      mvC    mvF
    [InlineData(new long[] { 3, 4 }, new long[] { 4, 1 }, true, false, true, false)]
    [InlineData(new long[] { 3, 4 }, new long[] { 1, 3 }, false, true, false, true)]
    [InlineData(new long[] { 1, 12 }, new long[] { 12, 1 }, true, true, true, true)]
    [InlineData(new long[] { 12, 1 }, new long[] { 1, 5 }, true, true, true, true)]
    [InlineData(new long[] { 2, 0, 7 }, new long[] { 0, 7, 1 }, true, true, true, true)]
    [InlineData(new long[] { 0 }, new long[] { 3 }, true, true, false, false)]
    [InlineData(new long[] { 1 }, new long[] { 2 }, true, true, true, true)]
    [InlineData(new long[] { 3 }, new long[] { 0 }, false, false, false, false)]
    [InlineData(new long[] { 3 }, new long[] { -1 }, false, false, false, false)]
    [InlineData(new long[] { }, new long[] { }, true, true, true, true)]
    [InlineData(new long[] { 3, 1 }, new long[] { 4, 1 }, false, false, false, false)]
    [InlineData(new long[] { 1, 4 }, new long[] { 4, 1 }, true, true, true, true)]
    public void Contiguity_matches_CPython(long[] shape, long[] strides, bool c, bool f, bool viewC, bool viewF)
    {
        // The observed cases are byte buffers (item size 1).
        var layout = BufferLayout.Create(1, shape.Select(x => (nint)x).ToArray(), strides.Select(x => (nint)x).ToArray());
        Assert.Equal(c, layout.IsCContiguous);
        Assert.Equal(f, layout.IsFContiguous);
        Assert.Equal(c || f, layout.IsAnyContiguous);
        Assert.Equal(viewC, (layout.Flags & LayoutFlags.ViewCContiguous) != 0);
        Assert.Equal(viewF, (layout.Flags & LayoutFlags.ViewFContiguous) != 0);
    }

    [Fact]
    public void Suboffsets_are_never_contiguous_and_all_negative_ones_are_dropped()
    {
        var pil = BufferLayout.Create(1, [3, 4], [8, 1], [0, -1]);
        Assert.True(pil.HasSubOffsets);
        Assert.False(pil.IsAnyContiguous);
        var none = BufferLayout.Create(1, [3, 4], [4, 1], [-1, -1]);
        Assert.False(none.HasSubOffsets);
        Assert.True(none.IsCContiguous);
    }

    [Theory]
    // PyBuffer_FillContiguousStrides, pep3118-cpython.md §3.9
    [InlineData('C', 8, new long[] { 2, 3, 4 }, new long[] { 96, 32, 8 })]
    [InlineData('F', 8, new long[] { 2, 3, 4 }, new long[] { 8, 16, 48 })]
    [InlineData('A', 1, new long[] { 2, 3 }, new long[] { 3, 1 })]
    [InlineData('C', 4, new long[] { 2, 0, 3 }, new long[] { 0, 12, 4 })]
    public void FillContiguousStrides_matches_CPython(char order, int itemSize, long[] shape, long[] expected)
    {
        var strides = new nint[shape.Length];
        BufferLayout.FillContiguousStrides(shape.Select(x => (nint)x).ToArray(), strides, itemSize, ContiguityOrderExtensions.ParseOrder(order));
        Assert.Equal(expected.Select(x => (nint)x), strides);
    }

    [Fact]
    public void Invalid_layouts_are_rejected_with_a_reason()
    {
        Assert.Contains("extent of dimension 1", Assert.Throws<ArgumentException>(() => BufferLayout.Create(1, [2, -1], [1, 1])).Message);
        Assert.Contains("64", Assert.Throws<ArgumentException>(() => BufferLayout.Create(1, new nint[65], new nint[65])).Message);
        Assert.Contains("strides has", Assert.Throws<ArgumentException>(() => BufferLayout.Create(1, [2], [1, 1])).Message);
        Assert.Contains("overflow", Assert.Throws<ArgumentException>(() => BufferLayout.Create(8, [nint.MaxValue / 4, 8], [8, 1])).Message);
        Assert.Contains("overflow", Assert.Throws<ArgumentException>(() => BufferLayout.Create(1, [3], [nint.MaxValue])).Message);
    }

    [Fact]
    public void Extent_and_FitsWithin_follow_verify_structure()
    {
        // The oracle example of pep3118-cpython.md §6.4: memlen 14, itemsize 2, shape [2], strides [-6], offset 12.
        var layout = BufferLayout.Create(2, [2], [-6]);
        Assert.Equal(-6, layout.MinOffset);
        Assert.Equal(2, layout.MaxOffset);
        Assert.True(layout.FitsWithin(12, 14));
        Assert.False(layout.FitsWithin(5, 14));
        Assert.False(layout.FitsWithin(13, 14));
        Assert.True(BufferLayout.Create(4, [0, 5], [100, 4]).FitsWithin(0, 0));
    }

    [Fact]
    public void Slicing_a_PIL_layout_folds_the_start_into_the_earlier_suboffset()
    {
        // pep3118-cpython.md §1.4: p[:, 1:] of PIL 3x4 -> suboffsets (1, -1); p[::-1, ::-2] -> strides (-8,-2) suboffsets (3,-1)
        var pil = BufferLayout.Create(1, [3, 4], [8, 1], [0, -1]);
        var cols = pil.Slice(1, 1, 1, 3, out var delta);
        Assert.Equal(0, delta);
        Assert.Equal(new nint[] { 1, -1 }, cols.SubOffsets.ToArray());
        var rev = pil.Slice(0, 2, -1, 3, out var d0).Slice(1, 3, -2, 2, out var d1);
        Assert.Equal(16, d0);
        Assert.Equal(0, d1);
        Assert.Equal(new nint[] { -8, -2 }, rev.Strides.ToArray());
        Assert.Equal(new nint[] { 3, -1 }, rev.SubOffsets.ToArray());
    }

    [Fact]
    public void A_PIL_slice_whose_suboffset_would_turn_negative_is_refused()
    {
        // Rows reached through pointers to their last byte, read backwards: suboffset 0, inner stride -1.
        var pil = BufferLayout.Create(1, [2, 3], [8, -1], [0, -1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => pil.Slice(1, 1, 1, 2, out _));
        // Starting at 0 folds nothing.
        Assert.Equal(new nint[] { 0, -1 }, pil.Slice(1, 0, 1, 2, out _).SubOffsets.ToArray());
    }

    [Fact]
    public void An_empty_slice_keeps_the_base_and_the_suboffsets()
    {
        var pil = BufferLayout.Create(1, [3, 4], [8, 1], [0, -1]);
        var empty = pil.Slice(1, 3, 1, 0, out var d1);
        Assert.Equal(0, d1);
        Assert.Equal(new nint[] { 0, -1 }, empty.SubOffsets.ToArray());
        Assert.False(empty.IsAnyContiguous); // still PIL, as CPython keeps the suboffsets array
        var later = empty.Slice(0, 2, 1, 1, out var d0);
        Assert.Equal(0, d0);
        Assert.True(later.IsEmpty);
    }

    [Fact]
    public void A_slice_step_that_overflows_the_stride_is_refused()
    {
        var layout = BufferLayout.Create(8, [4], [8]);
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.Slice(0, 1, nint.MaxValue / 4, 1, out _));
        Assert.Equal(new nint[] { 8 * 1000 }, layout.Slice(0, 1, 1000, 1, out _).Strides.ToArray());
    }
}
