using BufferProtocol.Formats.Internals;

namespace BufferProtocol.Formats;

/// <summary>A Python object reference (<c>PyObject*</c>): <c>O</c>. Pointer-sized in every mode.</summary>
public sealed class ObjectType : LeafType
{
    private static readonly ObjectType[] Cache = [.. Enumerable.Range(0, 5).Select(m => new ObjectType((FormatMode)m))];

    private ObjectType(FormatMode mode)
        : this(LeafCodes.Scalar('O', false), mode)
    {
    }

    private ObjectType(in LeafCodes.Info info, FormatMode mode)
        : base('O', ScalarKind.Object, mode, true, info.NativeSize, LeafCodes.Alignment(info, mode))
    {
    }

    /// <summary>The object type in <paramref name="mode"/> (instances are shared).</summary>
    /// <param name="mode">The prefix mode in force.</param>
    public static ObjectType Get(FormatMode mode = FormatMode.Native) => Cache[(int)mode];

    private protected override bool EqualsCore(DataType other) => LeafEquals((LeafType)other);
}
