using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using BufferProtocol.Formats;
using BufferProtocol.Tests.Formats.CythonTypes;

namespace BufferProtocol.Tests.Formats;

/// <summary>
/// <see cref="ClrFormat"/>: the format of primitives and structs (offsets and size exactly the runtime's), the CLR type
/// of a format, and item values through <see cref="ItemCodec"/> agreeing with the struct's own fields.
/// </summary>
public unsafe class ClrFormatTests
{
    public struct BoolChar
    {
        public byte A;
        public bool B;
        public char C;
        public int D;
    }

    [InlineArray(3)]
    public struct Buf3
    {
        private int _element;
    }

    [InlineArray(2)]
    public struct Matrix2x3
    {
        private Buf3 _row;
    }

    public struct WithInline
    {
        public Buf3 Values;
        public byte Tag;
    }

    [StructLayout(LayoutKind.Explicit)]
    public struct Union
    {
        [FieldOffset(0)] public int I;
        [FieldOffset(0)] public float F;
    }

    [StructLayout(LayoutKind.Explicit, Size = 16)]
    public struct Gaps
    {
        [FieldOffset(1)] public byte A;
        [FieldOffset(4)] public int B;
        [FieldOffset(10)] public short C;
    }

    [StructLayout(LayoutKind.Explicit, Size = 7)]
    public struct Misaligned
    {
        [FieldOffset(1)] public int A;
        [FieldOffset(5)] public short B;
    }

    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    public struct PackedOuter
    {
        public byte A;
        public S1 S;
    }

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    public struct Pack4
    {
        public long A;
        public int B;
    }

    public record struct Point(double X, double Y);

    public enum Color : byte
    {
        Red,
    }

    public struct Mixed
    {
        public Color Color;
        public Complex Z;
        public CLong L;
        public Half H;
        public Rune R;
        public nint N;
    }

    public struct Pointers
    {
        public int* P;
        public void* V;
        public delegate* unmanaged<int, void> F;
    }

    public struct Empty
    {
    }

    public struct Particle
    {
        public Vector3 Pos;
        public float Mass;
        public fixed byte Tag[4];
        public bool Live;
    }

    public struct WithRef
    {
        public string Name;
    }

    [Theory]
    [InlineData(typeof(sbyte), "b")]
    [InlineData(typeof(byte), "B")]
    [InlineData(typeof(short), "h")]
    [InlineData(typeof(ushort), "H")]
    [InlineData(typeof(int), "i")]
    [InlineData(typeof(uint), "I")]
    [InlineData(typeof(long), "q")]
    [InlineData(typeof(ulong), "Q")]
    [InlineData(typeof(nint), "n")]
    [InlineData(typeof(nuint), "N")]
    [InlineData(typeof(Half), "e")]
    [InlineData(typeof(float), "f")]
    [InlineData(typeof(double), "d")]
    [InlineData(typeof(bool), "?")]
    [InlineData(typeof(char), "u")]
    [InlineData(typeof(Rune), "w")]
    [InlineData(typeof(Complex), "Zd")]
    [InlineData(typeof(CLong), "l")]
    [InlineData(typeof(CULong), "L")]
    [InlineData(typeof(Color), "B")]
    [InlineData(typeof(DayOfWeek), "i")]
    [InlineData(typeof(int*), "&i")]
    [InlineData(typeof(void*), "P")]
    [InlineData(typeof(S1), "T{i:A:4xd:B:}")]
    [InlineData(typeof(P1), "T{i:A:^d:B:}")]
    [InlineData(typeof(S2), "T{b:C:3xi:I:}")]
    [InlineData(typeof(Nested), "T{T{b:C:3xi:I:}:S:h:H:2x}")]
    [InlineData(typeof(Arr), "T{(3)i:A:4xd:D:}")]
    [InlineData(typeof(Three), "T{i:X:i:Y:i:Z:}")]
    [InlineData(typeof(Str), "T{(4)B:Name:i:V:}")]
    [InlineData(typeof(BoolChar), "T{B:A:?:B:u:C:i:D:}")]
    [InlineData(typeof(Buf3), "(3)i")]
    [InlineData(typeof(Matrix2x3), "(2,3)i")]
    [InlineData(typeof(WithInline), "T{(3)i:Values:B:Tag:3x}")]
    [InlineData(typeof(Gaps), "T{1xB:A:2xi:B:2xh:C:4x}")]
    [InlineData(typeof(PackedOuter), "T{B:A:^T{@i:A:4xd:B:^0x}:S:}")]
    [InlineData(typeof(Point), "T{d:X:d:Y:}")]
    [InlineData(typeof(Pointers), "T{&i:P:P:V:X{}:F:}")]
    [InlineData(typeof(Empty), "T{1x}")]
    [InlineData(typeof(Particle), "T{T{f:X:f:Y:f:Z:}:Pos:f:Mass:(4)B:Tag:?:Live:3x}")]
    public void Format_of_a_type(Type type, string expected)
    {
        Assert.Equal(expected, ClrFormat.Of(type));
        Assert.Equal(SizeOf(type), BufferFormat.Parse(expected).ItemSize);
    }

    public static TheoryData<Type> Structs => new()
    {
        typeof(S1), typeof(P1), typeof(S2), typeof(Nested), typeof(Arr), typeof(Three), typeof(Str), typeof(BoolChar),
        typeof(WithInline), typeof(Gaps), typeof(Misaligned), typeof(PackedOuter), typeof(Pack4), typeof(Point),
        typeof(Mixed), typeof(Pointers), typeof(Empty), typeof(Guid), typeof(DateTime), typeof(ValueTuple<byte, long, short>),
        typeof(KeyValuePair<int, double>),
    };

