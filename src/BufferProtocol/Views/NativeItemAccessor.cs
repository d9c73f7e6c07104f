using System.Runtime.InteropServices;
using BufferProtocol.Interop.Memory;

namespace BufferProtocol.Views;

/// <summary>
/// Items of the native single-character formats, read and written the way CPython's memoryview does
/// (<c>unpack_single</c>/<c>pack_single</c> in <c>memoryobject.c</c>): native byte order and sizes, no struct module.
/// </summary>
/// <remarks>
/// <para>Values read: <c>b</c> sbyte, <c>B</c> byte, <c>h</c> short, <c>H</c> ushort, <c>i</c> int, <c>I</c> uint,
/// <c>l</c>/<c>L</c> a C <c>long</c> (long/ulong where it is 8 bytes, int/uint where it is 4), <c>q</c> long, <c>Q</c>
/// ulong, <c>n</c> nint, <c>N</c> nuint, <c>P</c> nuint (unsigned, as <c>PyLong_FromVoidPtr</c>), <c>e</c> Half,
/// <c>f</c> float, <c>d</c> double, <c>?</c> bool (any non-zero byte is true), <c>c</c> a one-byte <c>byte[]</c>.</para>
/// <para>Values written, with CPython's error kinds: integer formats take any .NET integer (bool and enums included,
/// as <c>__index__</c> does) — anything else is a type error, a value out of the C type's range a value error;
/// <c>P</c> also takes negative values down to <c>-2**63</c> (two's complement, as <c>PyLong_AsVoidPtr</c>);
/// <c>f d e</c> take floats and integers (an integer beyond a double is a value error; <c>f</c> stores infinity for a
/// double beyond its range without complaint, <c>e</c> refuses a finite value that overflows); <c>?</c> takes anything
/// (its truthiness); <c>c</c> takes exactly a one-byte <c>byte[]</c>.</para>
/// </remarks>
internal sealed class NativeItemAccessor : ItemAccessor
{
    /// <summary>CPython 3.11's memoryview formats.</summary>
    public const string CPythonCodes = "cbB?hHiIlLqQnNfdP";

    /// <summary>The extended set: 3.11's plus <c>e</c> (native in CPython from 3.12).</summary>
    public const string ExtendedCodes = CPythonCodes + "e";

    private static readonly bool LongIs64 = Marshal.SizeOf<CLong>() == 8;
    private static readonly NativeItemAccessor[] Cache = CreateCache();

    private readonly char _code;
    private readonly string _formatName;

    private NativeItemAccessor(char code)
    {
        _code = code;
        _formatName = code.ToString();
    }

    /// <inheritdoc/>
    public override char NativeCode => _code;

    /// <summary>The accessor for a native code, or null.</summary>
    public static NativeItemAccessor? For(char code) => code < Cache.Length ? Cache[code] : null;

    /// <summary>The size of a native code's C type.</summary>
    public static int SizeOf(char code) => code switch
    {
        'c' or 'b' or 'B' or '?' => 1,
        'h' or 'H' or 'e' => 2,
        'i' or 'I' or 'f' => 4,
        'l' or 'L' => LongIs64 ? 8 : 4,
        'q' or 'Q' or 'd' => 8,
        'n' or 'N' or 'P' => IntPtr.Size,
        _ => 0,
    };

    /// <inheritdoc/>
    public override object? Read(nint item) => _code switch
    {
        'b' => RawMemory.Read<sbyte>(item),
        'B' => RawMemory.Read<byte>(item),
        'h' => RawMemory.Read<short>(item),
        'H' => RawMemory.Read<ushort>(item),
        'i' => RawMemory.Read<int>(item),
        'I' => RawMemory.Read<uint>(item),
        'l' => LongIs64 ? RawMemory.Read<long>(item) : RawMemory.Read<int>(item),
        'L' => LongIs64 ? RawMemory.Read<ulong>(item) : RawMemory.Read<uint>(item),
        'q' => RawMemory.Read<long>(item),
        'Q' => RawMemory.Read<ulong>(item),
        'n' => RawMemory.Read<nint>(item),
        'N' or 'P' => RawMemory.Read<nuint>(item),
        'e' => RawMemory.Read<Half>(item),
        'f' => RawMemory.Read<float>(item),
        'd' => RawMemory.Read<double>(item),
        '?' => RawMemory.Read<byte>(item) != 0,
        'c' => new[] { RawMemory.Read<byte>(item) },
        _ => throw new InvalidOperationException($"not a native code: {_code}"),
    };

