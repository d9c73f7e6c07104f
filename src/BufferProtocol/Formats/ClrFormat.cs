using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using BufferProtocol.Formats.Clr;

namespace BufferProtocol.Formats;

/// <summary>The PEP 3118 format of unmanaged CLR types, and the CLR type of a format.</summary>
/// <remarks>
/// <para>
/// Primitives: <see cref="sbyte"/> <c>b</c>, <see cref="byte"/> <c>B</c>, <see cref="short"/> <c>h</c>,
/// <see cref="ushort"/> <c>H</c>, <see cref="int"/> <c>i</c>, <see cref="uint"/> <c>I</c>, <see cref="long"/> <c>q</c>,
/// <see cref="ulong"/> <c>Q</c> (never <c>l</c>, whose size is the platform's C <c>long</c>: that is
/// <see cref="CLong"/> <c>l</c> / <see cref="CULong"/> <c>L</c>), <see cref="nint"/> <c>n</c>, <see cref="nuint"/>
/// <c>N</c>, <see cref="Half"/> <c>e</c>, <see cref="float"/> <c>f</c>, <see cref="double"/> <c>d</c>,
/// <see cref="bool"/> <c>?</c>, <see cref="char"/> <c>u</c> (a UTF-16 code unit), <see cref="Rune"/> <c>w</c>,
/// <see cref="Complex"/> <c>Zd</c>; enums as their underlying type; <c>T*</c> as <c>&amp;</c> + the format of
/// <c>T</c> (<c>void*</c> as <c>P</c>); function pointers as <c>X{}</c>.
/// </para>
/// <para>
/// Structs: <c>T{...}</c> with each field's name (auto-property backing fields by the property name) at the offset
/// the runtime gives it; gaps and trailing bytes as explicit <c>x</c> padding, so that the format's item size is
/// exactly <c>sizeof(T)</c> and every field offset is the struct's. A field at a naturally aligned offset is
/// written in native mode (<c>@</c>, so NumPy and Cython read it as aligned); one at an unaligned offset (packed
/// layouts) in native-unaligned mode (<c>^</c>). Nested structs nest; <c>fixed</c> buffers and <c>[InlineArray]</c>
/// structs become sub-arrays (<c>(3)i</c>, <c>(2,3)d</c>). <c>[StructLayout(LayoutKind.Explicit)]</c> structs whose
/// fields overlap (unions) are refused: a format cannot describe two values in the same bytes.
/// </para>
/// </remarks>
public static partial class ClrFormat
{
    /// <summary>The format of one <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">An unmanaged type: a primitive, enum, pointer or blittable struct.</typeparam>
    /// <exception cref="NotSupportedException">No format describes <typeparamref name="T"/> (the message says why).</exception>
    public static string Of<T>() where T : unmanaged => Of(typeof(T));

    /// <summary>The format of one value of <paramref name="type"/>.</summary>
    /// <param name="type">An unmanaged type: a primitive, enum, pointer or struct without references.</param>
    /// <exception cref="ArgumentNullException"><paramref name="type"/> is null.</exception>
    /// <exception cref="NotSupportedException">No format describes <paramref name="type"/> (the message says why).</exception>
    public static string Of(Type type)
    {
        if (!TryOf(type, out string? format, out string? reason))
        {
            throw new NotSupportedException(reason);
        }
        return format;
    }

