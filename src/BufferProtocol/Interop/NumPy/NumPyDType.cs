using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using BufferProtocol.Formats;
using BufferProtocol.Layout;

namespace BufferProtocol.Interop.NumPy;

/// <summary>
/// A NumPy data type as <c>__array_interface__</c> and <c>.npy</c> headers spell it — a <em>typestr</em>
/// (<c>'&lt;f8'</c>, <c>'|b1'</c>, <c>'&lt;U3'</c>) or a structured <em>descr</em> list
/// (<c>[('a', '&lt;i4'), ('', '|V4'), ('b', '&lt;f8')]</c>) — and its translation to and from PEP 3118 formats.
/// </summary>
/// <remarks>
/// <para><b>typestr → format</b> (interop-protocols §4.2, §8): <c>b1</c> <c>?</c>; <c>i1 i2 i4 i8</c> <c>b h i q</c>;
/// <c>u1 … u8</c> <c>B H I Q</c>; <c>f2 f4 f8</c> <c>e f d</c>; <c>f16</c> <c>g</c> and <c>c32</c> <c>Zg</c> (native
/// order only); <c>c8 c16</c> <c>Zf Zd</c>; <c>Sn</c> <c>ns</c>; <c>Un</c> <c>nw</c>; <c>Vn</c> <c>nx</c>; <c>O</c>
/// <c>O</c>. A non-native byte order is written as a <c>&gt;</c> (or <c>&lt;</c>) prefix. Refused: datetime and
/// timedelta (<c>M</c>, <c>m</c>: view the data as <c>'&lt;i8'</c> and keep the unit out of band), bit fields
/// (<c>t</c>) and sizes NumPy does not know (<c>'|i3'</c>).</para>
/// <para><b>descr → format</b>: a <c>T{...}</c> whose members sit at exactly the offsets the descr gives: padding
/// entries become <c>nx</c> gaps, every multi-byte leaf carries its byte order (<c>&lt;</c>/<c>&gt;</c>, so no C
/// alignment is inserted), sub-array fields get their <c>(d1,d2)</c> shape, titles are dropped.</para>
/// <para><b>format → descr</b> is what NumPy's <c>dtype.descr</c> says for the dtype NumPy builds from the format:
/// members in offset order with <c>('', '|Vn')</c> entries for gaps (leading, between and trailing up to the item
/// size), unnamed members named <c>f0, f1, …</c> (the lowest unused), nested sub-arrays flattened. A top-level
/// sub-array item (<c>"3i"</c>) is returned as its element plus the extents to append to the array's shape, as NumPy
/// spreads it.</para>
/// </remarks>
public sealed class NumPyDType
{
    private NumPyDType(char kind, char byteOrder, nint itemSize, ImmutableArray<NumPyDescrEntry> fields)
    {
        Kind = kind;
        ByteOrder = byteOrder;
        ItemSize = itemSize;
        Fields = fields.IsDefault ? [] : fields;
        IsStructured = !fields.IsDefault;
        SubArrayShape = [];
    }

    private NumPyDType(NumPyDType @base, ImmutableArray<nint> shape)
        : this('V', '|', Product(@base.ItemSize, shape), default)
    {
        Base = @base;
        SubArrayShape = shape;
    }

    /// <summary>The kind letter of the typestr: <c>b i u f c S U V O</c> (<c>V</c> for structured types).</summary>
    public char Kind { get; }

    /// <summary>The byte-order character of the typestr: <c>&lt;</c>, <c>&gt;</c> or <c>|</c> (not applicable).</summary>
    public char ByteOrder { get; }

    /// <summary>The size of one item in bytes (for <c>U</c>, four bytes per character).</summary>
    public nint ItemSize { get; }

    /// <summary>True for a structured type (a <c>descr</c> list of fields).</summary>
    public bool IsStructured { get; }

    /// <summary>For a sub-array type <c>(base, shape)</c> (a field of fields, as in <c>('b', ('&lt;f4', (2,)), (3,))</c>), its element type; else null.</summary>
    public NumPyDType? Base { get; }

