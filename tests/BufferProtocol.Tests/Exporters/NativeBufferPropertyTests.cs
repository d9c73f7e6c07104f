using BufferProtocol.Exporters;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;
using BufferProtocol.Tests.TestSupport;
using CsCheck;

namespace BufferProtocol.Tests.Exporters;

/// <summary>
/// No input makes the exporters or the pointer arithmetic touch memory outside the exported block: random layouts
/// (any stride, not only multiples of the item size; zero extents; PIL tables), random requests, every index, indices
/// out of range and random slices, with the block flush against a guard page (a stray access kills the test host).
/// </summary>
public class NativeBufferPropertyTests
{
    private static readonly int[] Requests =
        [0x0, 0x1, 0x4, 0x5, 0x8, 0x9, 0xc, 0x18, 0x19, 0x1c, 0x1d, 0x38, 0x58, 0x98, 0x118, 0x11c, 0x11d, 0x100, 0x200];

    public sealed record Sample(int ItemSize, nint[] Shape, nint[] Strides, bool Pil, nint SlackBefore, nint SlackAfter,
        GuardPlacement Placement, int Request, long[] SliceSeeds)
    {
        public override string ToString() =>
            $"itemsize {ItemSize}, shape ({string.Join(", ", Shape)}), strides ({string.Join(", ", Strides)}), pil {Pil}, " +
            $"slack {SlackBefore}/{SlackAfter}, {Placement}, request 0x{Request:x}";
    }

    private static readonly Gen<Sample> Samples =
        from rank in Gen.Int[0, 6]
        from itemSize in Gen.OneOfConst(1, 2, 3, 4, 8, 12, 16)
        from shape in Gen.Int[0, 4].Array[rank]
        from strides in Gen.Int[-50, 50].Array[rank]
        from pil in Gen.Bool
        from before in Gen.Int[0, 3]
        from after in Gen.Int[0, 3]
        from placement in Gen.OneOfConst(GuardPlacement.FlushEnd, GuardPlacement.FlushStart)
        from request in Gen.OneOfConst(Requests)
        from slices in Gen.Long.Array[rank]
        select new Sample(itemSize, shape.Select(x => (nint)x).ToArray(), strides.Select(x => (nint)x).ToArray(), pil && rank > 0,
            before, after, placement, request, slices);

    [SkippableFact]
    public void Every_reachable_item_lies_inside_the_block()
    {
        Skip.IfNot(GuardedMemory.IsSupported, "guard pages need Linux");
        PropertyRunner.Check(Samples, Property, iterations: 1500, stream: 0xE7);
    }

    private static unsafe void Property(Sample s)
    {
        var layout = BufferLayout.Create(s.ItemSize, s.Shape, s.Strides);
        var offset = -layout.MinOffset + s.SlackBefore;
        var length = offset + layout.MaxOffset + s.SlackAfter;
        var allocator = GuardedNativeBuffers.Allocator(s.Placement);
        if (!layout.IsEmpty && s.SlackAfter == 0)
        {
            // One byte less and the last item would stick out: refused before anything is allocated.
            Assert.ThrowsAny<ArgumentException>(() => Build(s, layout, offset, length - 1, allocator));
        }
        using var native = Build(s, layout, offset, length, allocator);

        AcquiredBuffer buffer;
        try
        {
            buffer = native.GetBuffer((BufferRequest)s.Request);
        }
        catch (BufferException)
        {
            buffer = native.GetBuffer(BufferRequest.FullRO);
        }
        using (buffer)
        {
            var sum = 0;
            var shape = buffer.Layout.Shape.ToArray();
            foreach (var index in NativeBufferTests.Indices(shape))
            {
                sum += Touch(buffer.GetPointer(index), s.ItemSize);
            }
            for (var d = 0; d < shape.Length; d++)
            {
                var index = new nint[shape.Length];
                index[d] = shape[d];
                Assert.Throws<ArgumentOutOfRangeException>(() => buffer.GetPointer(index));
                index[d] = -shape[d] - 1;
                Assert.Throws<ArgumentOutOfRangeException>(() => buffer.GetPointer(index));
            }
            GC.KeepAlive(sum);
        }

        using var full = native.GetBuffer(BufferRequest.FullRO);
        var sliced = full.Layout;
        nint baseDelta = 0;
        try
        {
            for (var d = 0; d < sliced.Rank; d++)
            {
                var extent = sliced.Shape[d];
                var rng = new Random((int)s.SliceSeeds[d]);
                var step = (nint)rng.Next(1, 4) * (rng.Next(2) == 0 ? 1 : -1);
                var start = extent == 0 ? 0 : rng.Next((int)extent);
                var room = step > 0 ? (extent - 1 - start) / step + 1 : start / -step + 1;
                var count = extent == 0 ? 0 : rng.Next((int)room + 1);
                sliced = sliced.Slice(d, start, step, count, out var delta);
                baseDelta += delta;
            }
        }
        catch (ArgumentOutOfRangeException) when (s.Pil)
        {
            return; // a fold that cannot be represented (a suboffset would turn negative) is refused, not misread
        }
        var total = 0;
        foreach (var index in NativeBufferTests.Indices(sliced.Shape.ToArray()))
        {
            total += Touch(AcquiredBuffer.WalkPointer(full.Pointer + baseDelta, sliced, index), s.ItemSize);
        }
        GC.KeepAlive(total);
    }

    private static NativeBuffer Build(Sample s, BufferLayout layout, nint offset, nint length, NativeBuffer.BlockAllocator? allocator)
    {
        var format = s.ItemSize == 1 ? "B" : $"{s.ItemSize}s";
        return s.Pil
            ? NativeBuffer.CreateIndirectCore(format, layout, offset, length, readOnly: false, 1, default, allocator)
            : NativeBuffer.CreateCore(format, layout, offset, length, readOnly: false, 1, default, allocator);
    }

    private static unsafe int Touch(nint pointer, int itemSize)
    {
        var sum = 0;
        for (var i = 0; i < itemSize; i++)
        {
            sum += ((byte*)pointer)[i];
        }
        return sum;
    }
}
