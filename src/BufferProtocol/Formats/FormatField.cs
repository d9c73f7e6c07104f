using System.Collections.Immutable;

namespace BufferProtocol.Formats;

/// <summary>
/// One entry of <see cref="BufferFormat.Fields"/>: a member of the item with its name, offset, size, the format of
/// its element and its sub-array shape — the table <c>bufview layout</c> prints.
/// </summary>
public readonly struct FormatField : IEquatable<FormatField>
{
    internal FormatField(RecordField member)
    {
        Name = member.Name;
        Offset = member.Offset;
        Size = member.Size;
        DataType element = member.Type;
        ImmutableArray<nint>.Builder? shape = null;
        while (element is SubArrayType array)
        {
            (shape ??= ImmutableArray.CreateBuilder<nint>()).AddRange(array.Shape);
            element = array.Element;
        }
        ElementType = element;
        Shape = shape?.ToImmutable();
    }

    /// <summary>The member's name, or <see langword="null"/> when it has none.</summary>
    public string? Name { get; }

    /// <summary>The byte offset from the start of the item.</summary>
    public nint Offset { get; }

    /// <summary>The total size in bytes (all elements when <see cref="Shape"/> is set).</summary>
    public nint Size { get; }

    /// <summary>The type of one element: the member's type with its sub-array shapes and repeat count removed.</summary>
    public DataType ElementType { get; }

    /// <summary>The canonical format text of one element (<c>"i"</c>, <c>"&lt;d"</c>, <c>"5s"</c>, <c>"T{...}"</c>).</summary>
    public string Format => ElementType.ToString();

    /// <summary>
    /// The sub-array shape, outermost first — the <c>(k1,k2,...)</c> extents and a repeat count (<c>"3i"</c> gives
    /// <c>[3]</c>) — or <see langword="null"/> for a single element.
    /// </summary>
    public ImmutableArray<nint>? Shape { get; }

    /// <inheritdoc/>
    public bool Equals(FormatField other) =>
        Offset == other.Offset && Size == other.Size && string.Equals(Name, other.Name, StringComparison.Ordinal) &&
        ElementType.Equals(other.ElementType) && Shape.HasValue == other.Shape.HasValue &&
        (!Shape.HasValue || Shape.Value.AsSpan().SequenceEqual(other.Shape!.Value.AsSpan()));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is FormatField other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name is null ? 0 : string.GetHashCode(Name, StringComparison.Ordinal), Offset, ElementType);

    /// <summary>True when both entries are equal.</summary>
    /// <param name="left">An entry.</param>
    /// <param name="right">Another entry.</param>
    public static bool operator ==(FormatField left, FormatField right) => left.Equals(right);

    /// <summary>True when the entries differ.</summary>
    /// <param name="left">An entry.</param>
    /// <param name="right">Another entry.</param>
    public static bool operator !=(FormatField left, FormatField right) => !left.Equals(right);

    /// <summary>A one-line description: name, offset, size, format and shape.</summary>
    public override string ToString() =>
        $"{Name ?? "(unnamed)"} @{Offset} size {Size} {Format}{(Shape is { } s ? " shape (" + string.Join(",", s) + ")" : "")}";
}
