using System.Reflection;
using System.Runtime.CompilerServices;
using BufferProtocol.Copying;
using BufferProtocol.Exporters;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;
using BufferProtocol.Tests.TestSupport;
using BufferProtocol.Views;
using CsCheck;

namespace BufferProtocol.Tests.Views;

/// <summary>
/// The <c>long[]</c> overloads for callers without span support (pythonnet, reflection): each must give what its span
/// overload gives, C# must keep choosing the span overload, and Python ints as pythonnet passes them (an
/// <see cref="IConvertible"/> of its own) must be item values. What Python itself sees is tested by
/// <c>tests/python-host/hosted_api.py</c> (PythonHostsDotNetTests).
/// </summary>
public sealed class ArrayOverloadTests
{
    private static readonly Gen<(nint[] Shape, int Order)> s_shapes =
        Gen.Int[0, 4].SelectMany(rank => Gen.Int[0, 5].Array[rank].Select(Gen.Int[0, 1], (shape, order) => (shape.Select(e => (nint)e).ToArray(), order)));

    [Fact]
    public void Layouts_shapes_and_strides_through_arrays_equal_the_span_overloads()
    {
        PropertyRunner.Check(s_shapes, sample =>
        {
            var (shape, orderBit) = sample;
            var order = orderBit == 0 ? ContiguityOrder.C : ContiguityOrder.Fortran;
            var expected = BufferLayout.Contiguous(8, shape, order);
            var longs = shape.Select(e => (long)e).ToArray();
            Assert.Equal(expected, BufferLayout.Contiguous(8L, longs, order));
            Assert.Equal(expected, BufferLayout.Create(8L, expected.GetShape(), expected.GetStrides()));
            Assert.Equal(expected.Shape.ToArray().Select(e => (long)e), expected.GetShape());
            Assert.Equal(expected.Strides.ToArray().Select(e => (long)e), expected.GetStrides());

            using var span = NativeBuffer.Create<double>(shape, order);
            using var array = NativeBuffer.Create<double>(longs, order);
            Assert.Equal(span.Layout, array.Layout);
            Assert.Equal(span.Format, array.Format);
            using var view = new MemoryView(array);
            Assert.Equal(expected.GetShape(), view.GetShape());
            Assert.Equal(expected.GetStrides(), view.GetStrides());
            Assert.Empty(view.GetSubOffsets());
        }, iterations: 200, stream: 44);
    }

    [Fact]
    public void An_acquired_buffer_reports_through_arrays_what_the_request_asked_for()
    {
        using var pil = NativeBuffer.CreateIndirect("B", BufferLayout.Contiguous(1, [3, 4]), 0, 12);
        using (var full = pil.GetBuffer(BufferRequest.FullRO))
        {
            Assert.Equal(full.Shape.ToArray().Select(e => (long)e), full.GetShape());
            Assert.Equal(full.Strides.ToArray().Select(e => (long)e), full.GetStrides());
            Assert.Equal(full.SubOffsets.ToArray().Select(e => (long)e), full.GetSubOffsets());
            Assert.Equal(2, full.GetSubOffsets().Length);
        }
        using var plain = NativeBuffer.Create<int>([2, 3]);
        using var simple = plain.GetBuffer(BufferRequest.Simple);
        Assert.Empty(simple.GetShape());     // Py_buffer.shape is NULL for a SIMPLE request
        Assert.Empty(simple.GetStrides());
        simple.Dispose();
        Assert.Throws<ObjectDisposedException>(() => simple.GetShape());
    }

    [Fact]
    public void The_long_indexers_read_and_write_the_items_the_span_indexer_does()
    {
        using var exporter = NativeBuffer.Create<int>([3, 4]);
        using var m = new MemoryView(exporter);
        for (long i = 0; i < 3; i++)
        {
            for (long j = 0; j < 4; j++)
            {
                m[[i, j]] = (int)(10 * i + j);
            }
        }
        for (nint i = -3; i < 3; i++)
        {
            for (nint j = -4; j < 4; j++)
            {
                Assert.Equal(m[i, j], m[[(long)i, (long)j]]);
            }
        }
        Assert.Equal(((MemoryView)m[1]!).ToList(), ((MemoryView)m[1L]!).ToList());
        Assert.Throws<ArgumentOutOfRangeException>(() => m[[3L, 0L]]);
        Assert.Throws<ArgumentNullException>(() => m[(long[])null!]);

        using var row = new MemoryView(NativeBuffer.Create<short>([4]));
        row[-1L] = 7;
        Assert.Equal((short)7, row[3]);
    }

