using BufferProtocol.Copying;
using BufferProtocol.Layout;
using BufferProtocol.Tests.TestSupport;
using CsCheck;

namespace BufferProtocol.Tests.Copying;

/// <summary>
/// Random layouts × copy directions × orders against <see cref="ReferenceCopy"/>, all over <see cref="GuardedMemory"/>:
/// every data block and pointer table is flush against an inaccessible page, so a read or write one byte outside
/// the exported memory kills the test host.
/// </summary>
public class CopyPropertyTests
{
    private const int Iterations = 400;

    private static readonly Gen<ContiguityOrder> Order =
        Gen.Int[0, 2].Select(i => i switch { 0 => ContiguityOrder.C, 1 => ContiguityOrder.Fortran, _ => ContiguityOrder.Any });

    private static readonly Gen<GuardPlacement> Placement = Gen.Bool.Select(b => b ? GuardPlacement.FlushEnd : GuardPlacement.FlushStart);

    // Two guarded blocks with the same random bytes: one for the engine, one for the reference.
    private static (GuardedMemory Actual, GuardedMemory Expected) Twins(nint length, GuardPlacement placement, int seed)
    {
        var actual = GuardedMemory.Allocate(length, placement);
        new Random(seed).NextBytes(actual.Span);
        return (actual, GuardedMemory.CopyOf(actual.Span, placement));
    }

