using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace BufferProtocol.Formats.Codec;

/// <summary>
/// Conversions between <see cref="double"/> and the platform's C <c>long double</c> (the <c>g</c> code), which .NET
/// does not have.
/// </summary>
/// <remarks>
/// <para>
/// Storage by ABI: x86-64 and 32-bit x86 use the x87 80-bit extended format (64-bit significand with an explicit
/// integer bit, 15-bit exponent) in the first 10 bytes of a 16- or 12-byte slot, the rest padding; AArch64 Linux
/// uses IEEE binary128 in 16 bytes; where <c>long double</c> is 8 bytes (Windows, Apple AArch64) it is a double.
/// The bytes are little-endian; a big-endian (<c>&gt;g</c>) value is the whole slot reversed, as NumPy byte-swaps it.
/// </para>
/// <para>
/// Reading rounds to the nearest <see cref="double"/>, ties to even — exact whenever the value has at most 53
/// significant bits and lies in double's exponent range; values beyond <see cref="double.MaxValue"/> after rounding
/// become ±∞ and values below half the smallest subnormal become ±0, as the C conversion
/// <c>(double)x</c> does. NaNs keep their sign and the top 51 payload bits and come out quiet. x87 encodings the
/// FPU rejects as invalid operands (unnormals, pseudo-NaNs, pseudo-infinities) read as the default NaN.
/// Writing is exact (every double is a long double); the padding bytes are written as zeros.
/// </para>
/// </remarks>
internal static class LongDouble
{
    private enum Encoding
    {
        Double,
        X87,
        Binary128,
    }

    /// <summary>Reads a <c>long double</c> occupying <paramref name="slot"/> (the whole 8-, 12- or 16-byte slot).</summary>
    public static double Read(ReadOnlySpan<byte> slot, bool bigEndian)
    {
        Span<byte> le = stackalloc byte[slot.Length];
        slot.CopyTo(le);
        if (bigEndian)
        {
            le.Reverse();
        }
        switch (EncodingOf(slot.Length))
        {
            case Encoding.Double:
                return BinaryPrimitives.ReadDoubleLittleEndian(le);
            case Encoding.X87:
            {
                ulong m = BinaryPrimitives.ReadUInt64LittleEndian(le);
                ushort se = BinaryPrimitives.ReadUInt16LittleEndian(le[8..]);
                bool sign = (se & 0x8000) != 0;
                int e = se & 0x7FFF;
                bool integerBit = (m >> 63) != 0;
                if (e == 0x7FFF)
                {
                    if (!integerBit)
                    {
                        return DefaultNaN;
                    }
                    return (m << 1) == 0 ? (sign ? double.NegativeInfinity : double.PositiveInfinity) : NaN(sign, m << 1);
                }
                if (e != 0 && !integerBit)
                {
                    return DefaultNaN;
                }
                return Round(sign, m, (e == 0 ? 1 : e) - 16383 - 63);
            }
            default:
                return ReadBinary128(le);
        }
    }

    /// <summary>Writes <paramref name="value"/> exactly into <paramref name="slot"/> (padding bytes zeroed).</summary>
    public static void Write(Span<byte> slot, double value, bool bigEndian)
    {
        slot.Clear();
        switch (EncodingOf(slot.Length))
        {
            case Encoding.Double:
                BinaryPrimitives.WriteDoubleLittleEndian(slot, value);
                break;
            case Encoding.X87:
            {
                Decompose(value, out bool sign, out int kind, out ulong significand, out int exponent);
                ulong m;
                int e;
                switch (kind)
                {
                    case 0: m = 0; e = 0; break;
                    case 1: m = 1UL << 63; e = 0x7FFF; break;
                    case 2: m = (1UL << 63) | (1UL << 62) | (significand << 11); e = 0x7FFF; break;
                    default:
                        int lz = BitOperations.LeadingZeroCount(significand);
                        m = significand << lz;
                        e = 63 - lz + exponent + 16383;
                        break;
                }
                BinaryPrimitives.WriteUInt64LittleEndian(slot, m);
                BinaryPrimitives.WriteUInt16LittleEndian(slot[8..], (ushort)((sign ? 0x8000 : 0) | e));
                break;
            }
            default:
            {
                Decompose(value, out bool sign, out int kind, out ulong significand, out int exponent);
                UInt128 bits = kind switch
                {
                    0 => 0,
                    1 => (UInt128)0x7FFF << 112,
                    2 => ((UInt128)0x7FFF << 112) | ((UInt128)1 << 111) | ((UInt128)significand << 60),
                    _ => Normal128(significand, exponent),
                };
                if (sign)
                {
                    bits |= UInt128.One << 127;
                }
                BinaryPrimitives.WriteUInt128LittleEndian(slot, bits);
                break;
            }
        }
        if (bigEndian)
        {
            slot.Reverse();
        }
    }

