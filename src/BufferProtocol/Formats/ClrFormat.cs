using System.Numerics;
using System.Runtime.InteropServices;

namespace BufferProtocol.Formats;

/// <summary>The PEP 3118 format of unmanaged CLR types.</summary>
/// <remarks>
/// 64-bit integers export as <c>q</c>/<c>Q</c> (never <c>l</c>, whose size is the platform's C <c>long</c>),
/// <see cref="nint"/>/<see cref="nuint"/> as <c>n</c>/<c>N</c>, <see cref="char"/> as <c>u</c> (a UTF-16 code unit),
/// <see cref="Complex"/> as <c>Zd</c>.
/// </remarks>
public static class ClrFormat
{
    /// <summary>The format of one <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">An unmanaged primitive type.</typeparam>
    /// <exception cref="NotSupportedException">No format describes <typeparamref name="T"/>.</exception>
    public static string Of<T>() where T : unmanaged => Of(typeof(T));

    /// <summary>The format of one value of <paramref name="type"/>.</summary>
    /// <param name="type">An unmanaged primitive type.</param>
    /// <exception cref="NotSupportedException">No format describes <paramref name="type"/>.</exception>
    public static string Of(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Type.GetTypeCode(type) switch
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
            _ => throw new NotSupportedException($"no PEP 3118 format describes {type}"),
        };
    }
}
