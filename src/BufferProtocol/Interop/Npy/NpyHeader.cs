using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using BufferProtocol.Interop.NumPy;
using BufferProtocol.Layout;

namespace BufferProtocol.Interop.Npy;

/// <summary>
/// The header of a <c>.npy</c> file (NumPy's <c>numpy/lib/format.py</c>, versions 1.0, 2.0 and 3.0): the data type,
/// the memory order and the shape of the array whose raw bytes follow it.
/// </summary>
/// <remarks>
/// <para><b>Layout of the file.</b> The magic <c>\x93NUMPY</c>, the major and minor version bytes, the header length
/// (little-endian <c>uint16</c> for 1.0, <c>uint32</c> for 2.0 and 3.0), then the header: a Python dict literal
/// <c>{'descr': …, 'fortran_order': …, 'shape': (…), }</c> (latin-1 for 1.0 and 2.0, UTF-8 for 3.0) padded with
/// spaces and ended by <c>\n</c> so that the data starts at a multiple of 64 bytes, as NumPy writes it. The data is
/// <c>itemsize × Π shape</c> bytes in C order, or Fortran order when <c>fortran_order</c> is <c>True</c>.</para>
/// <para><b>Reading</b> parses the dict with a small literal parser (nothing is evaluated), requires exactly the three
/// keys, accepts any header length (older writers aligned to 16 bytes), and turns the descr into a PEP 3118 format
/// through <see cref="NumPyDType"/>. <b>Writing</b> produces the bytes NumPy 1.24's <c>np.save</c> produces: keys in
/// sorted order, <c>repr</c> values, the spare spaces NumPy leaves for growing the first (C) or last (Fortran) extent
/// up to 21 digits, the oldest version that can hold the header.</para>
/// </remarks>
public sealed class NpyHeader
{
    /// <summary>The magic string that opens every <c>.npy</c> file.</summary>
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private const int Alignment = 64;
    private const int GrowthAxisMaxDigits = 21;
    private const int MaxHeaderLength = 64 << 20;

    private NpyHeader(byte major, byte minor, NumPyDType dataType, bool fortranOrder, ImmutableArray<nint> shape, int headerLength)
    {
        MajorVersion = major;
        MinorVersion = minor;
        DataType = dataType;
        FortranOrder = fortranOrder;
        Shape = shape;
        DataOffset = headerLength;
        nint length = dataType.ItemSize;
        foreach (var extent in shape)
        {
            length = checked(length * extent);
        }
        DataLength = length;
    }

    /// <summary>The format's major version: 1, 2 or 3.</summary>
    public byte MajorVersion { get; }

    /// <summary>The format's minor version (0).</summary>
    public byte MinorVersion { get; }

    /// <summary>The array's data type (the header's <c>descr</c>).</summary>
    public NumPyDType DataType { get; }

    /// <summary>True when the data is stored in Fortran (column-major) order.</summary>
    public bool FortranOrder { get; }

    /// <summary>The array's shape.</summary>
    public ImmutableArray<nint> Shape { get; }

    /// <summary>Where the data starts in the file: the length of magic, version, length field and header.</summary>
    public long DataOffset { get; }

    /// <summary>The size of the data: item size × Π shape.</summary>
    public nint DataLength { get; }

    /// <summary>The PEP 3118 format of one item.</summary>
    public string Format => DataType.Format;

    /// <summary>The layout of the data as stored: contiguous, in C or Fortran order.</summary>
    public BufferLayout Layout => BufferLayout.Contiguous(DataType.ItemSize, Shape.AsSpan(), FortranOrder ? ContiguityOrder.Fortran : ContiguityOrder.C);

    /// <summary>Creates the header of an array, choosing the oldest version that can hold it (as <c>np.save</c> does).</summary>
    /// <param name="dataType">The data type.</param>
    /// <param name="shape">The shape.</param>
    /// <param name="fortranOrder">True for data in Fortran order.</param>
    /// <exception cref="ArgumentException">A negative extent, or a size that overflows.</exception>
    public static NpyHeader Create(NumPyDType dataType, ReadOnlySpan<nint> shape, bool fortranOrder)
    {
        ArgumentNullException.ThrowIfNull(dataType);
        foreach (var extent in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(extent, nameof(shape));
        }
        var text = HeaderText(dataType, shape, fortranOrder);
        var (major, bytes) = Wrap(text);
        return new NpyHeader(major, 0, dataType, fortranOrder, [.. shape], bytes.Length);
    }

