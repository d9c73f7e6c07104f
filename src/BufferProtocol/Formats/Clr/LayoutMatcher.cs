using System.Collections.Immutable;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace BufferProtocol.Formats.Clr;

/// <summary>
/// Compares a format with a CLR type leaf by leaf: the engine of <see cref="ClrFormat.IsCompatible(Type, BufferFormat, nint, out string?, FormatCompatibilityOptions?)"/>.
/// </summary>
internal static class LayoutMatcher
{
    private const int MaxLeaves = 1 << 20;

    private enum Class
    {
        Signed,
        Unsigned,
        Float,
        Complex,
        Bool,
        Char,
        Ucs2,
        Ucs4,
        Pointer,
        FunctionPointer,
        Other,
    }

    /// <summary>
    /// One value slot. <see cref="Shape"/> is the shape of the declared arrays around it (null outside any array);
    /// a format string leaf (<c>Ns</c>, <c>Nw</c>, <c>Nu</c> with N ≠ 1) is one slot with <see cref="StringLength"/> set.
    /// </summary>
    private sealed record Slot(nint Offset, Class Class, int Size, string Display, string Path, string? Name,
        ImmutableArray<int> Shape, bool NonNativeOrder, int StringLength, string Code = "");

    public static string? Check(Type type, BufferFormat format, nint itemSize, FormatCompatibilityOptions options)
    {
        if (!ClrFormat.TryOf(type, out _, out string? unsupported))
        {
            return unsupported;
        }
        var expected = new List<Slot>();
        string? problem = FlattenClr(type, 0, TypeName(type), null, [], expected);
        if (problem is not null)
        {
            return problem;
        }
        var actual = new List<Slot>();
        problem = FlattenFormat(format.Root, 0, null, [], actual);
        if (problem is not null)
        {
            return problem;
        }
        if (!options.AllowNonNativeByteOrder && actual.FirstOrDefault(s => s.NonNativeOrder) is { } swapped)
        {
            return (BitConverter.IsLittleEndian ? "Big-endian buffer not supported on little-endian compiler" : "Little-endian buffer not supported on big-endian compiler") +
                   $" (the format's '{swapped.Code}' at offset {swapped.Offset} would need byte swapping)";
        }
        problem = Match(expected, actual, options);
        if (problem is not null)
        {
            return problem;
        }
        int size = ClrLayout.SizeOf(type);
        if (itemSize != size)
        {
            return $"Item size of buffer ({itemSize} bytes) does not match size of '{TypeName(type)}' ({size} bytes)";
        }
        if (format.ItemSize > itemSize)
        {
            return $"the format describes {format.ItemSize} bytes, more than the item size of {itemSize} bytes";
        }
        return null;
    }

