using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace BufferProtocol.Formats.Internals;

/// <summary>
/// The format string NumPy 1.24 exports for the layout a descriptor describes: the descriptor is first turned
/// into the dtype NumPy's importer (<c>_dtype_from_pep3118</c>) would build for it, then written the way
/// <c>numpy/core/src/multiarray/buffer.c</c> (<c>_buffer_format_string</c>) writes that dtype.
/// </summary>
/// <remarks>
/// <para>Import side: a count other than 1 on an ordinary code becomes a sub-array; unnamed <c>x</c> padding is
/// dropped from records (named padding becomes a void field); unnamed members are named <c>f0, f1, ...</c>
/// (the lowest unused); a top-level item list with one unnamed member at offset 0 that fills it is unwrapped.</para>
/// <para>Export side: an active prefix starting as an implicit <c>@</c>, written only when it changes, shared across
/// nested structs; <c>@</c> for natively aligned native-order leaves, <c>^</c> for unaligned <c>g</c>/<c>Zg</c>,
/// <c>=</c> for other unaligned native leaves, <c>&lt;</c>/<c>&gt;</c> for foreign order, no change for byte-order-less
/// leaves; one <c>x</c> per gap byte; <c>l</c> vs <c>q</c> by NumPy's type number; no trailing padding (#7797).</para>
/// </remarks>
internal static class NumPyExport
{
    internal enum NpyType
    {
        Bool, Byte, UByte, Short, UShort, Int, UInt, Long, ULong, LongLong, ULongLong,
        Half, Float, Double, LongDouble, CFloat, CDouble, CLongDouble, Object, String, Unicode, Void,
    }

    /// <summary>The longest run of <c>x</c> written for a gap (NumPy writes one per byte, whatever the gap).</summary>
    private const int MaxGap = 1 << 20;

    /// <summary>The dtype NumPy would build: a leaf, a sub-array or a struct.</summary>
    internal abstract record Dtype(nint ItemSize);

    /// <summary>A NumPy leaf dtype. <see cref="Order"/> is <c>'='</c> (native), <c>'&lt;'</c>/<c>'&gt;'</c> (foreign) or <c>'|'</c> (none).</summary>
    internal sealed record Leaf(NpyType Type, char Order, nint ItemSize, int Alignment) : Dtype(ItemSize)
    {
        /// <summary>NumPy's <c>dtype.str</c> (<c>"&lt;i4"</c>, <c>"|S3"</c>, <c>"&lt;U2"</c>, <c>"|O"</c>).</summary>
        public string Str
        {
            get
            {
                char order = Order == '=' ? (BitConverter.IsLittleEndian ? '<' : '>') : Order;
                string size = ItemSize.ToString(CultureInfo.InvariantCulture);
                return Type switch
                {
                    NpyType.Bool => "|b1",
                    NpyType.Object => "|O",
                    NpyType.String => "|S" + size,
                    NpyType.Void => "|V" + size,
                    NpyType.Unicode => order + "U" + (ItemSize / 4).ToString(CultureInfo.InvariantCulture),
                    NpyType.Byte => "|i1",
                    NpyType.UByte => "|u1",
                    NpyType.Short or NpyType.Int or NpyType.Long or NpyType.LongLong => order + "i" + size,
                    NpyType.UShort or NpyType.UInt or NpyType.ULong or NpyType.ULongLong => order + "u" + size,
                    NpyType.Half or NpyType.Float or NpyType.Double or NpyType.LongDouble => order + "f" + size,
                    _ => order + "c" + size,
                };
            }
        }
    }

    /// <summary>A NumPy sub-array dtype.</summary>
    internal sealed record SubArray(Dtype Base, ImmutableArray<nint> Shape, nint ItemSize) : Dtype(ItemSize);

    /// <summary>A NumPy structured dtype (fields in order, names already filled in).</summary>
    internal sealed record Struct(ImmutableArray<(string Name, Dtype Type, nint Offset)> Fields, nint ItemSize) : Dtype(ItemSize);

    /// <summary>The dtype NumPy's importer builds for the layout of <paramref name="root"/>, or null with the reason.</summary>
    internal static Dtype? ToDtype(DataType root, out string? reason) => ConvertRoot(root, out reason);

