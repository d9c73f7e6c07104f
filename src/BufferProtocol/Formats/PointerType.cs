using BufferProtocol.Formats.Internals;

namespace BufferProtocol.Formats;

/// <summary>
/// A pointer to a value of <see cref="Target"/>: <c>&amp;</c> followed by the target's format (ctypes writes
/// <c>POINTER(c_int)</c> as <c>"&amp;&lt;i"</c>). Pointer-sized in every mode; aligned only in <c>@</c> mode.
/// </summary>
public sealed class PointerType : LeafType
{
    internal PointerType(DataType target, FormatMode mode)
        : this(target, mode, LeafCodes.Scalar('&', false))
    {
    }

    private PointerType(DataType target, FormatMode mode, in LeafCodes.Info info)
        : base('&', ScalarKind.Pointer, mode, true, info.NativeSize, LeafCodes.Alignment(info, mode))
    {
        Target = target;
    }

    /// <summary>The type pointed to.</summary>
    public DataType Target { get; }

    private protected override int LeafHash() => Target.GetHashCode();

    private protected override bool EqualsCore(DataType other) =>
        LeafEquals((LeafType)other) && ((PointerType)other).Target.Equals(Target);
}
