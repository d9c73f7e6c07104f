using System.Diagnostics;
using BufferProtocol.Formats;

namespace BufferProtocol.Tests.Formats;

/// <summary>
/// Spec-cited tables: expected values are quoted from shared/docs/pep3118-cpython.md (§5, §6.4a) and
/// shared/docs/interop-protocols.md (§1, §3.3, §3.6), which were produced by running CPython 3.11 and NumPy 1.24.
/// </summary>
public class BufferFormatTests
{
    // pep3118-cpython.md §5.2 "Observed sizes" and §5.3, interop-protocols §1.3 struct.calcsize line.
    [Theory]
    [InlineData("ci", 8)]
    [InlineData("@ci", 8)]
    [InlineData("=ci", 5)]
    [InlineData("<ci", 5)]
    [InlineData("ic", 5)]
    [InlineData("bhl", 16)]
    [InlineData("lhb", 11)]
    [InlineData("ce", 4)]
    [InlineData("c3h", 8)]
    [InlineData("xxi", 8)]
    [InlineData("b3xi", 8)]
    [InlineData("!hq", 10)]
    [InlineData("ci0l", 8)]
    [InlineData("c0i", 4)]
    [InlineData("@i0q", 8)]
    [InlineData("<i0l", 4)]
    [InlineData("ib", 5)]
    [InlineData("bi", 8)]
    [InlineData("ix0i", 8)]
    [InlineData("n", 8)]
    [InlineData("P", 8)]
    [InlineData("e", 2)]
    [InlineData("", 0)]
    [InlineData("0i", 0)]
    [InlineData("xi", 8)]
    [InlineData("9223372036854775807x", 9223372036854775807)]
    public void Struct_sizes(string format, long size)
    {
        BufferFormat parsed = BufferFormat.Parse(format);
        Assert.Equal(size, parsed.ItemSize);
        Assert.True(parsed.IsStructCompatible);
        Assert.Equal(size, BufferFormat.SizeFromFormat(format));
    }

    // pep3118-cpython.md §6.4a offset table.
    [Theory]
    [InlineData("cid", new long[] { 0, 4, 8 }, 16)]
    [InlineData("@bhlq", new long[] { 0, 2, 8, 16 }, 24)]
    [InlineData("=bhlq", new long[] { 0, 1, 3, 7 }, 15)]
    [InlineData("c3si0q", new long[] { 0, 1, 4, 8 }, 8)]
    [InlineData("bxh?e", new long[] { 0, 1, 2, 4, 6 }, 8)]
    public void Struct_offsets(string format, long[] offsets, long size)
    {
        BufferFormat parsed = BufferFormat.Parse(format);
        Assert.Equal(offsets, parsed.Fields.Select(f => (long)f.Offset));
        Assert.Equal(size, parsed.ItemSize);
    }

