using System.Globalization;

namespace BufferProtocol.Views;

/// <summary>
/// One entry of a multi-dimensional view key, NumPy's basic indexing: an integer (selects one position and drops the
/// dimension), a <see cref="Views.Slice"/> (keeps the dimension), <see cref="Ellipsis"/> (as many full slices as the
/// dimensions not named) or <see cref="NewAxis"/> (inserts a dimension of extent 1).
/// </summary>
/// <remarks>
/// Converts implicitly from <see cref="nint"/> (Python semantics: negative counts from the end), <see cref="Index"/>
/// (<c>^1</c>), <see cref="Range"/> (<c>1..3</c>, <c>..</c>) and <see cref="Views.Slice"/>, so a key reads
/// <c>view[1, 2..^1, Slice.Reverse]</c>. <see cref="Parse"/> reads NumPy's notation, <c>"1:3, ::-1"</c>.
/// </remarks>
public readonly struct SliceIndex : IEquatable<SliceIndex>
{
    private readonly Slice _slice;
    private readonly nint _index;
    private readonly SliceIndexKind _kind;
    private readonly bool _fromEnd;

    private SliceIndex(SliceIndexKind kind, nint index, bool fromEnd, Slice slice)
    {
        _kind = kind;
        _index = index;
        _fromEnd = fromEnd;
        _slice = slice;
    }

    /// <summary><c>...</c>: full slices for every dimension the other entries do not name.</summary>
    public static SliceIndex Ellipsis => new(SliceIndexKind.Ellipsis, 0, false, default);

    /// <summary>NumPy's <c>newaxis</c> (<c>None</c>): a new dimension of extent 1.</summary>
    public static SliceIndex NewAxis => new(SliceIndexKind.NewAxis, 0, false, default);

    /// <summary>What the entry is.</summary>
    public SliceIndexKind Kind => _kind;

    /// <summary>The slice, when <see cref="Kind"/> is <see cref="SliceIndexKind.Slice"/>.</summary>
    /// <exception cref="InvalidOperationException">The entry is not a slice.</exception>
    public Slice Slice => _kind == SliceIndexKind.Slice ? _slice : throw new InvalidOperationException($"{this} is not a slice");

    /// <summary>An integer entry: <paramref name="index"/> ≥ 0 counts from the start, &lt; 0 from the end (Python).</summary>
    /// <param name="index">The position.</param>
    public static SliceIndex At(nint index) => new(SliceIndexKind.Integer, index, false, default);

    /// <summary>An integer entry from a C# <see cref="Index"/> (<c>^1</c> is the last position; <c>^0</c> is out of range).</summary>
    /// <param name="index">The position.</param>
    public static SliceIndex FromIndex(Index index) => new(SliceIndexKind.Integer, index.Value, index.IsFromEnd, default);

    /// <summary>A slice entry.</summary>
    /// <param name="start">First position, or null.</param>
    /// <param name="stop">Position to stop before, or null.</param>
    /// <param name="step">Step, or null for 1.</param>
    public static SliceIndex Range(nint? start, nint? stop, nint? step = null) => new(SliceIndexKind.Slice, 0, false, new Slice(start, stop, step));

    /// <summary>An integer entry (Python semantics: negative counts from the end).</summary>
    /// <param name="index">The position.</param>
    public static implicit operator SliceIndex(nint index) => At(index);

    /// <summary>An integer entry from a C# index.</summary>
    /// <param name="index">The position.</param>
    public static implicit operator SliceIndex(Index index) => FromIndex(index);

    /// <summary>A slice entry from a C# range (step 1).</summary>
    /// <param name="range">The range.</param>
    public static implicit operator SliceIndex(Range range) => new(SliceIndexKind.Slice, 0, false, Views.Slice.FromRange(range));

    /// <summary>A slice entry.</summary>
    /// <param name="slice">The slice.</param>
    public static implicit operator SliceIndex(Slice slice) => new(SliceIndexKind.Slice, 0, false, slice);

    /// <summary>
    /// Resolves an integer entry against an extent: the position, or an <c>IndexError</c> naming the (1-based)
    /// dimension, as CPython reports it.
    /// </summary>
    /// <param name="extent">The extent of the dimension.</param>
    /// <param name="dimension">The 0-based dimension, for the message.</param>
    /// <exception cref="InvalidOperationException">The entry is not an integer.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The position is out of bounds.</exception>
    public nint ResolveIndex(nint extent, int dimension)
    {
        if (_kind != SliceIndexKind.Integer)
        {
            throw new InvalidOperationException($"{this} is not an integer");
        }
        nint i = _fromEnd ? extent - _index : _index < 0 ? _index + extent : _index;
        if (_fromEnd && _index == 0 || (nuint)i >= (nuint)extent)
        {
            ViewErrors.IndexOutOfBounds(dimension);
        }
        return i;
    }

    /// <summary>
    /// Parses NumPy's index notation: entries separated by commas, each an integer (<c>-1</c>), a slice
    /// (<c>1:3</c>, <c>::-1</c>, <c>:</c>), <c>...</c>, or <c>None</c>/<c>newaxis</c>; whitespace is ignored.
    /// </summary>
    /// <param name="key">The key, e.g. <c>"1:3, ::-1"</c> or <c>"..., 0"</c>.</param>
    /// <returns>The entries.</returns>
    /// <exception cref="ArgumentException">The text is not an index (the message names the entry).</exception>
    public static SliceIndex[] Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var text = key.AsSpan().Trim();
        if (text.IsEmpty)
        {
            return [];
        }
        var entries = new List<SliceIndex>();
        foreach (var range in text.Split(','))
        {
            var entry = text[range].Trim();
            entries.Add(ParseEntry(entry, key));
        }
        return [.. entries];
    }

    private static SliceIndex ParseEntry(ReadOnlySpan<char> entry, string key)
    {
        if (entry.SequenceEqual("...") || entry.SequenceEqual("Ellipsis"))
        {
            return Ellipsis;
        }
        if (entry.SequenceEqual("None") || entry.SequenceEqual("newaxis"))
        {
            return NewAxis;
        }
        var colon = entry.IndexOf(':');
        if (colon < 0)
        {
            return At(ParseInteger(entry, key) ?? throw Invalid(key, entry));
        }
        var rest = entry[(colon + 1)..];
        var second = rest.IndexOf(':');
        var start = ParseInteger(entry[..colon], key);
        var stop = ParseInteger(second < 0 ? rest : rest[..second], key);
        nint? step = null;
        if (second >= 0)
        {
            var stepText = rest[(second + 1)..];
            if (stepText.Contains(':'))
            {
                throw Invalid(key, entry);
            }
            step = ParseInteger(stepText, key);
        }
        return Range(start, stop, step);
    }

    private static nint? ParseInteger(ReadOnlySpan<char> text, string key)
    {
        text = text.Trim();
        if (text.IsEmpty)
        {
            return null;
        }
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ||
            value < nint.MinValue || value > nint.MaxValue)
        {
            throw Invalid(key, text);
        }
        return (nint)value;
    }

    private static ArgumentException Invalid(string key, ReadOnlySpan<char> entry) =>
        new($"invalid index '{entry}' in key \"{key}\": expected an integer, start:stop:step, '...' or None", nameof(key));

    /// <inheritdoc/>
    public bool Equals(SliceIndex other) =>
        _kind == other._kind && _index == other._index && _fromEnd == other._fromEnd && _slice == other._slice;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SliceIndex other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_kind, _index, _fromEnd, _slice);

    /// <summary>True when both entries are equal.</summary>
    /// <param name="left">An entry.</param>
    /// <param name="right">Another entry.</param>
    public static bool operator ==(SliceIndex left, SliceIndex right) => left.Equals(right);

    /// <summary>True when the entries differ.</summary>
    /// <param name="left">An entry.</param>
    /// <param name="right">Another entry.</param>
    public static bool operator !=(SliceIndex left, SliceIndex right) => !left.Equals(right);

    /// <summary>NumPy's notation for the entry: <c>3</c>, <c>^1</c>, <c>1:3:2</c>, <c>...</c>, <c>None</c>.</summary>
    public override string ToString() => _kind switch
    {
        SliceIndexKind.Integer => (_fromEnd ? "^" : "") + _index.ToString(CultureInfo.InvariantCulture),
        SliceIndexKind.Slice => _slice.ToString(),
        SliceIndexKind.Ellipsis => "...",
        _ => "None",
    };
}

/// <summary>What a <see cref="SliceIndex"/> is.</summary>
public enum SliceIndexKind
{
    /// <summary>A slice; the dimension is kept. (The default value of a <see cref="SliceIndex"/> is the full slice <c>:</c>.)</summary>
    Slice,

    /// <summary>One position; the dimension is dropped.</summary>
    Integer,

    /// <summary><c>...</c>: full slices for the dimensions no other entry names.</summary>
    Ellipsis,

    /// <summary>A new dimension of extent 1.</summary>
    NewAxis,
}
