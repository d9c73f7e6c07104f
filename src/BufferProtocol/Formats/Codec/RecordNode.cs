using System.Collections;
using System.Collections.Immutable;

namespace BufferProtocol.Formats.Codec;

/// <summary>A record (<c>T{...}</c> or a format's item list): its value members in order, padding skipped.</summary>
internal sealed class RecordNode : CodecNode
{
    private readonly CodecNode[] _members;
    private readonly nint[] _offsets;

    public RecordNode(RecordType record)
        : this(record, Compile(record))
    {
    }

    private RecordNode(RecordType record, (CodecNode[] Members, nint[] Offsets, ImmutableArray<string?> Names, long Count) compiled)
        : base(record.Size, compiled.Count)
    {
        _members = compiled.Members;
        _offsets = compiled.Offsets;
        Names = new RecordNames(compiled.Names);
    }

    /// <summary>The names of the value members (shared by every record this node reads).</summary>
    public RecordNames Names { get; }

    private static (CodecNode[], nint[], ImmutableArray<string?>, long) Compile(RecordType record)
    {
        var members = new List<CodecNode>();
        var offsets = new List<nint>();
        var names = ImmutableArray.CreateBuilder<string?>();
        long count = 0;
        foreach (RecordField field in record.Fields)
        {
            CodecNode node = CodecNode.Build(field.Type);
            if (node.IsPadding)
            {
                continue;
            }
            members.Add(node);
            offsets.Add(field.Offset);
            names.Add(field.Name);
            count = SaturatingAdd(count, node.ValueCount);
        }
        return (members.ToArray(), offsets.ToArray(), names.ToImmutable(), count);
    }

    internal static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> item, int i) => item.Slice((int)_offsets[i], (int)_members[i].Size);

    private Span<byte> Slice(Span<byte> item, int i) => item.Slice((int)_offsets[i], (int)_members[i].Size);

    public override object? Read(ReadOnlySpan<byte> source)
    {
        var values = new object?[_members.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = _members[i].Read(Slice(source, i));
        }
        return new BufferRecord(Names, values);
    }

    /// <summary>
    /// Accepts a <see cref="BufferRecord"/> or a sequence (by position, as NumPy assigns structured values), or a
    /// dictionary keyed by field name (every named member exactly once).
    /// </summary>
    public override void Write(Span<byte> destination, object? value)
    {
        switch (value)
        {
            case BufferRecord record:
                CheckCount(record.Count);
                for (int i = 0; i < _members.Length; i++)
                {
                    _members[i].Write(Slice(destination, i), record[i]);
                }
                return;
            case IDictionary dictionary:
                WriteByName(destination, dictionary.Count, key => dictionary.Contains(key), key => dictionary[key]);
                return;
            case IReadOnlyDictionary<string, object?> dictionary:
                WriteByName(destination, dictionary.Count, dictionary.ContainsKey, key => dictionary[key]);
                return;
        }
        if (!ValueConversion.TryGetSequence(value, out int count, out Func<int, object?> item))
        {
            ThrowHelper.ThrowArgument_WrongValue(
                $"a record value must be a BufferRecord, a sequence of its {_members.Length} field values or a dictionary by field name, not {ValueConversion.Describe(value)}");
        }
        CheckCount(count);
        for (int i = 0; i < _members.Length; i++)
        {
            _members[i].Write(Slice(destination, i), item(i));
        }
    }

    private void CheckCount(int count)
    {
        if (count != _members.Length)
        {
            ThrowHelper.ThrowArgument_WrongValue($"the record has {_members.Length} fields, the value {count}");
        }
    }

    private void WriteByName(Span<byte> destination, int count, Func<string, bool> contains, Func<string, object?> get)
    {
        for (int i = 0; i < _members.Length; i++)
        {
            string? name = Names.Names[i];
            if (name is null)
            {
                ThrowHelper.ThrowArgument_WrongValue($"field {i} of the record has no name: write the record by position");
            }
            if (!contains(name))
            {
                ThrowHelper.ThrowArgument_WrongValue($"the value has no field '{name}'");
            }
            _members[i].Write(Slice(destination, i), get(name));
        }
        if (count != _members.Length)
        {
            ThrowHelper.ThrowArgument_WrongValue($"the value has {count} fields, the record {_members.Length} ({Names})");
        }
    }

    public override void Unpack(ReadOnlySpan<byte> source, object?[] values, ref int index)
    {
        for (int i = 0; i < _members.Length; i++)
        {
            _members[i].Unpack(Slice(source, i), values, ref index);
        }
    }

    public override void Pack(Span<byte> destination, ReadOnlySpan<object?> values, ref int index)
    {
        for (int i = 0; i < _members.Length; i++)
        {
            _members[i].Pack(Slice(destination, i), values, ref index);
        }
    }
}

/// <summary>The field names of a record type, with a lookup by name; shared by every <see cref="BufferRecord"/> of that type.</summary>
internal sealed class RecordNames : IEquatable<RecordNames>
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    public RecordNames(ImmutableArray<string?> names)
    {
        Names = names;
        for (int i = 0; i < names.Length; i++)
        {
            if (names[i] is { } name)
            {
                _index.TryAdd(name, i);
            }
        }
    }

    public ImmutableArray<string?> Names { get; }

    public int IndexOf(string name) => _index.TryGetValue(name, out int i) ? i : -1;

    public bool Equals(RecordNames? other) =>
        other is not null && (ReferenceEquals(this, other) || Names.AsSpan().SequenceEqual(other.Names.AsSpan()));

    public override bool Equals(object? obj) => Equals(obj as RecordNames);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (string? name in Names)
        {
            hash.Add(name is null ? 0 : string.GetHashCode(name, StringComparison.Ordinal));
        }
        return hash.ToHashCode();
    }

    public override string ToString() => string.Join(", ", Names.Select(n => n ?? "(unnamed)"));
}
