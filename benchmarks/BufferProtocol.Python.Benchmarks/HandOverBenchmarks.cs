using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using BufferProtocol.Exporters;
using BufferProtocol.Protocol;
using Python.Runtime;

namespace BufferProtocol.Python.Benchmarks;

/// <summary>
/// Handing 100 MB (12.5 million float64) from NumPy to .NET, and from .NET to NumPy: this library's zero-copy
/// hand-over against the ways pythonnet users move the data today (pythonnet issues #1838, #514, #2243, #1816).
/// The element-wise baselines, which take seconds, are in <see cref="ElementWiseHandOverBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class HandOverBenchmarks : HandOverData
{

    // ---- NumPy → .NET ---------------------------------------------------------------------------------------

    /// <summary>This library: <c>PyObject_GetBuffer</c> and an <see cref="AcquiredBuffer"/> over NumPy's memory.</summary>
    [Benchmark(Description = "NumPy→.NET: AcquireBuffer (zero-copy)")]
    public double NumpyToNet_AcquireBuffer()
    {
        using var buffer = _array.AcquireBuffer(BufferRequest.FullRO);
        return BitConverter.ToDouble(buffer.GetContiguousBytes()[^8..]);
    }

    /// <summary>
    /// pythonnet's <c>PyBuffer</c> and <c>Read</c> into a <c>byte[]</c> (#2243). ND, because any FORMAT request crashes
    /// (#2371) and <c>Read</c> refuses NumPy's SIMPLE answer (ndim 0).
    /// </summary>
    [Benchmark(Description = "NumPy→.NET: pythonnet PyBuffer.Read into byte[]")]
    public int NumpyToNet_PyBufferRead()
    {
        using (Py.GIL())
        {
            using var buffer = _array.GetBuffer(PyBUF.ND);
            var bytes = new byte[buffer.Length];
            buffer.Read(bytes, 0, bytes.Length, 0);
            return bytes.Length;
        }
    }

    // ---- .NET → NumPy ---------------------------------------------------------------------------------------

    /// <summary>This library: a <c>bufferprotocol.NetBuffer</c> over the pinned array, viewed by <c>numpy.asarray</c>.</summary>
    [Benchmark(Description = ".NET→NumPy: ToPython + numpy.asarray (zero-copy)")]
    public long NetToNumpy_ToPython()
    {
        using (Py.GIL())
        {
            using var netObject = _exporter.ToPython();
            using var array = _numpy.InvokeMethod("asarray", netObject);
            return array.Length();
        }
    }

    /// <summary>pythonnet's own export of <c>System.Array</c> (PR #1511): zero-copy too, but C-order arrays only and no SIMPLE requests.</summary>
    [Benchmark(Description = ".NET→NumPy: pythonnet array export + numpy.asarray")]
    public long NetToNumpy_PythonnetArray()
    {
        using (Py.GIL())
        {
            using var wrapper = PyObject.FromManagedObject(_values);
            using var array = _numpy.InvokeMethod("asarray", wrapper);
            return array.Length();
        }
    }

    /// <summary><c>numpy.empty</c> then <c>ctypes.memmove</c> from the pinned .NET array (the helpers shared in #514).</summary>
    [Benchmark(Description = ".NET→NumPy: numpy.empty + ctypes.memmove (copy)")]
    public unsafe long NetToNumpy_Memmove()
    {
        using (Py.GIL())
        {
            using var array = _numpy.InvokeMethod("empty", new PyInt(Count));
            using var ctypesView = array.GetAttr("ctypes");
            using var destination = ctypesView.GetAttr("data");
            fixed (double* source = _values)
            {
                using var memmove = _ctypes.GetAttr("memmove");
                memmove.Invoke(destination, new PyInt((long)source), new PyInt((long)Count * sizeof(double))).Dispose();
            }
            return array.Length();
        }
    }
}

/// <summary>The element-wise baselines: seconds per call, so one launch and few iterations.</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class ElementWiseHandOverBenchmarks : HandOverData
{
    /// <summary>Element-wise: <c>tolist()</c> then pythonnet's list-to-<c>double[]</c> conversion (#1838, #1816).</summary>
    [Benchmark(Description = "NumPy→.NET: tolist() + As<double[]> (element-wise)")]
    public int NumpyToNet_ElementWise()
    {
        using (Py.GIL())
        {
            using var list = _array.InvokeMethod("tolist");
            return list.As<double[]>().Length;
        }
    }

    /// <summary>Element-wise: a Python list of floats built from .NET, then <c>numpy.array(list)</c> (#1911).</summary>
    [Benchmark(Description = ".NET→NumPy: PyList of PyFloat + numpy.array (element-wise)")]
    public long NetToNumpy_ElementWise()
    {
        using (Py.GIL())
        {
            using var list = new PyList();
            foreach (var value in _values)
            {
                using var item = new PyFloat(value);
                list.Append(item);
            }
            using var array = _numpy.InvokeMethod("array", list);
            return array.Length();
        }
    }
}

/// <summary>100 MB on each side: a NumPy float64 array and a .NET <c>double[]</c>, with the interpreter started once.</summary>
public abstract class HandOverData
{
    protected const int Count = 100_000_000 / sizeof(double);

    protected double[] _values = [];
    protected ArrayExporter _exporter = null!;
    protected PyObject _numpy = null!;
    protected PyObject _array = null!;
    protected PyObject _ctypes = null!;

    [GlobalSetup]
    public void Setup()
    {
        PythonHost.Initialize();
        _values = Enumerable.Range(0, Count).Select(i => (double)i).ToArray();
        _exporter = ArrayExporter.Create(_values);
        using (Py.GIL())
        {
            _numpy = Py.Import("numpy");
            _ctypes = Py.Import("ctypes");
            _array = _numpy.InvokeMethod("arange", new PyFloat(Count));
        }
    }
}
