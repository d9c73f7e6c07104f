namespace BufferProtocol.Formats.Internals;

/// <summary>The table of leaf codes: kind, standard size and native size/alignment of each letter.</summary>
internal static class LeafCodes
{
    /// <summary>Describes one code letter. <see cref="StandardSize"/> is 0 for codes without a standard size.</summary>
    internal readonly record struct Info(ScalarKind Kind, int StandardSize, int NativeSize, int NativeAlignment);

    private const byte Whitespace = 1, Prefix = 2, ScalarCode = 4;

    /// <summary>Character classes of the ASCII range, so that the per-character tests are one load.</summary>
    private static ReadOnlySpan<byte> Classes =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        // ' ' ! " # $ % & ' ( ) * + , - . / 0-9 : ; < = > ?
        1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 4,
        // @ A B C D E F G H I J K L M N O P Q R S T U V W X Y Z [ \ ] ^ _
        2, 0, 4, 0, 0, 0, 0, 0, 4, 4, 0, 0, 4, 0, 4, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0,
        // ` a b c d e f g h i j k l m n o p q r s t u v w x y z { | } ~
        0, 0, 4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 4, 0, 4, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    /// <summary>Whitespace as struct sees it (<c>Py_ISSPACE</c>): space, \t, \n, \v, \f, \r.</summary>
    public static bool IsWhitespace(char c) => c < 128 && (Classes[c] & Whitespace) != 0;

    public static bool IsPrefix(char c) => c < 128 && (Classes[c] & Prefix) != 0;

    public static FormatMode ModeOf(char prefix) => prefix switch
    {
        '@' => FormatMode.Native,
        '^' => FormatMode.NativeUnaligned,
        '=' => FormatMode.NativeOrderStandard,
        '<' => FormatMode.LittleEndian,
        _ => FormatMode.BigEndian,
    };

    /// <summary>Codes that become a <see cref="ScalarType"/> (complex codes are <c>Z</c> + f/d/g, handled apart).</summary>
    public static bool IsScalarCode(char c) => c < 128 && (Classes[c] & ScalarCode) != 0;

    /// <summary>The description of a scalar code (<paramref name="complex"/>: the code follows a <c>Z</c>).</summary>
    public static Info Scalar(char code, bool complex)
    {
        if (complex)
        {
            Info real = Scalar(code, false);
            return new Info(ScalarKind.Complex, real.StandardSize * 2, real.NativeSize * 2, real.NativeAlignment);
        }
        return code switch
        {
            'c' => new Info(ScalarKind.Char, 1, 1, 1),
            'b' => new Info(ScalarKind.SignedInteger, 1, 1, 1),
            'B' => new Info(ScalarKind.UnsignedInteger, 1, 1, 1),
            '?' => new Info(ScalarKind.Bool, 1, 1, 1),
            'h' => new Info(ScalarKind.SignedInteger, 2, 2, NativeAbi.ShortAlignment),
            'H' => new Info(ScalarKind.UnsignedInteger, 2, 2, NativeAbi.ShortAlignment),
            'i' => new Info(ScalarKind.SignedInteger, 4, 4, NativeAbi.IntAlignment),
            'I' => new Info(ScalarKind.UnsignedInteger, 4, 4, NativeAbi.IntAlignment),
            'l' => new Info(ScalarKind.SignedInteger, 4, NativeAbi.LongSize, NativeAbi.LongAlignment),
            'L' => new Info(ScalarKind.UnsignedInteger, 4, NativeAbi.LongSize, NativeAbi.LongAlignment),
            'q' => new Info(ScalarKind.SignedInteger, 8, 8, NativeAbi.LongLongAlignment),
            'Q' => new Info(ScalarKind.UnsignedInteger, 8, 8, NativeAbi.LongLongAlignment),
            'n' => new Info(ScalarKind.SignedInteger, 0, NativeAbi.PointerSize, NativeAbi.PointerAlignment),
            'N' => new Info(ScalarKind.UnsignedInteger, 0, NativeAbi.PointerSize, NativeAbi.PointerAlignment),
            'e' => new Info(ScalarKind.Float, 2, 2, NativeAbi.HalfAlignment),
            'f' => new Info(ScalarKind.Float, 4, 4, NativeAbi.FloatAlignment),
            'd' => new Info(ScalarKind.Float, 8, 8, NativeAbi.DoubleAlignment),
            'g' => new Info(ScalarKind.Float, 0, NativeAbi.LongDouble.Size, NativeAbi.LongDouble.Alignment),
            'P' => new Info(ScalarKind.Pointer, 0, NativeAbi.PointerSize, NativeAbi.PointerAlignment),
            // Leaves that are not ScalarType but share the size rules.
            'O' => new Info(ScalarKind.Object, 0, NativeAbi.PointerSize, NativeAbi.PointerAlignment),
            '&' => new Info(ScalarKind.Pointer, 0, NativeAbi.PointerSize, NativeAbi.PointerAlignment),
            'X' => new Info(ScalarKind.FunctionPointer, 0, NativeAbi.PointerSize, NativeAbi.PointerAlignment),
            's' => new Info(ScalarKind.Bytes, 1, 1, 1),
            'p' => new Info(ScalarKind.PascalString, 1, 1, 1),
            'u' => new Info(ScalarKind.Ucs2, 2, 2, 2),
            'w' => new Info(ScalarKind.Ucs4, 4, 4, 4),
            'x' => new Info(ScalarKind.Padding, 1, 1, 1),
            't' => new Info(ScalarKind.Bits, 1, 1, 1),
            _ => throw new ArgumentOutOfRangeException(nameof(code), code, "not a leaf format code"),
        };
    }

    /// <summary>Size of one unit of the code in <paramref name="mode"/> (native size when the code has no standard size).</summary>
    public static int UnitSize(in Info info, FormatMode mode) =>
        mode.UsesNativeSizes() || info.StandardSize == 0 ? info.NativeSize : info.StandardSize;

    /// <summary>Placement alignment in <paramref name="mode"/>: the native alignment under <c>@</c>, else 1.</summary>
    public static int Alignment(in Info info, FormatMode mode) => mode.IsAligned() ? info.NativeAlignment : 1;

    /// <summary>True when the size came from the host ABI rather than the standard table.</summary>
    public static bool IsNativeSize(in Info info, FormatMode mode) => mode.UsesNativeSizes() || info.StandardSize == 0;
}
