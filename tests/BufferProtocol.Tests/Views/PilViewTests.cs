using BufferProtocol.Exporters;
using BufferProtocol.Formats;
using BufferProtocol.Layout;
using BufferProtocol.Views;

namespace BufferProtocol.Tests.Views;

/// <summary>
/// PIL views with dereferences in two dimensions (beyond <c>ND_PIL</c>, which dereferences only the first): integers
/// on dereferencing dimensions, folds into suboffsets, field views and the selections PEP 3118 cannot describe.
/// </summary>
public class PilViewTests
{
    // A 2×2×2 'i' array: a table of 2 pointers (dimension 0) to tables of 2 pointers (dimension 1) to rows of 2 ints.
    //   bytes 0..16 table0, 16..32 table1a, 32..48 table1b, 48..80 four rows; item [i,j,k] = 100i + 10j + k.
    private static (NativeBuffer Exporter, MemoryView View) Cube(string format = "i")
    {
        var layout = BufferLayout.Create(4, [2, 2, 2], [8, 8, 4], [0, 0, -1]);
        NativePointer[] pointers = [new(0, 16), new(8, 32), new(16, 48), new(24, 56), new(32, 64), new(40, 72)];
        var exporter = NativeBuffer.CreateWithPointers(format, layout, 0, 80, pointers);
        var m = new MemoryView(exporter);
        for (var i = 0; i < 2; i++)
        {
            for (var j = 0; j < 2; j++)
            {
                for (var k = 0; k < 2; k++)
                {
                    m[i, j, k] = 100 * i + 10 * j + k;
                }
            }
        }
        return (exporter, m);
    }

    private static object?[] Flat(MemoryView v) => Flatten(v.ToList()).ToArray();

    private static IEnumerable<object?> Flatten(object? value) => value is List<object?> list ? list.SelectMany(Flatten) : [value];

    [Fact]
    public void Items_and_slices_follow_both_dereferences()
    {
        var (exporter, m) = Cube();
        using (exporter)
        using (m)
        {
            Assert.Equal(111, m[1, 1, 1]);
            Assert.Equal(new object?[] { 0, 1, 10, 11, 100, 101, 110, 111 }, Flat(m));
            using var reversed = m[.., Slice.Reverse, 1..];
            // The start of dimension 1 (index 1, stride 8) folds into the suboffset of dimension 0, that of dimension 2 into dimension 1.
            Assert.Equal(new nint[] { 8, 4, -1 }, reversed.SubOffsets.ToArray());
            Assert.Equal(new object?[] { 11, 1, 111, 101 }, Flat(reversed));
        }
    }

    [Fact]
    public void An_integer_on_the_first_dimension_dereferences_now()
    {
        var (exporter, m) = Cube();
        using (exporter)
        using (m)
        {
            var plane = (MemoryView)m[1]!;
            Assert.Equal(new nint[] { 0, -1 }, plane.SubOffsets.ToArray());
            Assert.Equal(new object?[] { 100, 101, 110, 111 }, Flat(plane));
            using var row = plane[1, ..];
            Assert.True(row.SubOffsets.IsEmpty);
            Assert.Equal(new object?[] { 110, 111 }, Flat(row));
            plane.Release();
        }
    }

    [Fact]
    public void An_integer_on_a_later_dimension_moves_its_dereference_or_is_refused()
    {
        var (exporter, m) = Cube();
        using (exporter)
        using (m)
        {
            using var column = m[.., .., 1];
            Assert.Equal(new object?[] { 1, 11, 101, 111 }, Flat(column));
            // Dimension 1 dereferences and so does dimension 0: one dimension cannot dereference twice.
            Assert.Throws<NotSupportedException>(() => m[.., 1, ..]);
            using var plane = m[.., 1..2, ..];
            Assert.Equal(new object?[] { 10, 11, 110, 111 }, Flat(plane));
        }
    }

    [Fact]
    public void Fields_of_PIL_records_move_the_last_dereference()
    {
        var layout = BufferLayout.Create(8, [2, 2], [8, 8], [0, -1]);
        var exporter = NativeBuffer.CreateWithPointers("T{i:a:i:b:}", layout, 0, 48, [new(0, 16), new(8, 32)]);
        using (exporter)
        using (var m = new MemoryView(exporter))
        using (var a = m.GetField("a"))
        using (var b = m.GetField("b"))
        {
            for (var i = 0; i < 4; i++)
            {
                a[i / 2, i % 2] = i;
                b[i / 2, i % 2] = 10 * i;
            }
            Assert.Equal(new nint[] { 4, -1 }, b.SubOffsets.ToArray());
            Assert.Equal(new object?[] { 0, 10, 20, 30 }, Flat(b));
            var record = (BufferRecord)m[1, 1]!;
            Assert.Equal(3, record["a"]);
            Assert.Equal(30, record["b"]);
            Assert.Throws<NotSupportedException>(() => m.Transpose());
        }
    }
}
