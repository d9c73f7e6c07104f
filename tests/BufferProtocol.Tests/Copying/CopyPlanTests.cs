using BufferProtocol.Copying;

namespace BufferProtocol.Tests.Copying;

public class CopyPlanTests
{
    private static (InnerKind Kind, nint[] Shape, nint[] Src, nint[] Dst, nint SrcStart, nint DstStart) Plan(
        nint[] shape, nint[] src, nint[] dst, nint itemSize, VisitOrder order = VisitOrder.Free, bool reverse = false)
    {
        var scratch = new nint[CopyPlan.ScratchLength(shape.Length)];
        var plan = CopyPlan.Build(shape, src, dst, itemSize, order, reverse, scratch);
        return (plan.Inner, plan.Shape[..plan.Rank].ToArray(), plan.SrcStrides[..plan.Rank].ToArray(),
            plan.DstStrides[..plan.Rank].ToArray(), plan.SrcStart, plan.DstStart);
    }

    [Fact]
    public void Contiguous_copies_merge_into_one_bulk_run()
    {
        var p = Plan([3, 4, 5], [160, 40, 8], [160, 40, 8], 8);
        Assert.Equal(InnerKind.Bulk, p.Kind);
        Assert.Equal(new nint[] { 60 }, p.Shape);
    }

    [Fact]
    public void Extent_one_dimensions_vanish_and_a_scalar_is_one_run()
    {
        Assert.Equal(new nint[] { 4 }, Plan([1, 4, 1], [999, 2, -7], [8, 2, 2], 2).Shape);
        var scalar = Plan([], [], [], 16);
        Assert.Equal(InnerKind.Bulk, scalar.Kind);
        Assert.Equal(new nint[] { 1 }, scalar.Shape);
        Assert.Equal(InnerKind.Empty, Plan([3, 0], [8, 8], [8, 8], 8).Kind);
        Assert.Equal(InnerKind.Empty, Plan([3], [0], [0], 0).Kind);
    }

    [Fact]
    public void Dimensions_reversed_on_both_sides_are_flipped_into_a_forward_run()
    {
        // a[::-1] copied into b[::-1]: starts at the far end, then one forward run.
        var p = Plan([10], [-4], [-4], 4);
        Assert.Equal(InnerKind.Bulk, p.Kind);
        Assert.Equal(new nint[] { 4 }, p.Src);
        Assert.Equal(new nint[] { 4 }, p.Dst);
        Assert.Equal((-36, -36), (p.SrcStart, p.DstStart));
        // Not with a required order: the visit must stay as it is.
        Assert.Equal(InnerKind.Strided, Plan([10], [-4], [-4], 4, VisitOrder.C).Kind);
    }

    [Fact]
    public void The_innermost_loop_writes_the_smallest_destination_steps()
    {
        // A Fortran-ordered source into a C destination of a 3-d array with a gap: loops sorted by destination.
        var p = Plan([2, 3, 50], [8, 16, 48], [1200, 400, 8], 8);
        Assert.Equal(new nint[] { 1200, 400, 8 }, p.Dst);
    }

    [Fact]
    public void A_transpose_is_tiled_and_small_source_steps_are_not()
    {
        // 2048 x 2048 doubles, transposed: the source reads along the destination's rows.
        var t = Plan([2048, 2048], [8, 16384], [16384, 8], 8);
        Assert.Equal(InnerKind.Tiled, t.Kind);
        Assert.Equal(new nint[] { 8, 16384 }, t.Src);

        // a[::3, ::2]: the inner source step is 16 bytes, close enough to stream.
        Assert.Equal(InnerKind.Strided, Plan([683, 1024], [49152, 16], [8192, 8], 8).Kind);

        // A 4-d permutation (64^4 doubles, axes (3, 1, 0, 2)): the source's compact dimension moves next to the
        // destination's.
        var p = Plan([64, 64, 64, 64], [8, 32768, 2097152, 512], [2097152, 32768, 512, 8], 8);
        Assert.Equal(InnerKind.Tiled, p.Kind);
        Assert.Equal(new nint[] { 32768, 2097152, 8, 512 }, p.Src);
        Assert.Equal(new nint[] { 32768, 512, 2097152, 8 }, p.Dst);
    }

    [Fact]
    public void Reverse_visits_every_dimension_backwards_except_a_bulk_run()
    {
        var p = Plan([4, 6], [48, 8], [48, 8], 8, reverse: true);
        Assert.Equal(InnerKind.Bulk, p.Kind);
        var strided = Plan([4, 6], [200, 16], [200, 16], 8, reverse: true);
        Assert.Equal(new nint[] { -200, -16 }, strided.Src);
        Assert.Equal(3 * 200 + 5 * 16, strided.SrcStart);
    }
}
