using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BufferProtocol.Exporters;
using BufferProtocol.Layout;
using BufferProtocol.Views;

namespace BufferProtocol.Benchmarks.Views;

/// <summary>
/// <see cref="MemoryView"/> on the cases of issue 4 §4; CPython's memoryview runs the same cases in
/// <c>benchmarks/compare/memoryview.py</c>, which runs this class and prints both sides with their ratios:
/// <list type="bullet">
/// <item><c>ToList</c>: <c>tolist()</c> of 100 000 int32 items;</item>
/// <item><c>EqualsStrided</c>: <c>==</c> of a contiguous 1 Mi-item float64 view and an equal one with stride 16 bytes
/// (<c>a[::2]</c> of 2 Mi items) — every item compared;</item>
/// <item><c>IndexLoop</c>: <c>for i in range(n): s += m[i]</c> over the 100 000 int32 items;</item>
/// <item><c>ToBytesStrided</c>: <c>tobytes()</c> of that strided float64 view (8 MiB).</item>
/// </list>
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class MemoryViewBenchmarks
{
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(12).WithId("memoryview"));
            WithOptions(ConfigOptions.DisableLogFile);
        }
    }

    private const int Ints = 100_000;
    private const int Doubles = 1 << 20;

    private NativeBuffer _ints = null!;
    private NativeBuffer _contiguous = null!;
    private NativeBuffer _wide = null!;
    private MemoryView _intView = null!;
    private MemoryView _contiguousView = null!;
    private MemoryView _wideView = null!;
    private MemoryView _stridedView = null!;

    [GlobalSetup]
    public void Setup()
    {
        _ints = NativeBuffer.Create<int>([Ints]);
        _intView = new MemoryView(_ints);
        using (var lease = _intView.Lease())
        {
            var items = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(lease.WritableBytes);
            for (var i = 0; i < items.Length; i++)
            {
                items[i] = i;
            }
        }
        _contiguous = NativeBuffer.Create<double>([Doubles]);
        _wide = NativeBuffer.Create<double>([2 * Doubles]);
        _contiguousView = new MemoryView(_contiguous);
        _wideView = new MemoryView(_wide);
        using (var a = _contiguousView.Lease())
        using (var b = _wideView.Lease())
        {
            var x = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(a.WritableBytes);
            var y = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(b.WritableBytes);
            for (var i = 0; i < Doubles; i++)
            {
                x[i] = i;
                y[2 * i] = i;
                y[2 * i + 1] = -1;
            }
        }
        _stridedView = _wideView[Slice.Every(2)];
        if (!_contiguousView.Equals(_stridedView) || _stridedView.Layout.IsCContiguous)
        {
            throw new InvalidOperationException("the views must be equal, one of them strided");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stridedView.Release();
        _wideView.Release();
        _contiguousView.Release();
        _intView.Release();
        _ints.Dispose();
        _contiguous.Dispose();
        _wide.Dispose();
    }

    /// <summary><c>m.tolist()</c> of 100 000 int32.</summary>
    [Benchmark]
    public object? ToList() => _intView.ToList();

    /// <summary><c>a == b[::2]</c> of 1 Mi float64, all equal.</summary>
    [Benchmark]
    public bool EqualsStrided() => _contiguousView.Equals(_stridedView);

    /// <summary><c>for i in range(n): s += m[i]</c>.</summary>
    [Benchmark]
    public long IndexLoop()
    {
        long sum = 0;
        var m = _intView;
        for (nint i = 0; i < Ints; i++)
        {
            sum += (int)m[i]!;
        }
        return sum;
    }

    /// <summary><c>b[::2].tobytes()</c>: 8 MiB gathered from a stride of 16 bytes.</summary>
    [Benchmark]
    public byte[] ToBytesStrided() => _stridedView.ToBytes(ContiguityOrder.C);
}
