namespace BufferProtocol.Formats;

/// <summary>What kind of value a leaf of a format describes: the information an item codec switches on.</summary>
/// <remarks>
/// The kind together with <see cref="DataType.Size"/> and <see cref="LeafType.ByteOrder"/> is enough to read or
/// write a value; <see cref="LeafType.Code"/> keeps the exact letter for the cases where C types of the same size
/// differ (<c>l</c> vs <c>q</c>, <c>c</c> vs <c>B</c>).
/// </remarks>
public enum ScalarKind : byte
{
    /// <summary>Two's-complement signed integer: <c>b h i l q n</c>.</summary>
    SignedInteger,

    /// <summary>Unsigned integer: <c>B H I L Q N</c>.</summary>
    UnsignedInteger,

    /// <summary>IEEE 754 binary floating point (<c>e f d</c>), or the platform's <c>long double</c> (<c>g</c>).</summary>
    Float,

    /// <summary>Complex number stored as real part then imaginary part: <c>Zf Zd Zg</c>.</summary>
    Complex,

    /// <summary>C <c>_Bool</c>: <c>?</c>.</summary>
    Bool,

    /// <summary>A single byte character (Python <c>bytes</c> of length 1): <c>c</c>.</summary>
    Char,

    /// <summary>A fixed-length byte string, NUL-padded: <c>s</c> (the count is the length).</summary>
    Bytes,

    /// <summary>A Pascal string: a length byte then the bytes, in exactly count bytes: <c>p</c>.</summary>
    PascalString,

    /// <summary>UCS-2 code units (2 bytes each): <c>u</c> (the count is the number of code units).</summary>
    Ucs2,

    /// <summary>UCS-4 code points (4 bytes each): <c>w</c> (the count is the number of code points).</summary>
    Ucs4,

    /// <summary>A data pointer: <c>P</c> (<c>void*</c>) or <c>&amp;</c> (pointer to the type that follows).</summary>
    Pointer,

    /// <summary>A function pointer: <c>X{...}</c>.</summary>
    FunctionPointer,

    /// <summary>A Python object reference (<c>PyObject*</c>): <c>O</c>.</summary>
    Object,

    /// <summary>Padding bytes that hold no value: <c>x</c> (the count is the number of bytes).</summary>
    Padding,

    /// <summary>A bit field: <c>t</c> (the count is the number of bits).</summary>
    Bits,
}
