using System.Buffers.Binary;
using System.Globalization;
using BufferProtocol.Bufview.Common;
using BufferProtocol.Formats;

namespace BufferProtocol.Bufview.Conversion;

/// <summary>
/// Converts items from one format to another: a byte swap when only the byte order differs; a typed numeric path
/// between integers, floats, bools and complex numbers of any size and byte order (NumPy's <c>astype</c> for values
/// that fit: floats to integers truncate toward zero); the item codec (<c>struct.unpack</c> then <c>struct.pack</c>)
/// for everything else (records, strings...). Values the target cannot hold are errors, never silently wrapped.
/// </summary>
internal sealed class ElementConverter
{
    private enum Kind
    {
        Signed,
        Unsigned,
        Float,
        Bool,
        Complex,
    }

    /// <summary>A value in transit: an integer, a real or a complex number.</summary>
    private readonly record struct Number(Kind Kind, long Signed, ulong Unsigned, double Real, double Imaginary);

    private delegate Number Reader(ReadOnlySpan<byte> item);

    private delegate void Writer(Span<byte> item, in Number value);

    private readonly int _sourceSize;
    private readonly int _targetSize;
    private readonly int _swapUnit;
    private readonly Reader? _read;
    private readonly Writer? _write;
    private readonly ItemCodec? _sourceCodec;
    private readonly ItemCodec? _targetCodec;

    private ElementConverter(BufferFormat source, BufferFormat target)
    {
        Source = source;
        Target = target;
        _sourceSize = checked((int)source.ItemSize);
        _targetSize = checked((int)target.ItemSize);
        if (source.Root is LeafType s && target.Root is LeafType t && Numeric(s) is { } sk && Numeric(t) is { } tk)
        {
            if (s.Kind == t.Kind && s.Code == t.Code && s.Size == t.Size)
            {
                _swapUnit = s.Kind == ScalarKind.Complex ? (int)s.Size / 2 : (int)s.Size; // same type, other byte order
                Description = "byte swap";
                return;
            }
            if (sk == Kind.Complex && tk != Kind.Complex && tk != Kind.Bool)
            {
                throw new UserError($"cannot convert complex \"{source.Text}\" items to \"{target.Text}\": the imaginary parts would be lost");
            }
            _read = MakeReader(s, sk);
            _write = MakeWriter(t, tk);
            Description = "numeric conversion";
            return;
        }
        _sourceCodec = ItemCodec.For(source);
        _targetCodec = ItemCodec.For(target);
        Description = "item codec (struct.unpack, struct.pack)";
    }

    /// <summary>The source format.</summary>
    public BufferFormat Source { get; }

    /// <summary>The target format.</summary>
    public BufferFormat Target { get; }

    /// <summary>How items are converted (for messages).</summary>
    public string Description { get; }

    /// <summary>
    /// The converter between two formats, or null when their items have the same bytes (the same layout and byte
    /// order: <c>d</c> and <c>&lt;d</c> on a little-endian machine), so a copy is enough.
    /// </summary>
    public static ElementConverter? Create(BufferFormat source, BufferFormat target)
    {
        if (source.Equals(target) || (source.Root is LeafType s && target.Root is LeafType t && s.Kind == t.Kind && s.Code == t.Code &&
                                      s.Size == t.Size && (s.Size == 1 || s.ByteOrder == t.ByteOrder) && s.Kind != ScalarKind.Padding &&
                                      !(s is StringType a && t is StringType b && a.Length != b.Length)))
        {
            return null;
        }
        return new ElementConverter(source, target);
    }

