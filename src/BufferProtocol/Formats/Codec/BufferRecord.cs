using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using BufferProtocol.Formats.Codec;

namespace BufferProtocol.Formats;

/// <summary>
/// The value of one record item (<c>T{...}</c>, or a format with several top-level items): its field values in
/// order, each reachable by position and, when the field is named, by name. Padding is not a field.
/// </summary>
/// <remarks>
/// <para>
/// Immutable, and compares by value: two records are equal when they have the same field names (ordinal,
/// unnamed fields compare as <see langword="null"/>) and structurally equal values (<see cref="ItemValueComparer"/>:
/// <c>byte[]</c> and nested arrays by content). The values a codec reads are fresh objects the record owns; a
/// <c>byte[]</c> value can still be mutated by whoever holds it, which the record cannot prevent.
/// </para>
/// <para>
/// <see cref="ToString"/> gives a Python-like text: <c>(x=1.5, y=-2.0)</c>, unnamed fields without <c>name=</c>.
/// </para>
/// </remarks>
public sealed class BufferRecord : IReadOnlyList<object?>, IEquatable<BufferRecord>
{
    private readonly RecordNames _names;
    private readonly object?[] _values;

    internal BufferRecord(RecordNames names, object?[] values)
    {
        _names = names;
        _values = values;
    }

    /// <summary>Creates a record from named values (a name may be <see langword="null"/> for an unnamed field).</summary>
    /// <param name="fields">The fields in order.</param>
    /// <exception cref="ArgumentException">Two fields have the same name.</exception>
    public static BufferRecord Create(params ReadOnlySpan<(string? Name, object? Value)> fields)
    {
        var names = ImmutableArray.CreateBuilder<string?>(fields.Length);
        var values = new object?[fields.Length];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < fields.Length; i++)
        {
            if (fields[i].Name is { } name && !seen.Add(name))
            {
                ThrowHelper.ThrowArgumentException($"duplicate field name '{name}'", nameof(fields));
            }
            names.Add(fields[i].Name);
            values[i] = fields[i].Value;
        }
        return new BufferRecord(new RecordNames(names.MoveToImmutable()), values);
    }

    /// <summary>Creates a record of unnamed fields.</summary>
    /// <param name="values">The field values in order.</param>
    public static BufferRecord FromValues(params ReadOnlySpan<object?> values) =>
        new(new RecordNames([.. Enumerable.Repeat<string?>(null, values.Length)]), values.ToArray());

    /// <summary>The number of fields.</summary>
    public int Count => _values.Length;

    /// <summary>The field names in order (<see langword="null"/> for an unnamed field).</summary>
    public ImmutableArray<string?> Names => _names.Names;

    /// <summary>The value of field <paramref name="index"/>.</summary>
    /// <param name="index">The field position.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a field position.</exception>
    public object? this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_values.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index, $"the record has {_values.Length} fields");
            }
            return _values[index];
        }
    }

    /// <summary>The value of the field named <paramref name="name"/>.</summary>
    /// <param name="name">A field name (ordinal comparison).</param>
    /// <exception cref="KeyNotFoundException">No field has that name.</exception>
    public object? this[string name]
    {
        get
        {
            int index = IndexOf(name);
            if (index < 0)
            {
                throw new KeyNotFoundException($"the record has no field '{name}' (fields: {_names})");
            }
            return _values[index];
        }
    }

    /// <summary>The position of the field named <paramref name="name"/>, or -1.</summary>
    /// <param name="name">A field name.</param>
    public int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _names.IndexOf(name);
    }

    /// <summary>Gets the value of the field named <paramref name="name"/>.</summary>
    /// <param name="name">A field name.</param>
    /// <param name="value">The value, or null when there is no such field.</param>
    /// <returns>True when the record has the field.</returns>
    public bool TryGetValue(string name, out object? value)
    {
        int index = IndexOf(name);
        value = index < 0 ? null : _values[index];
        return index >= 0;
    }

    /// <summary>Enumerates the field values in order.</summary>
    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>True when <paramref name="other"/> has the same names and structurally equal values.</summary>
    /// <param name="other">Another record, or null.</param>
    public bool Equals([NotNullWhen(true)] BufferRecord? other)
    {
        if (other is null || other._values.Length != _values.Length || !_names.Equals(other._names))
        {
            return false;
        }
        for (int i = 0; i < _values.Length; i++)
        {
            if (!ItemValueComparer.Instance.Equals(_values[i], other._values[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => Equals(obj as BufferRecord);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(_names);
        foreach (object? value in _values)
        {
            hash.Add(ItemValueComparer.Instance.GetHashCode(value));
        }
        return hash.ToHashCode();
    }

    /// <summary>True when both records are equal.</summary>
    /// <param name="left">A record or null.</param>
    /// <param name="right">A record or null.</param>
    public static bool operator ==(BufferRecord? left, BufferRecord? right) => left is null ? right is null : left.Equals(right);

    /// <summary>True when the records differ.</summary>
    /// <param name="left">A record or null.</param>
    /// <param name="right">A record or null.</param>
    public static bool operator !=(BufferRecord? left, BufferRecord? right) => !(left == right);

    /// <summary>A Python-like text: <c>(x=1.5, y=-2.0)</c>.</summary>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder("(");
        for (int i = 0; i < _values.Length; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }
            if (_names.Names[i] is { } name)
            {
                text.Append(name).Append('=');
            }
            text.Append(ItemValueComparer.Format(_values[i]));
        }
        return text.Append(')').ToString();
    }
}
