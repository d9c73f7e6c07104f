using System.Globalization;

namespace BufferProtocol.Tests.TestSupport;

public class GuardedMemoryTests
{
    [SkippableTheory]
    [InlineData(GuardPlacement.FlushEnd, 1)]
    [InlineData(GuardPlacement.FlushEnd, 4097)]
    [InlineData(GuardPlacement.FlushStart, 13)]
    [InlineData(GuardPlacement.FlushStart, 8192)]
    public void Data_is_flush_against_an_inaccessible_guard_page_on_the_chosen_side(GuardPlacement placement, int length)
    {
        Skip.IfNot(GuardedMemory.IsSupported, "guard pages need Linux");
        using var memory = GuardedMemory.Allocate(length, placement);
        Assert.Equal(length, memory.Length);
        if (placement == GuardPlacement.FlushEnd)
        {
            Assert.Equal(memory.TrailingGuard, memory.Pointer + length);
        }
        else
        {
            Assert.Equal(memory.LeadingGuard + GuardedMemory.PageSize, memory.Pointer);
        }
        Assert.True(memory.Span.IndexOfAnyExcept((byte)0) < 0, "fresh memory is zeroed");
        memory.Span[0] = 1;
        memory.Span[^1] = 2;
        Assert.Equal("---p", Protection(memory.LeadingGuard));
        Assert.Equal("---p", Protection(memory.TrailingGuard));
        Assert.Equal("rw-p", Protection(memory.Pointer));
        Assert.Equal("rw-p", Protection(memory.Pointer + length - 1));
    }

    [SkippableFact]
    public void Empty_block_points_at_the_guard_and_dispose_is_idempotent()
    {
        Skip.IfNot(GuardedMemory.IsSupported, "guard pages need Linux");
        var memory = GuardedMemory.CopyOf([], GuardPlacement.FlushEnd);
        Assert.Equal(memory.TrailingGuard, memory.Pointer);
        Assert.Equal(0, memory.Span.Length);
        memory.Dispose();
        memory.Dispose();
        Assert.Throws<ObjectDisposedException>(() => memory.Span.Length);
    }

    // The permissions column of /proc/self/maps for the mapping holding the address.
    private static string Protection(nint address)
    {
        var a = (ulong)address;
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var dash = line.IndexOf('-');
            var space = line.IndexOf(' ');
            var start = ulong.Parse(line.AsSpan(0, dash), NumberStyles.HexNumber);
            var end = ulong.Parse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber);
            if (a >= start && a < end)
            {
                return line.Substring(space + 1, 4);
            }
        }
        return "unmapped";
    }
}
