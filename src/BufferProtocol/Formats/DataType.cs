using BufferProtocol.Formats.Internals;

namespace BufferProtocol.Formats;

/// <summary>
/// A node of the immutable descriptor tree that a format string parses into: the layout of one item (or of one
/// member of a record).
/// </summary>
/// <remarks>
/// <para>
/// The node kinds are the leaves (<see cref="LeafType"/>: <see cref="ScalarType"/>, <see cref="StringType"/>,
/// <see cref="PaddingType"/>, <see cref="BitFieldType"/>, <see cref="ObjectType"/>, <see cref="PointerType"/>,
/// <see cref="FunctionPointerType"/>), <see cref="RecordType"/> (<c>T{...}</c>, and the item list of a format's
/// top level) and <see cref="SubArrayType"/> (<c>(k1,k2,...)</c> shapes and repeat counts).
/// </para>
/// <para>
/// Every node knows its <see cref="Size"/> (bytes of one element, a <c>nint</c> like <c>Py_ssize_t</c>) and its
/// <see cref="Alignment"/>, and compares by value: two nodes are equal when they describe the same tree (same
/// codes, byte-order modes, counts, names and therefore offsets), whatever text they were parsed from.
/// <see cref="ToString"/> gives the canonical format text of the node alone.
/// </para>
/// </remarks>
public abstract class DataType : IEquatable<DataType>
{
    private int _hash; // computed on first use (0: not yet); parsing does not need it

    private protected DataType(nint size, int alignment)
    {
        Size = size;
        Alignment = alignment;
    }

    /// <summary>The size in bytes of one element of this type (for a record, including its trailing padding).</summary>
    public nint Size { get; }

    /// <summary>
    /// The alignment this node gets when placed in a record: its C alignment when it is laid out in native
    /// (<c>@</c>) mode, otherwise 1. A power of two.
    /// </summary>
    /// <remarks>
    /// For a <c>T{...}</c> record it is the largest alignment of its members placed in <c>@</c> mode when the mode in
    /// force at its closing brace is <c>@</c>, else 1 (NumPy's rule, a consequence of the sticky prefix scope).
    /// </remarks>
    public int Alignment { get; }

    /// <summary>True when <paramref name="other"/> describes the same tree.</summary>
    /// <param name="other">Another node, or <see langword="null"/>.</param>
    public bool Equals(DataType? other) =>
        ReferenceEquals(this, other) ||
        (other is not null && other.GetType() == GetType() && other.Size == Size && other.Alignment == Alignment &&
         other.GetHashCode() == GetHashCode() && EqualsCore(other));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as DataType);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        int hash = _hash;
        if (hash == 0)
        {
            hash = HashCode.Combine(GetType(), Size, Alignment, ComputeHash());
            _hash = hash == 0 ? 1 : hash;
        }
        return _hash;
    }

    /// <summary>The canonical format text of this node on its own (the prefix state starts as <c>@</c>).</summary>
    public override string ToString() => FormatWriter.WriteType(this);

    /// <summary>Compares the subclass-specific parts; <paramref name="other"/> has the same runtime type.</summary>
    private protected abstract bool EqualsCore(DataType other);

    /// <summary>Hashes the subclass-specific parts (what <see cref="EqualsCore"/> compares).</summary>
    private protected abstract int ComputeHash();
}