    private static UInt128 Normal128(ulong significand, int exponent)
    {
        int lz = BitOperations.LeadingZeroCount(significand);
        int e = 63 - lz + exponent + 16383;
        UInt128 normalized = (UInt128)significand << (112 - (63 - lz));
        return ((UInt128)(uint)e << 112) | (normalized & ((UInt128.One << 112) - 1));
    }

    /// <summary>Splits a double: kind 0 zero, 1 infinity, 2 NaN (significand = the 52 fraction bits), 3 finite (value = significand × 2^exponent).</summary>
    private static void Decompose(double value, out bool sign, out int kind, out ulong significand, out int exponent)
    {
        ulong bits = BitConverter.DoubleToUInt64Bits(value);
        sign = (bits >> 63) != 0;
        int e = (int)(bits >> 52) & 0x7FF;
        ulong fraction = bits & ((1UL << 52) - 1);
        exponent = 0;
        significand = fraction;
        if (e == 0x7FF)
        {
            kind = fraction == 0 ? 1 : 2;
        }
        else if (e == 0)
        {
            kind = fraction == 0 ? 0 : 3;
            exponent = -1074;
        }
        else
        {
            kind = 3;
            significand = fraction | (1UL << 52);
            exponent = e - 1075;
        }
    }

    private static double DefaultNaN => BitConverter.UInt64BitsToDouble(0xFFF8_0000_0000_0000);

    /// <summary>A quiet double NaN with the sign and the top bits of <paramref name="payload"/> (left-aligned fraction bits).</summary>
    private static double NaN(bool sign, ulong payload) =>
        BitConverter.UInt64BitsToDouble((sign ? 1UL << 63 : 0) | (0x7FFUL << 52) | (1UL << 51) | (payload >> 12));

    /// <summary>Rounds <c>±significand × 2^exponent</c> to the nearest double, ties to even.</summary>
    internal static double Round(bool sign, UInt128 significand, int exponent)
    {
        if (significand == 0)
        {
            return sign ? -0.0 : 0.0;
        }
        int bitLength = 128 - (int)UInt128.LeadingZeroCount(significand);
        int unbiased = bitLength - 1 + exponent;
        double magnitude;
        if (unbiased > 1023)
        {
            magnitude = double.PositiveInfinity;
        }
        else
        {
            // Drop enough low bits to keep 53 significant bits, or to reach the subnormal grid 2^-1074.
            int shift = Math.Max(bitLength - 53, -1074 - exponent);
            ulong kept;
            if (shift <= 0)
            {
                kept = (ulong)significand;
                shift = 0;
            }
            else if (shift > bitLength)
            {
                kept = 0;
            }
            else
            {
                UInt128 q = shift == 128 ? 0 : significand >> shift;
                UInt128 rest = shift == 128 ? significand : significand & ((UInt128.One << shift) - 1);
                UInt128 half = UInt128.One << (shift - 1);
                if (rest > half || (rest == half && (q & 1) != 0))
                {
                    q++;
                }
                kept = (ulong)q;
            }
            // kept <= 2^53, and kept × 2^(exponent + shift) is on the double grid: the scaling is exact (or overflows to ∞).
            magnitude = Math.ScaleB(kept, exponent + shift);
        }
        return sign ? -magnitude : magnitude;
    }

    private static Encoding EncodingOf(int size)
    {
        if (size == 8)
        {
            return Encoding.Double;
        }
        if (RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86 && size >= 10)
        {
            return Encoding.X87;
        }
        if (size == 16)
        {
            return Encoding.Binary128;
        }
        ThrowHelper.ThrowNotSupported($"no long double encoding is known for {size}-byte values on {RuntimeInformation.ProcessArchitecture}");
        return default;
    }

    /// <summary>Reads an IEEE binary128 value from 16 little-endian bytes (internal for tests on x86-64 hosts).</summary>
    internal static double ReadBinary128(ReadOnlySpan<byte> slot)
    {
        var bits = BinaryPrimitives.ReadUInt128LittleEndian(slot);
        bool sign = (bits >> 127) != 0;
        int e = (int)(bits >> 112) & 0x7FFF;
        UInt128 fraction = bits & ((UInt128.One << 112) - 1);
        if (e == 0x7FFF)
        {
            return fraction == 0 ? (sign ? double.NegativeInfinity : double.PositiveInfinity) : NaN(sign, (ulong)(fraction >> 48));
        }
        return e == 0 ? Round(sign, fraction, 1 - 16383 - 112) : Round(sign, fraction | (UInt128.One << 112), e - 16383 - 112);
    }
}
