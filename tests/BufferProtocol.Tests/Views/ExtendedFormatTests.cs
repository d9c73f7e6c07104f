using System.Numerics;
using BufferProtocol.Exporters;
using BufferProtocol.Formats;
using BufferProtocol.Layout;
using BufferProtocol.Views;

namespace BufferProtocol.Tests.Views;

/// <summary>
/// Item access, equality and casts of extended views for formats CPython's memoryview refuses: byte orders, records,
/// sub-arrays, <c>e Zd s</c>; and the CPython mode's refusals of the same.
/// </summary>
public class ExtendedFormatTests
{
    private static (NativeBuffer, MemoryView) View(string format, params nint[] shape)
    {
        var itemSize = BufferFormat.Parse(format).ItemSize;
        var layout = BufferLayout.Contiguous(itemSize, shape);
        var exporter = NativeBuffer.Create(format, layout, 0, layout.Length);
        return (exporter, new MemoryView(exporter));
    }

    [Fact]
    public void Non_native_byte_orders_read_and_write_their_values()
    {
        var (exporter, m) = View(">i", 2);
        using (exporter)
        using (m)
        {
            m[0] = 1;
            m[1] = -2;
            Assert.Equal("00000001fffffffe", m.ToHex());
            Assert.Equal(new List<object?> { 1, -2 }, m.ToList());
            Assert.Throws<ArgumentException>(() => m[0] = 1L << 40);
            Assert.Throws<InvalidCastException>(() => m[0] = "x");
            using var cpython = new MemoryView(m, BufferRequest(), MemoryViewMode.CPython);
            Assert.Equal("memoryview: unsupported format >i", Assert.Throws<NotSupportedException>(() => cpython[0]).Message);
            Assert.Throws<NotSupportedException>(() => cpython[0] = 1);
        }
    }

    [Fact]
    public void Records_read_as_BufferRecord_and_write_from_sequences()
    {
        var (exporter, m) = View("T{<i:a:(2)d:b:3s:name:}", 2);
        using (exporter)
        using (m)
        {
            m[1] = new object?[] { 7, new object?[] { 1.5, -2.5 }, "abc"u8.ToArray() };
            var record = (BufferRecord)m[1]!;
            Assert.Equal(7, record["a"]);
            Assert.Equal(new object?[] { 1.5, -2.5 }, (object?[])record["b"]!);
            Assert.Equal("abc"u8.ToArray(), (byte[])record["name"]!);
            Assert.Equal(new[] { "a", "b", "name" }, m.FieldNames);
            using var b = m.GetField("b");
            Assert.Equal(new nint[] { 2, 2 }, b.Shape.ToArray());
            Assert.Equal("<d", b.Format); // the "<" is sticky across the record
            Assert.Equal(-2.5, b[1, 1]);
            Assert.Throws<ArgumentException>(() => m.GetField("missing"));
            Assert.True(m.Equals(m));
            b[1, 1] = double.NaN;
            Assert.False(m.Equals(m));
            using var cpython = new MemoryView(m, BufferRequest(), MemoryViewMode.CPython);
            Assert.False(cpython.Equals(cpython));
            b[1, 1] = 0.0;
            Assert.True(m.Equals(m));
            // Mixed modes compare by the CPython rules, in both directions.
            Assert.False(m.Equals(cpython));
            Assert.False(cpython.Equals(m));
        }
    }

    [Fact]
    public void Half_complex_and_strings_have_their_NET_values()
    {
        var (e1, half) = View("e", 1);
        var (e2, complex) = View("Zd", 1);
        var (e3, text) = View("3w", 1);
        using (e1)
        using (e2)
        using (e3)
        {
            half[0] = 1.5;
            Assert.Equal((Half)1.5, half[0]);
            Assert.Throws<ArgumentException>(() => half[0] = 1e6);
            complex[0] = new Complex(1, -1);
            Assert.Equal(new Complex(1, -1), complex[0]);
            text[0] = "hé";
            Assert.Equal("hé", text[0]);
            using var cpython = new MemoryView(half, BufferRequest(), MemoryViewMode.CPython);
            Assert.Equal("memoryview: format e not supported", Assert.Throws<NotSupportedException>(() => cpython[0]).Message);
            half.Release();
            complex.Release();
            text.Release();
        }
    }

    [Fact]
    public void Extended_casts_take_any_formats_whose_sizes_divide()
    {
        var (exporter, m) = View("i", 6);
        using (exporter)
        using (m)
        {
            for (var i = 0; i < 6; i++)
            {
                m[i] = i;
            }
            using var asShorts = m.Cast("h");
            Assert.Equal(new nint[] { 12 }, asShorts.Shape.ToArray());
            using var pairs = m.Cast("T{i:x:i:y:}", 3);
            Assert.Equal(5, ((BufferRecord)pairs[2]!)["y"]);
            using var matrix = m.Cast("i", 2, 3);
            using var other = matrix.Cast("q", 3);
            Assert.Equal(3, other.Length);
            Assert.Throws<InvalidOperationException>(() => m.Cast("3i", 3));
            Assert.Throws<InvalidOperationException>(() => m.Cast("5s"));
            Assert.Throws<ArgumentException>(() => m.Cast("T{"));
            using var stepped = m[Slice.Every(2)];
            Assert.Throws<InvalidOperationException>(() => stepped.Cast("B"));
            using var cpython = new MemoryView(m, BufferRequest(), MemoryViewMode.CPython);
            Assert.Equal("memoryview: cannot cast between two non-byte formats", Assert.Throws<InvalidOperationException>(() => cpython.Cast("h")).Message);
            using var empty = m[0..0];
            using var emptyMatrix = empty.Cast("i", 0, 3);
            Assert.Equal(new nint[] { 0, 3 }, emptyMatrix.Shape.ToArray());
        }
    }

    [Fact]
    public void Count_index_and_contains_use_Python_equality()
    {
        var (exporter, m) = View("d", 4);
        using (exporter)
        using (m)
        {
            m[0] = 1.0;
            m[1] = double.NaN;
            m[2] = 1.0;
            Assert.Equal(2, m.Count(1));
            Assert.Equal(0, m.Count(double.NaN));
            Assert.Equal(2, m.IndexOf(1L, 1));
            Assert.Equal(-1, m.IndexOf(1, 1, 2));
            Assert.Equal(3, m.IndexOf(0, -1));
            Assert.True(m.Contains(0));
            Assert.False(m.Contains(5));
        }
        var (e2, grid) = View("B", 2, 2);
        using (e2)
        using (grid)
        {
            Assert.Throws<NotSupportedException>(() => grid.Count(0));
            using (var flat = grid.Cast("B"))
            {
                Assert.Equal(4, flat.Count((byte)0));
            }
            var rows = ((IEnumerable<object?>)grid).ToList();
            Assert.Equal(2, rows.Count);
            Assert.All(rows, r => Assert.IsType<MemoryView>(r));
        }
    }

    private static BufferProtocol.Protocol.BufferRequest BufferRequest() => BufferProtocol.Protocol.BufferRequest.FullRO;
}