    /// <summary>For a sub-array type, its shape; else empty.</summary>
    public ImmutableArray<nint> SubArrayShape { get; }

    /// <summary>True for a sub-array type <c>(base, shape)</c>.</summary>
    public bool IsSubArray => Base is not null;

    /// <summary>The <c>descr</c> entries of a structured type, padding included; empty otherwise.</summary>
    public ImmutableArray<NumPyDescrEntry> Fields { get; }

    /// <summary>True when the type holds Python object references anywhere (<c>.npy</c> files then need pickling).</summary>
    public bool HasObjects => Kind == 'O' || (Base?.HasObjects ?? false) || Fields.Any(f => f.Type.HasObjects);

    /// <summary>
    /// The typestr (<c>dtype.str</c>): <c>'&lt;f8'</c>, <c>'|b1'</c>, <c>'&lt;U3'</c>, <c>'|O'</c>, and
    /// <c>'|Vn'</c> for structured types.
    /// </summary>
    public string TypeString => Kind == 'O'
        ? "|O"
        : string.Create(CultureInfo.InvariantCulture, $"{ByteOrder}{Kind}{(Kind == 'U' ? ItemSize / 4 : ItemSize)}");

    /// <summary>The PEP 3118 format of one item (see the remarks on the type).</summary>
    /// <exception cref="NotSupportedException">A field name holds a <c>':'</c>, or <c>g</c>/<c>Zg</c> in non-native order.</exception>
    public string Format
    {
        get
        {
            var builder = new StringBuilder();
            if (IsStructured || IsSubArray)
            {
                var mode = '@';
                WriteMember(builder, ref mode);
            }
            else
            {
                builder.Append(TopLevelLeaf());
            }
            return builder.ToString();
        }
    }

    /// <summary>
    /// The <c>descr</c> as <c>numpy.lib.format</c> writes it into a <c>.npy</c> header: <c>repr(dtype.str)</c> for
    /// unstructured types, <c>repr(dtype.descr)</c> for structured ones.
    /// </summary>
    public string ToDescrLiteral() => ToLiteral().Repr();

    /// <summary>
    /// The <c>descr</c> as <c>__array_interface__</c> gives it: <c>repr(dtype.descr)</c>, which for an unstructured type is
    /// <c>[('', typestr)]</c>.
    /// </summary>
    public string ToArrayInterfaceDescrLiteral() =>
        IsStructured ? ToDescrLiteral() : new PyLiteral.Sequence([new PyLiteral.Sequence([new PyLiteral.Str(""), ToLiteral()], isTuple: true)], isTuple: false).Repr();

    /// <summary>The descr literal (<see cref="ToDescrLiteral"/>).</summary>
    public override string ToString() => ToDescrLiteral();

    /// <summary>Parses a typestr (<c>'&lt;i4'</c>, <c>'i4'</c>, <c>'=f8'</c>, <c>'|S5'</c>, <c>'&gt;U3'</c>, <c>'d'</c>, …), as <c>np.dtype</c> reads it.</summary>
    /// <param name="typeString">The typestr.</param>
    /// <exception cref="FormatException">Not a typestr NumPy understands.</exception>
    /// <exception cref="NotSupportedException">A datetime, timedelta or bit-field typestr.</exception>
    public static NumPyDType FromTypeString(string typeString)
    {
        ArgumentNullException.ThrowIfNull(typeString);
        return ParseTypeString(typeString);
    }

    /// <summary>
    /// Parses a <c>descr</c> written as a Python literal: a typestr (<c>"'&lt;f8'"</c>) or a list of field tuples, as
    /// in <c>.npy</c> headers and <c>repr(dtype.descr)</c>. Padding entries keep their bytes as gaps.
    /// </summary>
    /// <param name="literal">The literal text.</param>
    /// <exception cref="FormatException">The text is not a descr.</exception>
    /// <exception cref="NotSupportedException">It holds a datetime, timedelta or bit-field type.</exception>
    public static NumPyDType ParseDescr(string literal)
    {
        ArgumentNullException.ThrowIfNull(literal);
        return FromDescrLiteral(PyLiteral.Parse(literal));
    }