    /// <inheritdoc/>
    /// <remarks>Switches on the format once per row instead of once per item.</remarks>
    public override void ReadRow(nint first, nint count, nint stride, List<object?> into)
    {
        switch (_code)
        {
            case 'b': ReadRow<sbyte>(first, count, stride, into); break;
            case 'B': ReadRow<byte>(first, count, stride, into); break;
            case 'h': ReadRow<short>(first, count, stride, into); break;
            case 'H': ReadRow<ushort>(first, count, stride, into); break;
            case 'i': ReadRow<int>(first, count, stride, into); break;
            case 'I': ReadRow<uint>(first, count, stride, into); break;
            case 'q': ReadRow<long>(first, count, stride, into); break;
            case 'Q': ReadRow<ulong>(first, count, stride, into); break;
            case 'f': ReadRow<float>(first, count, stride, into); break;
            case 'd': ReadRow<double>(first, count, stride, into); break;
            default: base.ReadRow(first, count, stride, into); break;
        }
    }

    private static void ReadRow<T>(nint first, nint count, nint stride, List<object?> into) where T : unmanaged
    {
        for (nint i = 0; i < count; i++, first += stride)
        {
            into.Add(RawMemory.Read<T>(first));
        }
    }

    /// <inheritdoc/>
    public override void Write(nint item, object? value)
    {
        switch (_code)
        {
            case 'b': RawMemory.Write(item, (sbyte)Integer(value, sbyte.MinValue, sbyte.MaxValue)); break;
            case 'B': RawMemory.Write(item, (byte)Integer(value, byte.MinValue, byte.MaxValue)); break;
            case 'h': RawMemory.Write(item, (short)Integer(value, short.MinValue, short.MaxValue)); break;
            case 'H': RawMemory.Write(item, (ushort)Integer(value, ushort.MinValue, ushort.MaxValue)); break;
            case 'i': RawMemory.Write(item, (int)Integer(value, int.MinValue, int.MaxValue)); break;
            case 'I': RawMemory.Write(item, (uint)Integer(value, uint.MinValue, uint.MaxValue)); break;
            case 'l' when LongIs64:
            case 'q': RawMemory.Write(item, (long)Integer(value, long.MinValue, long.MaxValue)); break;
            case 'l': RawMemory.Write(item, (int)Integer(value, int.MinValue, int.MaxValue)); break;
            case 'L' when LongIs64:
            case 'Q': RawMemory.Write(item, (ulong)Integer(value, ulong.MinValue, ulong.MaxValue)); break;
            case 'L': RawMemory.Write(item, (uint)Integer(value, uint.MinValue, uint.MaxValue)); break;
            case 'n': RawMemory.Write(item, (nint)(long)Integer(value, nint.MinValue, nint.MaxValue)); break;
            case 'N': RawMemory.Write(item, (nuint)(ulong)Integer(value, nuint.MinValue, nuint.MaxValue)); break;
            case 'P':
                // PyLong_AsVoidPtr: negative values are accepted as their two's complement.
                var p = Integer(value, nint.MinValue, nuint.MaxValue);
                RawMemory.Write(item, p < 0 ? (nuint)(nint)(long)p : (nuint)(ulong)p);
                break;
            case 'f': RawMemory.Write(item, (float)Double(value)); break;
            case 'd': RawMemory.Write(item, Double(value)); break;
            case 'e':
                var d = Double(value);
                var h = (Half)d;
                if (Half.IsInfinity(h) && !double.IsInfinity(d))
                {
                    InvalidValue();
                }
                RawMemory.Write(item, h);
                break;
            case '?': RawMemory.Write(item, PythonValues.IsTrue(value) ? (byte)1 : (byte)0); break;
            case 'c':
                if (value is not byte[] bytes)
                {
                    InvalidType();
                    return;
                }
                if (bytes.Length != 1)
                {
                    InvalidValue();
                }
                RawMemory.Write(item, bytes[0]);
                break;
            default:
                throw new InvalidOperationException($"not a native code: {_code}");
        }
    }

    private Int128 Integer(object? value, Int128 min, Int128 max)
    {
        if (!PythonValues.TryAsIndex(value, out var v, out var overflow))
        {
            InvalidType();
        }
        if (overflow || v < min || v > max)
        {
            InvalidValue();
        }
        return v;
    }

    private double Double(object? value)
    {
        if (!PythonValues.TryAsDouble(value, out var d, out var overflow))
        {
            InvalidType();
        }
        if (overflow)
        {
            InvalidValue();
        }
        return d;
    }

    private void InvalidType() => ViewErrors.ConversionError($"memoryview: invalid type for format '{_formatName}'");

    private void InvalidValue() => ViewErrors.ValueError($"memoryview: invalid value for format '{_formatName}'");

    private static NativeItemAccessor[] CreateCache()
    {
        var cache = new NativeItemAccessor['z' + 1];
        foreach (var c in ExtendedCodes)
        {
            cache[c] = new NativeItemAccessor(c);
        }
        return cache;
    }
}
