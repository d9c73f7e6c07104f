using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using BufferProtocol.Formats.Clr;

namespace BufferProtocol.Formats;

public static partial class ClrFormat
{
    /// <summary>
    /// True when items of <paramref name="format"/> can be read and written as <typeparamref name="T"/> in place: the
    /// check a typed view makes before it hands out <c>Span&lt;T&gt;</c>s over a buffer (Cython's typed-memoryview
    /// check, with its crashes and misreadings fixed; <c>interop-protocols.md</c> §6.4).
    /// </summary>
    /// <typeparam name="T">The unmanaged element type.</typeparam>
    /// <param name="format">The buffer's format.</param>
    /// <param name="reason">Why not, in Cython's words where Cython has words for it; null when compatible.</param>
    /// <remarks>The item size is taken to be <see cref="BufferFormat.ItemSize"/>; see the overload with an item size.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="format"/> is null.</exception>
    public static bool IsCompatible<T>(BufferFormat format, [NotNullWhen(false)] out string? reason) where T : unmanaged =>
        IsCompatible(typeof(T), format, format?.ItemSize ?? 0, out reason, null);

    /// <summary>
    /// True when items of <paramref name="format"/>, <paramref name="itemSize"/> bytes apart, can be read and written as
    /// <typeparamref name="T"/> in place.
    /// </summary>
    /// <typeparam name="T">The unmanaged element type.</typeparam>
    /// <param name="format">The buffer's format.</param>
    /// <param name="itemSize">The buffer's item size (<c>Py_buffer.itemsize</c>); must equal <c>sizeof(T)</c>.</param>
    /// <param name="reason">Why not; null when compatible.</param>
    /// <param name="options">Name and byte-order policy (default: names ignored, native byte order only).</param>
    /// <exception cref="ArgumentNullException"><paramref name="format"/> is null.</exception>
    public static bool IsCompatible<T>(BufferFormat format, nint itemSize, [NotNullWhen(false)] out string? reason,
        FormatCompatibilityOptions? options = null) where T : unmanaged =>
        IsCompatible(typeof(T), format, itemSize, out reason, options);

    /// <summary>The non-generic form of <see cref="IsCompatible{T}(BufferFormat, nint, out string?, FormatCompatibilityOptions?)"/>.</summary>
    /// <param name="type">The unmanaged element type.</param>
    /// <param name="format">The buffer's format.</param>
    /// <param name="itemSize">The buffer's item size.</param>
    /// <param name="reason">Why not; null when compatible.</param>
    /// <param name="options">Name and byte-order policy.</param>
    /// <remarks>
    /// <para>The rules:</para>
    /// <list type="number">
    /// <item>Both sides are flattened to leaves with absolute offsets (nested structs and records walked; padding and
    /// gaps skipped). Each format leaf must match the next field of <paramref name="type"/> by kind, size and offset:
    /// signed and unsigned integers, floats, complex, bool, characters; <c>c</c> matches any 1-byte integer,
    /// <c>?</c> a <see cref="byte"/>, <c>u</c> or <c>H</c> a <see cref="char"/>, <c>l</c> a <see cref="long"/> or
    /// <see cref="CLong"/> when it is 8 bytes. Names are ignored unless <see cref="FormatCompatibilityOptions.CompareNames"/>.</item>
    /// <item>Repeat counts pool across consecutive fields (<c>"3i"</c> and <c>"T{2i:x:i:z:}"</c> match
    /// <c>struct { int x, y, z; }</c>), but a <c>fixed</c> buffer or <c>[InlineArray]</c> field needs a sub-array of
    /// the same shape (<c>"(3)i"</c>, or <c>"3s"</c> for a 3-byte buffer), and a sub-array matches only an array field.</item>
    /// <item>Offsets follow C layout in <c>@</c> mode (natural alignment, the largest member alignment for a nested
    /// struct — not Cython's first-member rule, so NumPy's aligned exports and C structs both match).</item>
    /// <item>Byte order: native only, unless <see cref="FormatCompatibilityOptions.AllowNonNativeByteOrder"/>.</item>
    /// <item><paramref name="itemSize"/> must equal <c>sizeof(T)</c>; the format may describe fewer bytes (trailing
    /// padding NumPy leaves out, numpy#7797), never more.</item>
    /// <item>Surplus format items and missing fields are errors (<c>expected end</c>), never a crash.</item>
    /// </list>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="type"/> or <paramref name="format"/> is null.</exception>
    public static bool IsCompatible(Type type, BufferFormat format, nint itemSize, [NotNullWhen(false)] out string? reason,
        FormatCompatibilityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(format);
        reason = LayoutMatcher.Check(type, format, itemSize, options ?? FormatCompatibilityOptions.Default);
        return reason is null;
    }
}

/// <summary>Policy switches of <see cref="ClrFormat.IsCompatible(Type, BufferFormat, nint, out string?, FormatCompatibilityOptions?)"/>.</summary>
public sealed record FormatCompatibilityOptions
{
    /// <summary>The defaults: names ignored, native byte order only.</summary>
    public static FormatCompatibilityOptions Default { get; } = new();

    /// <summary>Require every format member that matches a field to carry that field's name (Cython never compares names).</summary>
    public bool CompareNames { get; init; }

    /// <summary>
    /// Accept leaves in the non-native byte order (<c>&gt;i</c> on a little-endian machine). The caller then owns the
    /// byte swapping; the default refuses them as Cython does ("Big-endian buffer not supported on little-endian compiler").
    /// </summary>
    public bool AllowNonNativeByteOrder { get; init; }
}
