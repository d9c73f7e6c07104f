using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace BufferProtocol.Formats.Internals;

/// <summary>
/// The layout arithmetic shared by the parser and by code that builds descriptors directly: checked sizes (every
/// size and offset must fit <c>nint</c>), alignment, record building.
/// </summary>
internal static class FormatLayout
{
    public static bool TryAddChecked(nint a, nint b, out nint result)
    {
        result = a + b;
        return a <= nint.MaxValue - b;
    }

    /// <summary>Multiplies two non-negative sizes; false when the product does not fit <c>nint</c>.</summary>
    public static bool TryMultiply(nint a, nint b, out nint result)
    {
        // One widening multiply instead of a 64-bit division: the hot path of every count and extent.
        ulong high = Math.BigMul((ulong)a, (ulong)b, out ulong low);
        result = (nint)low;
        return high == 0 && low <= (ulong)nint.MaxValue;
    }

    public static bool TryAlignUp(nint offset, int alignment, out nint result)
    {
        nint mask = alignment - 1;
        if (offset > nint.MaxValue - mask)
        {
            result = 0;
            return false;
        }
        result = (offset + mask) & ~mask;
        return true;
    }

    /// <summary>A string type of <paramref name="length"/> code units, or null when its size overflows.</summary>
    public static StringType? TryCreateString(char code, nint length, FormatMode mode)
    {
        LeafCodes.Info info = LeafCodes.Scalar(code, false);
        return TryMultiply(length, LeafCodes.UnitSize(info, mode), out nint size) ? new StringType(code, length, mode, size) : null;
    }

    /// <summary>A sub-array of <paramref name="element"/>, or null when its size overflows.</summary>
    public static SubArrayType? TryCreateSubArray(DataType element, ImmutableArray<nint> shape, bool isRepeat)
    {
        nint count = 1;
        foreach (nint extent in shape)
        {
            if (!TryMultiply(count, extent, out count))
            {
                return null;
            }
        }
        return TryMultiply(count, element.Size, out nint size) ? new SubArrayType(element, shape, isRepeat, count, size) : null;
    }

    /// <summary>The mode in force after <paramref name="type"/>'s text (the prefix state is sticky).</summary>
    public static FormatMode ExitMode(DataType type) => type switch
    {
        PointerType p => ExitMode(p.Target),
        FunctionPointerType f => f.ReturnType is null ? f.Arguments.ClosingMode : ExitMode(f.ReturnType),
        LeafType leaf => leaf.Mode,
        SubArrayType s => ExitMode(s.Element),
        RecordType r => r.ClosingMode,
        _ => FormatMode.Native,
    };

    /// <summary>Lays out record members one after another (see <see cref="RecordType"/> for the rules).</summary>
    internal sealed class RecordBuilder
    {
        private RecordField[] _fields = [];
        private int _count;
        private HashSet<string>? _names;
        private nint _offset;
        private int _alignment = 1;

        public int Count => _count;

        public RecordField this[int index] => _fields[index];

        /// <summary>The mode after the last member, or <paramref name="entryMode"/> when there is none.</summary>
        public FormatMode ClosingMode(FormatMode entryMode) => _count == 0 ? entryMode : ExitMode(_fields[_count - 1].Type);

        /// <summary>Checks that no member has <paramref name="name"/> yet (call before adding that member).</summary>
        public bool TryReserveName(string name)
        {
            if (_names is null)
            {
                if (_count < 16)
                {
                    for (int i = 0; i < _count; i++)
                    {
                        if (string.Equals(_fields[i].Name, name, StringComparison.Ordinal))
                        {
                            return false;
                        }
                    }
                    return true; // small records: a scan is cheaper than a set
                }
                _names = new HashSet<string>(StringComparer.Ordinal);
                for (int i = 0; i < _count; i++)
                {
                    if (_fields[i].Name is string existing)
                    {
                        _names.Add(existing);
                    }
                }
            }
            return _names.Add(name);
        }

        /// <summary>Appends a member; false when its offset or end does not fit <c>nint</c>.</summary>
        public bool TryAdd(string? name, DataType type)
        {
            if (!TryAlignUp(_offset, type.Alignment, out nint offset) || !TryAddChecked(offset, type.Size, out nint end))
            {
                return false;
            }
            if (_count == _fields.Length)
            {
                Array.Resize(ref _fields, Math.Max(4, _count * 2));
            }
            _fields[_count++] = new RecordField(name, type, offset);
            _offset = end;
            _alignment = Math.Max(_alignment, type.Alignment);
            return true;
        }

        /// <summary>
        /// The record; null when the trailing padding of a struct overflows. <paramref name="entryMode"/> is the
        /// mode in force where it starts, <paramref name="closingMode"/> the mode after the last member.
        /// </summary>
        public RecordType? TryBuild(bool isStruct, FormatMode entryMode, FormatMode closingMode)
        {
            nint size = _offset;
            int alignment = _alignment;
            if (isStruct)
            {
                if (closingMode.IsAligned())
                {
                    if (!TryAlignUp(size, alignment, out size))
                    {
                        return null;
                    }
                }
                else
                {
                    alignment = 1;
                }
            }
            RecordField[] fields = _fields;
            if (_count != fields.Length)
            {
                Array.Resize(ref fields, _count);
            }
            _fields = [];
            _count = 0;
            return new RecordType(ImmutableCollectionsMarshal.AsImmutableArray(fields), isStruct, entryMode, closingMode, size, alignment);
        }
    }
}
