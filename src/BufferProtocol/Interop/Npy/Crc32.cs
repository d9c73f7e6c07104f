using System.Buffers.Binary;

namespace BufferProtocol.Interop.Npy;

/// <summary>
/// The CRC-32 of ZIP members (ISO-HDLC: reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF), computed
/// eight bytes at a time with eight tables ("slicing by 8").
/// </summary>
/// <remarks>
/// The BCL has no public CRC-32 (<c>System.IO.Hashing</c> is a package, and the core library takes none); the
/// hardware CRC32 instructions of SSE 4.2 compute CRC-32C, another polynomial.
/// </remarks>
internal static class Crc32
{
    private static readonly uint[] Tables = CreateTables();

    /// <summary>Continues <paramref name="crc"/> (0 for an empty input) over <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var t = Tables.AsSpan();
        crc = ~crc;
        while (data.Length >= 8)
        {
            var lo = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            var hi = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = t[(7 * 256) + (int)(lo & 0xff)] ^ t[(6 * 256) + (int)((lo >> 8) & 0xff)] ^
                  t[(5 * 256) + (int)((lo >> 16) & 0xff)] ^ t[(4 * 256) + (int)(lo >> 24)] ^
                  t[(3 * 256) + (int)(hi & 0xff)] ^ t[(2 * 256) + (int)((hi >> 8) & 0xff)] ^
                  t[256 + (int)((hi >> 16) & 0xff)] ^ t[(int)(hi >> 24)];
            data = data[8..];
        }
        foreach (var b in data)
        {
            crc = t[(int)((crc ^ b) & 0xff)] ^ (crc >> 8);
        }
        return ~crc;
    }

    private static uint[] CreateTables()
    {
        var tables = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }
            tables[i] = c;
        }
        // Table k gives the CRC of a byte followed by k zero bytes.
        for (var i = 0; i < 256; i++)
        {
            for (var k = 1; k < 8; k++)
            {
                var previous = tables[((k - 1) * 256) + i];
                tables[(k * 256) + i] = tables[(int)(previous & 0xff)] ^ (previous >> 8);
            }
        }
        return tables;
    }
}
