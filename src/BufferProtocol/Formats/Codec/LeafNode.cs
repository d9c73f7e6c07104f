using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace BufferProtocol.Formats.Codec;

/// <summary>What a leaf reads and writes: the switch of the item codec, computed once per leaf.</summary>
internal enum LeafKind : byte
{
    Int8,
    UInt8,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    NInt,
    NUInt,
    Address,
    Half,
    Single,
    Double,
    LongDouble,
    ComplexSingle,
    ComplexDouble,
    ComplexLongDouble,
    Bool,
    Char,
    Bytes,
    Pascal,
    Ucs2Char,
    Ucs2String,
    Ucs4Rune,
    Ucs4String,
    Padding,
    Bits,
    Object,
}

/// <summary>A leaf of the item: one value (or padding) of a fixed size and byte order.</summary>
internal sealed class LeafNode : CodecNode
{
    private readonly bool _bigEndian;
    private readonly bool _nativeSize;
    private readonly char _code;
    private readonly FormatMode _mode;
    private readonly nint _length;
    private readonly Int128 _min;
    private readonly Int128 _max;

    public LeafNode(LeafType leaf)
        : base(leaf.Size, leaf.Kind == ScalarKind.Padding ? 0 : 1)
    {
        Leaf = leaf;
        Kind = KindOf(leaf);
        _bigEndian = leaf.ByteOrder == ByteOrder.BigEndian;
        _nativeSize = leaf.Mode.UsesNativeSizes();
        _code = leaf.Code;
        _mode = leaf.Mode;
        _length = leaf switch
        {
            StringType s => s.Length,
            BitFieldType b => b.BitCount,
            _ => 1,
        };
        (_min, _max) = RangeOf(Kind, (int)Math.Min(leaf.Size, 16), _length);
    }

    /// <summary>The descriptor of the leaf.</summary>
    public LeafType Leaf { get; }

    /// <summary>What the leaf holds.</summary>
    public LeafKind Kind { get; }

    public override bool IsPadding => Kind == LeafKind.Padding;

    private static LeafKind KindOf(LeafType leaf)
    {
        int size = (int)Math.Min(leaf.Size, 16);
        switch (leaf.Kind)
        {
            case ScalarKind.SignedInteger:
                return size switch
                {
                    1 => LeafKind.Int8,
                    2 => LeafKind.Int16,
                    4 when leaf.Code == 'n' => LeafKind.NInt,
                    4 => LeafKind.Int32,
                    _ when leaf.Code == 'n' => LeafKind.NInt,
                    _ => LeafKind.Int64,
                };
            case ScalarKind.UnsignedInteger:
                return size switch
                {
                    1 => LeafKind.UInt8,
                    2 => LeafKind.UInt16,
                    4 when leaf.Code == 'N' => LeafKind.NUInt,
                    4 => LeafKind.UInt32,
                    _ when leaf.Code == 'N' => LeafKind.NUInt,
                    _ => LeafKind.UInt64,
                };
            case ScalarKind.Float:
                return leaf.Code switch
                {
                    'e' => LeafKind.Half,
                    'f' => LeafKind.Single,
                    'd' => LeafKind.Double,
                    _ => LeafKind.LongDouble,
                };
            case ScalarKind.Complex:
                return leaf.Code switch
                {
                    'f' => LeafKind.ComplexSingle,
                    'd' => LeafKind.ComplexDouble,
                    _ => LeafKind.ComplexLongDouble,
                };
            case ScalarKind.Bool: return LeafKind.Bool;
            case ScalarKind.Char: return LeafKind.Char;
            case ScalarKind.Bytes: return LeafKind.Bytes;
            case ScalarKind.PascalString: return LeafKind.Pascal;
            case ScalarKind.Ucs2: return ((StringType)leaf).Length == 1 ? LeafKind.Ucs2Char : LeafKind.Ucs2String;
            case ScalarKind.Ucs4: return ((StringType)leaf).Length == 1 ? LeafKind.Ucs4Rune : LeafKind.Ucs4String;
            case ScalarKind.Pointer or ScalarKind.FunctionPointer: return LeafKind.Address;
            case ScalarKind.Padding: return LeafKind.Padding;
            case ScalarKind.Bits: return LeafKind.Bits;
            default: return LeafKind.Object;
        }
    }