    /// <summary>
    /// The type an <c>__array_interface__</c> describes: <paramref name="descrLiteral"/> is read only when the typestr is
    /// void and the descr is not the default <c>[('', typestr)]</c>, as NumPy reads it.
    /// </summary>
    /// <param name="typeString">The <c>typestr</c> value.</param>
    /// <param name="descrLiteral">The <c>descr</c> value as a Python literal (<c>repr</c>), or null when absent.</param>
    /// <exception cref="FormatException">Malformed typestr or descr, or a descr whose size differs from the typestr's.</exception>
    /// <exception cref="NotSupportedException">A datetime, timedelta or bit-field type.</exception>
    public static NumPyDType FromArrayInterface(string typeString, string? descrLiteral)
    {
        var type = FromTypeString(typeString);
        if (type.Kind != 'V' || descrLiteral is null)
        {
            return type;
        }
        var descr = PyLiteral.Parse(descrLiteral);
        if (descr is PyLiteral.Sequence { IsTuple: false, Items: [PyLiteral.Sequence { Items: [PyLiteral.Str { Value: "" }, _] }] })
        {
            return type; // the default [('', typestr)]
        }
        var structured = FromDescrLiteral(descr);
        if (structured.ItemSize != type.ItemSize)
        {
            throw new FormatException($"the descr describes {structured.ItemSize} bytes but the typestr '{typeString}' {type.ItemSize}");
        }
        return structured;
    }

    /// <summary>
    /// The NumPy type of items described by a PEP 3118 format, for a buffer whose items are <paramref name="itemSize"/>
    /// bytes (larger than the format's size only for records whose trailing padding the format omits, numpy#7797).
    /// </summary>
    /// <param name="format">The buffer's format.</param>
    /// <param name="itemSize">The buffer's item size.</param>
    /// <param name="subShape">Extents of a top-level sub-array item, to append to the array's shape (else empty).</param>
    /// <exception cref="NotSupportedException">NumPy has no type for the format (see the remarks on the type).</exception>
    /// <exception cref="BufferFormatException">The format is not valid.</exception>
    public static NumPyDType FromFormat(string format, nint itemSize, out ImmutableArray<nint> subShape)
    {
        if (!TryFromFormat(format, itemSize, out var type, out subShape, out var error))
        {
            throw new NotSupportedException(error);
        }
        return type;
    }

    /// <summary>
    /// The NumPy type and the array layout NumPy would see for a buffer: a top-level sub-array item is spread into
    /// trailing dimensions (C strides within the item), as NumPy's buffer import does.
    /// </summary>
    /// <param name="format">The buffer's format; null means unsigned bytes.</param>
    /// <param name="layout">The buffer's layout.</param>
    /// <param name="arrayLayout">The layout of the array's elements (the buffer's layout when there is no sub-array).</param>
    /// <exception cref="NotSupportedException">NumPy has no type for the format.</exception>
    /// <exception cref="BufferFormatException">The format is not valid.</exception>
    public static NumPyDType FromBuffer(string? format, in BufferLayout layout, out BufferLayout arrayLayout)
    {
        var type = FromFormat(format ?? "B", layout.ItemSize, out var subShape);
        arrayLayout = ItemShapes.Spread(layout, subShape.AsSpan(), type.ItemSize);
        return type;
    }

