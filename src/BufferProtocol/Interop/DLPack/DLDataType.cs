using System.Runtime.InteropServices;

namespace BufferProtocol.Interop.DLPack;

/// <summary>
/// <c>DLDataType</c> (<c>dlpack.h</c>, 4 bytes: <c>code@0, bits@1, lanes@2</c>): the type of one element.
/// </summary>
/// <remarks>
/// <c>bits</c> is the size of one lane (for <see cref="DLDataTypeCode.kDLComplex"/> the whole complex number:
/// complex64 is <c>(5, 64, 1)</c>); <c>lanes &gt; 1</c> describes SIMD vector types, which this library refuses.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public record struct DLDataType
{
    /// <summary><c>uint8_t code</c>: a <see cref="DLDataTypeCode"/>.</summary>
    public byte code;

    /// <summary><c>uint8_t bits</c>.</summary>
    public byte bits;

    /// <summary><c>uint16_t lanes</c>.</summary>
    public ushort lanes;

    /// <summary>Creates a data type.</summary>
    /// <param name="code">The type code.</param>
    /// <param name="bits">Bits per lane.</param>
    /// <param name="lanes">Lanes per element (1 for scalars).</param>
    public DLDataType(DLDataTypeCode code, byte bits, ushort lanes = 1)
    {
        this.code = (byte)code;
        this.bits = bits;
        this.lanes = lanes;
    }

    /// <summary><see cref="code"/> as the enum.</summary>
    public readonly DLDataTypeCode Code => (DLDataTypeCode)code;

    /// <summary><c>(code, bits, lanes)</c> as numbers, as the interop spec tables write them.</summary>
    public override readonly string ToString() => $"({code}, {bits}, {lanes})";
}

/// <summary><c>DLDataTypeCode</c> (<c>dlpack.h</c> v1.3): the values are the C enum's.</summary>
#pragma warning disable CA1707 // The C names are kept so that the mirror reads like dlpack.h.
public enum DLDataTypeCode : byte
{
    /// <summary>Signed two's-complement integer.</summary>
    kDLInt = 0,

    /// <summary>Unsigned integer.</summary>
    kDLUInt = 1,

    /// <summary>IEEE 754 binary floating point.</summary>
    kDLFloat = 2,

    /// <summary>An opaque handle (a pointer-sized value).</summary>
    kDLOpaqueHandle = 3,

    /// <summary>bfloat16.</summary>
    kDLBfloat = 4,

    /// <summary>Complex number: two IEEE floats, real part first; <c>bits</c> is the total.</summary>
    kDLComplex = 5,

    /// <summary>Boolean, one byte per element (DLPack 0.8).</summary>
    kDLBool = 6,

    /// <summary>fp8 e3m4 (v1.1).</summary>
    kDLFloat8_e3m4 = 7,

    /// <summary>fp8 e4m3 (v1.1).</summary>
    kDLFloat8_e4m3 = 8,

    /// <summary>fp8 e4m3b11fnuz (v1.1).</summary>
    kDLFloat8_e4m3b11fnuz = 9,

    /// <summary>fp8 e4m3fn (v1.1).</summary>
    kDLFloat8_e4m3fn = 10,

    /// <summary>fp8 e4m3fnuz (v1.1).</summary>
    kDLFloat8_e4m3fnuz = 11,

    /// <summary>fp8 e5m2 (v1.1).</summary>
    kDLFloat8_e5m2 = 12,

    /// <summary>fp8 e5m2fnuz (v1.1).</summary>
    kDLFloat8_e5m2fnuz = 13,

    /// <summary>fp8 e8m0fnu (v1.1).</summary>
    kDLFloat8_e8m0fnu = 14,

    /// <summary>fp6 e2m3fn (v1.1).</summary>
    kDLFloat6_e2m3fn = 15,

    /// <summary>fp6 e3m2fn (v1.1).</summary>
    kDLFloat6_e3m2fn = 16,

    /// <summary>fp4 e2m1fn (v1.1).</summary>
    kDLFloat4_e2m1fn = 17,
}
#pragma warning restore CA1707
