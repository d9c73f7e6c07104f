using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BufferProtocol.Formats.Internals;

/// <summary>
/// Sizes and alignments of the C types behind the native (<c>@</c>/<c>^</c>) format codes, taken from the host
/// ABI as far as .NET can tell: <c>sizeof(CLong)</c>, <c>nint</c>, and the offset of <c>T</c> in
/// <c>struct { byte b; T x; }</c> for the alignment (the same trick <c>_struct.c</c> uses).
/// </summary>
/// <remarks>
/// .NET has no <c>long double</c>; its size comes from a table of ABIs (x86-64 System V and Linux AArch64: 16/16,
/// Windows and Apple AArch64: 8/8, 32-bit x86 Linux: 12/4).
/// </remarks>
internal static class NativeAbi
{
    public static readonly int LongSize = Unsafe.SizeOf<CLong>();
    public static readonly int LongAlignment = AlignOf<CLong>();
    public static readonly int PointerSize = IntPtr.Size;
    public static readonly int PointerAlignment = AlignOf<nint>();
    public static readonly int ShortAlignment = AlignOf<short>();
    public static readonly int IntAlignment = AlignOf<int>();
    public static readonly int LongLongAlignment = AlignOf<long>();
    public static readonly int HalfAlignment = AlignOf<Half>();
    public static readonly int FloatAlignment = AlignOf<float>();
    public static readonly int DoubleAlignment = AlignOf<double>();
    public static readonly (int Size, int Alignment) LongDouble = GetLongDouble();

    private static (int Size, int Alignment) GetLongDouble()
    {
        if (OperatingSystem.IsWindows() || (OperatingSystem.IsMacOS() && RuntimeInformation.ProcessArchitecture == Architecture.Arm64))
        {
            return (8, 8);
        }
        return RuntimeInformation.ProcessArchitecture == Architecture.X86 ? (12, 4) : (16, 16);
    }

    private static int AlignOf<T>() where T : unmanaged => Unsafe.SizeOf<AlignmentProbe<T>>() - Unsafe.SizeOf<T>();

    [StructLayout(LayoutKind.Sequential)]
    private struct AlignmentProbe<T> where T : unmanaged
    {
#pragma warning disable CS0649 // never assigned: only the layout matters
        public byte Byte;
        public T Value;
#pragma warning restore CS0649
    }
}
