using System.Globalization;
using System.Text;
using BufferProtocol.Formats;

namespace BufferProtocol.Bufview.Layout;

/// <summary>
/// The C# declaration of a struct with the layout of a format: <c>[StructLayout(LayoutKind.Explicit, Size = N)]</c>
/// with a <c>[FieldOffset]</c> per member, <c>fixed</c> buffers for sub-arrays of primitives, <c>[InlineArray]</c>
/// structs for other sub-arrays, nested struct declarations for <c>T{...}</c> members, and comments for byte order
/// and for values C# has no type for.
/// </summary>
internal static class CSharpDeclaration
{
    private static readonly HashSet<string> FixedTypes = new(StringComparer.Ordinal)
    {
        "bool", "byte", "sbyte", "short", "ushort", "int", "uint", "long", "ulong", "char", "float", "double",
    };

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while",
    };

    /// <summary>The declaration of a struct named <paramref name="name"/> with the item layout of <paramref name="format"/>.</summary>
    public static string Write(BufferFormat format, string name = "Item")
    {
        var declarations = new List<string>();
        WriteStruct(name, Members(format.Root), format.ItemSize, declarations);
        return string.Join(Environment.NewLine + Environment.NewLine, declarations);
    }

    /// <summary>The members of a record; any other root is one unnamed member at offset 0.</summary>
    private static IEnumerable<(string? Name, DataType Type, nint Offset)> Members(DataType root) => root is RecordType record
        ? record.Fields.Select(f => (f.Name, f.Type, f.Offset))
        : [(null, root, 0)];

    private static void WriteStruct(string name, IEnumerable<(string? Name, DataType Type, nint Offset)> members, nint size, List<string> declarations)
    {
        var body = new StringBuilder();
        var used = new HashSet<string>(StringComparer.Ordinal);
        bool isUnsafe = false;
        int index = 0;
        foreach (var member in members)
        {
            string offset = member.Offset.ToString(CultureInfo.InvariantCulture);
            if (member.Type is PaddingType padding)
            {
                body.Append("    // [FieldOffset(").Append(offset).Append(")] ").Append(padding.Length).Append(" padding byte(s)").AppendLine();
                index++;
                continue;
            }
            string field = Identifier(member.Name, index++, used);
            string line = Member(name, field, member.Type, declarations, ref isUnsafe, out string? comment);
            body.Append("    [FieldOffset(").Append(offset).Append(")] public ").Append(line).Append(';');
            if (comment is not null)
            {
                body.Append(" // ").Append(comment);
            }
            body.AppendLine();
        }
        var text = new StringBuilder();
        text.Append("[StructLayout(LayoutKind.Explicit, Size = ").Append(size).AppendLine(")]");
        text.Append("public ").Append(isUnsafe ? "unsafe " : "").Append("struct ").AppendLine(name);
        text.AppendLine("{");
        text.Append(body);
        text.Append('}');
        declarations.Insert(0, text.ToString());
    }

    /// <summary>The member declaration after <c>public</c> (type and name, or a fixed buffer).</summary>
    private static string Member(string owner, string field, DataType type, List<string> declarations, ref bool isUnsafe, out string? comment)
    {
        comment = null;
        var shape = new List<nint>();
        DataType element = type;
        while (element is SubArrayType array)
        {
            shape.AddRange(array.Shape);
            element = array.Element;
        }
        string shapeText = shape.Count == 0 ? "" : "(" + string.Join(",", shape) + ") ";
        nint count = shape.Aggregate((nint)1, (a, b) => a * b);
        switch (element)
        {
            case RecordType record:
            {
                string nested = owner + "_" + field;
                var inner = new List<string>();
                WriteStruct(nested, Members(record), record.Size, inner);
                declarations.AddRange(inner);
                if (shape.Count == 0)
                {
                    return $"{nested} {field}";
                }
                comment = $"{shapeText}T{{...}}".TrimEnd();
                return $"{InlineArray(owner, field, nested, count, declarations)} {field}";
            }
            case LeafType leaf:
            {
                (string? clr, int fixedCount, string? note) = LeafType(leaf);
                comment = Join(shape.Count == 0 ? null : shapeText.Trim(), Join(ByteOrderNote(leaf), note));
                if (clr is not null && shape.Count == 0 && fixedCount == 0)
                {
                    if (clr.EndsWith('*'))
                    {
                        isUnsafe = true;
                    }
                    return $"{clr} {field}";
                }
                if (clr is not null && fixedCount == 0 && !FixedTypes.Contains(clr))
                {
                    return $"{InlineArray(owner, field, clr, count, declarations)} {field}";
                }
                isUnsafe = true;
                string fixedType = clr is not null && fixedCount == 0 ? clr : "byte";
                nint length = fixedCount == 0 ? count : checked(count * fixedCount);
                return $"fixed {fixedType} {field}[{length}]";
            }
            default:
                comment = "unsupported member";
                isUnsafe = true;
                return $"fixed byte {field}[{type.Size}]";
        }
    }

    private static string InlineArray(string owner, string field, string elementType, nint count, List<string> declarations)
    {
        string name = owner + "_" + field + "_Array";
        declarations.Add($"[InlineArray({count})]{Environment.NewLine}public struct {name}{Environment.NewLine}{{{Environment.NewLine}    private {elementType} _element;{Environment.NewLine}}}");
        return name;
    }

    /// <summary>The C# type of a leaf, or a byte count for a fixed byte buffer (fixedCount &gt; 0), and a note.</summary>
    private static (string? Clr, int FixedCount, string? Note) LeafType(LeafType leaf)
    {
        int size = (int)leaf.Size;
        return (leaf.Kind, leaf.Code) switch
        {
            (ScalarKind.SignedInteger, 'n') => ("nint", 0, null),
            (ScalarKind.UnsignedInteger, 'N') => ("nuint", 0, null),
            (ScalarKind.SignedInteger, 'l') when leaf.IsNativeSize => ("CLong", 0, "C long"),
            (ScalarKind.UnsignedInteger, 'L') when leaf.IsNativeSize => ("CULong", 0, "C unsigned long"),
            (ScalarKind.SignedInteger, _) => (size switch { 1 => "sbyte", 2 => "short", 4 => "int", _ => "long" }, 0, null),
            (ScalarKind.UnsignedInteger, _) => (size switch { 1 => "byte", 2 => "ushort", 4 => "uint", _ => "ulong" }, 0, null),
            (ScalarKind.Float, 'e') => ("Half", 0, null),
            (ScalarKind.Float, 'f') => ("float", 0, null),
            (ScalarKind.Float, 'd') => ("double", 0, null),
            (ScalarKind.Float, _) => size == 8 ? ("double", 0, "long double") : (null, size, "long double (no C# type)"),
            (ScalarKind.Complex, 'd') => ("System.Numerics.Complex", 0, null),
            (ScalarKind.Complex, 'f') => (null, size, "complex float: real, imaginary (2 floats)"),
            (ScalarKind.Complex, _) => (null, size, "long double complex (no C# type)"),
            (ScalarKind.Bool, _) => ("bool", 0, null),
            (ScalarKind.Char, _) => ("byte", 0, "char (c)"),
            (ScalarKind.Bytes, _) => (null, size, $"char[{size}] (s)"),
            (ScalarKind.PascalString, _) => (null, size, "Pascal string (p): length byte, then bytes"),
            (ScalarKind.Ucs2, _) when size == 2 => ("char", 0, null),
            (ScalarKind.Ucs2, _) => (null, size, $"UCS-2 string of {size / 2} code units (u)"),
            (ScalarKind.Ucs4, _) when size == 4 => ("System.Text.Rune", 0, "UCS-4 (w)"),
            (ScalarKind.Ucs4, _) => (null, size, $"UCS-4 string of {size / 4} code points (w)"),
            (ScalarKind.Pointer, _) => ("void*", 0, leaf is PointerType p ? $"pointer to {p.Target}" : null),
            (ScalarKind.FunctionPointer, _) => ("nint", 0, "function pointer " + leaf),
            (ScalarKind.Object, _) => ("nint", 0, "PyObject* (O)"),
            (ScalarKind.Bits, _) => (null, size, $"{((BitFieldType)leaf).BitCount} bits (t)"),
            _ => (null, size, null),
        };
    }

    private static string? ByteOrderNote(LeafType leaf)
    {
        if (leaf.Size <= 1 || leaf.Kind is ScalarKind.Bytes or ScalarKind.PascalString or ScalarKind.Padding)
        {
            return null;
        }
        bool native = leaf.ByteOrder == (BitConverter.IsLittleEndian ? ByteOrder.LittleEndian : ByteOrder.BigEndian);
        string order = leaf.ByteOrder == ByteOrder.BigEndian ? "big-endian" : "little-endian";
        if (!native)
        {
            return order + ": swap bytes (BinaryPrimitives.ReverseEndianness)";
        }
        return leaf.Mode is FormatMode.LittleEndian or FormatMode.BigEndian ? order : null;
    }

    private static string? Join(string? a, string? b) => a is null ? b : b is null ? a : a + "; " + b;

    /// <summary>A C# identifier for a member name: invalid characters become '_', keywords get '@', unnamed members <c>f{index}</c>.</summary>
    private static string Identifier(string? name, int index, HashSet<string> used)
    {
        string id;
        if (string.IsNullOrEmpty(name))
        {
            id = "f" + index.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            var text = new StringBuilder();
            foreach (char c in name)
            {
                text.Append(char.IsLetterOrDigit(c) || c == '_' ? c : '_');
            }
            if (!char.IsLetter(text[0]) && text[0] != '_')
            {
                text.Insert(0, '_');
            }
            id = text.ToString();
            if (Keywords.Contains(id))
            {
                id = "@" + id;
            }
        }
        string unique = id;
        for (int n = 2; !used.Add(unique); n++)
        {
            unique = id + "_" + n.ToString(CultureInfo.InvariantCulture);
        }
        return unique;
    }
}