    private static (Int128 Min, Int128 Max) RangeOf(LeafKind kind, int size, nint length)
    {
        int bits = size * 8;
        return kind switch
        {
            LeafKind.Int8 or LeafKind.Int16 or LeafKind.Int32 or LeafKind.Int64 or LeafKind.NInt =>
                (-(Int128.One << (bits - 1)), (Int128.One << (bits - 1)) - 1),
            LeafKind.UInt8 or LeafKind.UInt16 or LeafKind.UInt32 or LeafKind.UInt64 or LeafKind.NUInt =>
                (0, (Int128.One << bits) - 1),
            // P & X: CPython's PyLong_AsVoidPtr takes negative values as two's complement.
            LeafKind.Address => (-(Int128.One << (bits - 1)), (Int128.One << bits) - 1),
            LeafKind.Bits when length <= 64 => (0, (Int128.One << (int)length) - 1),
            _ => (0, 0),
        };
    }

    // ------------------------------------------------------------------------------------------------ reading

    public override object? Read(ReadOnlySpan<byte> source)
    {
        switch (Kind)
        {
            case LeafKind.Int8: return (sbyte)source[0];
            case LeafKind.UInt8: return source[0];
            case LeafKind.Int16: return _bigEndian ? BinaryPrimitives.ReadInt16BigEndian(source) : BinaryPrimitives.ReadInt16LittleEndian(source);
            case LeafKind.UInt16: return _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(source) : BinaryPrimitives.ReadUInt16LittleEndian(source);
            case LeafKind.Int32: return _bigEndian ? BinaryPrimitives.ReadInt32BigEndian(source) : BinaryPrimitives.ReadInt32LittleEndian(source);
            case LeafKind.UInt32: return _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(source) : BinaryPrimitives.ReadUInt32LittleEndian(source);
            case LeafKind.Int64: return _bigEndian ? BinaryPrimitives.ReadInt64BigEndian(source) : BinaryPrimitives.ReadInt64LittleEndian(source);
            case LeafKind.UInt64: return _bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(source) : BinaryPrimitives.ReadUInt64LittleEndian(source);
            case LeafKind.NInt: return (nint)(long)ReadSigned(source);
            case LeafKind.NUInt or LeafKind.Address: return (nuint)(ulong)ReadUnsigned(source);
            case LeafKind.Half: return ReadHalf(source);
            case LeafKind.Single: return ReadSingle(source);
            case LeafKind.Double: return ReadDouble(source);
            case LeafKind.LongDouble: return LongDouble.Read(source, _bigEndian);
            case LeafKind.ComplexSingle: return new Complex(ReadSingle(source), ReadSingle(source[4..]));
            case LeafKind.ComplexDouble: return new Complex(ReadDouble(source), ReadDouble(source[8..]));
            case LeafKind.ComplexLongDouble:
                int half = source.Length / 2;
                return new Complex(LongDouble.Read(source[..half], _bigEndian), LongDouble.Read(source[half..], _bigEndian));
            case LeafKind.Bool: return source[0] != 0;
            case LeafKind.Char: return new[] { source[0] };
            case LeafKind.Bytes: return source.ToArray();
            case LeafKind.Pascal: return ReadPascal(source);
            case LeafKind.Ucs2Char: return (char)ReadUnsigned(source);
            case LeafKind.Ucs2String: return ReadUcs2(source);
            case LeafKind.Ucs4Rune: return ReadRune(source);
            case LeafKind.Ucs4String: return ReadUcs4(source);
            case LeafKind.Padding: return null;
            case LeafKind.Bits: return ReadBits(source);
            default:
                ThrowHelper.ThrowNotSupported(ObjectMessage);
                return null;
        }
    }

    private const string ObjectMessage =
        "format 'O' holds Python object references (PyObject*), which have no .NET value; read the bytes instead";

    private UInt128 ReadUnsigned(ReadOnlySpan<byte> source)
    {
        UInt128 value = 0;
        for (int i = 0; i < source.Length; i++)
        {
            int at = _bigEndian ? i : source.Length - 1 - i;
            value = (value << 8) | source[at];
        }
        return value;
    }

