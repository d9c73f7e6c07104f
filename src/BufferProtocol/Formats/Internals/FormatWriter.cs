using System.Globalization;
using System.Text;

namespace BufferProtocol.Formats.Internals;

/// <summary>
/// Writes descriptors back as canonical format text: no whitespace, a prefix only where the mode changes (the
/// prefix state starts as <c>@</c> and is sticky, as when parsing), counts only where they are not 1.
/// </summary>
/// <remarks>
/// Prefixes go right before the leaf they apply to, after any sub-array shape (<c>"(2)&gt;i"</c>), which is the one
/// place NumPy's importer accepts them. Parsing the output gives a descriptor equal to the input.
/// </remarks>
internal static class FormatWriter
{
    /// <summary>The text of a whole format whose root is <paramref name="root"/>.</summary>
    public static string WriteRoot(DataType root)
    {
        var sb = new StringBuilder();
        FormatMode active = FormatMode.Native;
        if (root is RecordType { IsStruct: false } items)
        {
            WriteMembers(sb, items, ref active);
        }
        else
        {
            WriteItem(sb, root, ref active);
        }
        return sb.ToString();
    }

    /// <summary>The text of one node on its own (an item list is written as its members).</summary>
    public static string WriteType(DataType type) => WriteRoot(type);

    private static void WriteMembers(StringBuilder sb, RecordType record, ref FormatMode active)
    {
        foreach (RecordField field in record.Fields)
        {
            WriteItem(sb, field.Type, ref active);
            if (field.Name is not null)
            {
                sb.Append(':').Append(field.Name).Append(':');
            }
        }
    }

    private static void WriteItem(StringBuilder sb, DataType type, ref FormatMode active)
    {
        switch (type)
        {
            case SubArrayType { IsRepeat: true } repeat:
                string count = repeat.Shape[0].ToString(CultureInfo.InvariantCulture);
                if (repeat.Element is LeafType repeated)
                {
                    WritePrefix(sb, repeated.Mode, ref active);
                    sb.Append(count);
                    WriteLeafBody(sb, repeated, ref active);
                }
                else
                {
                    if (repeat.Element is RecordType { IsStruct: true } repeatedRecord)
                    {
                        WritePrefix(sb, repeatedRecord.EntryMode, ref active);
                    }
                    sb.Append(count);
                    WriteItem(sb, repeat.Element, ref active);
                }
                break;
            case SubArrayType array:
                sb.Append('(');
                for (int i = 0; i < array.Shape.Length; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }
                    sb.Append(array.Shape[i].ToString(CultureInfo.InvariantCulture));
                }
                sb.Append(')');
                WriteItem(sb, array.Element, ref active);
                break;
            case LeafType leaf:
                WritePrefix(sb, leaf.Mode, ref active);
                WriteLeafBody(sb, leaf, ref active);
                break;
            case RecordType { IsStruct: true } record:
                WritePrefix(sb, record.EntryMode, ref active);
                sb.Append("T{");
                WriteMembers(sb, record, ref active);
                sb.Append('}');
                break;
            case RecordType items:
                WriteMembers(sb, items, ref active);
                break;
        }
    }

    private static void WritePrefix(StringBuilder sb, FormatMode mode, ref FormatMode active)
    {
        if (mode != active)
        {
            sb.Append(mode.ToPrefix());
            active = mode;
        }
    }

    private static void WriteLeafBody(StringBuilder sb, LeafType leaf, ref FormatMode active)
    {
        switch (leaf)
        {
            case ScalarType scalar:
                if (scalar.IsComplex)
                {
                    sb.Append('Z');
                }
                sb.Append(scalar.Code);
                break;
            case StringType s:
                AppendLength(sb, s.Length).Append(s.Code);
                break;
            case PaddingType p:
                AppendLength(sb, p.Length).Append('x');
                break;
            case BitFieldType bits:
                AppendLength(sb, bits.BitCount).Append('t');
                break;
            case PointerType pointer:
                sb.Append('&');
                WriteItem(sb, pointer.Target, ref active);
                break;
            case FunctionPointerType function:
                sb.Append("X{");
                WriteMembers(sb, function.Arguments, ref active);
                if (function.ReturnType is not null)
                {
                    sb.Append("->");
                    WriteItem(sb, function.ReturnType, ref active);
                }
                sb.Append('}');
                break;
            default:
                sb.Append(leaf.Code);
                break;
        }
    }

    private static StringBuilder AppendLength(StringBuilder sb, nint length) =>
        length == 1 ? sb : sb.Append(length.ToString(CultureInfo.InvariantCulture));
}
