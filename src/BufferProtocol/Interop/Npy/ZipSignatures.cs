namespace BufferProtocol.Interop.Npy;

/// <summary>The signatures that open ZIP records (APPNOTE.TXT §4.3), shared by <see cref="NpzArchive"/> and <see cref="NpzWriter"/>.</summary>
internal static class ZipSignatures
{
    public const uint LocalHeader = 0x04034b50;
    public const uint CentralHeader = 0x02014b50;
    public const uint DataDescriptor = 0x08074b50;
    public const uint End = 0x06054b50;
    public const uint Zip64Locator = 0x07064b50;
    public const uint Zip64End = 0x06064b50;
}