    private Int128 ReadSigned(ReadOnlySpan<byte> source)
    {
        int bits = source.Length * 8;
        var raw = (Int128)ReadUnsigned(source);
        return (raw << (128 - bits)) >> (128 - bits);
    }

    private Half ReadHalf(ReadOnlySpan<byte> s) => _bigEndian ? BinaryPrimitives.ReadHalfBigEndian(s) : BinaryPrimitives.ReadHalfLittleEndian(s);

    private float ReadSingle(ReadOnlySpan<byte> s) => _bigEndian ? BinaryPrimitives.ReadSingleBigEndian(s) : BinaryPrimitives.ReadSingleLittleEndian(s);

    private double ReadDouble(ReadOnlySpan<byte> s) => _bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(s) : BinaryPrimitives.ReadDoubleLittleEndian(s);

    /// <summary>CPython's <c>p</c> unpacking: the first byte is the length, capped at <c>count - 1</c>.</summary>
    private static byte[] ReadPascal(ReadOnlySpan<byte> source)
    {
        if (source.Length == 0)
        {
            return [];
        }
        int n = Math.Min(source[0], source.Length - 1);
        return source.Slice(1, n).ToArray();
    }

    private string ReadUcs2(ReadOnlySpan<byte> source)
    {
        int count = source.Length / 2;
        while (count > 0 && ReadUInt16At(source, count - 1) == 0)
        {
            count--;
        }
        Span<char> chars = count <= 256 ? stackalloc char[count] : new char[count];
        for (int i = 0; i < count; i++)
        {
            chars[i] = (char)ReadUInt16At(source, i);
        }
        return new string(chars);
    }

    private ushort ReadUInt16At(ReadOnlySpan<byte> source, int index) => _bigEndian
        ? BinaryPrimitives.ReadUInt16BigEndian(source[(index * 2)..])
        : BinaryPrimitives.ReadUInt16LittleEndian(source[(index * 2)..]);

    private uint ReadUInt32At(ReadOnlySpan<byte> source, int index) => _bigEndian
        ? BinaryPrimitives.ReadUInt32BigEndian(source[(index * 4)..])
        : BinaryPrimitives.ReadUInt32LittleEndian(source[(index * 4)..]);

    private Rune ReadRune(ReadOnlySpan<byte> source)
    {
        uint value = ReadUInt32At(source, 0);
        if (!Rune.IsValid(value))
        {
            ThrowHelper.ThrowArgument_InvalidItemBytes($"the UCS-4 value 0x{value:X} is not a Unicode scalar value");
        }
        return new Rune(value);
    }

    private string ReadUcs4(ReadOnlySpan<byte> source)
    {
        int count = source.Length / 4;
        while (count > 0 && ReadUInt32At(source, count - 1) == 0)
        {
            count--;
        }
        var text = new StringBuilder(count);
        for (int i = 0; i < count; i++)
        {
            uint value = ReadUInt32At(source, i);
            if (value <= 0xFFFF)
            {
                text.Append((char)value); // lone surrogates included, as Python's str allows them
            }
            else if (value <= 0x10FFFF)
            {
                text.Append(new Rune(value).ToString());
            }
            else
            {
                ThrowHelper.ThrowArgument_InvalidItemBytes($"the UCS-4 value 0x{value:X} is not a Unicode code point");
            }
        }
        return text.ToString();
    }

    private object ReadBits(ReadOnlySpan<byte> source)
    {
        if (_length <= 64)
        {
            ulong raw = (ulong)ReadUnsigned(source);
            return _length == 64 ? raw : raw & ((1UL << (int)_length) - 1);
        }
        var value = new BigInteger(source, isUnsigned: true, isBigEndian: _bigEndian);
        return value & ((BigInteger.One << (int)_length) - 1);
    }

    // ------------------------------------------------------------------------------------------------ writing