    /// <summary>Writes the NumPy export string for <paramref name="root"/> in the given array context, or gives the reason it has none.</summary>
    public static string? TryWrite(DataType root, nint dataAddress, ReadOnlySpan<nint> shape, ReadOnlySpan<nint> strides, out string? reason)
    {
        Dtype? dtype = ConvertRoot(root, out reason);
        if (dtype is null)
        {
            return null;
        }

        // Creating an array of a sub-array dtype moves the sub-array extents into the array's shape.
        var dims = new List<nint>(shape.ToArray());
        var steps = new List<nint>(strides.ToArray());
        while (dtype is SubArray sub)
        {
            nint step = sub.Base.ItemSize;
            var inner = new nint[sub.Shape.Length];
            for (int i = sub.Shape.Length - 1; i >= 0; i--)
            {
                inner[i] = step;
                step *= sub.Shape[i];
            }
            dims.AddRange(sub.Shape);
            steps.AddRange(inner);
            dtype = sub.Base;
        }
        if (dtype is Leaf { Type: NpyType.String or NpyType.Unicode, ItemSize: 0 })
        {
            reason = "NumPy cannot make an array of zero-length strings (it widens them to one character)";
            return null;
        }

        var writer = new Writer(dataAddress, [.. dims], [.. steps], dtype);
        var sb = new StringBuilder();
        nint offset = 0;
        char active = '@';
        if (!writer.Write(sb, dtype, ref offset, ref active, out reason))
        {
            return null;
        }
        return sb.ToString();
    }

    private static Dtype? ConvertRoot(DataType root, out string? reason)
    {
        if (root is RecordType { IsStruct: false } items)
        {
            Struct? s = ConvertRecord(items, out reason, out bool singleUnnamed);
            if (s is null)
            {
                return null;
            }
            // _dtype_from_pep3118 returns a lone unnamed item at offset 0 that fills the record as itself.
            if (singleUnnamed && s.Fields.Length == 1 && s.Fields[0].Offset == 0 && s.ItemSize == s.Fields[0].Type.ItemSize)
            {
                return s.Fields[0].Type;
            }
            return s;
        }
        if (IsPadding(root))
        {
            reason = null;
            return new Struct([], root.Size); // "4x": a struct with no fields
        }
        return Convert(root, out reason);
    }

    private static Dtype? Convert(DataType type, out string? reason)
    {
        reason = null;
        if (type.Size > int.MaxValue)
        {
            reason = "NumPy 1.24 item sizes are C ints; this one is larger";
            return null;
        }
        switch (type)
        {
            case SubArrayType array:
                Dtype? element = Convert(array.Element, out reason);
                return element is null ? null : new SubArray(element, array.Shape, array.Size);
            case RecordType record:
                return ConvertRecord(record, out reason, out _);
            case ScalarType scalar:
                return ConvertScalar(scalar, out reason);
            case StringType { Code: 's' } bytes:
                return new Leaf(NpyType.String, '|', bytes.Size, 1);
            case StringType { Code: 'w' } text:
                return new Leaf(NpyType.Unicode, OrderOf(text.Mode), text.Size, 4);
            case PaddingType padding:
                return new Leaf(NpyType.Void, '|', padding.Size, 1);
            case ObjectType:
                return new Leaf(NpyType.Object, '|', NativeAbi.PointerSize, NativeAbi.PointerAlignment);
            default:
                reason = $"NumPy 1.24 has no dtype for the format code '{((LeafType)type).Code}'";
                return null;
        }
    }