    /// <summary>Converts <paramref name="count"/> contiguous items; <paramref name="firstItem"/> numbers them for messages.</summary>
    public void Convert(ReadOnlySpan<byte> source, Span<byte> target, int count, long firstItem)
    {
        if (_swapUnit > 0)
        {
            source[..(count * _sourceSize)].CopyTo(target);
            Swap(target[..(count * _targetSize)], _swapUnit);
            return;
        }
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> from = source.Slice(i * _sourceSize, _sourceSize);
            Span<byte> to = target.Slice(i * _targetSize, _targetSize);
            try
            {
                if (_read is not null)
                {
                    _write!(to, _read(from));
                }
                else
                {
                    _targetCodec!.Write(to, _sourceCodec!.Read(from));
                }
            }
            catch (Exception e) when (e is ArgumentException or InvalidCastException or OverflowException or NotSupportedException)
            {
                throw new UserError($"cannot convert item {firstItem + i} (in output order) from \"{Source.Text}\" to \"{Target.Text}\": {UserError.MessageOf(e)}");
            }
        }
    }

    private static void Swap(Span<byte> bytes, int unit)
    {
        switch (unit)
        {
            case 1:
                return;
            case 2:
                BinaryPrimitives.ReverseEndianness(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(bytes), System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(bytes));
                return;
            case 4:
                BinaryPrimitives.ReverseEndianness(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(bytes), System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(bytes));
                return;
            case 8:
                BinaryPrimitives.ReverseEndianness(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(bytes), System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(bytes));
                return;
            default:
                for (int at = 0; at + unit <= bytes.Length; at += unit)
                {
                    bytes.Slice(at, unit).Reverse();
                }
                return;
        }
    }

    /// <summary>The numeric kind of a leaf the typed path handles (not long doubles, pointers, strings...).</summary>
    private static Kind? Numeric(LeafType leaf) => leaf.Kind switch
    {
        ScalarKind.SignedInteger when leaf.Size is 1 or 2 or 4 or 8 => Kind.Signed,
        ScalarKind.UnsignedInteger when leaf.Size is 1 or 2 or 4 or 8 => Kind.Unsigned,
        ScalarKind.Float when leaf.Code is 'e' or 'f' or 'd' => Kind.Float,
        ScalarKind.Bool when leaf.Size == 1 => Kind.Bool,
        ScalarKind.Complex when leaf.Code is 'f' or 'd' => Kind.Complex,
        _ => null,
    };

    private static Reader MakeReader(LeafType leaf, Kind kind)
    {
        bool big = leaf.ByteOrder == ByteOrder.BigEndian;
        return (kind, leaf.Size) switch
        {
            (Kind.Signed, 1) => item => Signed((sbyte)item[0]),
            (Kind.Signed, 2) => item => Signed(big ? BinaryPrimitives.ReadInt16BigEndian(item) : BinaryPrimitives.ReadInt16LittleEndian(item)),
            (Kind.Signed, 4) => item => Signed(big ? BinaryPrimitives.ReadInt32BigEndian(item) : BinaryPrimitives.ReadInt32LittleEndian(item)),
            (Kind.Signed, _) => item => Signed(big ? BinaryPrimitives.ReadInt64BigEndian(item) : BinaryPrimitives.ReadInt64LittleEndian(item)),
            (Kind.Unsigned, 1) => item => Unsigned(item[0]),
            (Kind.Unsigned, 2) => item => Unsigned(big ? BinaryPrimitives.ReadUInt16BigEndian(item) : BinaryPrimitives.ReadUInt16LittleEndian(item)),
            (Kind.Unsigned, 4) => item => Unsigned(big ? BinaryPrimitives.ReadUInt32BigEndian(item) : BinaryPrimitives.ReadUInt32LittleEndian(item)),
            (Kind.Unsigned, _) => item => Unsigned(big ? BinaryPrimitives.ReadUInt64BigEndian(item) : BinaryPrimitives.ReadUInt64LittleEndian(item)),
            (Kind.Float, 2) => item => Real((double)(big ? BinaryPrimitives.ReadHalfBigEndian(item) : BinaryPrimitives.ReadHalfLittleEndian(item))),
            (Kind.Float, 4) => item => Real(big ? BinaryPrimitives.ReadSingleBigEndian(item) : BinaryPrimitives.ReadSingleLittleEndian(item)),
            (Kind.Float, _) => item => Real(big ? BinaryPrimitives.ReadDoubleBigEndian(item) : BinaryPrimitives.ReadDoubleLittleEndian(item)),
            (Kind.Bool, _) => item => new Number(Kind.Bool, item[0] != 0 ? 1 : 0, 0, 0, 0),
            (Kind.Complex, 8) => item => new Number(Kind.Complex, 0, 0,
                big ? BinaryPrimitives.ReadSingleBigEndian(item) : BinaryPrimitives.ReadSingleLittleEndian(item),
                big ? BinaryPrimitives.ReadSingleBigEndian(item[4..]) : BinaryPrimitives.ReadSingleLittleEndian(item[4..])),
            _ => item => new Number(Kind.Complex, 0, 0,
                big ? BinaryPrimitives.ReadDoubleBigEndian(item) : BinaryPrimitives.ReadDoubleLittleEndian(item),
                big ? BinaryPrimitives.ReadDoubleBigEndian(item[8..]) : BinaryPrimitives.ReadDoubleLittleEndian(item[8..])),
        };

        static Number Signed(long value) => new(Kind.Signed, value, 0, 0, 0);
        static Number Unsigned(ulong value) => new(Kind.Unsigned, 0, value, 0, 0);
        static Number Real(double value) => new(Kind.Float, 0, 0, value, 0);
    }

    private static Writer MakeWriter(LeafType leaf, Kind kind)
    {
        bool big = leaf.ByteOrder == ByteOrder.BigEndian;
        int size = (int)leaf.Size;
        switch (kind)
        {
            case Kind.Signed:
            {
                long min = size == 8 ? long.MinValue : -(1L << (size * 8 - 1));
                long max = size == 8 ? long.MaxValue : (1L << (size * 8 - 1)) - 1;
                return (Span<byte> item, in Number value) =>
                {
                    long v = ToInteger(value, min, max, leaf);
                    switch (size)
                    {
                        case 1: item[0] = (byte)(sbyte)v; break;
                        case 2: if (big) { BinaryPrimitives.WriteInt16BigEndian(item, (short)v); } else { BinaryPrimitives.WriteInt16LittleEndian(item, (short)v); } break;
                        case 4: if (big) { BinaryPrimitives.WriteInt32BigEndian(item, (int)v); } else { BinaryPrimitives.WriteInt32LittleEndian(item, (int)v); } break;
                        default: if (big) { BinaryPrimitives.WriteInt64BigEndian(item, v); } else { BinaryPrimitives.WriteInt64LittleEndian(item, v); } break;
                    }
                };
            }
            case Kind.Unsigned:
            {
                ulong max = size == 8 ? ulong.MaxValue : (1UL << (size * 8)) - 1;
                return (Span<byte> item, in Number value) =>
                {
                    ulong v = ToUnsigned(value, max, leaf);
                    switch (size)
                    {
                        case 1: item[0] = (byte)v; break;
                        case 2: if (big) { BinaryPrimitives.WriteUInt16BigEndian(item, (ushort)v); } else { BinaryPrimitives.WriteUInt16LittleEndian(item, (ushort)v); } break;
                        case 4: if (big) { BinaryPrimitives.WriteUInt32BigEndian(item, (uint)v); } else { BinaryPrimitives.WriteUInt32LittleEndian(item, (uint)v); } break;
                        default: if (big) { BinaryPrimitives.WriteUInt64BigEndian(item, v); } else { BinaryPrimitives.WriteUInt64LittleEndian(item, v); } break;
                    }
                };
            }
            case Kind.Float:
                return size switch
                {
                    2 => (Span<byte> item, in Number value) =>
                    {
                        Half h = value.Kind switch { Kind.Signed or Kind.Bool => (Half)value.Signed, Kind.Unsigned => (Half)value.Unsigned, _ => (Half)value.Real };
                        if (big) { BinaryPrimitives.WriteHalfBigEndian(item, h); } else { BinaryPrimitives.WriteHalfLittleEndian(item, h); }
                    },
                    4 => (Span<byte> item, in Number value) =>
                    {
                        float f = value.Kind switch { Kind.Signed or Kind.Bool => value.Signed, Kind.Unsigned => value.Unsigned, _ => (float)value.Real };
                        if (big) { BinaryPrimitives.WriteSingleBigEndian(item, f); } else { BinaryPrimitives.WriteSingleLittleEndian(item, f); }
                    },
                    _ => (Span<byte> item, in Number value) =>
                    {
                        double d = value.Kind switch { Kind.Signed or Kind.Bool => value.Signed, Kind.Unsigned => value.Unsigned, _ => value.Real };
                        if (big) { BinaryPrimitives.WriteDoubleBigEndian(item, d); } else { BinaryPrimitives.WriteDoubleLittleEndian(item, d); }
                    },
                };
            case Kind.Bool:
                return (Span<byte> item, in Number value) => item[0] = value.Kind switch
                {
                    Kind.Signed or Kind.Bool => (byte)(value.Signed != 0 ? 1 : 0),
                    Kind.Unsigned => (byte)(value.Unsigned != 0 ? 1 : 0),
                    _ => (byte)(value.Real != 0 || value.Imaginary != 0 || double.IsNaN(value.Real) ? 1 : 0),
                };
            default:
                return (Span<byte> item, in Number value) =>
                {
                    double re = value.Kind switch { Kind.Signed or Kind.Bool => value.Signed, Kind.Unsigned => value.Unsigned, _ => value.Real };
                    double im = value.Kind == Kind.Complex ? value.Imaginary : 0;
                    if (size == 8)
                    {
                        if (big) { BinaryPrimitives.WriteSingleBigEndian(item, (float)re); BinaryPrimitives.WriteSingleBigEndian(item[4..], (float)im); }
                        else { BinaryPrimitives.WriteSingleLittleEndian(item, (float)re); BinaryPrimitives.WriteSingleLittleEndian(item[4..], (float)im); }
                    }
                    else if (big)
                    {
                        BinaryPrimitives.WriteDoubleBigEndian(item, re);
                        BinaryPrimitives.WriteDoubleBigEndian(item[8..], im);
                    }
                    else
                    {
                        BinaryPrimitives.WriteDoubleLittleEndian(item, re);
                        BinaryPrimitives.WriteDoubleLittleEndian(item[8..], im);
                    }
                };
        }
    }

    private static long ToInteger(in Number value, long min, long max, LeafType target)
    {
        switch (value.Kind)
        {
            case Kind.Signed or Kind.Bool:
                return value.Signed >= min && value.Signed <= max ? value.Signed : throw OutOfRange(value.Signed.ToString(CultureInfo.InvariantCulture), target);
            case Kind.Unsigned:
                return value.Unsigned <= (ulong)max ? (long)value.Unsigned : throw OutOfRange(value.Unsigned.ToString(CultureInfo.InvariantCulture), target);
            default:
                double t = Math.Truncate(value.Real);
                if (double.IsNaN(t) || t < min || t >= max + 1.0)
                {
                    throw OutOfRange(Values.PythonText.Float(value.Real), target);
                }
                return (long)t;
        }
    }

    private static ulong ToUnsigned(in Number value, ulong max, LeafType target)
    {
        switch (value.Kind)
        {
            case Kind.Signed or Kind.Bool:
                return value.Signed >= 0 && (ulong)value.Signed <= max ? (ulong)value.Signed : throw OutOfRange(value.Signed.ToString(CultureInfo.InvariantCulture), target);
            case Kind.Unsigned:
                return value.Unsigned <= max ? value.Unsigned : throw OutOfRange(value.Unsigned.ToString(CultureInfo.InvariantCulture), target);
            default:
                double t = Math.Truncate(value.Real);
                if (double.IsNaN(t) || t < 0 || t >= max + 1.0)
                {
                    throw OutOfRange(Values.PythonText.Float(value.Real), target);
                }
                return (ulong)t;
        }
    }

    private static OverflowException OutOfRange(string value, LeafType target) =>
        new($"{value} does not fit in \"{target}\" ({target.Size}-byte {(target.Kind == ScalarKind.UnsignedInteger ? "unsigned " : "")}integer)");
}