    /// <summary>Like <see cref="FromFormat"/>, reporting why instead of throwing.</summary>
    /// <param name="format">The buffer's format.</param>
    /// <param name="itemSize">The buffer's item size.</param>
    /// <param name="type">The type, or null.</param>
    /// <param name="subShape">Extents of a top-level sub-array item (else empty).</param>
    /// <param name="error">Why NumPy has no type for the format, or null.</param>
    /// <exception cref="BufferFormatException">The format is not valid.</exception>
    public static bool TryFromFormat(string format, nint itemSize, [NotNullWhen(true)] out NumPyDType? type, out ImmutableArray<nint> subShape,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(format);
        var parsed = BufferFormat.Parse(format);
        var root = ItemShapes.SplitSubArray(parsed.Root, out subShape);
        type = null;
        if (!subShape.IsEmpty && parsed.ItemSize != itemSize)
        {
            error = $"the format '{format}' describes {parsed.ItemSize} bytes but the items have {itemSize}";
        }
        else if (root is RecordType record)
        {
            // Only a record may be shorter than its items: NumPy's export drops trailing padding (numpy#7797).
            type = FromRecord(record, subShape.IsEmpty ? itemSize : record.Size, out error);
        }
        else if (root.Size != (subShape.IsEmpty ? itemSize : root.Size))
        {
            error = $"the format '{format}' describes {parsed.ItemSize} bytes but the items have {itemSize}";
        }
        else
        {
            type = FromLeaf(root, out error);
        }
        return type is not null;
    }

    // ---- typestr parsing ----------------------------------------------------------------------------------------

