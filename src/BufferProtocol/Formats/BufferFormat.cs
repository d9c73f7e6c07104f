using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using BufferProtocol.Formats.Internals;

namespace BufferProtocol.Formats;

/// <summary>
/// A parsed PEP 3118 format string: the immutable description of one item of a buffer — its size, alignment,
/// members with offsets, and the descriptor tree (<see cref="Root"/>) an item codec works from.
/// </summary>
/// <remarks>
/// <para>
/// Accepts the whole PEP 3118 grammar: the <c>struct</c> codes <c>x c b B ? h H i I l L q Q n N e f d s p P</c>, the
/// prefixes <c>@ = &lt; &gt; !</c> and <c>^</c> anywhere (sticky across <c>T{}</c>, as in NumPy and Cython), repeat
/// counts (including 0), whitespace between items, <c>t g Zf Zd Zg &amp; O u w</c>, <c>T{...}</c>, <c>:name:</c>,
/// <c>(k1,k2,...)</c> and <c>X{...}</c>. See <c>docs/formats.md</c> for the grammar and layout rules.
/// </para>
/// <para>
/// Layout: a format without <c>T{}</c> is laid out exactly as CPython's <c>struct.calcsize</c> does (no trailing
/// padding); every <c>T{...}</c> is laid out as a C struct, exactly as NumPy's <c>_dtype_from_pep3118</c> does.
/// </para>
/// <para>
/// Instances are immutable, thread-safe and compare by value (<see cref="Root"/>), not by text:
/// <c>"ii"</c> equals <c>"i i"</c> and <c>"@ii"</c>, but not <c>"2i"</c>. <see cref="Parse(string)"/> caches recent results.
/// </para>
/// </remarks>
public sealed class BufferFormat : IEquatable<BufferFormat>
{
    private const int CacheCapacity = 512;
    private const int MaxCachedLength = 256;
    private static readonly ConcurrentDictionary<string, BufferFormat> Cache = new(StringComparer.Ordinal);

    private ImmutableArray<FormatField> _fields;
    private string? _canonical;

    private BufferFormat(string text, DataType root, bool isStructCompatible)
    {
        Text = text;
        Root = root;
        IsStructCompatible = isStructCompatible;
    }

    /// <summary>The format text exactly as given.</summary>
    public string Text { get; }

    /// <summary>
    /// The descriptor tree. A format with a single unnamed item is that item's type (<c>"i"</c> → a
    /// <see cref="ScalarType"/>, <c>"T{...}"</c> → a struct <see cref="RecordType"/>, <c>"3i"</c> → a
    /// <see cref="SubArrayType"/>); any other format is a <see cref="RecordType"/> with
    /// <see cref="RecordType.IsStruct"/> false holding the top-level items.
    /// </summary>
    public DataType Root { get; }

    /// <summary>The size of one item in bytes (<c>Py_buffer.itemsize</c>).</summary>
    public nint ItemSize => Root.Size;

    /// <summary>The alignment the item's first byte needs: the largest alignment of the items laid out in <c>@</c> mode (1 if none).</summary>
    public int Alignment => Root.Alignment;

    /// <summary>
    /// True when CPython's <c>struct</c> module accepts the text (a prefix only as the first character, only the
    /// struct codes, <c>n N P</c> only in native mode, no whitespace between a count and its code). Equality of
    /// memoryviews and <see cref="SizeFromFormat"/> go through <c>struct</c>, so they depend on this.
    /// </summary>
    public bool IsStructCompatible { get; }

    /// <summary>
    /// The members of the item: the members of a top-level <c>T{...}</c>; otherwise each top-level item (unnamed
    /// padding included). Each entry gives name, offset, size, element format and sub-array shape.
    /// </summary>
    public ImmutableArray<FormatField> Fields
    {
        get
        {
            if (_fields.IsDefault)
            {
                ImmutableArray<RecordField> members = Root is RecordType record
                    ? record.Fields
                    : [new RecordField(null, Root, 0)];
                var fields = ImmutableArray.CreateBuilder<FormatField>(members.Length);
                foreach (RecordField member in members)
                {
                    fields.Add(new FormatField(member));
                }
                ImmutableInterlocked.InterlockedInitialize(ref _fields, fields.MoveToImmutable());
            }
            return _fields;
        }
    }

