using System.Runtime.InteropServices;

// The structs of Cython's typed-memoryview test vectors (interop-protocols.md §6.3), with C# field names; a C `char`
// is an sbyte here.
namespace BufferProtocol.Tests.Formats.CythonTypes;

public struct S1
{
    public int A;
    public double B;
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct P1
{
    public int A;
    public double B;
}

public struct S2
{
    public sbyte C;
    public int I;
}

public struct Nested
{
    public S2 S;
    public short H;
}

public unsafe struct Arr
{
    public fixed int A[3];
    public double D;
}

public struct Three
{
    public int X, Y, Z;
}

public unsafe struct Str
{
    public fixed byte Name[4];
    public int V;
}

public struct In3
{
    public sbyte A;
    public int B;
    public sbyte C;
}

public struct Out3
{
    public In3 S;
    public sbyte Z;
}
