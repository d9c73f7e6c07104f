using System.Numerics;
using System.Runtime.InteropServices;
using BufferProtocol.Formats;
using BufferProtocol.Tests.Formats.CythonTypes;

namespace BufferProtocol.Tests.Formats;

/// <summary>
/// <see cref="ClrFormat.IsCompatible(Type, BufferFormat, nint, out string?, FormatCompatibilityOptions?)"/> against
/// Cython 3's typed-memoryview checker: the vectors C1–C41 of <c>interop-protocols.md</c> §6.3 that have a CLR
/// counterpart (C13 <c>char</c>, C15 <c>long double</c>, C16 <c>object</c> and C42 strides do not), with the fixes of §6.4:
/// C20 (Cython crashes) is an error, C34 (Cython's first-member padding rule) follows C layout, so NumPy's export of
/// an aligned nested struct is refused (it describes <c>z</c> at 15, numpy#7797) and the C layout accepted.
/// </summary>
/// <remarks>
/// Deliberate differences, because the CLR has no sign-agnostic C <c>char</c>: a struct field that is a C <c>char</c>
/// in Cython's test is <see cref="sbyte"/> here, so <c>B</c> against it is refused (Cython: ok) while <c>c</c>, <c>b</c>
/// and <c>1s</c> are accepted, as for Cython's <c>signed char</c>.
/// </remarks>
public class ClrFormatCompatibilityTests
{
    private const string Ok = "";

