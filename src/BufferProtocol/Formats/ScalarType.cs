using BufferProtocol.Formats.Internals;

namespace BufferProtocol.Formats;

/// <summary>
/// A fixed-size value: <c>c b B ? h H i I l L q Q n N e f d g P</c> and the complex codes <c>Zf Zd Zg</c>.
/// </summary>
/// <remarks>Instances are shared: parsing returns the same object for the same code and mode.</remarks>
public sealed class ScalarType : LeafType
{
    private static readonly ScalarType?[] Cache = BuildCache();

    private ScalarType(char code, bool complex, FormatMode mode, in LeafCodes.Info info)
        : base(code, info.Kind, mode, LeafCodes.IsNativeSize(info, mode), LeafCodes.UnitSize(info, mode),
               LeafCodes.Alignment(info, mode))
    {
    }

    /// <summary>True for <c>Zf Zd Zg</c>.</summary>
    public bool IsComplex => Kind == ScalarKind.Complex;

    /// <summary>The format token: <see cref="LeafType.Code"/>, with a <c>Z</c> in front for complex codes.</summary>
    public string Token => IsComplex ? "Z" + Code : Code.ToString();

    /// <summary>Gets the scalar type of <paramref name="code"/> (after a <c>Z</c> when <paramref name="complex"/>) in <paramref name="mode"/>.</summary>
    /// <param name="code">One of <c>c b B ? h H i I l L q Q n N e f d g P</c>; with <paramref name="complex"/>, one of <c>f d g</c>.</param>
    /// <param name="mode">The prefix mode in force.</param>
    /// <param name="complex">True for <c>Z</c> + <paramref name="code"/>.</param>
    /// <exception cref="ArgumentException">The code is not a scalar code.</exception>
    public static ScalarType Get(char code, FormatMode mode = FormatMode.Native, bool complex = false)
    {
        int index = IndexOf(code, complex);
        if (index < 0 || (uint)mode > (uint)FormatMode.BigEndian)
        {
            ThrowHelper.ThrowArgumentException($"'{(complex ? "Z" : "")}{code}' is not a scalar format code", nameof(code));
        }
        return Cache[((int)mode * CodeCount) + index]!;
    }

    private const string Codes = "cbB?hHiIlLqQnNefdgP";
    private const int CodeCount = 19 + 3;

    private static readonly sbyte[] CodeIndex = BuildCodeIndex();

    private static int IndexOf(char code, bool complex)
    {
        if (complex)
        {
            return code switch { 'f' => 19, 'd' => 20, 'g' => 21, _ => -1 };
        }
        return code < 128 ? CodeIndex[code] : -1;
    }

    private static sbyte[] BuildCodeIndex()
    {
        var index = new sbyte[128];
        index.AsSpan().Fill(-1);
        for (int i = 0; i < Codes.Length; i++)
        {
            index[Codes[i]] = (sbyte)i;
        }
        return index;
    }

    private static ScalarType?[] BuildCache()
    {
        var cache = new ScalarType?[5 * CodeCount];
        for (int m = 0; m < 5; m++)
        {
            for (int i = 0; i < CodeCount; i++)
            {
                bool complex = i >= 19;
                char code = complex ? "fdg"[i - 19] : Codes[i];
                cache[(m * CodeCount) + i] = new ScalarType(code, complex, (FormatMode)m, LeafCodes.Scalar(code, complex));
            }
        }
        return cache;
    }

    private protected override bool EqualsCore(DataType other) => LeafEquals((LeafType)other);
}
