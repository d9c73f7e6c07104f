namespace BufferProtocol.Interop.Npy;

/// <summary>
/// A write-only pass-through that counts what goes through it and, optionally, its CRC-32: under an
/// <see cref="NpzWriter"/> it measures a member's bytes before compression (size and CRC) and after (compressed size),
/// and the archive's offsets on streams that cannot tell their position.
/// </summary>
internal sealed class ZipCountingStream(Stream inner, long start, bool computeCrc) : Stream
{
    /// <summary>The position: the start plus every byte written through.</summary>
    public long Position64 { get; private set; } = start;

    /// <summary>The CRC-32 of the bytes written through (0 unless asked for).</summary>
    public uint Crc { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => Position64; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        Position64 += buffer.Length;
        if (computeCrc)
        {
            Crc = Crc32.Append(Crc, buffer);
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
