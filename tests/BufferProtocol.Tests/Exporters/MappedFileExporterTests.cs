using System.IO.MemoryMappedFiles;
using BufferProtocol.Exporters;
using BufferProtocol.Protocol;

namespace BufferProtocol.Tests.Exporters;

public sealed class MappedFileExporterTests : IDisposable
{
    private readonly string _path = Path.GetTempFileName();

    public MappedFileExporterTests() => File.WriteAllBytes(_path, Enumerable.Range(0, 100).Select(i => (byte)i).ToArray());

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void A_read_only_region_exports_the_file_bytes_and_refuses_writable_requests()
    {
        using var map = MappedFileExporter.Open(_path, MemoryMappedFileAccess.Read, offset: 10, length: 5);
        Assert.True(map.IsReadOnly);
        using var buffer = map.GetBuffer(BufferRequest.FullRO);
        Assert.Equal(new byte[] { 10, 11, 12, 13, 14 }, buffer.GetContiguousBytes().ToArray());
        Assert.Equal("Object is not writable.", Assert.Throws<BufferException>(() => map.GetBuffer(BufferRequest.Writable)).Message);
    }

    [Fact]
    public void Writes_through_a_writable_export_reach_the_file()
    {
        using (var map = MappedFileExporter.Open(_path, MemoryMappedFileAccess.ReadWrite, offset: 50))
        {
            Assert.Equal(50, map.Length);
            using var buffer = map.GetBuffer(BufferRequest.Full);
            buffer.GetWritableContiguousBytes()[0] = 0xEE;
            map.Flush();
        }
        Assert.Equal(0xEE, File.ReadAllBytes(_path)[50]);
    }

    [Fact]
    public void Copy_on_write_changes_stay_private()
    {
        using (var map = MappedFileExporter.Open(_path, MemoryMappedFileAccess.CopyOnWrite))
        {
            using var buffer = map.GetBuffer(BufferRequest.Writable);
            buffer.GetWritableContiguousBytes()[0] = 0xEE;
            Assert.Equal(0xEE, map.Bytes[0]);
        }
        Assert.Equal(0, File.ReadAllBytes(_path)[0]);
    }

    [Fact]
    public void Close_is_refused_while_exported_and_Dispose_is_deferred()
    {
        var map = MappedFileExporter.CreateAnonymous(16);
        var buffer = map.GetBuffer(BufferRequest.Simple);
        Assert.Equal(MappedFileExporter.CloseRefused, Assert.Throws<BufferException>(map.Close).Message);
        Assert.False(map.IsDisposed);
        map.Dispose();
        Assert.Throws<ObjectDisposedException>(() => map.GetBuffer(BufferRequest.Simple));
        Assert.Throws<ObjectDisposedException>(() => map.Bytes.Length);
        Assert.Throws<ObjectDisposedException>(map.Flush);
        buffer.GetWritableContiguousBytes()[15] = 1; // still mapped
        buffer.Dispose();
        map.Close(); // already closed: nothing to do
    }

    [Fact]
    public void Empty_and_out_of_range_regions_are_refused()
    {
        Assert.Throws<ArgumentException>(() => MappedFileExporter.Open(_path, offset: 100));
        Assert.Throws<ArgumentException>(() => MappedFileExporter.Open(_path, offset: 90, length: 11));
        Assert.Throws<ArgumentOutOfRangeException>(() => MappedFileExporter.Open(_path, offset: -1));
        Assert.Throws<ArgumentException>(() => MappedFileExporter.CreateAnonymous(0));
    }

    [Fact]
    public void A_caller_owned_file_can_be_left_open()
    {
        using var file = MemoryMappedFile.CreateNew(null, 64);
        using (var map = MappedFileExporter.Create(file, 8, 8, MemoryMappedFileAccess.ReadWrite, leaveOpen: true))
        {
            map.Bytes[0] = 7;
        }
        using var accessor = file.CreateViewAccessor(8, 1);
        Assert.Equal(7, accessor.ReadByte(0));
    }
}