    public override void Write(Span<byte> destination, object? value)
    {
        switch (Kind)
        {
            case LeafKind.Int8 or LeafKind.UInt8 or LeafKind.Int16 or LeafKind.UInt16 or LeafKind.Int32 or LeafKind.UInt32
                or LeafKind.Int64 or LeafKind.UInt64 or LeafKind.NInt or LeafKind.NUInt or LeafKind.Address:
                WriteUnsigned(destination, (UInt128)GetInteger(value));
                break;
            case LeafKind.Half:
                WriteHalf(destination, value is Half h ? h : ToHalf(GetReal(value), value));
                break;
            case LeafKind.Single:
                WriteSingle(destination, value is float f ? f : ToSingle(GetReal(value), value));
                break;
            case LeafKind.Double:
                WriteDouble(destination, GetReal(value));
                break;
            case LeafKind.LongDouble:
                LongDouble.Write(destination, GetReal(value), _bigEndian);
                break;
            case LeafKind.ComplexSingle or LeafKind.ComplexDouble or LeafKind.ComplexLongDouble:
                WriteComplex(destination, value);
                break;
            case LeafKind.Bool:
                destination[0] = ValueConversion.IsTruthy(value) ? (byte)1 : (byte)0;
                break;
            case LeafKind.Char:
                if (!ValueConversion.TryGetBytes(value, out ReadOnlySpan<byte> one) || one.Length != 1)
                {
                    ThrowHelper.ThrowArgument_WrongValue("char format requires a bytes object of length 1");
                }
                destination[0] = one[0];
                break;
            case LeafKind.Bytes:
                if (!ValueConversion.TryGetBytes(value, out ReadOnlySpan<byte> bytes))
                {
                    ThrowHelper.ThrowArgument_WrongValue("argument for 's' must be a bytes object");
                }
                bytes[..Math.Min(bytes.Length, destination.Length)].CopyTo(destination);
                destination[Math.Min(bytes.Length, destination.Length)..].Clear();
                break;
            case LeafKind.Pascal:
                WritePascal(destination, value);
                break;
            case LeafKind.Ucs2Char or LeafKind.Ucs2String:
                WriteUcs2(destination, value);
                break;
            case LeafKind.Ucs4Rune or LeafKind.Ucs4String:
                WriteUcs4(destination, value);
                break;
            case LeafKind.Padding:
                destination.Clear();
                break;
            case LeafKind.Bits:
                WriteBits(destination, value);
                break;
            default:
                ThrowHelper.ThrowNotSupported(ObjectMessage);
                break;
        }
    }