    // interop-protocols §3.6: NumPy's record layouts (offsets, and itemsize for T{...}).
    [Theory]
    [InlineData("T{i:a:d:b:}", "a@0 b@8", 16)]                                            // I18
    [InlineData("T{=i:a:d:b:}", "a@0 b@4", 12)]                                           // I19
    [InlineData("T{d:a:b:b:}", "a@0 b@8", 16)]                                            // I20
    [InlineData("T{T{b:x:i:y:}:inner:b:z:}", "inner@0 z@8", 12)]                          // I22
    [InlineData("T{b:a:xxxi:b:T{b:f0:=i:f1:}:sub:xxxi:c:}", "a@0 _@1 _@2 _@3 b@4 sub@8 _@13 _@14 _@15 c@16", 20)] // I47
    [InlineData("T{b:a:xxxi:b:3b:c:xi:d:}", "a@0 _@1 _@2 _@3 b@4 c@8 _@11 d@12", 16)]     // I48
    [InlineData("T{Zd:z:?:flag:}", "z@0 flag@16", 24)]                                    // I49
    [InlineData("T{e:h:Zf:c:}", "h@0 c@4", 12)]                                           // I50
    [InlineData(">T{h:a:d:b:}", "a@0 b@2", 10)]                                           // I51
    [InlineData("T{>h:a:d:b:}", "a@0 b@2", 10)]                                           // I51
    [InlineData("T{>h:a:@d:b:}", "a@0 b@8", 16)]                                          // I52
    [InlineData("T{3s:name:i:v:}", "name@0 v@4", 8)]                                      // I53
    [InlineData("T{(2,2)d:m:i:n:}", "m@0 n@32", 40)]                                      // I54
    [InlineData("T{i:a:8x}", "a@0 _@4", 12)]                                              // I46
    [InlineData("T{b:a:h:b:^l:c:q:d:}", "a@0 b@2 c@4 d@12", 20)]                          // §5.6
    public void NumPy_record_layouts(string format, string fields, long size)
    {
        BufferFormat parsed = BufferFormat.Parse(format);
        Assert.Equal(fields, string.Join(" ", parsed.Fields.Select(f => $"{f.Name ?? "_"}@{f.Offset}")));
        Assert.Equal(size, parsed.ItemSize);
    }

    // interop-protocols §1.1 and §3.3 rule 1: a prefix inside T{} stays in force after '}' (I33, I34, I35).
    [Theory]
    [InlineData("@T{^i}xi", 5, 9)]
    [InlineData("T{<b:a:}i:b:", 1, 5)]
    [InlineData("T{b:a:}i:b:", 4, 8)]
    public void Byte_order_prefix_is_sticky_across_braces(string format, long lastOffset, long size)
    {
        BufferFormat parsed = BufferFormat.Parse(format);
        Assert.Equal(lastOffset, parsed.Fields[^1].Offset);
        Assert.Equal(size, AlignedLikeNumPy(parsed));
        var last = (LeafType)parsed.Fields[^1].ElementType;
        Assert.Equal(format == "T{<b:a:}i:b:" ? FormatMode.LittleEndian : format == "@T{^i}xi" ? FormatMode.NativeUnaligned : FormatMode.Native, last.Mode);
    }

    // Where struct and NumPy differ by design: a top-level item list has no trailing padding (struct: 'ib' = 5,
    // NumPy: 8); a T{...} does (interop-protocols §1.3, I14, I45, I65).
    [Theory]
    [InlineData("ib", 5, 8)]
    [InlineData("ix", 5, 8)]
    [InlineData("q:a:xxxx", 12, 16)]
    [InlineData("^ix", 5, 5)]
    [InlineData("i7x", 11, 12)]
    public void Top_level_follows_struct_and_differs_from_NumPy_only_by_trailing_padding(string format, long ours, long numpy)
    {
        BufferFormat parsed = BufferFormat.Parse(format);
        Assert.Equal(ours, parsed.ItemSize);
        Assert.Equal(numpy, AlignedLikeNumPy(parsed));
        Assert.Equal(8, BufferFormat.Parse("T{i:a:b:b:}").ItemSize);
    }

