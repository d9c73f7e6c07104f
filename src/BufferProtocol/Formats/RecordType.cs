using System.Collections.Immutable;

namespace BufferProtocol.Formats;

/// <summary>
/// A record: the members of a <c>T{...}</c> struct, or the item list of a format's top level (and of a function
/// signature), each member with its offset.
/// </summary>
/// <remarks>
/// <para>
/// Members are laid out in order. A member placed in <c>@</c> mode is first aligned to its <see cref="DataType.Alignment"/>;
/// in any other mode it follows the previous member directly. No padding goes before the first member.
/// </para>
/// <para>
/// A <c>T{...}</c> record (<see cref="IsStruct"/>) is a C struct: when the mode in force at its closing brace is
/// <c>@</c>, its size is rounded up to its alignment (the largest member alignment), exactly as NumPy's
/// <c>_dtype_from_pep3118</c> does. The top-level item list follows CPython's <c>struct</c> module instead:
/// never any trailing padding (<c>"ib"</c> is 5 bytes, where NumPy says 8; see <c>docs/formats.md</c>).
/// </para>
/// </remarks>
public sealed class RecordType : DataType
{
    internal RecordType(ImmutableArray<RecordField> fields, bool isStruct, FormatMode entryMode, FormatMode closingMode, nint size, int alignment)
        : base(size, alignment)
    {
        Fields = fields;
        IsStruct = isStruct;
        EntryMode = isStruct ? entryMode : FormatMode.Native;
        ClosingMode = closingMode;
    }

    /// <summary>The members in order.</summary>
    public ImmutableArray<RecordField> Fields { get; }

    /// <summary>
    /// True for a <c>T{...}</c> struct (C layout, trailing padding); false for the item list of a format's top level
    /// or of a function signature (struct-module layout, no trailing padding).
    /// </summary>
    public bool IsStruct { get; }

    /// <summary>
    /// For a <c>T{...}</c> struct, the mode in force at its <c>T</c> (a prefix may precede a struct; it matters when
    /// the struct has no leaf, as in <c>"=T{}"</c>, because the mode is sticky); <see cref="FormatMode.Native"/> for an item list.
    /// </summary>
    public FormatMode EntryMode { get; }

    /// <summary>
    /// The mode in force after the last member (the entry mode for an empty record): it decides the trailing padding
    /// and the alignment of a struct. Derived from the rest, so not compared by equality.
    /// </summary>
    internal FormatMode ClosingMode { get; }

    /// <summary>The index of the member named <paramref name="name"/> (ordinal comparison), or -1.</summary>
    /// <param name="name">A member name.</param>
    public int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ImmutableArray<RecordField> fields = Fields;
        for (int i = 0; i < fields.Length; i++)
        {
            if (string.Equals(fields[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    private protected override int ComputeHash()
    {
        var hash = new HashCode();
        hash.Add(IsStruct);
        hash.Add(EntryMode);
        hash.Add(Fields.Length);
        foreach (RecordField field in Fields)
        {
            hash.Add(field);
        }
        return hash.ToHashCode();
    }

    private protected override bool EqualsCore(DataType other)
    {
        var o = (RecordType)other;
        return o.IsStruct == IsStruct && o.EntryMode == EntryMode && o.Fields.AsSpan().SequenceEqual(Fields.AsSpan());
    }
}