    /// <summary>The format of one value of <paramref name="type"/>, without throwing.</summary>
    /// <param name="type">A type.</param>
    /// <param name="format">The format, or null.</param>
    /// <param name="reason">Why no format describes the type, or null.</param>
    /// <returns>True when a format describes the type.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="type"/> is null.</exception>
    public static bool TryOf(Type type, [NotNullWhen(true)] out string? format, [NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(type);
        var text = new StringBuilder();
        char mode = '@';
        reason = Describe(type, text, ref mode, 0);
        format = reason is null ? text.ToString() : null;
        return reason is null;
    }

    private const int MaxDepth = 32;

    /// <summary>Appends the format of <paramref name="type"/>; <paramref name="mode"/> is the prefix in force (updated).</summary>
    private static string? Describe(Type type, StringBuilder text, ref char mode, int depth, bool unaligned = false)
    {
        if (depth > MaxDepth)
        {
            return $"{type} nests structs deeper than {MaxDepth} levels";
        }
        if (type.IsEnum)
        {
            type = Enum.GetUnderlyingType(type);
        }
        if (ScalarCode(type) is { } code)
        {
            text.Append(code);
            return null;
        }
        if (type.IsPointer)
        {
            Type target = type.GetElementType()!;
            if (target == typeof(void))
            {
                text.Append('P');
                return null;
            }
            text.Append('&');
            return Describe(target, text, ref mode, depth + 1);
        }
        if (type.IsFunctionPointer)
        {
            text.Append("X{}");
            return null;
        }
        if (!type.IsValueType)
        {
            return $"{type} is not a value type: only unmanaged types (primitives, enums, pointers, structs without references) have a format";
        }
        if (type.IsGenericTypeDefinition || type.ContainsGenericParameters)
        {
            return $"{type} is an open generic type";
        }
        if (!ClrLayout.IsUnmanaged(type))
        {
            return $"{type} contains object references: only unmanaged structs have a format";
        }
        if (type == typeof(decimal) || type == typeof(Int128) || type == typeof(UInt128))
        {
            return $"no PEP 3118 code describes {type}";
        }
        if (ClrLayout.IsInlineArray(type, out Type element, out int length))
        {
            return DescribeArray(element, length, text, ref mode, depth, unaligned);
        }
        return DescribeStruct(type, text, ref mode, depth, unaligned);
    }

    private static string? ScalarCode(Type type) => Type.GetTypeCode(type) switch
    {
        TypeCode.Boolean => "?",
        TypeCode.SByte => "b",
        TypeCode.Byte => "B",
        TypeCode.Int16 => "h",
        TypeCode.UInt16 => "H",
        TypeCode.Char => "u",
        TypeCode.Int32 => "i",
        TypeCode.UInt32 => "I",
        TypeCode.Int64 => "q",
        TypeCode.UInt64 => "Q",
        TypeCode.Single => "f",
        TypeCode.Double => "d",
        _ when type == typeof(nint) => "n",
        _ when type == typeof(nuint) => "N",
        _ when type == typeof(Half) => "e",
        _ when type == typeof(Complex) => "Zd",
        _ when type == typeof(CLong) => "l",
        _ when type == typeof(CULong) => "L",
        _ when type == typeof(Rune) => "w",
        _ when type == typeof(NFloat) => IntPtr.Size == 8 ? "d" : "f",
        _ => null,
    };

    /// <summary>Appends <c>(n,...)</c> and the element; nested arrays merge into one shape.</summary>
    private static string? DescribeArray(Type element, int length, StringBuilder text, ref char mode, int depth, bool unaligned = false)
    {
        var shape = new List<int> { length };
        while (ClrLayout.IsInlineArray(element, out Type inner, out int innerLength))
        {
            shape.Add(innerLength);
            element = inner;
        }
        text.Append('(').AppendJoin(',', shape).Append(')');
        return Describe(element, text, ref mode, depth + 1, unaligned);
    }

    /// <summary>
    /// Appends <c>T{...}</c>. A struct's alignment follows from the mode at its closing brace (NumPy's rule), so a
    /// struct placed at an unaligned offset (<paramref name="unaligned"/>) closes in <c>^</c> mode.
    /// </summary>
    private static string? DescribeStruct(Type type, StringBuilder text, ref char mode, int depth, bool unaligned)
    {
        ClrLayout.FieldSlot[] fields = ClrLayout.FieldsOf(type);
        int size = ClrLayout.SizeOf(type);
        char entry = mode;
        int start = text.Length;
        text.Append("T{");
        nint position = 0;
        string? previous = null;
        foreach (ClrLayout.FieldSlot field in fields)
        {
            if (field.Offset < position)
            {
                return $"{type} cannot be described by a format: its fields '{previous}' and '{field.Name}' overlap " +
                       $"(bytes {field.Offset}..{field.Offset + field.Size - 1}); a [StructLayout(LayoutKind.Explicit)] union has no PEP 3118 form";
            }
            if (field.Offset > position)
            {
                text.Append((field.Offset - position).ToString(CultureInfo.InvariantCulture)).Append('x');
            }
            if (AppendMember(field, text, ref mode, depth) is { } problem)
            {
                return problem;
            }
            text.Append(':').Append(field.Name).Append(':');
            position = field.Offset + field.Size;
            previous = field.Name;
        }
        // Trailing bytes; if a native-mode closing would round the size past sizeof(T) (packed layouts), close in '^'.
        int end = text.Length;
        for (int attempt = unaligned ? 1 : 0; attempt < 2; attempt++)
        {
            text.Length = end;
            if (attempt == 1)
            {
                text.Append('^');
                mode = '^';
            }
            nint trailing = size - position;
            if (trailing > 0 || attempt == 1)
            {
                text.Append(trailing.ToString(CultureInfo.InvariantCulture)).Append('x');
            }
            text.Append('}');
            if (SizeInContext(text.ToString(start, text.Length - start), entry) == size)
            {
                return null;
            }
        }
        return $"internal error: the format written for {type} does not have its size {size}: {text.ToString(start, text.Length - start)}";
    }

    /// <summary>Appends one field: in native mode when its offset is aligned for it, else in native-unaligned mode.</summary>
    private static string? AppendMember(ClrLayout.FieldSlot field, StringBuilder text, ref char mode, int depth)
    {
        int start = text.Length;
        for (int attempt = 0; attempt < 2; attempt++)
        {
            text.Length = start;
            char wanted = attempt == 0 ? '@' : '^';
            char inner = wanted;
            var member = new StringBuilder();
            string? problem = ClrLayout.IsFixedBuffer(field.Field, out Type element, out int length)
                ? DescribeArray(element, length, member, ref inner, depth + 1, wanted == '^')
                : Describe(field.Field.FieldType, member, ref inner, depth + 1, wanted == '^');
            if (problem is not null)
            {
                return problem;
            }
            string memberText = member.ToString();
            if (wanted == '@' && field.Offset % BufferFormat.Parse("@" + memberText).Alignment != 0)
            {
                continue;
            }
            if (mode != wanted)
            {
                text.Append(wanted);
            }
            text.Append(memberText);
            mode = inner;
            return null;
        }
        return null;
    }

    private static nint SizeInContext(string structText, char entry) => BufferFormat.Parse(entry + structText).ItemSize;

    /// <summary>
    /// The CLR type whose values a one-leaf format describes, in this machine's byte order: the inverse of
    /// <see cref="Of(Type)"/> for primitives (<c>"i"</c> → <see cref="int"/>, <c>"l"</c> → <see cref="CLong"/>,
    /// <c>"&lt;l"</c> → <see cref="int"/>, <c>"c"</c> → <see cref="byte"/>, <c>"P"</c> → <see cref="nuint"/>).
    /// </summary>
    /// <param name="format">A parsed format.</param>
    /// <param name="type">The CLR type, or null.</param>
    /// <returns>
    /// False for records, sub-arrays and strings (no CLR type is synthesised; check a struct you have with
    /// <see cref="IsCompatible{T}(BufferFormat, out string?)"/>), for the non-native byte order, and for leaves
    /// without a CLR type (<c>Zf</c>, <c>g</c> wider than a double, <c>O</c>, <c>t</c>, <c>p</c>).
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="format"/> is null.</exception>
    public static bool TryGetClrType(BufferFormat format, [NotNullWhen(true)] out Type? type)
    {
        ArgumentNullException.ThrowIfNull(format);
        type = format.Root is LeafType leaf ? ClrTypeOf(leaf) : null;
        return type is not null;
    }

    private static Type? ClrTypeOf(LeafType leaf)
    {
        bool native = leaf.ByteOrder == (BitConverter.IsLittleEndian ? ByteOrder.LittleEndian : ByteOrder.BigEndian);
        if (!native && leaf.Size > 1 && leaf.Kind != ScalarKind.Padding)
        {
            return null;
        }
        return (leaf.Kind, leaf.Size, leaf.Code) switch
        {
            (ScalarKind.SignedInteger, _, 'n') => typeof(nint),
            (ScalarKind.UnsignedInteger, _, 'N') => typeof(nuint),
            (ScalarKind.SignedInteger, _, 'l') when leaf.IsNativeSize => typeof(CLong),
            (ScalarKind.UnsignedInteger, _, 'L') when leaf.IsNativeSize => typeof(CULong),
            (ScalarKind.SignedInteger, 1, _) => typeof(sbyte),
            (ScalarKind.SignedInteger, 2, _) => typeof(short),
            (ScalarKind.SignedInteger, 4, _) => typeof(int),
            (ScalarKind.SignedInteger, 8, _) => typeof(long),
            (ScalarKind.UnsignedInteger, 1, _) => typeof(byte),
            (ScalarKind.UnsignedInteger, 2, _) => typeof(ushort),
            (ScalarKind.UnsignedInteger, 4, _) => typeof(uint),
            (ScalarKind.UnsignedInteger, 8, _) => typeof(ulong),
            (ScalarKind.Float, 2, _) => typeof(Half),
            (ScalarKind.Float, 4, _) => typeof(float),
            (ScalarKind.Float, 8, _) => typeof(double),
            (ScalarKind.Complex, 16, 'd') => typeof(Complex),
            (ScalarKind.Bool, 1, _) => typeof(bool),
            (ScalarKind.Char, 1, _) => typeof(byte),
            (ScalarKind.Ucs2, 2, _) => typeof(char),
            (ScalarKind.Ucs4, 4, _) => typeof(Rune),
            (ScalarKind.Pointer, _, 'P') => typeof(nuint),
            (ScalarKind.Pointer or ScalarKind.FunctionPointer, _, _) => typeof(nuint),
            _ => null,
        };
    }
}