    [Fact]
    public void Scalars_expose_what_an_item_codec_needs()
    {
        var l = (ScalarType)BufferFormat.Parse("l").Root;
        Assert.Equal((ScalarKind.SignedInteger, 8, 8, true), (l.Kind, (int)l.Size, l.Alignment, l.IsNativeSize)); // LP64
        var stdL = (ScalarType)BufferFormat.Parse("<l").Root;
        Assert.Equal((4, 1, false, ByteOrder.LittleEndian), ((int)stdL.Size, stdL.Alignment, stdL.IsNativeSize, stdL.ByteOrder));
        var big = (ScalarType)BufferFormat.Parse("!H").Root;
        Assert.Equal((ScalarKind.UnsignedInteger, ByteOrder.BigEndian, FormatMode.BigEndian), (big.Kind, big.ByteOrder, big.Mode));
        var zd = (ScalarType)BufferFormat.Parse("Zd").Root;
        Assert.Equal((ScalarKind.Complex, 'd', "Zd", 16, 8), (zd.Kind, zd.Code, zd.Token, (int)zd.Size, zd.Alignment));
        var s = (StringType)BufferFormat.Parse("5s").Root;
        Assert.Equal((ScalarKind.Bytes, 5, 5, 1), (s.Kind, (int)s.Length, (int)s.Size, s.CodeUnitSize));
        var w = (StringType)BufferFormat.Parse("3w").Root;
        Assert.Equal((ScalarKind.Ucs4, 3, 12, 4), (w.Kind, (int)w.Length, (int)w.Size, w.CodeUnitSize));
        var p = (PointerType)BufferFormat.Parse("&<i").Root;
        Assert.Equal((ScalarKind.Pointer, FormatMode.LittleEndian), (p.Kind, ((LeafType)p.Target).Mode));
        var o = (ObjectType)BufferFormat.Parse("O").Root;
        Assert.Equal(ScalarKind.Object, o.Kind);
        var bits = (BitFieldType)BufferFormat.Parse("12t").Root;
        Assert.Equal((12, 2), ((int)bits.BitCount, (int)bits.Size));
        var fn = (FunctionPointerType)BufferFormat.Parse("X{ii->d}").Root;
        Assert.Equal((2, "d"), (fn.Arguments.Fields.Length, fn.ReturnType!.ToString()));
        var g = (ScalarType)BufferFormat.Parse("g").Root;
        Assert.Equal((16, 16), ((int)g.Size, g.Alignment)); // x87 long double, interop-protocols §0
    }

    [Fact]
    public void Repeat_counts_and_shapes_are_sub_arrays()
    {
        var repeat = (SubArrayType)BufferFormat.Parse("3i").Root;
        Assert.True(repeat.IsRepeat);
        Assert.Equal(12, repeat.Size);
        var shape = (SubArrayType)BufferFormat.Parse("(2,3)i").Root;
        Assert.False(shape.IsRepeat);
        Assert.Equal([2, 3], shape.Shape.Select(e => (int)e));
        Assert.NotEqual(BufferFormat.Parse("3i"), BufferFormat.Parse("(3)i"));
        Assert.NotEqual(BufferFormat.Parse("2i"), BufferFormat.Parse("ii"));
        FormatField field = BufferFormat.Parse("T{(2)3i:a:}").Fields[0];
        Assert.Equal(("a", "i", 24), (field.Name, field.Format, (int)field.Size));
        Assert.Equal([2, 3], field.Shape!.Value.Select(e => (int)e));
    }

    [Theory]
    [InlineData("ii", "i i")]
    [InlineData("ii", "@ii")]
    [InlineData("ii", "1i1i")]
    [InlineData("!h", ">h")]
    [InlineData("<i<h", "<ih")]
    [InlineData("T{i:a:}", "T{ i :a: }")]
    [InlineData("(2,3)i", "( 2 , 3 )i")]
    public void Equal_formats(string a, string b)
    {
        Assert.Equal(BufferFormat.Parse(a), BufferFormat.Parse(b));
        Assert.Equal(BufferFormat.Parse(a).GetHashCode(), BufferFormat.Parse(b).GetHashCode());
    }

    [Theory]
    [InlineData("=i", "<i")]
    [InlineData("T{i:a:}", "T{i:b:}")]
    [InlineData("T{i:a:}", "i:a:")]
    [InlineData("=T{}i", "T{}=i")] // the prefix before the empty struct is in force at its '}'
    public void Unequal_formats(string a, string b) => Assert.NotEqual(BufferFormat.Parse(a), BufferFormat.Parse(b));