    public static TheoryData<string, Type, string, int, string> Vectors => new()
    {
        // id, target, format, itemsize (-1: the format's), "" when compatible, else a part of the reason
        { "C1", typeof(int), "i", -1, Ok }, { "C1", typeof(int), "<i", -1, Ok }, { "C1", typeof(int), "=i", -1, Ok },
        { "C1", typeof(int), "@i", -1, Ok }, { "C1", typeof(int), "^i", -1, Ok }, { "C1", typeof(int), "i:x:", -1, Ok },
        { "C1", typeof(int), " i", -1, Ok },
        { "C2", typeof(int), ">i", -1, "Big-endian buffer not supported" }, { "C2", typeof(int), "!i", -1, "Big-endian" },
        { "C3", typeof(int), "I", -1, "expected 'int' but got 'unsigned int'" },
        { "C4", typeof(int), "l", -1, "got 'long'" }, { "C4", typeof(int), "q", -1, "got 'long long'" },
        { "C4", typeof(int), "h", -1, "got 'short'" }, { "C4", typeof(int), "f", -1, "got 'float'" },
        { "C4", typeof(int), "Zf", -1, "got 'complex float'" },
        { "C5", typeof(int), "e", -1, "got 'half'" }, { "C5", typeof(int), "n", -1, "got 'Py_ssize_t'" },
        { "C6", typeof(long), "l", -1, Ok }, { "C6", typeof(long), "q", -1, Ok }, { "C6", typeof(long), "=q", -1, Ok },
        { "C6", typeof(CLong), "l", -1, Ok },
        { "C7", typeof(long), "=l", -1, "expected 'long' but got 'long'" },
        { "C8", typeof(long), "L", -1, "expected 'long' but got 'unsigned long'" },
        { "C9", typeof(long), "q", -1, Ok },
        { "C10", typeof(byte), "B", -1, Ok }, { "C10", typeof(byte), "?", -1, Ok }, { "C10", typeof(byte), "c", -1, Ok },
        { "C11", typeof(byte), "b", -1, "expected 'byte' but got 'signed char'" },
        { "C11", typeof(byte), "s", -1, "got 'a string'" }, { "C11", typeof(byte), "x", -1, "got end" },
        { "C12", typeof(sbyte), "b", -1, Ok }, { "C12", typeof(sbyte), "c", -1, Ok }, { "C12", typeof(sbyte), "s", -1, Ok },
        { "C12", typeof(sbyte), "B", -1, "got 'unsigned char'" },
        { "C14", typeof(Complex), "Zd", -1, Ok }, { "C14", typeof(Complex), "d", -1, "got 'double'" },
        { "C14", typeof(Complex), "2d", -1, "got 'double'" }, { "C14", typeof(Complex), "T{d:re:d:im:}", -1, "got 'double'" },
        { "C14", typeof(Complex), "Zf", -1, "got 'complex float'" },
        { "C17", typeof(S1), "T{i:a:d:b:}", -1, Ok }, { "C17", typeof(S1), "T{i:x:d:y:}", -1, Ok },
        { "C17", typeof(S1), "T{i:a:xxxxd:b:}", -1, Ok }, { "C17", typeof(S1), "T{i:a:4xd:b:}", -1, Ok },
        { "C17", typeof(S1), "id", 16, Ok }, { "C17", typeof(S1), "T{id}", -1, Ok },
        { "C18", typeof(S1), "T{i:a:}", 16, "expected 'double' but got end in 'S1.B'" },
        { "C19", typeof(S1), "T{i:a:d:b:}i", 16, "expected end but got 'int'" },
        { "C19", typeof(S1), "idi", 16, "expected end but got 'int'" },
        { "C20", typeof(S1), "T{i:a:d:b:i:c:}", -1, "expected end but got 'int'" },
        { "C21", typeof(S1), "T{=i:a:d:b:}", 16, "next field is at offset 4 but 8 expected" },
        { "C21", typeof(S1), "T{i:a:=d:b:}", 16, "next field is at offset 4 but 8 expected" },
        { "C21", typeof(S1), "T{<i:a:d:b:}", 16, "next field is at offset 4 but 8 expected" },
        { "C21", typeof(S1), "T{^i:a:d:b:}", 16, "next field is at offset 4 but 8 expected" },
        { "C22", typeof(S1), "T{i:a:d:b:}", 24, "Item size of buffer (24 bytes) does not match size of 'S1' (16 bytes)" },
        { "C23", typeof(S1), "T{i:a:f:b:}", -1, "expected 'double' but got 'float' in 'S1.B'" },
        { "C23", typeof(S1), "T{I:a:d:b:}", -1, "expected 'int' but got 'unsigned int' in 'S1.A'" },
        { "C24", typeof(P1), "T{=i:a:d:b:}", -1, Ok }, { "C24", typeof(P1), "T{^i:a:d:b:}", -1, Ok },
        { "C24", typeof(P1), "T{i:a:=d:b:}", -1, Ok }, { "C24", typeof(P1), "=id", -1, Ok }, { "C24", typeof(P1), "T{<i:a:<d:b:}", -1, Ok },
        { "C25", typeof(P1), "T{i:a:d:b:}", 12, "next field is at offset 8 but 4 expected" },
        { "C26", typeof(S2), "T{c:c:i:i:}", -1, Ok }, { "C26", typeof(S2), "T{b:c:i:i:}", -1, Ok },
        { "C26", typeof(S2), "T{c:c:xxxi:i:}", -1, Ok }, { "C26", typeof(S2), "T{s:c:i:i:}", -1, Ok }, { "C26", typeof(S2), "ci", -1, Ok },
        { "C26", typeof(S2), "T{B:c:i:i:}", -1, "got 'unsigned char'" },
        { "C27", typeof(S2), "T{c:c:=i:i:}", 8, "next field is at offset 1 but 4 expected" },
        { "C28", typeof(Nested), "T{T{c:c:i:i:}:s:h:h:}", -1, Ok }, { "C28", typeof(Nested), "T{c:c:i:i:h:h:}", -1, Ok },
        { "C28", typeof(Nested), "T{T{c:c:i:i:}:s:=h:h:}", 12, Ok },
        { "C29", typeof(Nested), "T{T{c:c:i:i:}:s:xxxxh:h:}", 12, "next field is at offset 12 but 8 expected" },
        { "C30", typeof(Arr), "T{(3)i:a:d:d:}", -1, Ok }, { "C30", typeof(Arr), "T{(3)i:a:xxxxd:d:}", -1, Ok },
        { "C31", typeof(Arr), "T{3i:a:d:d:}", -1, "Expected 1 dimensions, got 0" },
        { "C31", typeof(Arr), "T{iii:a:d:d:}", -1, "Expected 1 dimensions, got 0" },
        { "C32", typeof(Arr), "T{(2)i:a:d:d:}", 24, "Expected a dimension of size 3, got 2" },
        { "C32", typeof(Arr), "T{(3,1)i:a:d:d:}", -1, "Expected 1 dimension(s), got 2" },
        { "C33", typeof(Three), "T{i:x:i:y:i:z:}", -1, Ok }, { "C33", typeof(Three), "T{3i}", -1, Ok },
        { "C33", typeof(Three), "3i", -1, Ok }, { "C33", typeof(Three), "T{2i:x:i:z:}", -1, Ok },
        { "C33", typeof(Three), "T{(3)i}", -1, "Expected 0 dimension(s), got 1" },
        { "C33", typeof(Three), "T{4i}", 12, "expected end but got 'int'" },
        { "C33", typeof(Three), "T{2i}", 12, "expected 'int' but got end in 'Three.Z'" },
        // NumPy's export of an aligned nested struct drops the inner trailing padding and writes the gap after it
        // (numpy#7797): read as C layout — NumPy's own importer included — it puts z at 15. Cython accepts it only
        // through its first-member padding rule, which in turn refuses the correct C layout below.
        { "C34", typeof(Out3), "T{T{b:a:xxxi:b:b:c:}:s:xxxb:z:}", 16, "next field is at offset 15 but 12 expected" },
        { "C34", typeof(Out3), "T{T{b:a:i:b:b:c:}:s:b:z:}", -1, Ok },
        { "C34", typeof(Out3), "T{T{b:a:i:b:b:c:xxx}:s:b:z:}", -1, Ok },
        { "C35", typeof(Str), "T{4s:name:i:v:}", -1, Ok }, { "C35", typeof(Str), "T{(4)c:name:i:v:}", -1, Ok },
        { "C35", typeof(Str), "T{4c:name:i:v:}", -1, "Expected 1 dimensions, got 0" },
        { "C35", typeof(Str), "T{cccc:name:i:v:}", -1, "Expected 1 dimensions, got 0" },
        { "C35", typeof(Str), "T{3s:name:xi:v:}", -1, "Expected a dimension of size 4, got 3" },
        { "C36", typeof(S1), "T{i:a:xxxxd:b:}", -1, Ok },
        { "C36", typeof(S1), "T{i:a:=d:b:}", 16, "next field is at offset 4 but 8 expected" },
        { "C36", typeof(P1), "T{i:a:=d:b:}", -1, Ok },
        { "C37", typeof(P1), "T{>i:a:d:b:}", -1, "Big-endian buffer not supported" },
        { "C37", typeof(int), ">i", -1, "Big-endian buffer not supported" },
        { "C38", typeof(long), "l", -1, Ok }, { "C38", typeof(long), "L", -1, "got 'unsigned long'" },
        { "C39", typeof(Complex), "Zd", -1, Ok }, { "C39", typeof(byte), "?", -1, Ok }, { "C39", typeof(bool), "?", -1, Ok },
        { "C40", typeof(byte), "1s", -1, "got 'a string'" }, { "C40", typeof(double), "e", -1, "got 'half'" },
        { "C41", typeof(int), "=i", -1, Ok },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Cython_vector(string id, Type type, string format, int itemSize, string expected)
    {
        var parsed = BufferFormat.Parse(format);
        bool ok = ClrFormat.IsCompatible(type, parsed, itemSize < 0 ? parsed.ItemSize : itemSize, out string? reason);
        if (expected.Length == 0)
        {
            Assert.True(ok, $"{id}: {type.Name} vs \"{format}\": {reason}");
        }
        else
        {
            Assert.False(ok, $"{id}: {type.Name} vs \"{format}\" should be refused ({expected})");
            Assert.Contains(expected, reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_count_before_a_sub_array_is_not_a_format()
    {
        // C32's "T{2(3)i:a:d:d:}": Cython says "Cannot handle repeated arrays in format string"; here it does not parse.
        Assert.Throws<BufferFormatException>(() => BufferFormat.Parse("T{2(3)i:a:d:d:}"));
    }

    [Fact]
    public void Generic_overloads_and_policies()
    {
        Assert.True(ClrFormat.IsCompatible<S1>(BufferFormat.Parse("T{i:A:4xd:B:}"), out _));
        Assert.True(ClrFormat.IsCompatible<int>(BufferFormat.Parse(">i"), 4, out _, new FormatCompatibilityOptions { AllowNonNativeByteOrder = true }));
        var names = new FormatCompatibilityOptions { CompareNames = true };
        Assert.True(ClrFormat.IsCompatible<S1>(BufferFormat.Parse("T{i:A:d:B:}"), 16, out _, names));
        Assert.False(ClrFormat.IsCompatible<S1>(BufferFormat.Parse("T{i:a:d:b:}"), 16, out string? reason, names));
        Assert.Contains("name", reason, StringComparison.Ordinal);
        // NumPy drops trailing padding from the format (numpy#7797): fewer bytes than the item size are accepted.
        Assert.True(ClrFormat.IsCompatible<Out3>(BufferFormat.Parse("T{=b:a:3xi:b:b:c:3xb:z:}"), 16, out reason), reason);
    }

    [Fact]
    public void Every_struct_is_compatible_with_its_own_format()
    {
        foreach (Type type in new[] { typeof(S1), typeof(P1), typeof(S2), typeof(Nested), typeof(Arr), typeof(Three), typeof(Str), typeof(Out3) })
        {
            var format = BufferFormat.Parse(ClrFormat.Of(type));
            Assert.True(ClrFormat.IsCompatible(type, format, format.ItemSize, out string? reason, new FormatCompatibilityOptions { CompareNames = true }), $"{type.Name}: {reason}");
        }
    }
}