    /// <summary>The header's bytes, exactly as NumPy writes them (magic through the final <c>\n</c>).</summary>
    public byte[] ToBytes()
    {
        var text = HeaderText(DataType, Shape.AsSpan(), FortranOrder);
        return Wrap(text, MajorVersion);
    }

    /// <summary>Reads the header at the start of a stream, leaving the stream at the first data byte.</summary>
    /// <param name="stream">A readable stream positioned at the magic.</param>
    /// <exception cref="InvalidDataException">The stream does not start with a valid <c>.npy</c> header.</exception>
    /// <exception cref="NotSupportedException">The data type has no PEP 3118 format (datetime, …).</exception>
    public static NpyHeader Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> prefix = stackalloc byte[12];
        ReadExactly(stream, prefix[..10]);
        CheckMagic(prefix);
        var lengthSize = prefix[6] == 1 ? 2 : 4;
        if (lengthSize == 4)
        {
            ReadExactly(stream, prefix[10..12]);
        }
        var headerLength = HeaderLength(prefix);
        var header = new byte[headerLength];
        ReadExactly(stream, header);
        return Parse(prefix[6], prefix[7], header, 8 + lengthSize + headerLength);
    }

    /// <summary>Reads the header at the start of <paramref name="bytes"/> (which must hold the whole header).</summary>
    /// <param name="bytes">The file's first bytes.</param>
    /// <exception cref="InvalidDataException">The bytes do not start with a valid <c>.npy</c> header.</exception>
    /// <exception cref="NotSupportedException">The data type has no PEP 3118 format.</exception>
    public static NpyHeader Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 10)
        {
            throw new InvalidDataException("the .npy header is truncated: a .npy file starts with at least 10 bytes");
        }
        CheckMagic(bytes);
        var lengthSize = bytes[6] == 1 ? 2 : 4;
        if (bytes.Length < 8 + lengthSize)
        {
            throw new InvalidDataException("the .npy header is truncated");
        }
        var headerLength = HeaderLength(bytes);
        if (bytes.Length - 8 - lengthSize < headerLength)
        {
            throw new InvalidDataException($"the .npy header is truncated: {headerLength} bytes announced");
        }
        return Parse(bytes[6], bytes[7], bytes.Slice(8 + lengthSize, headerLength), 8 + lengthSize + headerLength);
    }

    private static void CheckMagic(ReadOnlySpan<byte> bytes)
    {
        if (!bytes[..6].SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a .npy file: the magic string \\x93NUMPY is missing");
        }
        if (bytes[6] is not (1 or 2 or 3) || bytes[7] != 0)
        {
            throw new InvalidDataException($"unsupported .npy format version {bytes[6]}.{bytes[7]} (1.0, 2.0 and 3.0 are known)");
        }
    }

    private static int HeaderLength(ReadOnlySpan<byte> prefix)
    {
        var length = prefix[6] == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        if (length > MaxHeaderLength)
        {
            throw new InvalidDataException($"the .npy header announces {length} bytes; at most {MaxHeaderLength} are read");
        }
        return (int)length;
    }

    private static NpyHeader Parse(byte major, byte minor, ReadOnlySpan<byte> header, int dataOffset)
    {
        var text = major == 3 ? Encoding.UTF8.GetString(header) : Encoding.Latin1.GetString(header);
        PyLiteral literal;
        try
        {
            literal = PyLiteral.Parse(text);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"the .npy header is not a Python literal: {e.Message}", e);
        }
        if (literal is not PyLiteral.Dict dict)
        {
            throw new InvalidDataException($"the .npy header is not a dictionary: {Excerpt(text)}");
        }
        var keys = dict.Entries.Select(e => e.Key is PyLiteral.Str s ? s.Value : e.Key.Repr()).Order(StringComparer.Ordinal).ToArray();
        if (!keys.SequenceEqual(["descr", "fortran_order", "shape"]))
        {
            throw new InvalidDataException($"the .npy header does not contain exactly the keys 'descr', 'fortran_order' and 'shape': {Excerpt(text)}");
        }
        if (dict.Get("shape") is not PyLiteral.Sequence { IsTuple: true } shapeTuple || shapeTuple.Items.Any(i => i is not PyLiteral.Int))
        {
            throw new InvalidDataException($"the .npy header's shape is not a tuple of integers: {Excerpt(text)}");
        }
        var fortran = dict.Get("fortran_order") switch
        {
            PyLiteral.Constant c when c == PyLiteral.Constant.True => true,
            PyLiteral.Constant c when c == PyLiteral.Constant.False => false,
            _ => throw new InvalidDataException($"the .npy header's fortran_order is not a bool: {Excerpt(text)}"),
        };
        ImmutableArray<nint> shape;
        NumPyDType dataType;
        try
        {
            shape = [.. shapeTuple.Items.Select(i => NumPyDType.ToExtent((PyLiteral.Int)i))];
            dataType = dict.Get("descr") is { } descr ? NumPyDType.FromDescrLiteral(descr) : throw new FormatException("no descr");
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"the .npy header is invalid: {e.Message}", e);
        }
        try
        {
            return new NpyHeader(major, minor, dataType, fortran, shape, dataOffset);
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"the .npy array's size overflows: shape {BufferLayout.Tuple(shape.AsSpan())}");
        }
    }

    private static string HeaderText(NumPyDType dataType, ReadOnlySpan<nint> shape, bool fortranOrder)
    {
        var shapeText = ShapeRepr(shape);
        var text = $"{{'descr': {dataType.ToDescrLiteral()}, 'fortran_order': {(fortranOrder ? "True" : "False")}, 'shape': {shapeText}, }}";
        if (shape.Length > 0)
        {
            var growing = shape[fortranOrder ? ^1 : 0].ToString(CultureInfo.InvariantCulture).Length;
            text += new string(' ', Math.Max(0, GrowthAxisMaxDigits - growing));
        }
        return text;
    }

    private static string ShapeRepr(ReadOnlySpan<nint> shape) =>
        shape.Length == 1
            ? string.Create(CultureInfo.InvariantCulture, $"({shape[0]},)")
            : "(" + string.Join(", ", shape.ToArray().Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")";

    /// <summary><c>_wrap_header_guess_version</c>: 1.0 when it fits and is latin-1, else 2.0 when latin-1, else 3.0.</summary>
    private static (byte Major, byte[] Bytes) Wrap(string text)
    {
        if (text.Any(c => c > 0xff))
        {
            return ((byte)3, Wrap(text, 3));
        }
        var hlen = text.Length + 1;
        var fits = hlen + Alignment - ((10 + hlen) % Alignment) <= ushort.MaxValue;
        return fits ? ((byte)1, Wrap(text, 1)) : ((byte)2, Wrap(text, 2));
    }

    /// <summary><c>_wrap_header</c>: magic, version, length, header, spaces up to a multiple of 64 (at least one), newline.</summary>
    private static byte[] Wrap(string text, byte major)
    {
        var header = major == 3 ? Encoding.UTF8.GetBytes(text) : Encoding.Latin1.GetBytes(text);
        var lengthSize = major == 1 ? 2 : 4;
        var hlen = header.Length + 1;
        var padding = Alignment - ((8 + lengthSize + hlen) % Alignment);
        var bytes = new byte[8 + lengthSize + hlen + padding];
        Magic.CopyTo(bytes);
        bytes[6] = major;
        bytes[7] = 0;
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), checked((ushort)(hlen + padding)));
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), checked((uint)(hlen + padding)));
        }
        header.CopyTo(bytes, 8 + lengthSize);
        bytes.AsSpan(8 + lengthSize + header.Length, padding).Fill((byte)' ');
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("the .npy header is truncated", e);
        }
    }

    private static string Excerpt(string text) => text.Length <= 120 ? text : text[..120] + "…";
}
