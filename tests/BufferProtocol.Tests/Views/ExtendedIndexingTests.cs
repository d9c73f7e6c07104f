using BufferProtocol.Exporters;
using BufferProtocol.Views;

namespace BufferProtocol.Tests.Views;

/// <summary>
/// N-dimensional keys, sub-views, slice assignment, transposes and reshapes of extended views, beyond what the
/// <c>_testbuffer</c> replay covers: every key form, PIL sub-views and their limits, and the no-copy guarantees.
/// </summary>
public class ExtendedIndexingTests
{
    /// <summary>A 3×4 'i' view holding 0..11 in C order.</summary>
    private static (NativeBuffer Exporter, MemoryView View) Grid()
    {
        var exporter = NativeBuffer.Create<int>([3, 4]);
        var m = new MemoryView(exporter);
        for (var i = 0; i < 12; i++)
        {
            m[i / 4, i % 4] = i;
        }
        return (exporter, m);
    }

    private static int[] Items(MemoryView v) => ((System.Collections.IEnumerable)Flatten(v.ToList())).Cast<int>().ToArray();

    private static IEnumerable<object?> Flatten(object? value) =>
        value is List<object?> list ? list.SelectMany(Flatten) : [value];

    [Fact]
    public void Every_key_form_selects_the_same_as_NumPy()
    {
        var (exporter, m) = Grid();
        using (exporter)
        using (m)
        {
            using var a = m[1..3, Slice.Reverse];
            Assert.Equal([7, 6, 5, 4, 11, 10, 9, 8], Items(a));
            using var b = m["1:3, ::-1"];
            Assert.True(a.Equals(b));
            using var c = m[^1, ..];
            Assert.Equal([8, 9, 10, 11], Items(c));
            Assert.Equal(1, c.Rank);
            using var d = m[SliceIndex.Ellipsis, 1];
            Assert.Equal([1, 5, 9], Items(d));
            using var e = m[SliceIndex.NewAxis, .., SliceIndex.NewAxis, 0..1];
            Assert.Equal(new nint[] { 1, 3, 1, 1 }, e.Shape.ToArray());
            Assert.Equal(new nint[] { 0, 16, 0, 4 }, e.Strides.ToArray());
            using var f = m["..., ::2"];
            Assert.Equal([0, 2, 4, 6, 8, 10], Items(f));
            using var g = m[SliceIndex.At(1), 2];
            Assert.Equal(0, g.Rank);
            Assert.Equal(6, g.GetItem());
            Assert.Equal(6, m[1, 2]);
            var row = (MemoryView)m[2]!;
            Assert.Equal([8, 9, 10, 11], Items(row));
            row.Release();
        }
    }

    [Fact]
    public void Bad_keys_fail_with_Python_kinds()
    {
        var (exporter, m) = Grid();
        using (exporter)
        using (m)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => m[3, ..]);
            Assert.Throws<ArgumentOutOfRangeException>(() => m[^0, ..]);
            Assert.Throws<ArgumentOutOfRangeException>(() => m[0, 4]);
            Assert.Throws<InvalidOperationException>(() => m[0, 0, 0]);
            Assert.Throws<InvalidOperationException>(() => m[.., .., ..]);
            Assert.Throws<ArgumentException>(() => m[SliceIndex.Ellipsis, SliceIndex.Ellipsis]);
            Assert.Throws<ArgumentException>(() => m[Slice.Every(0)]);
            Assert.Throws<ArgumentException>(() => m["1:2:3:4"]);
            Assert.Throws<ArgumentException>(() => m["x"]);
        }
    }

    [Fact]
    public void Slice_index_parsing_round_trips()
    {
        var key = SliceIndex.Parse(" 1:3 , ::-1, ..., None, -2, : ");
        Assert.Equal("1:3, ::-1, ..., None, -2, :", string.Join(", ", key));
        Assert.Empty(SliceIndex.Parse(""));
        Assert.Equal(SliceIndexKind.Slice, default(SliceIndex).Kind);
        Assert.Equal(new Slice(null, -1), (Slice)(..^1));
        Assert.Equal(new Slice(-2, null), (Slice)(^2..));
        Assert.Equal(0, new Slice(nint.MaxValue, null).GetIndices(5).Count);
    }

    [Fact]
    public void N_dimensional_assignment_is_overlap_safe_and_checks_structure()
    {
        var (exporter, m) = Grid();
        using (exporter)
        using (m)
        {
            using var reversed = m[Slice.Reverse, Slice.Reverse];
            m[..] = reversed;
            Assert.Equal(Enumerable.Range(0, 12).Reverse().ToArray(), Items(m));
            using var transposed = m.Transpose();
            using var square = m[..3, ..3];
            using var squareT = square.Transpose();
            square.CopyFrom(squareT);
            Assert.Equal([11, 7, 3, 8, 10, 6, 2, 4, 9, 5, 1, 0], Items(m));
            Assert.Throws<ArgumentException>(() => m[..2, ..] = transposed);
            using var zeros = NativeBuffer.Create<int>([4]);
            m[1] = new MemoryView(zeros);
            Assert.Equal([0, 0, 0, 0], Items((MemoryView)m[1]!));
            Assert.Throws<InvalidCastException>(() => m[0, ..] = null!);
            using var asShorts = new MemoryView(NativeBuffer.Create<short>([4]));
            Assert.Throws<ArgumentException>(() => m[0, ..] = asShorts);
        }
    }

    [Fact]
    public void Transpose_permute_and_reshape_never_copy()
    {
        var (exporter, m) = Grid();
        using (exporter)
        using (m)
        {
            using var t = m.Transpose();
            Assert.Equal(new nint[] { 4, 3 }, t.Shape.ToArray());
            Assert.Equal(new nint[] { 4, 16 }, t.Strides.ToArray());
            Assert.True(t.IsFContiguous);
            t[0, 2] = 100;
            Assert.Equal(100, m[2, 0]);
            using var p = m.Permute(1, 0);
            Assert.True(p.Equals(t));
            Assert.Throws<ArgumentException>(() => m.Permute(0, 0));

            using var r = m.Reshape(2, -1);
            Assert.Equal(new nint[] { 2, 6 }, r.Shape.ToArray());
            using var columns = m[.., 1..3];
            // Rows 16 bytes apart, two 4-byte items each: merging them would need a copy.
            Assert.Throws<InvalidOperationException>(() => columns.Reshape(6));
            using var split = columns.Reshape(3, 1, 2);
            Assert.Equal(new nint[] { 16, 8, 4 }, split.Strides.ToArray());
            using var rows = m[Slice.Every(2), ..];
            Assert.Throws<InvalidOperationException>(() => rows.Reshape(8));
            using var cube = rows.Reshape(2, 2, 2);
            Assert.Equal(new nint[] { 32, 8, 4 }, cube.Strides.ToArray());
            Assert.Equal([0, 1, 2, 3, 100, 9, 10, 11], Items(cube));
            Assert.Throws<ArgumentException>(() => m.Reshape(5));
            Assert.Throws<ArgumentException>(() => m.Reshape(-1, -1));
        }
    }
}
