namespace BufferProtocol.Interop.Npy;

/// <summary>How <see cref="NpzWriter"/> stores its members.</summary>
public enum NpzCompression
{
    /// <summary>Uncompressed (ZIP method 0), as <c>np.savez</c> writes: <see cref="NpzArchive"/> maps such members in place.</summary>
    Stored,

    /// <summary>Deflated (ZIP method 8), as <c>np.savez_compressed</c> writes.</summary>
    Deflated,
}
