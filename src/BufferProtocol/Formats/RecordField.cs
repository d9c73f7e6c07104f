namespace BufferProtocol.Formats;

/// <summary>One member of a <see cref="RecordType"/>: its name (if any), type and byte offset.</summary>
public readonly struct RecordField : IEquatable<RecordField>
{
    internal RecordField(string? name, DataType type, nint offset)
    {
        Name = name;
        Type = type;
        Offset = offset;
    }

    /// <summary>The name given with <c>:name:</c> (possibly empty), or <see langword="null"/> for an unnamed member.</summary>
    public string? Name { get; }

    /// <summary>The member's type (a <see cref="SubArrayType"/> for <c>(k,...)</c> shapes and repeat counts).</summary>
    public DataType Type { get; }

    /// <summary>The byte offset of the member from the start of the record.</summary>
    public nint Offset { get; }

    /// <summary>The member's size in bytes (<c>Type.Size</c>).</summary>
    public nint Size => Type.Size;

    /// <inheritdoc/>
    public bool Equals(RecordField other) =>
        Offset == other.Offset && string.Equals(Name, other.Name, StringComparison.Ordinal) && Type.Equals(other.Type);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is RecordField other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name is null ? 0 : string.GetHashCode(Name, StringComparison.Ordinal), Type, Offset);

    /// <summary>True when both members are equal.</summary>
    /// <param name="left">A member.</param>
    /// <param name="right">Another member.</param>
    public static bool operator ==(RecordField left, RecordField right) => left.Equals(right);

    /// <summary>True when the members differ.</summary>
    /// <param name="left">A member.</param>
    /// <param name="right">Another member.</param>
    public static bool operator !=(RecordField left, RecordField right) => !left.Equals(right);

    /// <summary>The member as format text: its type, then <c>:name:</c> when named.</summary>
    public override string ToString() => Name is null ? Type.ToString() : $"{Type}:{Name}:";
}
