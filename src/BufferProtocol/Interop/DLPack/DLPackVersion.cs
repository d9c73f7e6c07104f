using System.Runtime.InteropServices;

namespace BufferProtocol.Interop.DLPack;

/// <summary>
/// <c>DLPackVersion</c> (<c>dlpack.h</c>, 8 bytes: <c>major@0, minor@4</c>): the ABI version a
/// <see cref="DLManagedTensorVersioned"/> was produced with.
/// </summary>
/// <remarks>
/// A different <c>major</c> means a different struct layout: a consumer must not read anything past
/// <c>flags</c>, and must call the deleter and fail. A higher <c>minor</c> only adds enum values (device types,
/// type codes).
/// </remarks>
/// <param name="major">The major version (the struct layout).</param>
/// <param name="minor">The minor version (new enum values).</param>
[StructLayout(LayoutKind.Sequential)]
public record struct DLPackVersion(uint major, uint minor)
{
    /// <summary><c>uint32_t major</c>.</summary>
    public uint major = major;

    /// <summary><c>uint32_t minor</c>.</summary>
    public uint minor = minor;

    /// <summary><c>major.minor</c>.</summary>
    public override readonly string ToString() => $"{major}.{minor}";
}