    private static string? Match(List<Slot> expected, List<Slot> actual, FormatCompatibilityOptions options)
    {
        int j = 0;
        foreach (Slot got in actual)
        {
            if (j == expected.Count)
            {
                return $"Buffer dtype mismatch, expected end but got '{got.Display}' (the format's '{got.Code}' at offset {got.Offset})";
            }
            Slot want = expected[j];
            if (got.StringLength > 0)
            {
                // "Ns" matches a buffer of N one-byte integers of the same shape; "1s" also a lone signed byte (C char).
                int n = got.StringLength;
                bool array = j + n <= expected.Count && Enumerable.Range(j, n).All(k =>
                    expected[k].Size == got.Size / n && IsCharacterLike(expected[k].Class, got.Class) && expected[k].Shape.SequenceEqual(got.Shape) &&
                    expected[k].Offset == got.Offset + ((k - j) * (got.Size / n)));
                bool lone = n == 1 && got.Class == Class.Char && want.Class == Class.Signed && want.Size == 1 && want.Shape.IsEmpty;
                if (!array && !lone)
                {
                    return $"Buffer dtype mismatch, expected '{want.Display}' but got '{got.Display}' in '{want.Path}' (the format's '{got.Code}')" +
                           ShapeHint(want.Shape, got.Shape);
                }
                if (want.Offset != got.Offset)
                {
                    return OffsetMessage(want, got);
                }
                j += array ? n : 1;
                continue;
            }
            if (want.Size != got.Size || !Compatible(want.Class, got.Class))
            {
                return $"Buffer dtype mismatch, expected '{want.Display}' but got '{got.Display}' in '{want.Path}' " +
                       $"('{want.Display}' is {want.Size} bytes; the format's '{got.Code}' at offset {got.Offset} is {got.Size})";
            }
            if (ShapeProblem(want.Shape, got.Shape) is { } shape)
            {
                return $"{shape} in '{want.Path}'";
            }
            if (want.Offset != got.Offset)
            {
                return OffsetMessage(want, got);
            }
            if (options.CompareNames && !string.Equals(want.Name, got.Name, StringComparison.Ordinal))
            {
                return $"field name mismatch in '{want.Path}': the format names it {(got.Name is null ? "nothing" : "'" + got.Name + "'")}";
            }
            j++;
        }
        return j < expected.Count ? $"Buffer dtype mismatch, expected '{expected[j].Display}' but got end in '{expected[j].Path}'" : null;
    }

    private static string OffsetMessage(Slot want, Slot got) =>
        $"Buffer dtype mismatch; next field is at offset {got.Offset} but {want.Offset} expected ('{want.Path}')";

    private static string ShapeHint(ImmutableArray<int> want, ImmutableArray<int> got) =>
        ShapeProblem(want, got) is { } problem ? $" ({problem})" : "";

    /// <summary>Cython's dimension messages.</summary>
    private static string? ShapeProblem(ImmutableArray<int> want, ImmutableArray<int> got)
    {
        if (want.Length != got.Length)
        {
            return got.IsEmpty ? $"Expected {want.Length} dimensions, got 0" : $"Expected {want.Length} dimension(s), got {got.Length}";
        }
        for (int i = 0; i < want.Length; i++)
        {
            if (want[i] != got[i])
            {
                return $"Expected a dimension of size {want[i]}, got {got[i]}";
            }
        }
        return null;
    }

    /// <summary>The kind rules (sizes are compared apart).</summary>
    private static bool Compatible(Class want, Class got) => (want, got) switch
    {
        _ when want == got => true,
        (Class.Signed or Class.Unsigned or Class.Bool, Class.Char) => true,   // 'c' is any byte
        (Class.Unsigned, Class.Bool) => true,                                 // '?' is an unsigned char to Cython
        (Class.Bool, Class.Unsigned) => true,
        (Class.Ucs2, Class.Unsigned) => true,                                 // char exported as 'H'
        (Class.Ucs4, Class.Unsigned) => true,
        (Class.Pointer or Class.FunctionPointer, Class.Pointer) => true,      // 'P' is any pointer
        _ => false,
    };

    private static bool IsCharacterLike(Class want, Class got) => got switch
    {
        Class.Char => want is Class.Signed or Class.Unsigned or Class.Char,
        _ => want == got || (got == Class.Ucs2 && want == Class.Unsigned) || (got == Class.Ucs4 && want == Class.Unsigned),
    };

    // ------------------------------------------------------------------------------------------- the CLR side

    private static string? FlattenClr(Type type, nint offset, string path, string? name, ImmutableArray<int> shape, List<Slot> into)
    {
        if (type.IsEnum)
        {
            type = Enum.GetUnderlyingType(type);
        }
        if (ClrLeaf(type) is { } leaf)
        {
            into.Add(new Slot(offset, leaf.Class, ClrLayout.SizeOf(type), leaf.Display, path, name, shape, false, 0));
            return null;
        }
        if (ClrLayout.IsInlineArray(type, out Type element, out int length))
        {
            return FlattenClrArray(element, length, offset, path, name, shape, into);
        }
        foreach (ClrLayout.FieldSlot field in ClrLayout.FieldsOf(type))
        {
            string fieldPath = path + "." + field.Name;
            string? problem = ClrLayout.IsFixedBuffer(field.Field, out Type fixedElement, out int fixedLength)
                ? FlattenClrArray(fixedElement, fixedLength, offset + field.Offset, fieldPath, field.Name, shape, into)
                : FlattenClr(field.Field.FieldType, offset + field.Offset, fieldPath, field.Name, shape, into);
            if (problem is not null)
            {
                return problem;
            }
        }
        return null;
    }