    /// <summary>Parses a format string.</summary>
    /// <param name="format">The format text.</param>
    /// <returns>The parsed format (possibly a cached instance).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="format"/> is null.</exception>
    /// <exception cref="BufferFormatException">The text is not a valid format; the exception gives the position and the problem.</exception>
    public static BufferFormat Parse(string format)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (!TryParseCore(format, out BufferFormat? result, out int position, out string? problem))
        {
            ThrowHelper.ThrowBufferFormatException(problem!, format, position);
        }
        return result;
    }

    /// <summary>Parses a format string held in a span.</summary>
    /// <param name="format">The format text.</param>
    /// <exception cref="BufferFormatException">The text is not a valid format.</exception>
    public static BufferFormat Parse(ReadOnlySpan<char> format) => Parse(format.ToString());

    /// <summary>Parses a format string without throwing.</summary>
    /// <param name="format">The format text (null gives false).</param>
    /// <param name="result">The parsed format, or null.</param>
    /// <returns>True when the text is a valid format.</returns>
    public static bool TryParse([NotNullWhen(true)] string? format, [NotNullWhen(true)] out BufferFormat? result)
    {
        if (format is null)
        {
            result = null;
            return false;
        }
        return TryParseCore(format, out result, out _, out _);
    }

    /// <summary>
    /// <c>PyBuffer_SizeFromFormat</c> (= <c>struct.calcsize</c>): the item size of a format in CPython's
    /// <c>struct</c> grammar. PEP 3118 extensions (<c>T{}</c>, <c>Zd</c>, <c>:name:</c>, …) are errors here.
    /// </summary>
    /// <param name="format">The format text.</param>
    /// <returns>The size in bytes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="format"/> is null.</exception>
    /// <exception cref="BufferFormatException">The text is not a <c>struct</c> format (CPython's message and the position).</exception>
    public static nint SizeFromFormat(string format)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (!StructFormat.TryGetSize(format, out nint size, out int position, out string? problem))
        {
            ThrowHelper.ThrowBufferFormatException(problem!, format, position);
        }
        return size;
    }

    /// <summary>
    /// The canonical text: parsing it gives an equal format. No whitespace; a prefix only where the mode changes
    /// (placed after sub-array shapes); counts only where they are not 1; <c>!</c> written as <c>&gt;</c>.
    /// </summary>
    public string ToCanonicalString() => _canonical ??= FormatWriter.WriteRoot(Root);

    /// <summary>
    /// The format string NumPy 1.24 exports (<c>memoryview(array).format</c>) for a C-contiguous, aligned array of
    /// several of these items: the layout read as NumPy's importer would read it, written as NumPy's exporter writes.
    /// </summary>
    /// <remarks>
    /// NumPy drops trailing padding (numpy#7797), writes one <c>x</c> per gap byte, names unnamed members
    /// <c>f0, f1, …</c>, writes 64-bit integers as <c>l</c> when aligned and native (C <c>long</c>) but as <c>q</c>
    /// otherwise, and moves sub-array extents of the whole item into the array shape (<c>"3i"</c> exports <c>"i"</c>).
    /// </remarks>
    /// <exception cref="NotSupportedException">NumPy has no dtype for the layout (<c>n N P p u t &amp; X</c>, standard-size <c>g</c>, …).</exception>
    public string ToNumPyString()
    {
        if (!TryToNumPyString(out string? result, out string? reason))
        {
            ThrowHelper.ThrowNotSupported_NotNumPyRepresentable(reason!);
        }
        return result;
    }

    /// <summary>Like <see cref="ToNumPyString()"/>, without throwing.</summary>
    /// <param name="result">The NumPy format string, or null.</param>
    /// <param name="reason">Why NumPy cannot export the layout, or null.</param>
    /// <returns>True when NumPy can export the layout.</returns>
    public bool TryToNumPyString([NotNullWhen(true)] out string? result, [NotNullWhen(false)] out string? reason)
    {
        ReadOnlySpan<nint> shape = [2];
        ReadOnlySpan<nint> strides = [ItemSize];
        return TryToNumPyString(0, shape, strides, out result, out reason);
    }

    /// <summary>
    /// The format string NumPy 1.24 exports for an array of these items at <paramref name="dataAddress"/> with the
    /// given shape and byte strides: whether a leaf counts as aligned depends on the address, its offset and the
    /// strides of every axis longer than 1 (NumPy's <c>_is_natively_aligned_at</c>).
    /// </summary>
    /// <param name="dataAddress">The address of the first item (only its remainder modulo the alignments matters).</param>
    /// <param name="shape">The array shape (empty for a 0-d array).</param>
    /// <param name="strides">The byte strides, one per axis.</param>
    /// <exception cref="ArgumentException"><paramref name="shape"/> and <paramref name="strides"/> differ in length.</exception>
    /// <exception cref="NotSupportedException">NumPy has no dtype for the layout.</exception>
    public string ToNumPyString(nint dataAddress, ReadOnlySpan<nint> shape, ReadOnlySpan<nint> strides)
    {
        if (!TryToNumPyString(dataAddress, shape, strides, out string? result, out string? reason))
        {
            ThrowHelper.ThrowNotSupported_NotNumPyRepresentable(reason);
        }
        return result;
    }

    /// <summary>Like <see cref="ToNumPyString(nint, ReadOnlySpan{nint}, ReadOnlySpan{nint})"/>, without throwing for unrepresentable layouts.</summary>
    /// <param name="dataAddress">The address of the first item.</param>
    /// <param name="shape">The array shape.</param>
    /// <param name="strides">The byte strides, one per axis.</param>
    /// <param name="result">The NumPy format string, or null.</param>
    /// <param name="reason">Why NumPy cannot export the layout, or null.</param>
    /// <exception cref="ArgumentException"><paramref name="shape"/> and <paramref name="strides"/> differ in length.</exception>
    public bool TryToNumPyString(nint dataAddress, ReadOnlySpan<nint> shape, ReadOnlySpan<nint> strides,
        [NotNullWhen(true)] out string? result, [NotNullWhen(false)] out string? reason)
    {
        if (shape.Length != strides.Length)
        {
            ThrowHelper.ThrowArgumentException("shape and strides must have the same length", nameof(strides));
        }
        result = NumPyExport.TryWrite(Root, dataAddress, shape, strides, out reason);
        if (result is null)
        {
            reason ??= "NumPy cannot export this layout";
            return false;
        }
        reason = null;
        return true;
    }

    /// <summary>True when <paramref name="other"/> describes the same item (equal <see cref="Root"/>), whatever its text.</summary>
    /// <param name="other">Another format, or null.</param>
    public bool Equals([NotNullWhen(true)] BufferFormat? other) => other is not null && (ReferenceEquals(this, other) || Root.Equals(other.Root));

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => Equals(obj as BufferFormat);

    /// <inheritdoc/>
    public override int GetHashCode() => Root.GetHashCode();

    /// <summary>The format text as given (<see cref="Text"/>).</summary>
    public override string ToString() => Text;

    private static bool TryParseCore(string format, [NotNullWhen(true)] out BufferFormat? result, out int position, out string? problem)
    {
        if (Cache.TryGetValue(format, out result))
        {
            position = 0;
            problem = null;
            return true;
        }
        if (!TryCreate(format, out result, out position, out problem))
        {
            return false;
        }
        if (format.Length <= MaxCachedLength)
        {
            if (Cache.Count >= CacheCapacity)
            {
                Cache.Clear();
            }
            Cache.TryAdd(format, result);
        }
        return true;
    }

    /// <summary>Parses without the cache (benchmarks measure this).</summary>
    internal static bool TryCreate(string format, [NotNullWhen(true)] out BufferFormat? result, out int position, out string? problem)
    {
        DataType? root = FormatParser.Parse(format, out position, out problem);
        if (root is null)
        {
            result = null;
            return false;
        }
        result = new BufferFormat(format, root, StructFormat.TryGetSize(format, out _, out _, out _));
        return true;
    }
}
