using System.Buffers;
using System.Runtime.InteropServices;
using BufferProtocol.Exporters;
using BufferProtocol.Protocol;

namespace BufferProtocol.Tests.Exporters;

public class MemoryExporterTests
{
    [Fact]
    public unsafe void Exports_a_slice_of_an_array_in_place()
    {
        var data = new short[] { 1, 2, 3, 4, 5 };
        using var exporter = MemoryExporter.Create(data.AsMemory(1, 3));
        using var buffer = exporter.GetBuffer(BufferRequest.Full);
        Assert.Equal("h", buffer.Format);
        Assert.Equal(new nint[] { 3 }, buffer.Shape.ToArray());
        Assert.Equal(new nint[] { 2 }, buffer.Strides.ToArray());
        *(short*)buffer.GetPointer([2]) = 40;
        Assert.Equal(40, data[3]);
    }

    [Fact]
    public void Read_only_memory_refuses_writable_requests()
    {
        ReadOnlyMemory<byte> bytes = "abcdef"u8.ToArray();
        using var exporter = MemoryExporter.CreateReadOnly(bytes);
        Assert.Equal("Object is not writable.", Assert.Throws<BufferException>(() => exporter.GetBuffer(BufferRequest.Writable)).Message);
        Assert.Throws<BufferException>(() => exporter.GetBuffer(BufferRequest.Full));
        Assert.Equal(0, exporter.ExportCount);
        using var buffer = exporter.GetBuffer(BufferRequest.FullRO);
        Assert.True(buffer.IsReadOnly);
        Assert.Throws<InvalidOperationException>(() => buffer.GetWritableContiguousBytes());
        Assert.True(buffer.GetContiguousBytes().SequenceEqual("abcdef"u8));
    }

    [Fact]
    public void A_shape_makes_an_N_dimensional_C_contiguous_buffer()
    {
        using var exporter = MemoryExporter.Create(new float[6].AsMemory(), [2, 3]);
        using var buffer = exporter.GetBuffer(BufferRequest.RecordsRO);
        Assert.Equal(new nint[] { 12, 4 }, buffer.Strides.ToArray());
        Assert.Throws<BufferException>(() => exporter.GetBuffer(BufferRequest.Format)); // as a 2-D ndarray refuses it
        Assert.Throws<ArgumentException>(() => MemoryExporter.Create(new float[6].AsMemory(), [4, 2]));
        using var scalar = MemoryExporter.CreateReadOnly(new ReadOnlyMemory<double>([2.5]), []);
        Assert.Equal(0, scalar.Layout.Rank);
    }

    [Fact]
    public void A_format_can_describe_a_struct()
    {
        using var exporter = MemoryExporter.Create(new Point[2].AsMemory(), "T{d:x:d:y:}");
        using var buffer = exporter.GetBuffer(BufferRequest.FullRO);
        Assert.Equal("T{d:x:d:y:}", buffer.Format);
        Assert.Equal(16, buffer.ItemSize);
        // Without a format a struct is described by its own layout (ClrFormat.Of<T>: field names and offsets).
        using var inferred = MemoryExporter.Create(new Point[1].AsMemory());
        using var described = inferred.GetBuffer(BufferRequest.FullRO);
        Assert.Equal("T{d:X:d:Y:}", described.Format);
        Assert.Throws<ArgumentException>(() => MemoryExporter.Create(new int[1].AsMemory(), ""));
    }

    [Fact]
    public void Memory_is_pinned_on_the_first_export_and_unpinned_on_the_last_release()
    {
        using var manager = new CountingManager(8);
        using var exporter = MemoryExporter.Create(manager.Memory);
        Assert.Equal(0, manager.Pins);
        var a = exporter.GetBuffer(BufferRequest.Simple);
        var b = exporter.GetBuffer(BufferRequest.FullRO);
        Assert.Equal((1, 0), (manager.Pins, manager.Unpins));
        a.Dispose();
        Assert.Equal(0, manager.Unpins);
        b.Dispose();
        b.Dispose();
        Assert.Equal((1, 1), (manager.Pins, manager.Unpins));
    }

    [Fact]
    public void A_refused_first_export_leaves_nothing_pinned()
    {
        using var manager = new CountingManager(8);
        using var exporter = MemoryExporter.CreateReadOnly<byte>(manager.Memory);
        Assert.Throws<BufferException>(() => exporter.GetBuffer(BufferRequest.Writable));
        Assert.Equal(manager.Pins, manager.Unpins);
        Assert.Equal(0, exporter.ExportCount);
    }

    [Fact]
    public void Empty_memory_exports_an_empty_buffer()
    {
        using var exporter = MemoryExporter.Create(Memory<int>.Empty);
        using var buffer = exporter.GetBuffer(BufferRequest.FullRO);
        Assert.Equal(0, buffer.Length);
        Assert.Equal(new nint[] { 0 }, buffer.Shape.ToArray());
    }

    private readonly record struct Point(double X, double Y);

    /// <summary>Native memory that counts how often it is pinned and unpinned.</summary>
    internal sealed unsafe class CountingManager(int length) : MemoryManager<byte>
    {
        private readonly byte* _memory = (byte*)NativeMemory.AllocZeroed((nuint)length);
        private int _pins;
        private int _unpins;

        public int Pins => Volatile.Read(ref _pins);

        public int Unpins => Volatile.Read(ref _unpins);

        public override Span<byte> GetSpan() => new(_memory, length);

        public override MemoryHandle Pin(int elementIndex = 0)
        {
            Interlocked.Increment(ref _pins);
            return new MemoryHandle(_memory + elementIndex, pinnable: this);
        }

        public override void Unpin() => Interlocked.Increment(ref _unpins);

        protected override void Dispose(bool disposing) => NativeMemory.Free(_memory);
    }
}