    private static string? FlattenClrArray(Type element, int length, nint offset, string path, string? name, ImmutableArray<int> shape, List<Slot> into)
    {
        int size = ClrLayout.SizeOf(element);
        ImmutableArray<int> inner = shape.Add(length);
        for (int i = 0; i < length; i++)
        {
            if (into.Count > MaxLeaves)
            {
                return $"the type has more than {MaxLeaves} values to compare";
            }
            string? problem = FlattenClr(element, offset + (i * size), $"{path}[{i}]", name, inner, into);
            if (problem is not null)
            {
                return problem;
            }
        }
        return null;
    }

    private static (Class Class, string Display)? ClrLeaf(Type type) => Type.GetTypeCode(type) switch
    {
        TypeCode.SByte => (Class.Signed, "sbyte"),
        TypeCode.Byte => (Class.Unsigned, "byte"),
        TypeCode.Int16 => (Class.Signed, "short"),
        TypeCode.UInt16 => (Class.Unsigned, "ushort"),
        TypeCode.Int32 => (Class.Signed, "int"),
        TypeCode.UInt32 => (Class.Unsigned, "uint"),
        TypeCode.Int64 => (Class.Signed, "long"),
        TypeCode.UInt64 => (Class.Unsigned, "ulong"),
        TypeCode.Single => (Class.Float, "float"),
        TypeCode.Double => (Class.Float, "double"),
        TypeCode.Boolean => (Class.Bool, "bool"),
        TypeCode.Char => (Class.Ucs2, "char"),
        _ when type == typeof(nint) => (Class.Signed, "nint"),
        _ when type == typeof(nuint) => (Class.Unsigned, "nuint"),
        _ when type == typeof(CLong) => (Class.Signed, "CLong"),
        _ when type == typeof(CULong) => (Class.Unsigned, "CULong"),
        _ when type == typeof(Half) => (Class.Float, "Half"),
        _ when type == typeof(NFloat) => (Class.Float, "NFloat"),
        _ when type == typeof(Complex) => (Class.Complex, "Complex"),
        _ when type == typeof(Rune) => (Class.Ucs4, "Rune"),
        _ when type.IsPointer => (Class.Pointer, type.Name),
        _ when type.IsFunctionPointer => (Class.FunctionPointer, "function pointer"),
        _ => null,
    };

    private static string TypeName(Type type) => type.Name;

    // ------------------------------------------------------------------------------------------- the format side

