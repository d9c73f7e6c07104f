namespace BufferProtocol.Formats;

/// <summary>The byte order of a value in memory, with "native" already resolved for this machine.</summary>
public enum ByteOrder : byte
{
    /// <summary>Least significant byte first.</summary>
    LittleEndian,

    /// <summary>Most significant byte first.</summary>
    BigEndian,
}
