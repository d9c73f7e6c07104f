using BufferProtocol.Exporters;
using BufferProtocol.Protocol;

namespace BufferProtocol.Tests.Exporters;

public class ArrayExporterTests
{
    [Fact]
    public unsafe void Exports_a_rectangular_array_in_place_and_pins_only_while_exported()
    {
        var data = new int[2, 3] { { 1, 2, 3 }, { 4, 5, 6 } };
        using var exporter = ArrayExporter.Create<int>(data);
        using (var buffer = exporter.GetBuffer(BufferRequest.FullRO))
        {
            Assert.Equal("i", buffer.Format);
            Assert.Equal(new nint[] { 2, 3 }, buffer.Shape.ToArray());
            Assert.Equal(new nint[] { 12, 4 }, buffer.Strides.ToArray());
            Assert.Equal(24, buffer.Length);
            Assert.Equal(1, exporter.ExportCount);
            Assert.Equal(6, *(int*)buffer.GetPointer([1, -1]));
            *(int*)buffer.GetPointer([0, 1]) = 42;
            Assert.Throws<ArgumentOutOfRangeException>(() => buffer.GetPointer([2, 0]));
        }
        Assert.Equal(42, data[0, 1]);
        Assert.Equal(0, exporter.ExportCount);
    }

    [Fact]
    public void Released_buffer_throws_ObjectDisposed_and_double_release_is_harmless()
    {
        using var exporter = ArrayExporter.Create(new double[4]);
        var buffer = exporter.GetBuffer(BufferRequest.Simple);
        buffer.Dispose();
        buffer.Dispose();
        Assert.Equal(0, exporter.ExportCount);
        Assert.Throws<ObjectDisposedException>(() => buffer.Pointer);
        Assert.Throws<ObjectDisposedException>(() => buffer.GetContiguousBytes().Length);
    }

    [Fact]
    public void Simple_request_reports_no_shape_rank_1_and_keeps_the_item_size()
    {
        using var exporter = ArrayExporter.Create(new int[3]);
        using var buffer = exporter.GetBuffer(BufferRequest.Simple);
        Assert.Null(buffer.Format);
        Assert.False(buffer.HasShape);
        Assert.Equal(1, buffer.Rank);
        Assert.Equal(4, buffer.ItemSize);
        Assert.Equal(12, buffer.Length);
    }

    [Fact]
    public void Format_without_ND_is_answered_as_array_array_does_for_one_dimension_only()
    {
        // array('i').__getbuffer__(PyBUF_FORMAT) -> format 'i', shape NULL; a 2-D ndarray/memoryview refuses it.
        using var vector = ArrayExporter.Create(new int[3]);
        using (var buffer = vector.GetBuffer(BufferRequest.Format))
        {
            Assert.Equal("i", buffer.Format);
            Assert.False(buffer.HasShape);
            Assert.Equal(1, buffer.Rank);
        }
        using var matrix = ArrayExporter.Create<int>(new int[2, 2]);
        Assert.Throws<BufferException>(() => matrix.GetBuffer(BufferRequest.Format));
    }

    [Fact]
    public void Dispose_with_live_exports_is_deferred()
    {
        var exporter = ArrayExporter.Create(new byte[8]);
        var buffer = exporter.GetBuffer(BufferRequest.Simple);
        exporter.Dispose();
        Assert.Throws<ObjectDisposedException>(() => exporter.GetBuffer(BufferRequest.Simple));
        Assert.Equal(8, buffer.GetContiguousBytes().Length);
        buffer.Dispose();
        Assert.Equal(0, exporter.ExportCount);
    }
}
