using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;
using BufferProtocol.Tests.Formats.CythonTypes;
using BufferProtocol.Tests.TestSupport;
using BufferProtocol.Views;
using CsCheck;

namespace BufferProtocol.Tests.Views.Typed;

/// <summary>
/// Typed access against untyped access over random layouts (negative, zero and misaligned strides, zero extents,
/// PIL with several dereferencing dimensions and backwards pointer tables, random slices), all over guard-paged
/// memory: every item read through <see cref="MemoryView{T}"/>, its leases, row spans, 2-D spans and whole spans must
/// be the item <see cref="MemoryView.GetItem"/> and the naive <see cref="ReferenceCopy.Address"/> find, and writes
/// through either side must be seen by the other.
/// </summary>
public class TypedPropertyTests
{
    private const int Iterations = 300;

    public struct Bytes3
    {
        public byte A, B, C;
    }

    public struct Shorts3
    {
        public short A, B, C;
    }

    public struct Longs2
    {
        public long A, B;
    }

    /// <summary>A random structure, a random key to slice it with (or none), and a seed for writes.</summary>
    private static readonly Gen<(LayoutSpec Spec, int[] Key, int Seed)> Samples =
        from spec in TestLayouts.Any
        from key in Gen.Int[-7, 7].Array[spec.Shape.Length * 3]
        from slice in Gen.Int[0, 1]
        from seed in Gen.Int
        select (spec, slice == 0 ? key : [], seed);

    [SkippableFact]
    public void Typed_access_agrees_with_untyped_access_over_random_layouts()
    {
        Skip.IfNot(GuardedMemory.IsSupported, "guard pages need Linux");
        var stats = new Stats();
        PropertyRunner.Check(Samples, sample =>
        {
            switch (sample.Spec.ItemSize)
            {
                case 1: Check<byte>(sample, "B", stats); break;
                case 2: Check<short>(sample, "h", stats); break;
                case 3: Check<Bytes3>(sample, "3B", stats); break;
                case 4: Check<int>(sample, "i", stats); break;
                case 6: Check<Shorts3>(sample, "T{h:a:h:b:h:c:}", stats); break;
                case 8: Check<long>(sample, "q", stats); break;
                case 12: Check<Three>(sample, "3i", stats); break;
                case 16: Check<Longs2>(sample, "T{2q}", stats); break;
                default: throw new InvalidOperationException($"no element type of {sample.Spec.ItemSize} bytes");
            }
        }, Iterations, stream: 31);
        // The samples must exercise what the property is about, not pass vacuously.
        Assert.True(stats.Items > 3000, $"{stats.Items} items compared; {stats.Pil} PIL, {stats.Sliced} sliced, {stats.Negative} negative, {stats.Rows} rows, {stats.Planes} planes, {stats.Spans} spans");
        Assert.True(stats.Pil > 20, $"{stats.Pil} PIL views with items");
        Assert.True(stats.Sliced > 50, $"{stats.Sliced} sliced views with items");
        Assert.True(stats.Negative > 50, $"{stats.Negative} views with negative strides and items");
        Assert.True(stats.Rows > 50 && stats.Planes > 50 && stats.Spans > 20, $"{stats.Rows} row, {stats.Planes} plane, {stats.Spans} span checks");
    }

    private sealed class Stats
    {
        public int Items, Pil, Sliced, Negative, Rows, Planes, Spans;
    }

    private static unsafe void Check<T>((LayoutSpec Spec, int[] Key, int Seed) sample, string format, Stats stats) where T : unmanaged
    {
        using var memory = TestBuffer.Create(sample.Spec);
        var layout = memory.Layout;
        var buffer = AcquiredBuffer.FromFields(memory.Pointer, layout.Length, layout.ItemSize, false, format, layout.Rank,
            layout.Shape, layout.Strides, layout.SubOffsets, true, true, memory, null, BufferRequest.Full);
        using var whole = MemoryView.FromBuffer(buffer);
        MemoryView m;
        try
        {
            m = sample.Key.Length == 0 ? new MemoryView(whole) : whole.GetView(KeyOf(sample.Key, layout.Shape));
        }
        catch (NotSupportedException)
        {
            return; // a PIL selection PEP 3118 cannot describe: the typed view refuses it the same way (it delegates)
        }
        using (m)
        using (var v = m.AsTyped<T>())
        {
            var shape = v.Shape.ToArray();
            var pointer = BasePointer(m);
            var values = new List<T>();
            foreach (var index in ReferenceCopy.Indices(shape, fortran: false))
            {
                var expected = Unsafe.ReadUnaligned<T>((void*)ReferenceCopy.Address(pointer, m.Layout, index));
                var typed = v.GetItem(index);
                Assert.True(Same(expected, typed), $"typed item at ({string.Join(", ", index)})");
                Assert.True(SameBytes(typed, m.GetView(index.Select(i => (SliceIndex)i).ToArray()).ToBytes()), "untyped item");
                if (typeof(T) == typeof(int) || typeof(T) == typeof(short) || typeof(T) == typeof(long) || typeof(T) == typeof(byte))
                {
                    Assert.Equal(m.GetItem(index), (object)typed);
                }
                values.Add(typed);
            }
            stats.Items += values.Count;
            if (values.Count > 0)
            {
                stats.Pil += m.Layout.HasSubOffsets ? 1 : 0;
                stats.Sliced += sample.Key.Length > 0 ? 1 : 0;
                stats.Negative += m.Layout.Strides.IndexOfAnyInRange(nint.MinValue, -1) >= 0 ? 1 : 0;
                stats.Rows += shape.Length > 0 && m.Layout.Strides[^1] == sizeof(T) ? 1 : 0;
                stats.Planes += shape.Length >= 2 ? 1 : 0;
                stats.Spans += m.Layout.IsCContiguous ? 1 : 0;
            }
            Assert.True(MemoryMarshal.AsBytes(v.ToArray().AsSpan()).SequenceEqual(m.ToBytes()), "ToArray vs ToBytes");

            using (var lease = v.LeaseReadOnly())
            {
                var k = 0;
                foreach (var index in ReferenceCopy.Indices(shape, fortran: false))
                {
                    Assert.True(Same(values[k], lease.GetReference(index)), "lease reference");
                    Assert.True(Same(values[k], lease.DangerousGetReference(index)), "dangerous reference");
                    if (index.Length == 1)
                    {
                        Assert.True(Same(values[k], lease[index[0]]), "lease[i]");
                    }
                    else if (index.Length == 2)
                    {
                        Assert.True(Same(values[k], lease[index[0], index[1]]), "lease[i, j]");
                    }
                    k++;
                }
                CheckRows(lease, shape, values);
                CheckPlanes(lease, m.Layout, shape, values);
                Assert.Equal(m.Layout.IsCContiguous, lease.TryGetSpan(out var all));
                if (m.Layout.IsCContiguous)
                {
                    Assert.True(MemoryMarshal.AsBytes(all).SequenceEqual(MemoryMarshal.AsBytes(values.ToArray().AsSpan())), "Span");
                }
            }

            // Writes: typed ones seen untyped, lease ones seen typed.
            if (values.Count > 0)
            {
                var random = new Random(sample.Seed);
                var at = ReferenceCopy.Indices(shape, fortran: false).ElementAt(random.Next(values.Count));
                var value = RandomValue<T>(random);
                v.SetItem(at, value);
                Assert.True(SameBytes(value, m.GetView(at.Select(i => (SliceIndex)i).ToArray()).ToBytes()), "write seen untyped");
                var other = RandomValue<T>(random);
                using (var lease = v.Lease())
                {
                    lease.GetReference(at) = other;
                }
                Assert.True(Same(other, v.GetItem(at)), "lease write seen typed");
            }
        }
    }

