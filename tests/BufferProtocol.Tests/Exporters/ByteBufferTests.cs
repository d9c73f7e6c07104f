using BufferProtocol.Exporters;
using BufferProtocol.Protocol;

namespace BufferProtocol.Tests.Exporters;

public class ByteBufferTests
{
    [Fact]
    public void Grows_and_shrinks_like_bytearray_when_not_exported()
    {
        using var b = new ByteBuffer();
        b.Append((byte)'a');
        b.Append("bcd"u8);
        b.Insert(0, (byte)'>');
        b.Replace(1, 2, "XYZ"u8);
        Assert.Equal(">XYZcd"u8.ToArray(), b.ToArray());
        b.RemoveRange(1, 3);
        Assert.Equal((byte)'d', b.Pop());
        Assert.True(b.Remove((byte)'>'));
        Assert.False(b.Remove((byte)'q'));
        Assert.Equal("c"u8.ToArray(), b.ToArray());
        b.Resize(4);
        Assert.Equal(new byte[] { (byte)'c', 0, 0, 0 }, b.ToArray());
        b.Clear();
        Assert.Equal(0, b.Length);
        Assert.Throws<InvalidOperationException>(() => b.Pop());
        Assert.Throws<ArgumentOutOfRangeException>(() => b[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => b.Replace(1, 0, "x"u8));
    }

    [Fact]
    public void Every_length_change_is_refused_while_exported_and_changes_nothing()
    {
        using var b = new ByteBuffer("abcd"u8);
        var export = b.GetBuffer(BufferRequest.Simple);
        Action[] resizes =
        [
            () => b.Append(1), () => b.Append("xy"u8), () => b.Insert(0, 1), () => b.Insert(4, "x"u8),
            () => b.RemoveRange(0, 1), () => b.Pop(), () => b.Remove((byte)'a'), () => b.Clear(), () => b.Resize(5),
            () => b.Resize(3), () => b.Replace(0, 1, "xy"u8), () => b.Replace(0, 2, default),
        ];
        foreach (var resize in resizes)
        {
            Assert.Equal(ByteBuffer.ResizeRefused, Assert.Throws<BufferException>(resize).Message);
            Assert.Equal("abcd"u8.ToArray(), b.ToArray());
        }
        // Same-size writes are allowed and visible through the export.
        b[0] = (byte)'A';
        b.Replace(1, 2, "BC"u8);
        b.RemoveRange(2, 0);
        b.AsSpan()[3] = (byte)'D';
        Assert.True(export.GetContiguousBytes().SequenceEqual("ABCD"u8));
        export.Dispose();
        b.Append((byte)'!');
        Assert.Equal("ABCD!"u8.ToArray(), b.ToArray());
    }

    [Fact]
    public void Answers_as_PyBuffer_FillInfo()
    {
        using var b = new ByteBuffer("abc"u8);
        using var format = b.GetBuffer(BufferRequest.Format);
        Assert.Equal("B", format.Format);
        Assert.False(format.HasShape);
        using var full = b.GetBuffer(BufferRequest.Full);
        Assert.Equal(new nint[] { 3 }, full.Shape.ToArray());
        Assert.Equal(new nint[] { 1 }, full.Strides.ToArray());
        Assert.False(full.IsReadOnly);
    }

    [Fact]
    public async Task A_refusal_races_correctly_with_exports_from_other_threads()
    {
        // Appends on one thread, exports and releases on others: every append either completes while nothing is exported
        // or is refused, and the contents are never corrupted.
        using var b = new ByteBuffer();
        var appended = 0;
        using var stop = new CancellationTokenSource();
        var exporters = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var export = b.GetBuffer(BufferRequest.Simple);
                var bytes = export.GetContiguousBytes();
                for (var i = 0; i < bytes.Length; i++)
                {
                    Assert.Equal((byte)i, bytes[i]);
                }
            }
        })).ToArray();
        for (var i = 0; i < 20000 && appended < 255; i++)
        {
            try
            {
                b.Append((byte)appended);
                appended++;
            }
            catch (BufferException)
            {
            }
        }
        stop.Cancel();
        await Task.WhenAll(exporters);
        Assert.Equal(0, b.ExportCount);
        Assert.Equal(appended, b.Length);
    }
}