    private static Struct? ConvertRecord(RecordType record, out string? reason, out bool singleUnnamed)
    {
        reason = null;
        singleUnnamed = false;
        var names = new List<string?>();
        var fields = new List<(Dtype Type, nint Offset)>();
        foreach (RecordField field in record.Fields)
        {
            if (field.Name is null && IsPadding(field.Type))
            {
                continue; // unnamed padding only moves the offset
            }
            Dtype? dtype = Convert(field.Type, out reason);
            if (dtype is null)
            {
                return null;
            }
            names.Add(field.Name);
            fields.Add((dtype, field.Offset));
        }
        singleUnnamed = names.Count == 1 && names[0] is null;
        // NumPy's _fix_names: each unnamed field takes the lowest f<j> not used yet.
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] is not null)
            {
                continue;
            }
            for (int j = 0; ; j++)
            {
                string candidate = "f" + j.ToString(CultureInfo.InvariantCulture);
                if (!names.Contains(candidate))
                {
                    names[i] = candidate;
                    break;
                }
            }
        }
        var builder = ImmutableArray.CreateBuilder<(string, Dtype, nint)>(names.Count);
        for (int i = 0; i < names.Count; i++)
        {
            builder.Add((names[i]!, fields[i].Type, fields[i].Offset));
        }
        return new Struct(builder.MoveToImmutable(), record.Size);
    }

    /// <summary>True for <c>x</c>, also under a count or shape: NumPy drops such items unless they are named.</summary>
    private static bool IsPadding(DataType type)
    {
        while (type is SubArrayType array)
        {
            type = array.Element;
        }
        return type is PaddingType;
    }

    private static char OrderOf(FormatMode mode) =>
        mode.ResolveByteOrder() == (BitConverter.IsLittleEndian ? ByteOrder.LittleEndian : ByteOrder.BigEndian)
            ? '='
            : (mode.ResolveByteOrder() == ByteOrder.LittleEndian ? '<' : '>');

    private static Leaf? ConvertScalar(ScalarType scalar, out string? reason)
    {
        reason = null;
        bool native = scalar.Mode.UsesNativeSizes();
        char order = OrderOf(scalar.Mode);
        nint size = scalar.Size;
        if (scalar.IsComplex)
        {
            if (scalar.Code == 'g' && !native)
            {
                reason = "NumPy has no standard-size complex long double ('Zg' needs the '@' or '^' mode)";
                return null;
            }
            return scalar.Code switch
            {
                'f' => new Leaf(NpyType.CFloat, order, size, NativeAbi.FloatAlignment),
                'd' => new Leaf(NpyType.CDouble, order, size, NativeAbi.DoubleAlignment),
                _ => new Leaf(NpyType.CLongDouble, order, size, NativeAbi.LongDouble.Alignment),
            };
        }
        switch (scalar.Code)
        {
            case '?':
                return new Leaf(NpyType.Bool, '|', 1, 1);
            case 'c':
                return new Leaf(NpyType.String, '|', 1, 1);
            case 'b':
                return new Leaf(NpyType.Byte, '|', 1, 1);
            case 'B':
                return new Leaf(NpyType.UByte, '|', 1, 1);
            case 'e':
                return new Leaf(NpyType.Half, order, 2, NativeAbi.HalfAlignment);
            case 'f':
                return new Leaf(NpyType.Float, order, 4, NativeAbi.FloatAlignment);
            case 'd':
                return new Leaf(NpyType.Double, order, 8, NativeAbi.DoubleAlignment);
            case 'g' when native:
                return new Leaf(NpyType.LongDouble, order, size, NativeAbi.LongDouble.Alignment);
            case 'g':
                reason = "NumPy has no standard-size long double ('g' needs the '@' or '^' mode)";
                return null;
            case 'n' or 'N' or 'P':
                reason = $"NumPy 1.24 has no dtype for the format code '{scalar.Code}'";
                return null;
        }
        bool signed = scalar.Kind == ScalarKind.SignedInteger;
        NpyType type = (scalar.Code, native) switch
        {
            ('l' or 'L', true) => signed ? NpyType.Long : NpyType.ULong,
            ('q' or 'Q', true) => signed ? NpyType.LongLong : NpyType.ULongLong,
            // Fixed-width dtypes ('i2', 'i4', 'i8', ...) take the first C type of that size: int, then long, then long long.
            _ => size switch
            {
                2 => signed ? NpyType.Short : NpyType.UShort,
                4 => signed ? NpyType.Int : NpyType.UInt,
                _ when size == NativeAbi.LongSize => signed ? NpyType.Long : NpyType.ULong,
                _ => signed ? NpyType.LongLong : NpyType.ULongLong,
            },
        };
        int alignment = type switch
        {
            NpyType.Short or NpyType.UShort => NativeAbi.ShortAlignment,
            NpyType.Int or NpyType.UInt => NativeAbi.IntAlignment,
            NpyType.Long or NpyType.ULong => NativeAbi.LongAlignment,
            _ => NativeAbi.LongLongAlignment,
        };
        return new Leaf(type, order, size, alignment);
    }

    /// <summary>The writer: <c>_buffer_format_string</c> over one array (data address, shape, strides).</summary>
    private sealed class Writer(nint dataAddress, nint[] shape, nint[] strides, Dtype arrayDtype)
    {
        public bool Write(StringBuilder sb, Dtype dtype, ref nint offset, ref char active, out string? reason)
        {
            reason = null;
            switch (dtype)
            {
                case SubArray sub:
                {
                    sb.Append('(');
                    nint count = 1;
                    for (int i = 0; i < sub.Shape.Length; i++)
                    {
                        if (i > 0)
                        {
                            sb.Append(',');
                        }
                        sb.Append(sub.Shape[i].ToString(CultureInfo.InvariantCulture));
                        count *= sub.Shape[i];
                    }
                    sb.Append(')');
                    nint old = offset;
                    if (!Write(sb, sub.Base, ref offset, ref active, out reason))
                    {
                        return false;
                    }
                    offset = old + ((offset - old) * count);
                    return true;
                }
                case Struct record:
                {
                    nint baseOffset = offset;
                    sb.Append("T{");
                    foreach ((string name, Dtype type, nint fieldOffset) in record.Fields)
                    {
                        nint target = baseOffset + fieldOffset;
                        if (offset > target)
                        {
                            reason = "dtypes with overlapping or out-of-order fields are not representable as buffers";
                            return false;
                        }
                        if (target - offset > MaxGap)
                        {
                            reason = $"the NumPy export would spell {target - offset} padding bytes as one 'x' each";
                            return false;
                        }
                        sb.Append('x', (int)(target - offset));
                        offset = target;
                        if (!Write(sb, type, ref offset, ref active, out reason))
                        {
                            return false;
                        }
                        sb.Append(':').Append(name).Append(':');
                    }
                    sb.Append('}');
                    return true;
                }
                default:
                    return WriteLeaf(sb, (Leaf)dtype, ref offset, ref active, out reason);
            }
        }

        private bool WriteLeaf(StringBuilder sb, Leaf leaf, ref nint offset, ref char active, out string? reason)
        {
            reason = null;
            bool nativeOnly = leaf.Type is NpyType.LongDouble or NpyType.CLongDouble;
            bool aligned = ReferenceEquals(leaf, arrayDtype) ? IsArrayAligned(leaf.Alignment) : IsNativelyAlignedAt(leaf, offset);
            offset += leaf.ItemSize;
            bool standardSize = true;
            if (leaf.Order == '=' && aligned)
            {
                standardSize = false;
                SetPrefix(sb, '@', ref active);
            }
            else if (leaf.Order == '=' && nativeOnly)
            {
                standardSize = false;
                SetPrefix(sb, '^', ref active);
            }
            else if (leaf.Order is '<' or '>' or '=')
            {
                SetPrefix(sb, leaf.Order, ref active);
                if (nativeOnly)
                {
                    reason = $"cannot expose native-only dtype '{(leaf.Type == NpyType.LongDouble ? 'g' : 'G')}' in non-native byte order '{leaf.Order}' via buffer interface";
                    return false;
                }
            }
            bool longIs8 = NativeAbi.LongSize == 8;
            switch (leaf.Type)
            {
                case NpyType.Bool: sb.Append('?'); break;
                case NpyType.Byte: sb.Append('b'); break;
                case NpyType.UByte: sb.Append('B'); break;
                case NpyType.Short: sb.Append('h'); break;
                case NpyType.UShort: sb.Append('H'); break;
                case NpyType.Int: sb.Append('i'); break;
                case NpyType.UInt: sb.Append('I'); break;
                case NpyType.Long: sb.Append(standardSize && longIs8 ? 'q' : 'l'); break;
                case NpyType.ULong: sb.Append(standardSize && longIs8 ? 'Q' : 'L'); break;
                case NpyType.LongLong: sb.Append('q'); break;
                case NpyType.ULongLong: sb.Append('Q'); break;
                case NpyType.Half: sb.Append('e'); break;
                case NpyType.Float: sb.Append('f'); break;
                case NpyType.Double: sb.Append('d'); break;
                case NpyType.LongDouble: sb.Append('g'); break;
                case NpyType.CFloat: sb.Append("Zf"); break;
                case NpyType.CDouble: sb.Append("Zd"); break;
                case NpyType.CLongDouble: sb.Append("Zg"); break;
                case NpyType.Object: sb.Append('O'); break;
                case NpyType.String: sb.Append(leaf.ItemSize.ToString(CultureInfo.InvariantCulture)).Append('s'); break;
                case NpyType.Unicode: sb.Append((leaf.ItemSize / 4).ToString(CultureInfo.InvariantCulture)).Append('w'); break;
                default: sb.Append(leaf.ItemSize.ToString(CultureInfo.InvariantCulture)).Append('x'); break;
            }
            return true;
        }

        private static void SetPrefix(StringBuilder sb, char wanted, ref char active)
        {
            if (active != wanted)
            {
                sb.Append(wanted);
                active = wanted;
            }
        }

        /// <summary>NumPy's <c>raw_array_is_aligned</c>: the array's ALIGNED flag.</summary>
        private bool IsArrayAligned(int alignment)
        {
            if (alignment <= 1)
            {
                return true;
            }
            nint check = dataAddress;
            for (int i = 0; i < shape.Length; i++)
            {
                if (shape[i] > 1)
                {
                    check |= strides[i];
                }
                else if (shape[i] == 0)
                {
                    return true;
                }
            }
            return (check & (alignment - 1)) == 0;
        }

        /// <summary>NumPy's <c>_is_natively_aligned_at</c> for a leaf inside a struct or sub-array.</summary>
        private bool IsNativelyAlignedAt(Leaf leaf, nint offset)
        {
            int a = leaf.Alignment;
            if (dataAddress % a != 0 || offset % a != 0 || leaf.ItemSize % a != 0)
            {
                return false;
            }
            for (int i = 0; i < shape.Length; i++)
            {
                if (shape[i] > 1 && strides[i] % a != 0)
                {
                    return false;
                }
            }
            return true;
        }
    }
}