    [SkippableFact]
    public void ToContiguous_matches_the_reference_in_every_order()
    {
        Skip.IfNot(GuardedMemory.IsSupported, "guard pages need Linux");
        var gen = Gen.Select(TestLayouts.Any, Order, Placement, (spec, order, placement) => (spec, order, placement));
        PropertyRunner.Check(gen, t =>
        {
            using var source = TestBuffer.Create(t.spec);
            var before = source.Snapshot();
            var expected = ReferenceCopy.ToContiguous(source.Pointer, source.Layout, t.order);
            using var destination = GuardedMemory.Allocate(source.Layout.Length, t.placement);
            BufferCopy.ToContiguous(source.Pointer, source.Layout, destination.Span, t.order);
            Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(destination.Span));
            Assert.Equal(before, source.Snapshot());
        }, Iterations, stream: 1);
    }

    [SkippableFact]
    public void FromContiguous_matches_the_reference_for_short_exact_and_long_sources()
    {
        Skip.IfNot(GuardedMemory.IsSupported, "guard pages need Linux");
        var gen = Gen.Select(TestLayouts.Any, Order, Gen.Int[-1, 3], Gen.Int[0, 1000], Placement,
            (spec, order, kind, cut, placement) => (spec, order, kind, cut, placement));
        PropertyRunner.Check(gen, t =>
        {
            using var actual = TestBuffer.Create(t.spec);
            using var expected = TestBuffer.Create(t.spec);
            var full = (int)actual.Layout.Length;
            var length = t.kind switch
            {
                -1 => full + 1 + t.cut % 7,                 // longer: clamped
                0 or 1 => full,                           // exact
                _ => full == 0 ? 0 : t.cut % (full + 1),  // any prefix, partial items included
            };
            using var source = GuardedMemory.Allocate(length, t.placement);
            new Random(t.cut).NextBytes(source.Span);
            var copied = BufferCopy.FromContiguous(actual.Pointer, actual.Layout, source.Span, t.order);
            ReferenceCopy.FromContiguous(expected.Pointer, expected.Layout, source.Span, t.order);
            Assert.Equal(Convert.ToHexString(expected.Snapshot()), Convert.ToHexString(actual.Snapshot()));
            Assert.InRange(copied, 0, Math.Min(length, full));
        }, Iterations, stream: 2);
    }

    [SkippableFact]
    public void Copy_between_two_layouts_of_one_shape_matches_the_reference()
    {
        Skip.IfNot(GuardedMemory.IsSupported, "guard pages need Linux");
        PropertyRunner.Check(TestLayouts.Pair, t =>
        {
            using var source = TestBuffer.Create(t.Source);
            using var actual = TestBuffer.Create(t.Destination);
            using var expected = TestBuffer.Create(t.Destination);
            var before = source.Snapshot();
            BufferCopy.Copy(actual.Pointer, actual.Layout, source.Pointer, source.Layout);
            ReferenceCopy.Copy(expected.Pointer, expected.Layout, source.Pointer, source.Layout);
            Assert.Equal(Convert.ToHexString(expected.Snapshot()), Convert.ToHexString(actual.Snapshot()));
            Assert.Equal(before, source.Snapshot());
        }, Iterations, stream: 3);
    }

    [SkippableFact]
    public void Overlapping_copies_within_one_block_read_the_source_before_writing()
    {
        Skip.IfNot(GuardedMemory.IsSupported, "guard pages need Linux");
        var gen =
            from pair in TestLayouts.Pair
            from shift in Gen.Int[0, 40]
            from sourceFirst in Gen.Bool
            from placement in Placement
            from seed in Gen.Int
            select (pair.Source, pair.Destination, shift, sourceFirst, placement, seed);
        PropertyRunner.Check(gen, t =>
        {
            // Both structures in one block, the second shifted a little past the first: they overlap or abut.
            var (srcLength, srcOffset) = t.Source.DataExtent();
            var (dstLength, dstOffset) = t.Destination.DataExtent();
            nint srcAt = t.sourceFirst ? 0 : t.shift, dstAt = t.sourceFirst ? t.shift : 0;
            var (actualBlock, expectedBlock) = Twins(nint.Max(srcAt + srcLength, dstAt + dstLength), t.placement, t.seed);
            using var _ = actualBlock;
            using var __ = expectedBlock;
            using var src = TestBuffer.Over(t.Source, actualBlock, srcAt + srcOffset);
            using var dst = TestBuffer.Over(t.Destination, actualBlock, dstAt + dstOffset);
            using var refSrc = TestBuffer.Over(t.Source, expectedBlock, srcAt + srcOffset);
            using var refDst = TestBuffer.Over(t.Destination, expectedBlock, dstAt + dstOffset);
            BufferCopy.Copy(dst.Pointer, dst.Layout, src.Pointer, src.Layout);
            ReferenceCopy.Copy(refDst.Pointer, refDst.Layout, refSrc.Pointer, refSrc.Layout);
            Assert.Equal(Convert.ToHexString(expectedBlock.Span), Convert.ToHexString(actualBlock.Span));
        }, Iterations, stream: 4);
    }

    [SkippableFact]
    public void In_place_copies_between_identical_shifted_layouts_match_the_reference()
    {
        Skip.IfNot(GuardedMemory.IsSupported, "guard pages need Linux");
        // memoryview-style m[1:] = m[:-1]: the same strides, the destination a few items above or below.
        var gen =
            from spec in TestLayouts.Any
            from shift in Gen.Int[-3, 3]
            from seed in Gen.Int
            select (spec: spec with { DerefDims = [], SubOffsets = [] }, shift, seed);
        PropertyRunner.Check(gen, t =>
        {
            var (length, offset) = t.spec.DataExtent();
            var delta = (nint)t.shift * t.spec.ItemSize;
            var (actualBlock, expectedBlock) = Twins(length + nint.Abs(delta), t.spec.Placement, t.seed);
            using var _ = actualBlock;
            using var __ = expectedBlock;
            nint srcAt = delta < 0 ? -delta : 0, dstAt = delta > 0 ? delta : 0;
            var layout = BufferLayout.Create(t.spec.ItemSize, t.spec.Shape, t.spec.Strides);
            BufferCopy.Copy(actualBlock.Pointer + dstAt + offset, layout, actualBlock.Pointer + srcAt + offset, layout);
            ReferenceCopy.Copy(expectedBlock.Pointer + dstAt + offset, layout, expectedBlock.Pointer + srcAt + offset, layout);
            Assert.Equal(Convert.ToHexString(expectedBlock.Span), Convert.ToHexString(actualBlock.Span));
        }, Iterations, stream: 5);
    }

    [SkippableFact]
    public void FromContiguous_reading_from_its_own_destination_reads_first()
    {
        Skip.IfNot(GuardedMemory.IsSupported, "guard pages need Linux");
        var gen = Gen.Select(TestLayouts.Any, Order, Gen.Int[0, 1000], (spec, order, cut) => (spec, order, cut));
        PropertyRunner.Check(gen, t =>
        {
            using var actual = TestBuffer.Create(t.spec);
            using var expected = TestBuffer.Create(t.spec);
            var data = actual.Data.Span;
            var start = data.Length == 0 ? 0 : t.cut % data.Length;
            var count = data.Length == 0 ? 0 : t.cut % (data.Length - start + 1);
            BufferCopy.FromContiguous(actual.Pointer, actual.Layout, data.Slice(start, count), t.order);
            ReferenceCopy.FromContiguous(expected.Pointer, expected.Layout, expected.Data.Span.Slice(start, count), t.order);
            Assert.Equal(Convert.ToHexString(expected.Snapshot()), Convert.ToHexString(actual.Snapshot()));
        }, Iterations, stream: 6);
    }

    [SkippableFact]
    public void ToContiguous_into_memory_the_source_occupies_reads_first()
    {
        Skip.IfNot(GuardedMemory.IsSupported, "guard pages need Linux");
        var gen = Gen.Select(TestLayouts.Any, Order, Gen.Int[0, 1000], (spec, order, cut) => (spec: spec with { DerefDims = [], SubOffsets = [] }, order, cut));
        PropertyRunner.Check(gen, t =>
        {
            var (length, offset) = t.spec.DataExtent();
            var layout = BufferLayout.Create(t.spec.ItemSize, t.spec.Shape, t.spec.Strides);
            var total = nint.Max(length, layout.Length);
            using var block = GuardedMemory.Allocate(total, t.spec.Placement);
            new Random(t.cut).NextBytes(block.Span);
            var start = (int)(t.cut % (total - layout.Length + 1));
            var expected = ReferenceCopy.ToContiguous(block.Pointer + offset, layout, t.order);
            var rest = block.Span.ToArray();
            expected.CopyTo(rest.AsSpan(start));
            BufferCopy.ToContiguous(block.Span, offset, layout, block.Span.Slice(start, (int)layout.Length), t.order);
            Assert.Equal(Convert.ToHexString(rest), Convert.ToHexString(block.Span));
        }, Iterations, stream: 7);
    }
}
