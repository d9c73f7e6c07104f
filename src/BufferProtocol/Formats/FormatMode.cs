namespace BufferProtocol.Formats;

/// <summary>
/// The byte-order, size and alignment mode a format item was written in: the prefix characters
/// <c>@ ^ = &lt; &gt; !</c>.
/// </summary>
/// <remarks>
/// A prefix stays in force until the next prefix, across <c>T{...}</c> braces (the sticky scope NumPy and Cython
/// implement): in <c>"T{&lt;b:a:}i:b:"</c> the <c>i</c> is little-endian, standard-size and unaligned.
/// </remarks>
public enum FormatMode : byte
{
    /// <summary><c>@</c> (the default): native byte order, native sizes, native (C) alignment.</summary>
    Native,

    /// <summary><c>^</c>: native byte order, native sizes, no alignment (PEP 3118 only; NumPy emits it for unaligned <c>g</c>).</summary>
    NativeUnaligned,

    /// <summary><c>=</c>: native byte order, standard sizes, no alignment.</summary>
    NativeOrderStandard,

    /// <summary><c>&lt;</c>: little-endian, standard sizes, no alignment.</summary>
    LittleEndian,

    /// <summary><c>&gt;</c> or <c>!</c>: big-endian (network order), standard sizes, no alignment.</summary>
    BigEndian,
}

/// <summary>Helpers for <see cref="FormatMode"/>.</summary>
public static class FormatModeExtensions
{
    /// <summary>The prefix character that selects <paramref name="mode"/> (<c>'&gt;'</c> for big-endian; <c>'!'</c> is read as <c>'&gt;'</c>).</summary>
    /// <param name="mode">A mode.</param>
    public static char ToPrefix(this FormatMode mode) => mode switch
    {
        FormatMode.Native => '@',
        FormatMode.NativeUnaligned => '^',
        FormatMode.NativeOrderStandard => '=',
        FormatMode.LittleEndian => '<',
        _ => '>',
    };

    /// <summary>True for <c>@</c> and <c>^</c>: sizes come from the host C ABI (<c>l</c> is a C <c>long</c>).</summary>
    /// <param name="mode">A mode.</param>
    public static bool UsesNativeSizes(this FormatMode mode) => mode <= FormatMode.NativeUnaligned;

    /// <summary>True only for <c>@</c>: items are aligned to their C alignment.</summary>
    /// <param name="mode">A mode.</param>
    public static bool IsAligned(this FormatMode mode) => mode == FormatMode.Native;

    /// <summary>The byte order of values written in <paramref name="mode"/> on this machine.</summary>
    /// <param name="mode">A mode.</param>
    public static ByteOrder ResolveByteOrder(this FormatMode mode) => mode switch
    {
        FormatMode.LittleEndian => ByteOrder.LittleEndian,
        FormatMode.BigEndian => ByteOrder.BigEndian,
        _ => BitConverter.IsLittleEndian ? ByteOrder.LittleEndian : ByteOrder.BigEndian,
    };
}