    private static NumPyDType ParseTypeString(string text)
    {
        var s = text.AsSpan();
        var order = '=';
        if (s.Length > 0 && s[0] is '<' or '>' or '|' or '=')
        {
            order = s[0];
            s = s[1..];
        }
        if (s.Length == 1 && CharCode(s[0]) is { Length: > 2 } alias)
        {
            return ParseTypeString(order == '=' ? alias : order + alias[1..]);
        }
        if (s.Length == 0)
        {
            throw NotUnderstood(text);
        }
        var kind = s[0] == 'a' ? 'S' : s[0];
        s = s[1..];
        var bracket = s.IndexOf('[');
        var unit = bracket >= 0 ? s[bracket..] : default;
        var digits = bracket >= 0 ? s[..bracket] : s;
        nint count = -1;
        if (digits.Length > 0)
        {
            if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > int.MaxValue)
            {
                throw NotUnderstood(text);
            }
            count = (nint)n;
        }
        if (kind is 'M' or 'm')
        {
            throw new NotSupportedException($"NumPy {(kind == 'M' ? "datetime64" : "timedelta64")} ('{text}') has no PEP 3118 format; " +
                "view the data as '<i8' and keep the unit out of band");
        }
        if (kind == 't')
        {
            throw new NotSupportedException($"NumPy does not support bit-field typestrs ('{text}')");
        }
        if (!unit.IsEmpty)
        {
            throw NotUnderstood(text);
        }
        var native = BitConverter.IsLittleEndian ? '<' : '>';
        var resolved = order is '=' or '|' ? native : order;
        switch (kind)
        {
            case 'b' when count == 1:
                return Leaf('b', '|', 1);
            case 'i' or 'u' when count is 1:
                return Leaf(kind, '|', 1);
            case 'i' or 'u' when count is 2 or 4 or 8:
            case 'f' when count is 2 or 4 or 8 or 16:
            case 'c' when count is 8 or 16 or 32:
                return Leaf(kind, resolved, count);
            case 'S' or 'V' when count >= 0:
                return Leaf(kind, '|', count);
            case 'U' when count >= 0:
                return Leaf('U', resolved, checked(count * 4));
            case 'O' when count is -1 or 8:
                return Leaf('O', '|', IntPtr.Size);
            default:
                throw NotUnderstood(text);
        }
    }

    private static string? CharCode(char c) => c switch
    {
        '?' => "|b1",
        'b' => "|i1",
        'B' => "|u1",
        'h' => "=i2",
        'H' => "=u2",
        'i' => "=i4",
        'I' => "=u4",
        'l' or 'q' or 'p' => "=i8",
        'L' or 'Q' or 'P' => "=u8",
        'e' => "=f2",
        'f' => "=f4",
        'd' => "=f8",
        'g' => "=f16",
        'F' => "=c8",
        'D' => "=c16",
        'G' => "=c32",
        'O' => "|O",
        'S' => "|S0",
        'U' => "=U0",
        'V' => "|V0",
        _ => null,
    };

    private static FormatException NotUnderstood(string text) => new($"data type '{text}' not understood");

    private static NumPyDType Leaf(char kind, char order, nint size) => new(kind, order, size, default);

    // ---- descr literals -----------------------------------------------------------------------------------------

    internal static NumPyDType FromDescrLiteral(PyLiteral descr)
    {
        switch (descr)
        {
            case PyLiteral.Str s:
                return ParseTypeString(s.Value);
            case PyLiteral.Sequence { IsTuple: false } list:
                var entries = ImmutableArray.CreateBuilder<NumPyDescrEntry>(list.Items.Length);
                nint size = 0;
                foreach (var item in list.Items)
                {
                    var entry = FromDescrEntry(item);
                    entries.Add(entry);
                    size = checked(size + entry.Size);
                }
                return new NumPyDType('V', '|', size, entries.MoveToImmutable());
            case PyLiteral.Sequence { IsTuple: true, Items: [var element, var shape] }:
                return new NumPyDType(FromDescrLiteral(element), ShapeOf(shape));
            default:
                throw new FormatException($"a descr is a typestr or a list of fields, not {descr.Repr()}");
        }
    }

    private static NumPyDescrEntry FromDescrEntry(PyLiteral item)
    {
        if (item is not PyLiteral.Sequence { IsTuple: true, Items.Length: 2 or 3 } tuple)
        {
            throw new FormatException($"a descr field is (name, type) or (name, type, shape), not {item.Repr()}");
        }
        string name;
        string? title = null;
        switch (tuple.Items[0])
        {
            case PyLiteral.Str s:
                name = s.Value;
                break;
            case PyLiteral.Sequence { IsTuple: true, Items: [var t, PyLiteral.Str n] }:
                title = t is PyLiteral.Str ts ? ts.Value : t.Repr();
                name = n.Value;
                break;
            default:
                throw new FormatException($"a descr field name is a string or (title, name), not {tuple.Items[0].Repr()}");
        }
        var type = FromDescrLiteral(tuple.Items[1]);
        var shape = tuple.Items.Length == 3 ? ShapeOf(tuple.Items[2]) : [];
        return new NumPyDescrEntry(name, title, type, shape);
    }

    private static ImmutableArray<nint> ShapeOf(PyLiteral shape) => shape switch
    {
        PyLiteral.Int n => [ToExtent(n)],
        PyLiteral.Sequence { IsTuple: true } dims => [.. dims.Items.Select(d => d is PyLiteral.Int i ? ToExtent(i) : throw new FormatException($"a shape holds integers, not {d.Repr()}"))],
        var other => throw new FormatException($"a sub-array shape is a tuple, not {other.Repr()}"),
    };

    private static nint Product(nint size, ImmutableArray<nint> shape)
    {
        foreach (var extent in shape)
        {
            size = checked(size * extent);
        }
        return size;
    }

    internal static nint ToExtent(PyLiteral.Int value) =>
        value.Value < 0 || value.Value > int.MaxValue * (long)int.MaxValue
            ? throw new FormatException($"the extent {value.Value} is out of range")
            : (nint)(long)value.Value;

    private PyLiteral ToLiteral()
    {
        if (IsSubArray)
        {
            return new PyLiteral.Sequence([Base!.ToLiteral(), new PyLiteral.Sequence([.. SubArrayShape.Select(d => new PyLiteral.Int(d))], isTuple: true)], isTuple: true);
        }
        if (!IsStructured)
        {
            return new PyLiteral.Str(TypeString);
        }
        var items = ImmutableArray.CreateBuilder<PyLiteral>(Fields.Length);
        foreach (var field in Fields)
        {
            PyLiteral name = field.Title is null
                ? new PyLiteral.Str(field.Name)
                : new PyLiteral.Sequence([new PyLiteral.Str(field.Title), new PyLiteral.Str(field.Name)], isTuple: true);
            var type = field.Type.ToLiteral();
            items.Add(field.Shape.IsDefaultOrEmpty
                ? new PyLiteral.Sequence([name, type], isTuple: true)
                : new PyLiteral.Sequence([name, type, new PyLiteral.Sequence([.. field.Shape.Select(d => new PyLiteral.Int(d))], isTuple: true)], isTuple: true));
        }
        return new PyLiteral.Sequence(items.MoveToImmutable(), isTuple: false);
    }

    // ---- format → dtype ------------------------------------------------------------------------------------------

    private static NumPyDType? FromLeaf(DataType type, out string? error)
    {
        error = null;
        var order = type is LeafType leaf ? (leaf.ByteOrder == Formats.ByteOrder.LittleEndian ? '<' : '>') : '|';
        switch (type)
        {
            case ScalarType s:
                switch (s.Kind)
                {
                    case ScalarKind.Bool:
                        return Leaf('b', '|', 1);
                    case ScalarKind.Char:
                        return Leaf('S', '|', 1);
                    case ScalarKind.SignedInteger or ScalarKind.UnsignedInteger:
                        var kind = s.Kind == ScalarKind.SignedInteger ? 'i' : 'u';
                        return Leaf(kind, s.Size == 1 ? '|' : order, s.Size);
                    case ScalarKind.Float:
                        return Leaf('f', order, s.Size);
                    case ScalarKind.Complex:
                        return Leaf('c', order, s.Size);
                    default:
                        error = $"NumPy has no dtype for '{s.Token}' (pointers)";
                        return null;
                }
            case StringType str when str.Kind == ScalarKind.Bytes:
                return Leaf('S', '|', str.Size);
            case StringType str when str.Kind == ScalarKind.Ucs4:
                return Leaf('U', order, str.Size);
            case StringType str:
                error = str.Kind == ScalarKind.Ucs2
                    ? "NumPy has no dtype for UCS-2 strings ('u')"
                    : "NumPy has no dtype for Pascal strings ('p')";
                return null;
            case PaddingType pad:
                return Leaf('V', '|', pad.Size);
            case ObjectType:
                return Leaf('O', '|', type.Size);
            case RecordType record:
                return FromRecord(record, record.Size, out error);
            case BitFieldType:
                error = "NumPy has no dtype for bit fields ('t')";
                return null;
            default:
                error = $"NumPy has no dtype for '{type}' (pointers and function pointers)";
                return null;
        }
    }

    private static NumPyDType? FromRecord(RecordType record, nint itemSize, out string? error)
    {
        error = null;
        var used = new HashSet<string>(record.Fields.Where(f => f.Name is not null).Select(f => f.Name!), StringComparer.Ordinal);
        var next = 0;
        var entries = ImmutableArray.CreateBuilder<NumPyDescrEntry>();
        nint offset = 0;
        foreach (var member in record.Fields)
        {
            if (member.Name is null && member.Type is PaddingType)
            {
                continue;
            }
            if (member.Offset > offset)
            {
                entries.Add(Padding(member.Offset - offset));
            }
            var name = member.Name;
            if (name is null)
            {
                while (!used.Add(name = string.Create(CultureInfo.InvariantCulture, $"f{next}")))
                {
                    next++;
                }
            }
            // The outermost shape is the field's; a sub-array inside it stays a sub-array type, as dtype.descr nests them.
            var (element, shape) = member.Type is SubArrayType sub ? (sub.Element, sub.Shape) : (member.Type, []);
            var type = FromMemberType(element, out error);
            if (type is null)
            {
                return null;
            }
            entries.Add(new NumPyDescrEntry(name, null, type, shape));
            offset = member.Offset + member.Size;
        }
        if (itemSize < offset)
        {
            error = $"the record's fields end at byte {offset}, past the item size {itemSize}";
            return null;
        }
        if (itemSize > offset)
        {
            entries.Add(Padding(itemSize - offset));
        }
        return new NumPyDType('V', '|', itemSize, entries.ToImmutable());
    }

    private static NumPyDType? FromMemberType(DataType type, out string? error)
    {
        if (type is not SubArrayType sub)
        {
            return FromLeaf(type, out error);
        }
        var element = FromMemberType(sub.Element, out error);
        return element is null ? null : new NumPyDType(element, sub.Shape);
    }

    private static NumPyDescrEntry Padding(nint size) => new("", null, Leaf('V', '|', size), []);

    // ---- dtype → format ------------------------------------------------------------------------------------------

    private string TopLevelLeaf()
    {
        var native = BitConverter.IsLittleEndian ? '<' : '>';
        var code = LeafCode();
        if (IsLongDouble)
        {
            return ByteOrder == native ? code : throw new NotSupportedException($"'{TypeString}' is the platform's long double, which PEP 3118 has only in native order");
        }
        return ByteOrder is '|' || ByteOrder == native || ItemSize <= 1 ? code : ByteOrder + code;
    }

    private bool IsLongDouble => (Kind == 'f' && ItemSize == 16) || (Kind == 'c' && ItemSize == 32);

    private string LeafCode() => Kind switch
    {
        'b' => "?",
        'i' => ItemSize switch { 1 => "b", 2 => "h", 4 => "i", _ => "q" },
        'u' => ItemSize switch { 1 => "B", 2 => "H", 4 => "I", _ => "Q" },
        'f' => ItemSize switch { 2 => "e", 4 => "f", 8 => "d", _ => "g" },
        'c' => ItemSize switch { 8 => "Zf", 16 => "Zd", _ => "Zg" },
        'S' => string.Create(CultureInfo.InvariantCulture, $"{ItemSize}s"),
        'U' => string.Create(CultureInfo.InvariantCulture, $"{ItemSize / 4}w"),
        'V' => string.Create(CultureInfo.InvariantCulture, $"{ItemSize}x"),
        _ => "O",
    };

    private void WriteStruct(StringBuilder builder, ref char mode)
    {
        builder.Append("T{");
        var index = 0;
        foreach (var field in Fields)
        {
            if (field.IsPadding)
            {
                if (field.Type.ItemSize > 0)
                {
                    builder.Append(field.Type.ItemSize.ToString(CultureInfo.InvariantCulture)).Append('x');
                }
                index++;
                continue;
            }
            if (!field.Shape.IsDefaultOrEmpty)
            {
                builder.Append('(').AppendJoin(',', field.Shape).Append(')');
            }
            field.Type.WriteMember(builder, ref mode);
            var name = field.Name.Length == 0 ? string.Create(CultureInfo.InvariantCulture, $"f{index}") : field.Name;
            if (name.Contains(':', StringComparison.Ordinal))
            {
                throw new NotSupportedException($"the field name '{name}' holds ':', which a PEP 3118 format cannot carry");
            }
            builder.Append(':').Append(name).Append(':');
            index++;
        }
        builder.Append('}');
    }

    private void WriteMember(StringBuilder builder, ref char mode)
    {
        if (IsSubArray)
        {
            builder.Append('(').AppendJoin(',', SubArrayShape).Append(')');
            Base!.WriteMember(builder, ref mode);
        }
        else if (IsStructured)
        {
            WriteStruct(builder, ref mode);
        }
        else
        {
            WriteMemberLeaf(builder, ref mode);
        }
    }

    /// <summary>
    /// A leaf inside a struct, placed exactly where the descr puts it: multi-byte values get their byte order
    /// (standard sizes, no alignment), long doubles and objects the native-unaligned <c>^</c> mode; one-byte values
    /// need no prefix (their alignment is 1 in every mode).
    /// </summary>
    private void WriteMemberLeaf(StringBuilder builder, ref char mode)
    {
        char wanted;
        if (IsLongDouble)
        {
            // 'g' exists only with native sizes; '^' places it without alignment.
            if (ByteOrder != (BitConverter.IsLittleEndian ? '<' : '>'))
            {
                throw new NotSupportedException($"'{TypeString}' is the platform's long double, which PEP 3118 has only in native order");
            }
            wanted = '^';
        }
        else if (Kind == 'O')
        {
            // Pointer-sized in every mode; only '@' would align it.
            wanted = mode == '@' ? '^' : mode;
        }
        else if (ByteOrder == '|' || ItemSize <= 1)
        {
            wanted = mode;
        }
        else
        {
            wanted = ByteOrder;
        }
        if (wanted != mode)
        {
            builder.Append(wanted);
            mode = wanted;
        }
        builder.Append(LeafCode());
    }
}
