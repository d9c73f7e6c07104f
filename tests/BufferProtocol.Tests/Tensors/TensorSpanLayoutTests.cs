using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;
using BufferProtocol.Tensors;
using BufferProtocol.Tests.Formats.CythonTypes;
using BufferProtocol.Tests.TestSupport;
using BufferProtocol.Views;
using CsCheck;

namespace BufferProtocol.Tests.Tensors;

/// <summary>
/// <see cref="TensorSpanLayout"/>'s rules against TensorSpan's own constructor (System.Numerics.Tensors 10.0): a table
/// of the cases the documentation names, and random layouts on which "converts" must be exactly "the constructor
/// accepts the element strides", with every element of the span the typed view's element.
/// </summary>
public class TensorSpanLayoutTests
{
    private const string Ok = "";

    public static TheoryData<string, int, nint[], nint[], string, nint[], nint> Cases => new()
    {
        // name, item size, shape, byte strides, "" or a part of the reason, expected element strides, data length
        { "C order", 4, [3, 4], [16, 4], Ok, [4, 1], 12 },
        { "Fortran order", 4, [3, 4], [4, 12], Ok, [1, 3], 12 },
        { "gaps", 8, [3, 4], [64, 16], Ok, [8, 2], 23 },
        { "broadcast rows", 4, [3, 4], [0, 4], Ok, [0, 1], 4 },
        { "broadcast columns", 4, [3, 4], [4, 0], Ok, [1, 0], 3 },
        { "all broadcast", 2, [3, 4], [0, 0], Ok, [0, 0], 1 },
        { "extent 1 keeps no stride", 4, [1, 4], [16, 4], Ok, [0, 1], 4 },
        { "extent 1 with an odd stride", 4, [3, 1], [4, 7], Ok, [1, 0], 3 },
        { "extent 1 backwards", 4, [1, 4], [-16, 4], Ok, [0, 1], 4 },
        { "empty with any strides", 4, [0, 4], [-40, 3], Ok, [0, 0], 0 },
        { "interleave allowed by the order rule", 4, [2, 3], [4, 8], Ok, [1, 2], 6 },
        { "3-D permuted", 4, [2, 3, 4], [4, 32, 8], Ok, [1, 8, 2], 24 },
        { "reversed", 4, [3, 4], [-16, 4], "dimension 0 runs backwards (stride -4 elements)", [], 0 },
        { "reversed columns", 4, [3, 4], [16, -4], "dimension 1 runs backwards", [], 0 },
        { "misaligned stride", 4, [3], [5], "stride of dimension 0 (5 bytes) is not a multiple of the element size 4", [], 0 },
        { "overlapping rows", 4, [3, 4], [4, 4], "dimensions 0 and 1 overlap", [], 0 },
        { "overlapping windows", 4, [3, 4], [12, 4], "dimensions 1 and 0 overlap or interleave: dimension 1 covers 4 elements", [], 0 },
        { "interleaved", 4, [2, 3], [12, 8], "dimensions 1 and 0 overlap", [], 0 },
        { "3-D overlap", 4, [2, 2, 2], [16, 16, 4], "overlap", [], 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Documented_cases(string name, int itemSize, nint[] shape, nint[] byteStrides, string expected, nint[] strides, nint dataLength)
    {
        var layout = BufferLayout.Create(itemSize, shape, byteStrides);
        var lengths = new nint[shape.Length];
        var elementStrides = new nint[shape.Length];
        var ok = TensorSpanLayout.TryConvert(layout, itemSize, lengths, elementStrides, out var length, out var reason);
        if (expected.Length == 0)
        {
            Assert.True(ok, $"{name}: {reason}");
            Assert.Equal(shape, lengths);
            Assert.Equal(strides, elementStrides);
            Assert.Equal(dataLength, length);
            Assert.True(Accepts(itemSize, length, lengths, elementStrides), $"{name}: TensorSpan refuses what the rules accept");
        }
        else
        {
            Assert.False(ok, $"{name} should be refused ({expected})");
            Assert.Contains(expected, reason, StringComparison.Ordinal);
            // Where the byte strides are whole elements, TensorSpan itself must refuse them too.
            if (byteStrides.All(s => s % itemSize == 0))
            {
                var candidate = byteStrides.Select((s, d) => shape[d] <= 1 ? 0 : s / itemSize).ToArray();
                var reach = candidate.Select((s, d) => Math.Max(s, 0) * (shape[d] - 1)).Aggregate((nint)0, (a, b) => a + b);
                Assert.False(Accepts(itemSize, reach + 1, shape, candidate), $"{name}: TensorSpan accepts what the rules refuse");
            }
        }
        Assert.Equal(ok, TensorSpanLayout.CanConvert(layout, itemSize, out _));
    }

    [Fact]
    public void Zero_dimensional_item_size_and_PIL_rules()
    {
        Span<nint> lengths = stackalloc nint[1];
        Span<nint> strides = stackalloc nint[1];
        Assert.True(TensorSpanLayout.TryConvert(BufferLayout.Scalar(8), 8, lengths, strides, out var length, out _));
        Assert.Equal(1, lengths[0]);
        Assert.Equal(0, strides[0]);
        Assert.Equal(1, length);
        Assert.False(TensorSpanLayout.CanConvert(BufferLayout.Contiguous(8, [2]), 4, out var reason));
        Assert.Contains("items are 8 bytes, not the element size 4", reason, StringComparison.Ordinal);
        var pil = BufferLayout.Create(4, [2, 3], [8, 4], [0, -1]);
        Assert.False(TensorSpanLayout.CanConvert(pil, 4, out reason));
        Assert.Contains("PIL suboffsets", reason, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => TensorSpanLayout.CanConvert(pil, 0, out _));
    }

    /// <summary>Whether TensorSpan's pointer constructor takes these lengths and element strides over that many elements.</summary>
    private static unsafe bool Accepts(int itemSize, nint dataLength, nint[] lengths, nint[] strides)
    {
        var memory = NativeMemory.AllocZeroed((nuint)Math.Max(dataLength * itemSize, 1));
        try
        {
            switch (itemSize)
            {
                case 2: _ = new ReadOnlyTensorSpan<short>((short*)memory, dataLength, lengths, strides); break;
                case 4: _ = new ReadOnlyTensorSpan<int>((int*)memory, dataLength, lengths, strides); break;
                case 8: _ = new ReadOnlyTensorSpan<long>((long*)memory, dataLength, lengths, strides); break;
                default: throw new ArgumentOutOfRangeException(nameof(itemSize));
            }
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
        finally
        {
            NativeMemory.Free(memory);
        }
    }

    public struct Bytes3
    {
        public byte A, B, C;
    }

    public struct Longs2
    {
        public long A, B;
    }

    [SkippableFact]
    public void Converts_exactly_when_TensorSpan_accepts_and_every_element_agrees()
    {
        Skip.IfNot(GuardedMemory.IsSupported, "guard pages need Linux");
        var plain = from itemSize in TestLayouts.ItemSize
                    from shape in TestLayouts.Shape
                    from spec in TestLayouts.Of(shape, itemSize, allowPil: false)
                    select spec;
        int accepted = 0, refused = 0;
        PropertyRunner.Check(plain, spec =>
        {
            var ok = spec.ItemSize switch
            {
                1 => Check<byte>(spec, "B"),
                2 => Check<short>(spec, "h"),
                3 => Check<Bytes3>(spec, "3B"),
                4 => Check<int>(spec, "i"),
                6 => Check<short>(spec, null),
                8 => Check<long>(spec, "q"),
                12 => Check<Three>(spec, "3i"),
                16 => Check<Longs2>(spec, "2q"),
                _ => throw new InvalidOperationException($"no element type of {spec.ItemSize} bytes"),
            };
            if (ok is { } b)
            {
                _ = b ? accepted++ : refused++;
            }
        }, 600, stream: 41);
        Assert.True(accepted > 100 && refused > 100, $"{accepted} accepted, {refused} refused");
    }

    /// <summary>Null when the sample does not apply; else whether it converted.</summary>
    private static unsafe bool? Check<T>(LayoutSpec spec, string? format) where T : unmanaged
    {
        if (format is null)
        {
            return null;
        }
        using var memory = TestBuffer.Create(spec);
        var layout = memory.Layout;
        var buffer = AcquiredBuffer.FromFields(memory.Pointer, layout.Length, layout.ItemSize, false, format, layout.Rank,
            layout.Shape, layout.Strides, default, true, true, memory, null, BufferRequest.Full);
        using var m = MemoryView.FromBuffer(buffer);
        using var v = m.AsTyped<T>();
        using var lease = v.LeaseReadOnly();

        // TensorSpan's verdict on the same layout, asked independently: element strides where they exist, extents
        // of at most one item normalised to stride 0 (its own requirement), an exact data length.
        var rank = Math.Max(layout.Rank, 1);
        var lengths = new nint[rank];
        var candidate = new nint[rank];
        var divisible = true;
        nint reach = 0;
        if (layout.Rank == 0)
        {
            lengths[0] = 1;
        }
        for (var d = 0; d < layout.Rank; d++)
        {
            lengths[d] = layout.Shape[d];
            var s = layout.Strides[d];
            divisible &= s % sizeof(T) == 0 || layout.Shape[d] <= 1 || layout.IsEmpty;
            candidate[d] = layout.Shape[d] <= 1 || layout.IsEmpty ? 0 : s / sizeof(T);
            reach += candidate[d] > 0 ? candidate[d] * (layout.Shape[d] - 1) : 0;
        }
        bool constructorAccepts;
        try
        {
            _ = new ReadOnlyTensorSpan<T>((T*)lease.Pointer, layout.IsEmpty ? 0 : reach + 1, lengths, candidate);
            constructorAccepts = divisible;
        }
        catch (ArgumentException)
        {
            constructorAccepts = false;
        }

        var converts = lease.TryAsReadOnlyTensorSpan(out var span, out var reason);
        Assert.True(constructorAccepts == converts, $"{spec}: TensorSpan {(constructorAccepts ? "accepts" : "refuses")}, the rules say {reason ?? "yes"}");
        if (converts)
        {
            Assert.Equal(Math.Max(layout.ItemCount, layout.Rank == 0 ? 1 : 0), span.FlattenedLength);
            foreach (var index in ReferenceCopy.Indices(layout.Shape.ToArray(), fortran: false))
            {
                var expected = lease.GetReference(index);
                var actual = span[layout.Rank == 0 ? [0] : index];
                Assert.True(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in expected)).SequenceEqual(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in actual))),
                    $"{spec}: element ({string.Join(", ", index)})");
            }
        }
        return converts;
    }
}
