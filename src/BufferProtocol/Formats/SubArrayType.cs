using System.Collections.Immutable;

namespace BufferProtocol.Formats;

/// <summary>
/// A C-contiguous array of <see cref="Element"/>: a <c>(k1,k2,...)</c> shape prefix, or a repeat count on a code
/// that is not a length (<c>"3i"</c>, <c>"2T{...}"</c>).
/// </summary>
/// <remarks>
/// Both give the same layout. They differ in meaning for CPython's <c>struct</c> (<c>"3i"</c> is three separate
/// values; <c>"(3)i"</c> is not struct syntax) and are kept apart so that formatting gives back what was parsed
/// (<see cref="IsRepeat"/>). NumPy reads both as a sub-array dtype. <c>"(2)(3)i"</c> nests two sub-arrays, as
/// NumPy's exporter writes them.
/// </remarks>
public sealed class SubArrayType : DataType
{
    internal SubArrayType(DataType element, ImmutableArray<nint> shape, bool isRepeat, nint elementCount, nint size)
        : base(size, element.Alignment)
    {
        Element = element;
        Shape = shape;
        IsRepeat = isRepeat;
        ElementCount = elementCount;
    }

    /// <summary>The type of each element.</summary>
    public DataType Element { get; }

    /// <summary>The extents, outermost first (one extent for a repeat count). Extents may be 0.</summary>
    public ImmutableArray<nint> Shape { get; }

    /// <summary>True when written as a repeat count (<c>"3i"</c>), false for a shape prefix (<c>"(3)i"</c>).</summary>
    public bool IsRepeat { get; }

    /// <summary>The number of elements (the product of <see cref="Shape"/>).</summary>
    public nint ElementCount { get; }

    private protected override int ComputeHash()
    {
        var hash = new HashCode();
        hash.Add(Element);
        hash.Add(IsRepeat);
        foreach (nint extent in Shape)
        {
            hash.Add(extent);
        }
        return hash.ToHashCode();
    }

    private protected override bool EqualsCore(DataType other)
    {
        var o = (SubArrayType)other;
        return o.IsRepeat == IsRepeat && o.Shape.AsSpan().SequenceEqual(Shape.AsSpan()) && o.Element.Equals(Element);
    }
}