    private static string? FlattenFormat(DataType type, nint offset, string? name, ImmutableArray<int> shape, List<Slot> into)
    {
        if (into.Count > MaxLeaves)
        {
            return $"the format has more than {MaxLeaves} values to compare";
        }
        switch (type)
        {
            case PaddingType:
                return null;
            case RecordType record:
                foreach (RecordField field in record.Fields)
                {
                    if (FlattenFormat(field.Type, offset + field.Offset, field.Name, shape, into) is { } problem)
                    {
                        return problem;
                    }
                }
                return null;
            case SubArrayType array:
                ImmutableArray<int> inner = array.IsRepeat ? shape : shape.AddRange(array.Shape.Select(e => (int)Math.Min(e, int.MaxValue)));
                for (nint i = 0; i < array.ElementCount; i++)
                {
                    if (FlattenFormat(array.Element, offset + (i * array.Element.Size), name, inner, into) is { } problem)
                    {
                        return problem;
                    }
                }
                return null;
            case LeafType leaf:
                bool swapped = leaf.Size > 1 && leaf.ByteOrder != (BitConverter.IsLittleEndian ? ByteOrder.LittleEndian : ByteOrder.BigEndian);
                (Class cls, string display) = FormatLeaf(leaf);
                string code = leaf.Mode.ToPrefix() + leaf.ToString().TrimStart('@', '^', '=', '<', '>', '!');
                if (leaf is StringType text && leaf.Kind is ScalarKind.Bytes or ScalarKind.Ucs2 or ScalarKind.Ucs4 &&
                    (leaf.Kind == ScalarKind.Bytes || text.Length != 1))
                {
                    // A string of N units is compared as an array of N one-unit values.
                    if (text.Length > 0)
                    {
                        into.Add(new Slot(offset, cls, (int)leaf.Size, display, "", name, shape.Add((int)text.Length), swapped, (int)text.Length, code));
                    }
                    return null;
                }
                into.Add(new Slot(offset, cls, (int)leaf.Size, display, "", name, shape, swapped, 0, code));
                return null;
            default:
                return $"unknown descriptor node {type.GetType().Name}";
        }
    }

    private static (Class, string) FormatLeaf(LeafType leaf)
    {
        (Class cls, string name) = (leaf.Kind, leaf.Code) switch
        {
            (ScalarKind.SignedInteger, 'b') => (Class.Signed, "signed char"),
            (ScalarKind.SignedInteger, 'h') => (Class.Signed, "short"),
            (ScalarKind.SignedInteger, 'i') => (Class.Signed, "int"),
            (ScalarKind.SignedInteger, 'l') => (Class.Signed, "long"),
            (ScalarKind.SignedInteger, 'q') => (Class.Signed, "long long"),
            (ScalarKind.SignedInteger, _) => (Class.Signed, "Py_ssize_t"),
            (ScalarKind.UnsignedInteger, 'B') => (Class.Unsigned, "unsigned char"),
            (ScalarKind.UnsignedInteger, 'H') => (Class.Unsigned, "unsigned short"),
            (ScalarKind.UnsignedInteger, 'I') => (Class.Unsigned, "unsigned int"),
            (ScalarKind.UnsignedInteger, 'L') => (Class.Unsigned, "unsigned long"),
            (ScalarKind.UnsignedInteger, 'Q') => (Class.Unsigned, "unsigned long long"),
            (ScalarKind.UnsignedInteger, _) => (Class.Unsigned, "size_t"),
            (ScalarKind.Float, 'e') => (Class.Float, "half"),
            (ScalarKind.Float, 'f') => (Class.Float, "float"),
            (ScalarKind.Float, 'd') => (Class.Float, "double"),
            (ScalarKind.Float, _) => (Class.Float, "long double"),
            (ScalarKind.Complex, 'f') => (Class.Complex, "complex float"),
            (ScalarKind.Complex, 'd') => (Class.Complex, "double complex"),
            (ScalarKind.Complex, _) => (Class.Complex, "long double complex"),
            (ScalarKind.Bool, _) => (Class.Bool, "bool"),
            (ScalarKind.Char, _) => (Class.Char, "char"),
            (ScalarKind.Bytes, _) => (Class.Char, "a string"),
            (ScalarKind.Ucs2, _) => (Class.Ucs2, "UCS-2 char"),
            (ScalarKind.Ucs4, _) => (Class.Ucs4, "UCS-4 char"),
            (ScalarKind.Pointer, _) => (Class.Pointer, "pointer"),
            (ScalarKind.FunctionPointer, _) => (Class.FunctionPointer, "function pointer"),
            (ScalarKind.Object, _) => (Class.Other, "Python object"),
            (ScalarKind.PascalString, _) => (Class.Other, "a Pascal string"),
            _ => (Class.Other, "bit field"),
        };
        return (cls, name);
    }
}