    private static void CheckRows<T>(ReadOnlyMemoryViewLease<T> lease, nint[] shape, List<T> values) where T : unmanaged
    {
        var rank = shape.Length;
        if (rank == 0)
        {
            return;
        }
        if (!lease.HasContiguousRows)
        {
            LeaseAssert.Throws<InvalidOperationException, T>(in lease, static (in l) => _ = l.GetRowSpan(new nint[l.Rank - 1]).Length);
            return;
        }
        var width = shape[^1];
        var k = 0;
        foreach (var outer in ReferenceCopy.Indices(shape[..^1], fortran: false))
        {
            var row = lease.GetRowSpan(outer);
            Assert.Equal(width, row.Length);
            foreach (var item in row)
            {
                Assert.True(Same(values[k++], item), "row span item");
            }
        }
    }

    private static void CheckPlanes<T>(ReadOnlyMemoryViewLease<T> lease, BufferLayout layout, nint[] shape, List<T> values) where T : unmanaged
    {
        var rank = shape.Length;
        var sub = layout.SubOffsets;
        if (rank < 2 || (!sub.IsEmpty && (sub[^1] >= 0 || sub[^2] >= 0)))
        {
            LeaseAssert.Throws<InvalidOperationException, T>(in lease, static (in l) => _ = l.GetSpan2D(new nint[Math.Max(l.Rank - 2, 0)]).Height);
            return;
        }
        var k = 0;
        foreach (var outer in ReferenceCopy.Indices(shape[..^2], fortran: false))
        {
            var plane = lease.GetSpan2D(outer);
            var copy = new T[plane.Length];
            plane.CopyTo(copy);
            var c = 0;
            for (nint r = 0; r < plane.Height; r++)
            {
                for (nint j = 0; j < plane.Width; j++, k++, c++)
                {
                    Assert.True(Same(values[k], plane[r, j]), "2-D span item");
                    Assert.True(Same(values[k], copy[c]), "2-D CopyTo item");
                    Assert.True(Same(values[k], plane.Transpose()[j, r]), "transposed 2-D span item");
                }
            }
        }
    }

    private static SliceIndex[] KeyOf(int[] raw, ReadOnlySpan<nint> shape)
    {
        var key = new SliceIndex[shape.Length];
        for (var d = 0; d < key.Length; d++)
        {
            int a = raw[3 * d], b = raw[3 * d + 1], s = raw[3 * d + 2];
            key[d] = (a & 3) switch
            {
                0 when shape[d] > 0 => (nint)(Math.Abs(b) % shape[d]),     // an integer drops the dimension
                _ => new Slice(a % 3 == 0 ? null : a, b % 3 == 0 ? null : b, s % 4 == 0 ? null : s % 4), // any slice (Python semantics)
            };
        }
        return key;
    }

    private static unsafe nint BasePointer(MemoryView m)
    {
        using var lease = m.Lease();
        return lease.Pointer;
    }

    private static T RandomValue<T>(Random random) where T : unmanaged
    {
        T value = default;
        random.NextBytes(MemoryMarshal.AsBytes(new Span<T>(ref value)));
        return value;
    }

    private static bool Same<T>(T a, T b) where T : unmanaged =>
        MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in a)).SequenceEqual(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in b)));

    private static bool SameBytes<T>(T a, byte[] bytes) where T : unmanaged =>
        MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in a)).SequenceEqual(bytes);
}
