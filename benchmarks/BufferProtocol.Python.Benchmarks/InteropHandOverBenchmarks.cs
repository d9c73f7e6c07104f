using BenchmarkDotNet.Attributes;
using BufferProtocol.Interop.DLPack;
using BufferProtocol.Protocol;
using Python.Runtime;

namespace BufferProtocol.Python.Benchmarks;

/// <summary>
/// The same 100 MB hand-over through DLPack capsules and <c>__array_interface__</c> instead of the buffer protocol:
/// what a consumer that speaks only those protocols pays (all zero-copy; the cost is the protocol's bookkeeping).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class InteropHandOverBenchmarks : HandOverData
{
    private PyObject _interfaceOnly = null!;

    [GlobalSetup(Targets = [nameof(NetToNumpy_ArrayInterface)])]
    public void SetupInterface()
    {
        Setup();
        using (Py.GIL())
        {
            using var scope = Py.CreateScope();
            scope.Exec("class InterfaceOnly:\n    def __init__(self, owner):\n        self.owner = owner\n        self.__array_interface__ = owner.__array_interface__");
            _interfaceOnly = scope.Get("InterfaceOnly");
        }
    }

    /// <summary>NumPy → .NET: <c>__dlpack__()</c> (after the <c>max_version</c> TypeError of NumPy 1.24), the legacy capsule imported in place.</summary>
    [Benchmark(Description = "NumPy→.NET: FromDLPack + GetBuffer")]
    public double NumpyToNet_DLPack()
    {
        using var tensor = _array.FromDLPack();
        using var buffer = tensor.GetBuffer(BufferRequest.FullRO);
        return BitConverter.ToDouble(buffer.GetContiguousBytes()[^8..]);
    }

    /// <summary>NumPy → .NET: NumPy's <c>__array_interface__</c> dict read into a buffer over the same address.</summary>
    [Benchmark(Description = "NumPy→.NET: FromArrayInterface")]
    public double NumpyToNet_ArrayInterface()
    {
        using var buffer = _array.FromArrayInterface();
        return BitConverter.ToDouble(buffer.GetContiguousBytes()[^8..]);
    }

    /// <summary>.NET → NumPy: <c>numpy.from_dlpack</c> of a fresh <c>NetBuffer</c> (legacy capsule, NumPy 1.24).</summary>
    [Benchmark(Description = ".NET→NumPy: ToPython + numpy.from_dlpack")]
    public long NetToNumpy_DLPack()
    {
        using (Py.GIL())
        {
            using var netObject = _exporter.ToPython();
            using var array = _numpy.InvokeMethod("from_dlpack", netObject);
            return array.Length();
        }
    }

    /// <summary>.NET → NumPy: <c>numpy.asarray</c> of an object that carries only the <c>NetBuffer</c>'s <c>__array_interface__</c>.</summary>
    [Benchmark(Description = ".NET→NumPy: ToPython + __array_interface__ + numpy.asarray")]
    public long NetToNumpy_ArrayInterface()
    {
        using (Py.GIL())
        {
            using var netObject = _exporter.ToPython();
            using var only = _interfaceOnly.Invoke(netObject);
            using var array = _numpy.InvokeMethod("asarray", only);
            return array.Length();
        }
    }

    /// <summary>No Python: a versioned DLPack export of the .NET array and its import (the C ABI round trip).</summary>
    [Benchmark(Description = ".NET→.NET: DLPackBuffers.Export + Import (C structs only)")]
    public unsafe long NetToNet_DLPackStructs()
    {
        var managed = DLPackBuffers.Export(_exporter);
        using var tensor = DLPackBuffers.Import(managed);
        return tensor.Layout.ItemCount;
    }
}
