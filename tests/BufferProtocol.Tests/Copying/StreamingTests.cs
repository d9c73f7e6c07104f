using BufferProtocol.Copying;
using BufferProtocol.Interop.Memory;
using BufferProtocol.Layout;
using BufferProtocol.Tests.TestSupport;

namespace BufferProtocol.Tests.Copying;

// The streaming-store kernels only run on copies of Streaming.Threshold bytes or more, which the property tests never
// draw: here they are called directly on every short length and alignment between guard pages, and the public API is
// run once past the threshold for each path that streams.
public class StreamingTests
{
    private static readonly GuardPlacement[] Placements = [GuardPlacement.FlushEnd, GuardPlacement.FlushStart];

    [SkippableFact]
    public void Streaming_moves_copy_every_length_and_alignment_and_touch_nothing_outside()
    {
        Skip.IfNot(GuardedMemory.IsSupported && Streaming.IsSupported, "guard pages need Linux; streaming stores need AVX");
        foreach (var srcPlacement in Placements)
        {
            foreach (var dstPlacement in Placements)
            {
                // FlushEnd puts the first byte at (page end - length): the lengths walk every alignment mod 64.
                for (var length = 0; length <= 520; length++)
                {
                    using var source = GuardedMemory.Allocate(length, srcPlacement);
                    new Random(length).NextBytes(source.Span);
                    using var destination = GuardedMemory.Allocate(length, dstPlacement);
                    StreamingStores.Move(ref RawMemory.AsRef(destination.Pointer), ref RawMemory.AsRef(source.Pointer), (nuint)length);
                    StreamingStores.Fence();
                    Assert.True(source.Span.SequenceEqual(destination.Span), $"length {length}, {srcPlacement} -> {dstPlacement}");
                }
            }
        }
    }

    [SkippableTheory]
    [InlineData(4)]
    [InlineData(8)]
    public void Streaming_every_other_copies_read_nothing_past_the_last_item(int itemSize)
    {
        Skip.IfNot(GuardedMemory.IsSupported && Streaming.IsSupported, "guard pages need Linux; streaming stores need AVX");
        foreach (var srcPlacement in Placements)
        {
            foreach (var dstPlacement in Placements)
            {
                for (var count = 1; count <= 120; count++)
                {
                    var layout = BufferLayout.Create(itemSize, [count], [2 * itemSize]);
                    using var source = GuardedMemory.Allocate(layout.MaxOffset, srcPlacement);
                    new Random(count).NextBytes(source.Span);
                    using var destination = GuardedMemory.Allocate(layout.Length, dstPlacement);
                    var copied = itemSize == 8
                        ? Element<ulong>.TryEveryOther(ref RawMemory.AsRef(destination.Pointer), ref RawMemory.AsRef(source.Pointer), count, stream: true)
                        : Element<uint>.TryEveryOther(ref RawMemory.AsRef(destination.Pointer), ref RawMemory.AsRef(source.Pointer), count, stream: true);
                    StreamingStores.Fence();
                    Skip.IfNot(copied, "no AVX2 every-other kernel on this machine");
                    Assert.Equal(ReferenceCopy.Items(source.Pointer, layout, fortran: false), destination.Span.ToArray());
                }
            }
        }
    }

    [SkippableFact]
    public void Streaming_every_other_falls_back_when_the_destination_is_not_item_aligned()
    {
        Skip.IfNot(GuardedMemory.IsSupported && Streaming.IsSupported, "guard pages need Linux; streaming stores need AVX");
        const int count = 100;
        var layout = BufferLayout.Create(8, [count], [16]);
        using var source = GuardedMemory.Allocate(layout.MaxOffset, GuardPlacement.FlushEnd);
        new Random(7).NextBytes(source.Span);
        using var destination = GuardedMemory.Allocate(layout.Length + 3, GuardPlacement.FlushEnd);
        var target = destination.Pointer + 3;
        Assert.True(Element<ulong>.TryEveryOther(ref RawMemory.AsRef(target), ref RawMemory.AsRef(source.Pointer), count, stream: true));
        Assert.Equal(ReferenceCopy.Items(source.Pointer, layout, fortran: false), destination.Span[3..].ToArray());
    }

    public static TheoryData<string> LargeCases => ["Contiguous", "Rows", "Stride2", "Stride2Float", "Reversed"];

    // Each case writes Streaming.Threshold bytes or a little more (odd sizes, so the last line is partial), with both
    // operands flush against a guard page.
    [SkippableTheory]
    [MemberData(nameof(LargeCases))]
    public void Copies_past_the_streaming_threshold_match_the_reference(string name)
    {
        Skip.IfNot(GuardedMemory.IsSupported, "guard pages need Linux");
        var items = (Streaming.Threshold + 40) / 8 + 3;
        var layout = name switch
        {
            "Contiguous" => BufferLayout.Contiguous(8, [items]),
            "Rows" => BufferLayout.Create(8, [items / 61 + 1, 61], [62 * 8, 8]),   // rows of 488 bytes, one item apart
            "Stride2" => BufferLayout.Create(8, [items], [16]),
            "Stride2Float" => BufferLayout.Create(4, [2 * items], [8]),
            _ => BufferLayout.Create(8, [items], [-16]),
        };
        Assert.True(layout.Length >= Streaming.Threshold);
        foreach (var placement in Placements)
        {
            using var source = GuardedMemory.Allocate(layout.MaxOffset - layout.MinOffset, placement);
            new Random((int)items).NextBytes(source.Span);
            var first = source.Pointer - layout.MinOffset;
            using var destination = GuardedMemory.Allocate(layout.Length, placement);
            BufferCopy.ToContiguous(first, layout, destination.Span, ContiguityOrder.C);
            Assert.True(ReferenceCopy.ToContiguous(first, layout, ContiguityOrder.C).AsSpan().SequenceEqual(destination.Span), $"{name}, {placement}");
        }
    }

    [SkippableFact]
    public void A_large_overlapping_copy_does_not_stream_and_stays_memmove_like()
    {
        Skip.IfNot(GuardedMemory.IsSupported, "guard pages need Linux");
        var length = (int)Streaming.Threshold + 4096;
        using var memory = GuardedMemory.Allocate(length + 64, GuardPlacement.FlushEnd);
        new Random(3).NextBytes(memory.Span);
        var expected = memory.Span[..length].ToArray();
        var layout = BufferLayout.Contiguous(1, [length]);
        BufferCopy.Copy(memory.Pointer + 64, layout, memory.Pointer, layout);
        Assert.True(expected.AsSpan().SequenceEqual(memory.Span[64..]));
    }
}
