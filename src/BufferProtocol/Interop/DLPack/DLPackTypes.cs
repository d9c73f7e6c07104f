using System.Collections.Immutable;
using BufferProtocol.Formats;

namespace BufferProtocol.Interop.DLPack;

/// <summary>
/// PEP 3118 format ⇄ <see cref="DLDataType"/>, with the refusals of interop-protocols §5: DLPack describes one native
/// number per element and nothing else.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>format</term><description>DLPack <c>(code, bits, lanes)</c></description></listheader>
/// <item><term><c>b h i l q n</c> (any prefix, by size)</term><description><c>(kDLInt, 8·size, 1)</c>; imported as <c>b h i q</c></description></item>
/// <item><term><c>B H I L Q N</c></term><description><c>(kDLUInt, 8·size, 1)</c>; imported as <c>B H I Q</c></description></item>
/// <item><term><c>e f d</c></term><description><c>(kDLFloat, 16/32/64, 1)</c></description></item>
/// <item><term><c>Zf Zd</c></term><description><c>(kDLComplex, 64/128, 1)</c></description></item>
/// <item><term><c>?</c></term><description><c>(kDLBool, 8, 1)</c>, versioned struct only on export</description></item>
/// </list>
/// Refused: records (<c>T{}</c>, several items), strings (<c>c s p u w</c>), objects, pointers, bit fields, padding,
/// <c>g</c>/<c>Zg</c> (x87 extended precision, not IEEE), and multi-byte values in non-native byte order (unless
/// the export copies, which swaps them).
/// </remarks>
internal static class DLPackTypes
{
    /// <summary>
    /// The DLPack element type of a format, after spreading a top-level sub-array into <paramref name="subShape"/>.
    /// </summary>
    /// <param name="format">The buffer's format.</param>
    /// <param name="allowBool">False for the legacy struct: its consumers may predate <c>kDLBool</c>.</param>
    /// <param name="dtype">The element type.</param>
    /// <param name="element">The element's leaf (its size and byte order).</param>
    /// <param name="subShape">Extents of a top-level sub-array (empty when there is none).</param>
    /// <param name="error">Why DLPack cannot carry the format.</param>
    public static bool TryFromFormat(BufferFormat format, bool allowBool, out DLDataType dtype, out ScalarType? element,
        out ImmutableArray<nint> subShape, out string? error)
    {
        dtype = default;
        var type = ItemShapes.SplitSubArray(format.Root, out subShape);
        element = type as ScalarType;
        if (element is null)
        {
            error = type switch
            {
                RecordType => $"DLPack cannot describe records or several items per element (format '{format.Text}'): it carries one number per element",
                StringType => $"DLPack cannot describe strings (format '{format.Text}')",
                ObjectType => $"DLPack cannot describe Python objects (format '{format.Text}')",
                _ => $"DLPack cannot describe '{format.Text}': only integers, IEEE floats, complex numbers and booleans",
            };
            return false;
        }
        var bits = checked((int)(element.Size * 8));
        DLDataTypeCode code;
        switch (element.Kind)
        {
            case ScalarKind.SignedInteger:
                code = DLDataTypeCode.kDLInt;
                break;
            case ScalarKind.UnsignedInteger:
                code = DLDataTypeCode.kDLUInt;
                break;
            case ScalarKind.Float when element.Code != 'g':
                code = DLDataTypeCode.kDLFloat;
                break;
            case ScalarKind.Complex when element.Code != 'g':
                code = DLDataTypeCode.kDLComplex;
                break;
            case ScalarKind.Float or ScalarKind.Complex:
                error = $"DLPack only carries IEEE floating point types without padding; '{format.Text}' is the platform's long double";
                return false;
            case ScalarKind.Bool when allowBool:
                code = DLDataTypeCode.kDLBool;
                break;
            case ScalarKind.Bool:
                error = "bool (kDLBool) needs DLPack 0.8 or later, which the legacy DLManagedTensor cannot promise " +
                    "(NumPy 1.24 rejects it); export the versioned struct (max_version >= (1, 0)) instead";
                return false;
            case ScalarKind.Char:
                error = $"DLPack cannot describe byte characters (format '{format.Text}')";
                return false;
            default:
                error = $"DLPack cannot describe '{format.Text}': only integers, IEEE floats, complex numbers and booleans";
                return false;
        }
        if (bits is not (8 or 16 or 32 or 64 or 128))
        {
            error = $"DLPack has no {bits}-bit {code} type (format '{format.Text}')";
            return false;
        }
        dtype = new DLDataType(code, (byte)bits);
        error = null;
        return true;
    }

    /// <summary>True when the element is stored in the other byte order than this machine's (and has more than one byte per unit).</summary>
    public static bool IsSwapped(ScalarType element) =>
        element.ByteOrder != FormatModeExtensions.ResolveByteOrder(FormatMode.Native) && UnitSize(element) > 1;

    /// <summary>The size of the values to swap: the element, or each half of a complex number.</summary>
    public static int UnitSize(ScalarType element) => (int)(element.IsComplex ? element.Size / 2 : element.Size);

    /// <summary>The native format of a DLPack element type, or null with the reason.</summary>
    public static string? ToFormat(DLDataType dtype, out string? error)
    {
        error = null;
        if (dtype.lanes != 1)
        {
            error = $"DLPack vector types (lanes = {dtype.lanes}) have no PEP 3118 format; only lanes = 1 is supported";
            return null;
        }
        var format = (dtype.Code, dtype.bits) switch
        {
            (DLDataTypeCode.kDLInt, 8) => "b",
            (DLDataTypeCode.kDLInt, 16) => "h",
            (DLDataTypeCode.kDLInt, 32) => "i",
            (DLDataTypeCode.kDLInt, 64) => "q",
            (DLDataTypeCode.kDLUInt, 8) => "B",
            (DLDataTypeCode.kDLUInt, 16) => "H",
            (DLDataTypeCode.kDLUInt, 32) => "I",
            (DLDataTypeCode.kDLUInt, 64) => "Q",
            (DLDataTypeCode.kDLFloat, 16) => "e",
            (DLDataTypeCode.kDLFloat, 32) => "f",
            (DLDataTypeCode.kDLFloat, 64) => "d",
            (DLDataTypeCode.kDLComplex, 64) => "Zf",
            (DLDataTypeCode.kDLComplex, 128) => "Zd",
            (DLDataTypeCode.kDLBool, 8) => "?",
            _ => null,
        };
        if (format is null)
        {
            error = dtype.Code switch
            {
                DLDataTypeCode.kDLInt or DLDataTypeCode.kDLUInt or DLDataTypeCode.kDLFloat or DLDataTypeCode.kDLComplex or DLDataTypeCode.kDLBool =>
                    $"unsupported DLPack data type {dtype}: {dtype.Code} with {dtype.bits} bits has no PEP 3118 format",
                DLDataTypeCode.kDLBfloat => "DLPack bfloat16 (kDLBfloat) has no PEP 3118 format",
                DLDataTypeCode.kDLOpaqueHandle => "DLPack opaque handles (kDLOpaqueHandle) have no PEP 3118 format",
                _ when dtype.code <= (byte)DLDataTypeCode.kDLFloat4_e2m1fn => $"DLPack {dtype.Code} (fp8/fp6/fp4) has no PEP 3118 format",
                _ => $"unknown DLPack type code {dtype.code} in {dtype}",
            };
        }
        return format;
    }
}
