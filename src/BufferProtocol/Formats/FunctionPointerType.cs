using BufferProtocol.Formats.Internals;

namespace BufferProtocol.Formats;

/// <summary>
/// A function pointer: <c>X{}</c>, optionally with a signature inside the braces — the argument items, then
/// <c>-&gt;</c> and the return type (<c>"X{ii-&gt;d}"</c>). Pointer-sized in every mode; aligned only in <c>@</c> mode.
/// </summary>
public sealed class FunctionPointerType : LeafType
{
    internal FunctionPointerType(RecordType arguments, DataType? returnType, FormatMode mode)
        : this(arguments, returnType, mode, LeafCodes.Scalar('X', false))
    {
    }

    private FunctionPointerType(RecordType arguments, DataType? returnType, FormatMode mode, in LeafCodes.Info info)
        : base('X', ScalarKind.FunctionPointer, mode, true, info.NativeSize, LeafCodes.Alignment(info, mode))
    {
        Arguments = arguments;
        ReturnType = returnType;
    }

    /// <summary>The argument items of the signature (an item list like a format's top level; empty for <c>X{}</c>).</summary>
    public RecordType Arguments { get; }

    /// <summary>The return type after <c>-&gt;</c>, or <see langword="null"/> when the signature has none.</summary>
    public DataType? ReturnType { get; }

    private protected override int LeafHash() => HashCode.Combine(Arguments, ReturnType);

    private protected override bool EqualsCore(DataType other)
    {
        var o = (FunctionPointerType)other;
        return LeafEquals(o) && o.Arguments.Equals(Arguments) && Equals(o.ReturnType, ReturnType);
    }
}