    /// <summary>Converts an integer value and checks it against the leaf's range, with CPython's messages.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Int128 GetInteger(object? value)
    {
        ValueConversion.IntegerResult kind = ValueConversion.TryGetInteger(value, out Int128 integer);
        if (kind != ValueConversion.IntegerResult.Ok || integer < _min || integer > _max)
        {
            ThrowIntegerProblem(value, integer, kind);
        }
        return integer;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowIntegerProblem(object? value, Int128 integer, ValueConversion.IntegerResult kind)
    {
        if (kind == ValueConversion.IntegerResult.NotInteger)
        {
            ThrowHelper.ThrowArgument_WrongValue(PackMessages.NotAnInteger);
        }
        BigInteger big = ValueConversion.ToBigInteger(value!, integer, kind);
        string message = Kind == LeafKind.Bits
            ? $"bit field format requires 0 <= number <= {(BigInteger.One << (int)_length) - 1}"
            : PackMessages.IntegerRange(_code, _mode, Size, big);
        ThrowHelper.ThrowArgumentOutOfRange_Value(value, message);
    }

    private static double GetReal(object? value)
    {
        switch (ValueConversion.TryGetDouble(value, out double real))
        {
            case ValueConversion.RealResult.Ok:
                return real;
            case ValueConversion.RealResult.TooLarge:
                ThrowHelper.ThrowArgumentOutOfRange_Value(value, "required argument is not a float (int too large to convert to float)");
                return 0;
            default:
                ThrowHelper.ThrowArgument_WrongValue(PackMessages.NotAFloat);
                return 0;
        }
    }

    /// <summary>CPython's <c>PyFloat_Pack2</c>: round to nearest even; NaN becomes the quiet NaN of its sign; finite overflow is an error.</summary>
    private static Half ToHalf(double real, object? value)
    {
        if (double.IsNaN(real))
        {
            return BitConverter.UInt16BitsToHalf(double.IsNegative(real) ? (ushort)0xFE00 : (ushort)0x7E00);
        }
        var half = (Half)real;
        if (Half.IsInfinity(half) && !double.IsInfinity(real))
        {
            ThrowHelper.ThrowArgumentOutOfRange_Value(value, PackMessages.FloatTooLarge('e', value));
        }
        return half;
    }

    /// <summary>
    /// Native <c>f</c> is a C cast (a finite double beyond float's range becomes ∞, CPython 3.11's <c>np_float</c>);
    /// the standard sizes use <c>PyFloat_Pack4</c>, which refuses that.
    /// </summary>
    private float ToSingle(double real, object? value)
    {
        var single = (float)real;
        if (!_nativeSize && float.IsInfinity(single) && !double.IsInfinity(real))
        {
            ThrowHelper.ThrowArgumentOutOfRange_Value(value, PackMessages.FloatTooLarge('f', value));
        }
        return single;
    }

    private void WriteComplex(Span<byte> destination, object? value)
    {
        double re, im;
        if (value is Complex c)
        {
            (re, im) = (c.Real, c.Imaginary);
        }
        else if (ValueConversion.TryGetDouble(value, out re) == ValueConversion.RealResult.Ok)
        {
            im = 0;
        }
        else
        {
            ThrowHelper.ThrowArgument_WrongValue("required argument is not a complex number");
            return;
        }
        switch (Kind)
        {
            case LeafKind.ComplexSingle:
                float fr = ToSingle(re, value), fi = ToSingle(im, value);
                WriteSingle(destination, fr);
                WriteSingle(destination[4..], fi);
                break;
            case LeafKind.ComplexDouble:
                WriteDouble(destination, re);
                WriteDouble(destination[8..], im);
                break;
            default:
                int half = destination.Length / 2;
                LongDouble.Write(destination[..half], re, _bigEndian);
                LongDouble.Write(destination[half..], im, _bigEndian);
                break;
        }
    }

    private void WriteUnsigned(Span<byte> destination, UInt128 bits)
    {
        switch (destination.Length)
        {
            case 1:
                destination[0] = (byte)bits;
                return;
            case 2:
                if (_bigEndian) BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)bits);
                else BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)bits);
                return;
            case 4:
                if (_bigEndian) BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)bits);
                else BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)bits);
                return;
            case 8:
                if (_bigEndian) BinaryPrimitives.WriteUInt64BigEndian(destination, (ulong)bits);
                else BinaryPrimitives.WriteUInt64LittleEndian(destination, (ulong)bits);
                return;
        }
        for (int i = 0; i < destination.Length; i++)
        {
            destination[_bigEndian ? destination.Length - 1 - i : i] = i < 16 ? (byte)(bits >> (8 * i)) : (byte)0;
        }
    }

    private void WriteHalf(Span<byte> d, Half v)
    {
        if (_bigEndian) BinaryPrimitives.WriteHalfBigEndian(d, v);
        else BinaryPrimitives.WriteHalfLittleEndian(d, v);
    }

    private void WriteSingle(Span<byte> d, float v)
    {
        if (_bigEndian) BinaryPrimitives.WriteSingleBigEndian(d, v);
        else BinaryPrimitives.WriteSingleLittleEndian(d, v);
    }

    private void WriteDouble(Span<byte> d, double v)
    {
        if (_bigEndian) BinaryPrimitives.WriteDoubleBigEndian(d, v);
        else BinaryPrimitives.WriteDoubleLittleEndian(d, v);
    }

    /// <summary>
    /// CPython's <c>p</c> packing: at most <c>count - 1</c> data bytes after a length byte of <c>min(n, 255)</c>,
    /// NUL-padded; <c>"0p"</c> writes nothing (CPython writes the length byte out of bounds there; this does not).
    /// </summary>
    private static void WritePascal(Span<byte> destination, object? value)
    {
        if (!ValueConversion.TryGetBytes(value, out ReadOnlySpan<byte> bytes))
        {
            ThrowHelper.ThrowArgument_WrongValue("argument for 'p' must be a bytes object");
        }
        if (destination.Length == 0)
        {
            return;
        }
        int n = Math.Min(bytes.Length, destination.Length - 1);
        destination.Clear();
        bytes[..n].CopyTo(destination[1..]);
        destination[0] = (byte)Math.Min(n, 255);
    }

    private void WriteUcs2(Span<byte> destination, object? value)
    {
        if (!ValueConversion.TryGetText(value, out ReadOnlySpan<char> text))
        {
            ThrowHelper.ThrowArgument_WrongValue($"format '{Leaf}' requires a string or char, not {ValueConversion.Describe(value)}");
        }
        if (Kind == LeafKind.Ucs2Char && text.Length > 1)
        {
            ThrowHelper.ThrowArgument_WrongValue("format 'u' requires a char or a string of at most one UTF-16 code unit");
        }
        int count = (int)Math.Min(text.Length, _length);
        destination.Clear();
        for (int i = 0; i < count; i++)
        {
            if (_bigEndian) BinaryPrimitives.WriteUInt16BigEndian(destination[(i * 2)..], text[i]);
            else BinaryPrimitives.WriteUInt16LittleEndian(destination[(i * 2)..], text[i]);
        }
    }

    /// <summary>
    /// <c>w</c>: one Unicode scalar value (a <see cref="Rune"/>, a non-surrogate <see cref="char"/> or a string of one;
    /// the empty string writes NUL, as NumPy's <c>U1</c> does);
    /// <c>Nw</c>: a string, truncated to N code points and NUL-padded, lone surrogates written as their own code point.
    /// Everything is checked before the first byte is written.
    /// </summary>
    private void WriteUcs4(Span<byte> destination, object? value)
    {
        if (!ValueConversion.TryGetText(value, out ReadOnlySpan<char> text))
        {
            ThrowHelper.ThrowArgument_WrongValue($"format '{Leaf}' requires a string, Rune or char, not {ValueConversion.Describe(value)}");
        }
        if (Kind == LeafKind.Ucs4Rune && text.Length != 0 &&
            !(Rune.DecodeFromUtf16(text, out _, out int used) == System.Buffers.OperationStatus.Done && used == text.Length))
        {
            ThrowHelper.ThrowArgument_WrongValue("format 'w' requires one Unicode scalar value (a Rune, a char that is not a surrogate, or a string of one)");
        }
        destination.Clear();
        int written = 0;
        for (int i = 0; i < text.Length && written < _length; written++)
        {
            uint codePoint = text[i];
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                codePoint = (uint)char.ConvertToUtf32(text[i], text[i + 1]);
                i += 2;
            }
            else
            {
                i++;
            }
            if (_bigEndian) BinaryPrimitives.WriteUInt32BigEndian(destination[(written * 4)..], codePoint);
            else BinaryPrimitives.WriteUInt32LittleEndian(destination[(written * 4)..], codePoint);
        }
    }

    private void WriteBits(Span<byte> destination, object? value)
    {
        if (_length <= 64)
        {
            WriteUnsigned(destination, (UInt128)GetInteger(value));
            return;
        }
        ValueConversion.IntegerResult kind = ValueConversion.TryGetInteger(value, out Int128 small);
        if (kind == ValueConversion.IntegerResult.NotInteger)
        {
            ThrowHelper.ThrowArgument_WrongValue(PackMessages.NotAnInteger);
        }
        BigInteger big = ValueConversion.ToBigInteger(value!, small, kind);
        if (big.Sign < 0 || big >= BigInteger.One << (int)_length)
        {
            ThrowIntegerProblem(value, small, ValueConversion.IntegerResult.Huge);
        }
        destination.Clear();
        big.TryWriteBytes(destination, out _, isUnsigned: true, isBigEndian: false);
        if (_bigEndian)
        {
            destination.Reverse();
        }
    }

    // ------------------------------------------------------------------------------------------------ flat

    public override void Unpack(ReadOnlySpan<byte> source, object?[] values, ref int index)
    {
        if (Kind != LeafKind.Padding)
        {
            values[index++] = Read(source);
        }
    }

    public override void Pack(Span<byte> destination, ReadOnlySpan<object?> values, ref int index)
    {
        if (Kind == LeafKind.Padding)
        {
            destination.Clear();
        }
        else
        {
            Write(destination, values[index++]);
        }
    }
}