    [Theory]
    [MemberData(nameof(Structs))]
    public void Struct_formats_have_the_struct_size_and_field_offsets(Type type)
    {
        var format = BufferFormat.Parse(ClrFormat.Of(type));
        Assert.Equal(SizeOf(type), format.ItemSize);
        var fields = type.GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic);
        var members = format.Fields.Where(f => f.ElementType is not PaddingType).ToArray();
        Assert.Equal(fields.Length, members.Length);
        foreach (var field in fields)
        {
            string name = field.Name.StartsWith('<') ? field.Name[1..field.Name.IndexOf('>')] : field.Name;
            var member = members.Single(m => m.Name == name);
            Assert.Equal(SizeOf(field.FieldType), member.Size);
        }
        Assert.True(ClrFormat.IsCompatible(type, format, format.ItemSize, out string? reason), reason);
    }

    [Fact]
    public void Field_offsets_are_the_runtime_offsets()
    {
        var value = new Misaligned { A = 0x11223344, B = 0x5566 };
        var format = BufferFormat.Parse(ClrFormat.Of<Misaligned>());
        Assert.Equal(1, format.Fields.Single(f => f.Name == "A").Offset);
        Assert.Equal(5, format.Fields.Single(f => f.Name == "B").Offset);
        var record = Assert.IsType<BufferRecord>(ItemCodec.For(format).Read(AsBytes(ref value)));
        Assert.Equal(0x11223344, record["A"]);
        Assert.Equal((short)0x5566, record["B"]);
    }

    [Fact]
    public void Codec_reads_and_writes_structs_as_the_runtime_lays_them_out()
    {
        var value = new BoolChar { A = 7, B = true, C = 'é', D = -3 };
        var codec = ItemCodec.For(BufferFormat.Parse(ClrFormat.Of<BoolChar>()));
        var record = Assert.IsType<BufferRecord>(codec.Read(AsBytes(ref value)));
        Assert.Equal(BufferRecord.Create(("A", (byte)7), ("B", true), ("C", 'é'), ("D", -3)), record);

        var nested = default(Nested);
        codec = ItemCodec.For(BufferFormat.Parse(ClrFormat.Of<Nested>()));
        codec.Write(AsBytes(ref nested), new object?[] { new object?[] { -1, 99 }, 5 });
        Assert.Equal(-1, nested.S.C);
        Assert.Equal(99, nested.S.I);
        Assert.Equal(5, nested.H);

        var arr = default(Arr);
        codec = ItemCodec.For(BufferFormat.Parse(ClrFormat.Of<Arr>()));
        codec.Write(AsBytes(ref arr), new Dictionary<string, object?> { ["A"] = new[] { 1, 2, 3 }, ["D"] = 0.5 });
        Assert.Equal(3, arr.A[2]);
        Assert.Equal(0.5, arr.D);
    }

    [Fact]
    public void Unions_and_managed_types_are_refused_with_a_reason()
    {
        var e = Assert.Throws<NotSupportedException>(() => ClrFormat.Of<Union>());
        Assert.Contains("overlap", e.Message, StringComparison.Ordinal);
        Assert.False(ClrFormat.TryOf(typeof(WithRef), out _, out string? reason));
        Assert.Contains("reference", reason, StringComparison.Ordinal);
        Assert.False(ClrFormat.TryOf(typeof(string), out _, out _));
        Assert.False(ClrFormat.TryOf(typeof(decimal), out _, out _));
    }

    [Theory]
    [InlineData("b", typeof(sbyte))]
    [InlineData("B", typeof(byte))]
    [InlineData("c", typeof(byte))]
    [InlineData("<h", typeof(short))]
    [InlineData("=H", typeof(ushort))]
    [InlineData("i", typeof(int))]
    [InlineData("I", typeof(uint))]
    [InlineData("l", typeof(CLong))]
    [InlineData("L", typeof(CULong))]
    [InlineData("<l", typeof(int))]
    [InlineData("q", typeof(long))]
    [InlineData("Q", typeof(ulong))]
    [InlineData("n", typeof(nint))]
    [InlineData("N", typeof(nuint))]
    [InlineData("P", typeof(nuint))]
    [InlineData("e", typeof(Half))]
    [InlineData("f", typeof(float))]
    [InlineData("d", typeof(double))]
    [InlineData("?", typeof(bool))]
    [InlineData("u", typeof(char))]
    [InlineData("w", typeof(Rune))]
    [InlineData("Zd", typeof(Complex))]
    [InlineData(">b", typeof(sbyte))]
    [InlineData(">i", null)]
    [InlineData("Zf", null)]
    [InlineData("3i", null)]
    [InlineData("T{i:a:}", null)]
    [InlineData("5s", null)]
    [InlineData("O", null)]
    public void Clr_type_of_a_format(string format, Type? expected)
    {
        bool found = ClrFormat.TryGetClrType(BufferFormat.Parse(format), out Type? type);
        Assert.Equal(expected is not null, found);
        Assert.Equal(expected, type);
        if (expected is not null && format is not ("c" or "P" or "<l" or "=H" or ">b" or "<h"))
        {
            Assert.Equal(BufferFormat.Parse(format), BufferFormat.Parse(ClrFormat.Of(expected)));
        }
    }

    private static int SizeOf(Type type) => type.IsPointer || type.IsFunctionPointer ? IntPtr.Size :
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;

    private static Span<byte> AsBytes<T>(ref T value) where T : unmanaged => MemoryMarshal.AsBytes(new Span<T>(ref value));
}
