using BufferProtocol.Copying;
using BufferProtocol.Interop.Memory;
using BufferProtocol.Layout;
using BufferProtocol.Tests.TestSupport;

namespace BufferProtocol.Tests.Copying;

// The two-rows-at-a-time every-other kernel (a[::k, ::2] into C order): every row count (odd ones leave a last row to
// the one-row kernel) and every short row length, with the last source item flush against a guard page, so a load
// one vector too far faults instead of passing unnoticed.
public class EveryOtherRowsTests
{
    private static readonly GuardPlacement[] Placements = [GuardPlacement.FlushEnd, GuardPlacement.FlushStart];

    [SkippableTheory]
    [InlineData(4)]
    [InlineData(8)]
    public void The_kernel_copies_every_row_count_and_length_and_reads_nothing_past_the_last_item(int itemSize)
    {
        Skip.IfNot(GuardedMemory.IsSupported, "guard pages need Linux");
        foreach (var placement in Placements)
        {
            for (var rows = 1; rows <= 5; rows++)
            {
                for (var count = 1; count <= 40; count++)
                {
                    // Rows one item further apart than they are long (as in a[::1, ::2] of a wider array, plus a gap).
                    var rowStride = (2 * count + 1) * itemSize;
                    var layout = BufferLayout.Create(itemSize, [rows, count], [rowStride, 2 * itemSize]);
                    using var source = GuardedMemory.Allocate(layout.MaxOffset, placement);
                    new Random(rows * 100 + count).NextBytes(source.Span);
                    using var destination = GuardedMemory.Allocate(layout.Length, placement);
                    ref var d = ref RawMemory.AsRef(destination.Pointer);
                    ref var s = ref RawMemory.AsRef(source.Pointer);
                    var copied = itemSize == 8
                        ? Element<ulong>.TryEveryOtherRows(ref d, ref s, rows, count, rowStride, count * itemSize)
                        : Element<uint>.TryEveryOtherRows(ref d, ref s, rows, count, rowStride, count * itemSize);
                    Skip.IfNot(copied, "no AVX2 every-other kernel on this machine");
                    Assert.True(ReferenceCopy.Items(source.Pointer, layout, fortran: false).AsSpan().SequenceEqual(destination.Span),
                        $"{rows} rows of {count} items, {placement}");
                }
            }
        }
    }

    public static TheoryData<int, int, bool> PublicCases => new()
    {
        { 8, 683, false },   // the Slice benchmark's shape: a[::3, ::2] of 2048 x 2048 float64, 683 rows (odd)
        { 8, 64, true },     // rows reversed: a[::-1, ::2]
        { 4, 7, false },
        { 4, 10, true },
    };

    [SkippableTheory]
    [MemberData(nameof(PublicCases))]
    public void ToContiguous_of_every_other_column_matches_the_reference(int itemSize, int rows, bool reversed)
    {
        Skip.IfNot(GuardedMemory.IsSupported, "guard pages need Linux");
        const int width = 2048;
        var parent = BufferLayout.Contiguous(itemSize, [rows, width]);
        var layout = parent.Slice(1, 0, 2, width / 2, out var start);
        if (reversed)
        {
            layout = layout.Slice(0, rows - 1, -1, rows, out var flip);
            start += flip;
        }
        foreach (var placement in Placements)
        {
            using var source = GuardedMemory.Allocate(parent.Length, placement);
            new Random(rows).NextBytes(source.Span);
            using var destination = GuardedMemory.Allocate(layout.Length, placement);
            BufferCopy.ToContiguous(source.Pointer + start, layout, destination.Span, ContiguityOrder.C);
            Assert.True(ReferenceCopy.ToContiguous(source.Pointer + start, layout, ContiguityOrder.C).AsSpan().SequenceEqual(destination.Span),
                $"{rows} rows, reversed {reversed}, {placement}");
        }
    }

    [SkippableFact]
    public void An_overlapping_every_other_copy_is_still_a_copy_of_the_original()
    {
        // Source a[:, ::2] and destination a[:, 1::2] of the same rows share the rows' lines: the engine must not
        // interleave rows here (operands overlap), and the result must be the copy of the source as it was before.
        Skip.IfNot(GuardedMemory.IsSupported, "guard pages need Linux");
        const int rows = 9, width = 64;
        var parent = BufferLayout.Contiguous(8, [rows, width]);
        var src = parent.Slice(1, 0, 2, width / 2, out var srcStart);
        var dst = parent.Slice(1, 1, 2, width / 2, out var dstStart);
        using var memory = GuardedMemory.Allocate(parent.Length, GuardPlacement.FlushEnd);
        new Random(5).NextBytes(memory.Span);
        var expected = ReferenceCopy.ToContiguous(memory.Pointer + srcStart, src, ContiguityOrder.C);
        BufferCopy.Copy(memory.Pointer + dstStart, dst, memory.Pointer + srcStart, src);
        Assert.Equal(expected, ReferenceCopy.ToContiguous(memory.Pointer + dstStart, dst, ContiguityOrder.C));
    }
}
