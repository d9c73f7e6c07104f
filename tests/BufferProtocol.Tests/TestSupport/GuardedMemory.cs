using System.Runtime.InteropServices;

namespace BufferProtocol.Tests.TestSupport;

/// <summary>Where the data of a <see cref="GuardedMemory"/> block sits between its two guard pages.</summary>
public enum GuardPlacement
{
    /// <summary>The last data byte is the byte just before the trailing guard page: reading one byte past the end faults.</summary>
    FlushEnd,

    /// <summary>The first data byte is the byte just after the leading guard page: reading one byte before the start faults.</summary>
    FlushStart,
}

/// <summary>
/// Memory with an inaccessible (<c>PROT_NONE</c>) page on both sides, for tests that must prove that code never
/// touches a byte outside the memory it was given.
/// </summary>
/// <remarks>
/// <code>
///   [ guard page ][ data pages ........................ ][ guard page ]
///                  ↑ FlushStart: Pointer here      FlushEnd: Pointer + Length ends here ↑
/// </code>
/// <para>The data is placed flush against one guard (<see cref="GuardPlacement"/>); the other side has at most a page
/// of slack before its guard. A test that wants both edges covered runs twice, once per placement. Any read or
/// write of a guard page raises <c>SIGSEGV</c>, which .NET cannot catch for such an address: the test host dies and
/// the run fails, which is the point. The block is mapped with <c>mmap</c> and freed with <c>munmap</c> on
/// <see cref="Dispose"/>; nothing is pinned or managed by the GC.</para>
/// <para>Linux only (<see cref="IsSupported"/>): the <c>mmap</c> constants used are Linux's.</para>
/// </remarks>
public sealed partial class GuardedMemory : IDisposable
{
    private const int ProtNone = 0;
    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int MapPrivate = 0x02;
    private const int MapAnonymous = 0x20;

    private nint _mapping;
    private readonly nuint _mappingLength;

    private GuardedMemory(nint mapping, nuint mappingLength, nint pointer, nint length, nint leadingGuard, nint trailingGuard)
    {
        _mapping = mapping;
        _mappingLength = mappingLength;
        Pointer = pointer;
        Length = length;
        LeadingGuard = leadingGuard;
        TrailingGuard = trailingGuard;
    }

    /// <summary>True where guard pages can be made (Linux).</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>The size of one guard page.</summary>
    public static int PageSize => Environment.SystemPageSize;

    /// <summary>Address of the first data byte.</summary>
    public nint Pointer { get; }

    /// <summary>Number of data bytes.</summary>
    public nint Length { get; }

    /// <summary>Address of the leading guard page (inaccessible).</summary>
    public nint LeadingGuard { get; }

    /// <summary>Address of the trailing guard page (inaccessible).</summary>
    public nint TrailingGuard { get; }

    /// <summary>The data bytes.</summary>
    public unsafe Span<byte> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(_mapping == 0, this);
            return new Span<byte>((void*)Pointer, checked((int)Length));
        }
    }

    /// <summary>Maps <paramref name="length"/> zeroed data bytes between two guard pages.</summary>
    /// <param name="length">Number of data bytes (0 is allowed: the pointer then sits on the guard's edge).</param>
    /// <param name="placement">Which guard the data is flush against.</param>
    /// <exception cref="PlatformNotSupportedException">Not on Linux.</exception>
    /// <exception cref="InvalidOperationException"><c>mmap</c> or <c>mprotect</c> failed.</exception>
    public static GuardedMemory Allocate(nint length, GuardPlacement placement = GuardPlacement.FlushEnd)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("guard pages are only made on Linux");
        }
        var page = (nint)PageSize;
        var dataPages = (length + page - 1) / page;
        var total = (nuint)((dataPages + 2) * page);
        var mapping = Mmap(0, total, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (mapping == -1)
        {
            throw new InvalidOperationException($"mmap of {total} bytes failed (errno {Marshal.GetLastPInvokeError()})");
        }
        var leading = mapping;
        var trailing = mapping + (dataPages + 1) * page;
        if (Mprotect(leading, (nuint)page, ProtNone) != 0 || Mprotect(trailing, (nuint)page, ProtNone) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _ = Munmap(mapping, total);
            throw new InvalidOperationException($"mprotect failed (errno {errno})");
        }
        var pointer = placement == GuardPlacement.FlushEnd ? trailing - length : leading + page;
        return new GuardedMemory(mapping, total, pointer, length, leading, trailing);
    }

    /// <summary>Maps a guarded block holding a copy of <paramref name="bytes"/>.</summary>
    /// <param name="bytes">The data.</param>
    /// <param name="placement">Which guard the data is flush against.</param>
    public static GuardedMemory CopyOf(ReadOnlySpan<byte> bytes, GuardPlacement placement = GuardPlacement.FlushEnd)
    {
        var memory = Allocate(bytes.Length, placement);
        bytes.CopyTo(memory.Span);
        return memory;
    }

    /// <summary>Unmaps the block. Calling it again does nothing.</summary>
    public void Dispose()
    {
        var mapping = Interlocked.Exchange(ref _mapping, 0);
        if (mapping != 0)
        {
            _ = Munmap(mapping, _mappingLength);
        }
    }

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static partial int Mprotect(nint address, nuint length, int protection);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(nint address, nuint length);
}
