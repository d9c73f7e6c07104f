using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using BufferProtocol.Tests.Formats.CythonTypes;
using BufferProtocol.Tests.Oracle;
using BufferProtocol.Views;

namespace BufferProtocol.Tests.Views.Typed;

/// <summary>
/// Replays the <c>memoryview-records</c> suite (NumPy 1.24 structured and non-native arrays, 1-D, reversed-strided
/// and 2-D, with their memory images) through typed views: each dtype that has a C# struct counterpart is read as
/// that struct and every item must be NumPy's <c>tolist</c> value; the others are refused with the reason a C#
/// reader needs (byte order, sub-array shape, no CLR type).
/// </summary>
public class NumPyRecordTypedTests
{
    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    public struct ComplexHalf
    {
        public Complex C;
        public Half H;
    }

    public unsafe struct Bytes4
    {
        public fixed byte S[4];
    }

    [InlineArray(2)]
    public struct Runes2
    {
        private Rune _element;
    }

    [InlineArray(3)]
    public struct Runes3
    {
        private Rune _element;
    }

    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    public unsafe struct Text3
    {
        public fixed byte S[5];
        public Runes3 U;
        public bool Flag;
    }

    public unsafe struct Patch
    {
        public byte X;
        public fixed byte P[6];
    }

    public struct ComplexFloat
    {
        public float Re, Im;
    }

    /// <summary>The dtype number of each case (its id's prefix) → the C# type, and null or a part of the refusal.</summary>
    private static readonly Dictionary<string, (Type Type, string? Refusal)> Counterparts = new()
    {
        ["0"] = (typeof(P1), null),
        ["1"] = (typeof(S1), null),
        ["2"] = (typeof(Patch), "dimension"),
        ["3"] = (typeof(Text3), null),
        ["4"] = (typeof(int), "Big-endian buffer not supported"),
        ["5"] = (typeof(ComplexHalf), null),
        ["6"] = (typeof(int), "Big-endian buffer not supported"),
        ["7"] = (typeof(Half), null),
        ["8"] = (typeof(double), "Big-endian buffer not supported"),
        ["9"] = (typeof(ComplexFloat), "complex float"),
        ["10"] = (typeof(bool), null),
        ["11"] = (typeof(Bytes4), null),
        ["12"] = (typeof(Runes2), null),
        ["13"] = (typeof(long), null),
        ["14"] = (typeof(ushort), "Big-endian buffer not supported"),
        ["15"] = (typeof(double), "long double"),
        ["16"] = (typeof(float), "Big-endian buffer not supported"),
    };

    public static TheoryData<string> Cases => OracleCases.Keys("memoryview-records");

    [Theory]
    [MemberData(nameof(Cases))]
    public void NumPy_records_read_through_typed_views(string key)
    {
        var c = OracleCases.Get("memoryview-records", key);
        var id = c.GetProperty("id").GetString()!;
        var number = id[..id.IndexOf('-', StringComparison.Ordinal)];
        if (!Counterparts.TryGetValue(number, out var counterpart))
        {
            return; // an extra case without a C# counterpart
        }
        using var exporter = ViewOracle.Build(c.GetProperty("structure"));
        using var m = new MemoryView(exporter);
        var check = typeof(NumPyRecordTypedTests).GetMethod(nameof(Check), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(counterpart.Type);
        check.Invoke(null, [m, c.GetProperty("tolist"), counterpart.Refusal, key]);
    }

    private static void Check<T>(MemoryView m, JsonElement tolist, string? refusal, string key) where T : unmanaged
    {
        if (!m.TryAsTyped<T>(out var view, out var reason))
        {
            Assert.True(refusal is not null, $"{key}: {typeof(T).Name} refused: {reason}");
            Assert.Contains(refusal, reason, StringComparison.Ordinal);
            return;
        }
        using (view)
        {
            Assert.True(refusal is null, $"{key}: {typeof(T).Name} accepted, expected a refusal ({refusal})");
            Assert.True(view.IsReadOnly);
            var expected = Flatten(tolist).ToList();
            var items = view.ToArray();
            Assert.Equal(expected.Count, items.Length);
            for (var k = 0; k < items.Length; k++)
            {
                ViewOracle.AssertValue(expected[k], Value(items[k]), $"{key} item {k}");
            }
        }
    }

    /// <summary>The items of a (nested) <c>tolist</c> in C order.</summary>
    private static IEnumerable<JsonElement> Flatten(JsonElement list) =>
        list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().SelectMany(Flatten) : [list];

    /// <summary>A typed item as the value NumPy's <c>tolist</c> gives (records as tuples, strings without trailing NULs).</summary>
    private static unsafe object? Value<T>(T item) where T : unmanaged => item switch
    {
        P1 p => new object[] { p.A, p.B },
        S1 s => new object[] { s.A, s.B },
        ComplexHalf z => new object[] { z.C, z.H },
        Text3 t => new object[] { Trim(new ReadOnlySpan<byte>(t.S, 5)), Text(t.U), t.Flag },
        Bytes4 b => Trim(new ReadOnlySpan<byte>(b.S, 4)),
        Runes2 r => Text(r),
        _ => item,
    };

    private static byte[] Trim(ReadOnlySpan<byte> bytes) => bytes.TrimEnd((byte)0).ToArray();

    private static string Text(ReadOnlySpan<Rune> runes) => string.Concat(runes.ToArray().Select(r => r.ToString())).TrimEnd('\0');

    [Fact]
    public void Every_dtype_of_the_suite_has_a_counterpart()
    {
        var numbers = OracleCases.Load("memoryview-records").Values
            .Select(c => c.GetProperty("id").GetString()!)
            .Select(id => id[..id.IndexOf('-', StringComparison.Ordinal)])
            .ToHashSet();
        Assert.Subset(Counterparts.Keys.ToHashSet(), numbers);
        Assert.Equal(12, Unsafe.SizeOf<P1>());
    }
}
