using System.Runtime.InteropServices;

namespace BufferProtocol.Benchmarks.Copying;

/// <summary>
/// Native blocks allocated the way NumPy 1.24 allocates array data on Linux: <c>malloc</c>, then, for 4 MiB or more,
/// <c>madvise(MADV_HUGEPAGE)</c> from the first page boundary on (numpy/core/src/multiarray/alloc.c,
/// <c>indicate_hugepages</c>), so that the kernel may back the block with 2 MiB pages when transparent huge pages are
/// in <c>madvise</c> mode (Debian's default).
/// </summary>
/// <remarks>
/// The comparison with NumPy is between copy loops, so both run on the same kind of memory: with 4 KiB pages a
/// strided copy of a 32 MiB array takes a TLB miss every 4 KiB of source and of destination, with 2 MiB pages
/// almost none. A .NET program that copies out of a NumPy array handed over by the buffer protocol reads exactly
/// this memory.
/// </remarks>
internal static unsafe class NumPyMemory
{
    private const nint HugePageThreshold = 1 << 22;  // NumPy: size >= (1u << 22u)
    private const int MadviseHugePage = 14;          // MADV_HUGEPAGE, Linux
    private const nint PageSize = 4096;

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int Madvise(nint address, nuint length, int advice);

    /// <summary><c>malloc</c> plus NumPy's huge-page advice (free with <see cref="NativeMemory.Free"/>).</summary>
    public static void* Allocate(nint bytes)
    {
        var block = NativeMemory.Alloc((nuint)bytes);
        AdviseHugePages(block, bytes);
        return block;
    }

    /// <summary>A 64-byte-aligned block with NumPy's huge-page advice (free with <see cref="NativeMemory.AlignedFree"/>).</summary>
    public static void* AllocateAligned(nint bytes)
    {
        var block = NativeMemory.AlignedAlloc((nuint)bytes, 64);
        AdviseHugePages(block, bytes);
        return block;
    }

    private static void AdviseHugePages(void* block, nint bytes)
    {
        if (bytes < HugePageThreshold || !OperatingSystem.IsLinux())
        {
            return;
        }
        // NumPy starts at the next page boundary (a whole page later when already aligned) and ignores the result:
        // the advice is a hint, and a kernel without transparent huge pages refuses it.
        var offset = PageSize - (nint)block % PageSize;
        _ = Madvise((nint)block + offset, (nuint)(bytes - offset), MadviseHugePage);
    }
}