    // The error positions are 0-based indexes into the text.
    [Theory]
    [InlineData("99999999999999999999b", 0)]
    [InlineData("i99999999999999999999b", 1)]
    [InlineData("2", 0)]
    [InlineData("ii2", 2)]
    [InlineData("2 i", 1)]
    [InlineData("iy", 1)]
    [InlineData("T{i:a:", 6)]
    [InlineData("T{i:a}", 3)]
    [InlineData("T{i:a:i:a:}", 8)]
    [InlineData("i}", 1)]
    [InlineData("Zi", 0)]
    [InlineData("(2,)i", 3)]
    [InlineData("()i", 1)]
    [InlineData("i<", 2)]
    [InlineData("T{i<}", 4)]
    [InlineData(":a:", 0)]
    [InlineData("3(2)i", 1)]
    [InlineData("X{i-d}", 3)]
    [InlineData("i\0", 1)]
    [InlineData("9223372036854775807xx", 20)]
    [InlineData("T{d9223372036854775800x}", 3)]
    public void Errors_name_the_position(string format, int position)
    {
        var e = Assert.Throws<BufferFormatException>(() => BufferFormat.Parse(format));
        Assert.Equal(position, e.Position);
        Assert.Equal(format, e.Format);
        Assert.Contains($"position {position}", e.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<FormatException>(e);
        Assert.False(BufferFormat.TryParse(format, out BufferFormat? none));
        Assert.Null(none);
    }

    [Theory]
    [InlineData("T{i}", "bad char in struct format", 0)]
    [InlineData(" <i", "bad char in struct format", 1)]
    [InlineData("i:a:", "bad char in struct format", 1)]
    [InlineData("2", "repeat count given without format specifier", 0)]
    [InlineData("99999999999999999999i", "total struct size too long", 0)]
    public void SizeFromFormat_is_struct_calcsize(string format, string message, int position)
    {
        var e = Assert.Throws<BufferFormatException>(() => BufferFormat.SizeFromFormat(format));
        Assert.Equal((message, position), (e.Problem, e.Position));
    }

    [Fact]
    public void Nesting_is_bounded()
    {
        string ok = string.Concat(Enumerable.Repeat("T{", 64)) + "i" + new string('}', 64);
        Assert.Equal(4, BufferFormat.Parse(ok).ItemSize);
        string deep = string.Concat(Enumerable.Repeat("T{", 10_000)) + "i" + new string('}', 10_000);
        var e = Assert.Throws<BufferFormatException>(() => BufferFormat.Parse(deep));
        Assert.Equal(64 * 2, e.Position);
        Assert.Throws<BufferFormatException>(() => BufferFormat.Parse(new string('&', 10_000) + "i"));
        Assert.Throws<BufferFormatException>(() => BufferFormat.Parse(string.Concat(Enumerable.Repeat("(1)", 10_000)) + "i"));
        Assert.Throws<BufferFormatException>(() => BufferFormat.Parse(string.Concat(Enumerable.Repeat("X{", 10_000))));
    }

    [Fact]
    public void Parse_caches_and_keeps_the_text()
    {
        Assert.Same(BufferFormat.Parse("T{i:cached:}"), BufferFormat.Parse("T{i:cached:}"));
        Assert.Equal(" i ", BufferFormat.Parse(" i ").Text);
        Assert.Equal(" i ", BufferFormat.Parse(" i ").ToString());
        Assert.Throws<ArgumentNullException>(() => BufferFormat.Parse((string)null!));
        Assert.False(BufferFormat.TryParse(null, out _));
        Assert.Equal(BufferFormat.Parse("<i"), BufferFormat.Parse("<i".AsSpan()));
    }

    // interop-protocols §2.3 export vectors, given as the formats NumPy's importer reads into those dtypes.
    [Theory]
    [InlineData("T{^i:a:^d:b:}", "T{i:a:=d:b:}")]              // E22
    [InlineData("T{i:a:d:b:}", "T{i:a:xxxxd:b:}")]             // E23
    [InlineData("T{>h:x:<h:y:^h:z:}", "T{>h:x:@h:y:h:z:}")]    // E25
    [InlineData("T{^B:c:q:l:}", "T{B:c:=q:l:}")]               // E43 (NumPy reads '^q' as long long: 'q')
    [InlineData("T{B:c:^l:l:}", "T{B:c:=q:l:}")]               // E43
    [InlineData("T{B:a:d:b:B:c:}", "T{B:a:xxxxxxxd:b:B:c:}")]  // E44
    [InlineData("3i", "i")]                                     // E30: sub-array extents move into the shape
    [InlineData("T{i:a:8x}", "T{i:a:}")]                        // E37: trailing padding lost (numpy#7797)
    [InlineData("i", "i")]
    [InlineData(">q", ">q")]
    [InlineData("<q", "l")]
    [InlineData("S", null)]
    public void NumPy_export_strings(string format, string? expected)
    {
        if (!BufferFormat.TryParse(format, out BufferFormat? parsed))
        {
            Assert.Null(expected);
            return;
        }
        Assert.Equal(expected, parsed.ToNumPyString());
    }

    [Theory]
    [InlineData("n")]
    [InlineData("P")]
    [InlineData("&i")]
    [InlineData("X{}")]
    [InlineData("u")]
    [InlineData("5p")]
    [InlineData("3t")]
    [InlineData(">g")]
    [InlineData("<Zg")]
    public void NumPy_cannot_export(string format)
    {
        BufferFormat parsed = BufferFormat.Parse(format);
        Assert.False(parsed.TryToNumPyString(out _, out string? reason));
        Assert.False(string.IsNullOrEmpty(reason));
        Assert.Throws<NotSupportedException>(() => parsed.ToNumPyString());
    }

    private static long AlignedLikeNumPy(BufferFormat format) =>
        format.Root is RecordType { IsStruct: false } list && list.ClosingMode == FormatMode.Native
            ? (format.ItemSize + format.Alignment - 1) / format.Alignment * format.Alignment
            : format.ItemSize;
}

/// <summary>
/// Huge inputs (a 1 MB format string, half a million nested <c>T{</c>) parse or fail with the format exception,
/// without a stack overflow or a hang.
/// </summary>
public class HugeFormatTests
{
    public static TheoryData<string, long> Megabyte_formats() => new()
    {
        { "i x 2^20", 4L << 20 },
        { "d:name: x 100000", 800_000 },
        { "zeros then 4i", 16 },
        { "nines then i", -1 },
        { "unclosed name", -1 },
        { "open parens", -1 },
        { "T{ x 2^19", -1 },
    };