    [Fact]
    public void Casts_reshapes_and_permutations_through_arrays_equal_the_span_overloads()
    {
        using var m = new MemoryView(NativeBuffer.Create<float>([2, 3, 4]));
        Assert.Equal(m.Reshape(4, -1).Layout, m.Reshape(new long[] { 4, -1 }).Layout);
        // An int[] converts to the span, so C# never reaches Permute(int[]): call it as reflection (and pythonnet) does.
        var permute = typeof(MemoryView).GetMethod(nameof(MemoryView.Permute), [typeof(int[])])!;
        Assert.Equal(m.Permute(2, 0, 1).Layout, ((MemoryView)permute.Invoke(m, [new[] { 2, 0, 1 }])!).Layout);
        using var bytes = m.Cast("B");
        Assert.Equal(bytes.Cast("f", 6, 4).Layout, bytes.Cast("f", new long[] { 6, 4 }).Layout);
        Assert.Throws<ArgumentNullException>(() => m.Reshape((long[])null!));
    }

    [Fact]
    public void FromContiguous_takes_a_byte_array()
    {
        using var exporter = NativeBuffer.Create<byte>([2, 3], ContiguityOrder.Fortran);
        using var buffer = exporter.GetBuffer(BufferRequest.Full);
        // A byte[] converts to the span, so C# never reaches this overload: call it as reflection (and pythonnet) does.
        var fromArray = typeof(BufferCopy).GetMethod(nameof(BufferCopy.FromContiguous), [typeof(AcquiredBuffer), typeof(byte[]), typeof(ContiguityOrder)])!;
        byte[] source = [1, 2, 3, 4, 5, 6];
        Assert.Equal((nint)6, fromArray.Invoke(null, [buffer, source, ContiguityOrder.C]));
        Assert.Equal(source, BufferCopy.ToArray(buffer));
        var refused = Assert.Throws<TargetInvocationException>(() => fromArray.Invoke(null, [buffer, null, ContiguityOrder.C]));
        Assert.IsType<ArgumentNullException>(refused.InnerException);
    }

    [Fact]
    public void Every_array_overload_yields_to_its_span_overload_in_csharp()
    {
        // OverloadResolutionPriority(-1): without it, NativeBuffer.Create<double>([]) would not compile (ambiguous).
        var overloads = typeof(MemoryView).Assembly.GetExportedTypes()
            .SelectMany(t => t.GetMembers(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<OverloadResolutionPriorityAttribute>() is not null)
            .ToArray();
        Assert.All(overloads, m => Assert.Equal(-1, m.GetCustomAttribute<OverloadResolutionPriorityAttribute>()!.Priority));
        Assert.Equal(12, overloads.Length);
        using var empty = NativeBuffer.Create<double>([]);
        Assert.Equal(0, empty.Layout.Rank);
    }

    [Fact]
    public void A_foreign_integer_such_as_pythonnets_PyInt_is_an_item_value()
    {
        using var m = new MemoryView(NativeBuffer.Create<ushort>([2]));
        m[0] = new ForeignInt("65535");
        Assert.Equal((ushort)65535, m[0]);
        Assert.Throws<ArgumentException>(() => m[1] = new ForeignInt("1180591620717411303424"));   // 2**70: ValueError
        Assert.Throws<InvalidCastException>(() => m[1] = new ForeignInt("not a number"));
    }

    /// <summary>Like pythonnet's PyInt: reports <see cref="TypeCode.Int64"/> whatever its size, and only its text is safe to read.</summary>
    private sealed class ForeignInt(string text) : IConvertible
    {
        public override string ToString() => text;

        public TypeCode GetTypeCode() => TypeCode.Int64;

        public bool ToBoolean(IFormatProvider? provider) => throw new InvalidCastException();
        public byte ToByte(IFormatProvider? provider) => throw new InvalidCastException();
        public char ToChar(IFormatProvider? provider) => throw new InvalidCastException();
        public DateTime ToDateTime(IFormatProvider? provider) => throw new InvalidCastException();
        public decimal ToDecimal(IFormatProvider? provider) => throw new InvalidCastException();
        public double ToDouble(IFormatProvider? provider) => throw new InvalidCastException();
        public short ToInt16(IFormatProvider? provider) => throw new InvalidCastException();
        public int ToInt32(IFormatProvider? provider) => throw new InvalidCastException();
        public long ToInt64(IFormatProvider? provider) => throw new InvalidCastException();
        public sbyte ToSByte(IFormatProvider? provider) => throw new InvalidCastException();
        public float ToSingle(IFormatProvider? provider) => throw new InvalidCastException();
        public string ToString(IFormatProvider? provider) => throw new InvalidCastException();
        public object ToType(Type conversionType, IFormatProvider? provider) => throw new InvalidCastException();
        public ushort ToUInt16(IFormatProvider? provider) => throw new InvalidCastException();
        public uint ToUInt32(IFormatProvider? provider) => throw new InvalidCastException();
        public ulong ToUInt64(IFormatProvider? provider) => throw new InvalidCastException();
    }
}