    [Theory]
    [MemberData(nameof(Megabyte_formats))]
    public void A_megabyte_format_parses_or_fails_fast(string kind, long size)
    {
        string text = kind switch
        {
            "i x 2^20" => new string('i', 1 << 20),
            "d:name: x 100000" => string.Concat(Enumerable.Range(0, 100_000).Select(i => $"d:n{i}:")),
            "zeros then 4i" => new string('0', 1 << 20) + "4i",
            "nines then i" => new string('9', 1 << 20) + "i",
            "unclosed name" => "T{i:" + new string('a', 1 << 20),
            "open parens" => new string('(', 1 << 20),
            _ => string.Concat(Enumerable.Repeat("T{", 1 << 19)),
        };
        GC.Collect();
        var watch = Stopwatch.StartNew();
        if (size >= 0)
        {
            Assert.Equal(size, BufferFormat.Parse(text).ItemSize);
        }
        else
        {
            Assert.Throws<BufferFormatException>(() => BufferFormat.Parse(text));
        }
        // Not a speed test (speed lives in FormatBenchmarks): a guard against hangs and quadratic blow-ups, which on
        // 2^20 characters would take hours. Parsing takes about 0.1 s; the limit leaves room for any machine load.
        Assert.InRange(watch.Elapsed.TotalSeconds, 0, 120);
    }
}
