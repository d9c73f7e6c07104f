using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BufferProtocol.Copying;
using BufferProtocol.Layout;

namespace BufferProtocol.Benchmarks.Copying;

/// <summary>
/// The copy engine on the cases of issue 3 §4, each beside <c>Buffer.MemoryCopy</c> of the same byte count
/// (the physical limit). NumPy and CPython run the same cases in <c>benchmarks/compare/copy.py</c>, which runs this
/// class and prints both sides together. Every case copies float64 items into C order:
/// <list type="bullet">
/// <item><c>Transpose</c>: a 2048×2048 array transposed (<c>np.ascontiguousarray(a.T)</c>);</item>
/// <item><c>Slice</c>: <c>a[::3, ::2]</c> of a 2048×2048 array;</item>
/// <item><c>Permute4D</c>: a 32×32×32×32 array with its axes permuted (3, 1, 0, 2);</item>
/// <item><c>Stride2</c>: <c>a[::2]</c> of 4 Mi items;</item>
/// <item><c>Tiny</c>: a 4×4 array transposed — the fixed cost of one call;</item>
/// <item><c>Contiguous</c>: a C-contiguous 2048×2048 array, which must be a memmove.</item>
/// </list>
/// <c>Into</c> copies into an existing block (compare <c>np.copyto</c>); <c>Alloc</c> mallocs the result first
/// and frees it after (<c>NativeMemory.Alloc</c>, as <c>np.ascontiguousarray</c> mallocs its result);
/// <c>ToArray</c> returns a new managed array (<c>BufferCopy.ToArray</c>; compare <c>memoryview.tobytes</c>, which
/// returns a new <c>bytes</c>). Every native block, the result of <c>Alloc</c> included, is allocated as NumPy
/// allocates its arrays (<see cref="NumPyMemory"/>: huge pages advised from 4 MiB), so both sides copy the same kind
/// of memory.
/// </summary>
[Config(typeof(Config))]
public unsafe class CopyBenchmarks
{
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(2).WithIterationCount(10).WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250)).WithId("copy"));
            WithOptions(ConfigOptions.DisableLogFile);
        }
    }

    private const int N = 2048;

    private nint _big;          // 2048 x 2048 doubles (also the 4-D array and the 1-D array)
    private nint _destination;  // as large as the largest result
    private nint _tiny;
    private nint _tinyDestination;
    private BufferLayout _transpose;
    private BufferLayout _slice;
    private BufferLayout _permute4D;
    private BufferLayout _stride2;
    private BufferLayout _tinyTranspose;
    private BufferLayout _contiguous;

    /// <summary>The case to run.</summary>
    [Params("Transpose", "Slice", "Permute4D", "Stride2", "Tiny", "Contiguous")]
    public string Case { get; set; } = "Transpose";

    [GlobalSetup]
    public void Setup()
    {
        nint bytes = (nint)N * N * sizeof(double);
        _big = (nint)NumPyMemory.AllocateAligned(bytes);
        _destination = (nint)NumPyMemory.AllocateAligned(bytes);
        var values = new Span<double>((void*)_big, N * N);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = i;
        }
        new Span<byte>((void*)_destination, (int)bytes).Clear();
        _tiny = (nint)NativeMemory.AlignedAlloc(16 * sizeof(double), 64);
        _tinyDestination = (nint)NativeMemory.AlignedAlloc(16 * sizeof(double), 64);
        new Span<double>((void*)_tiny, 16).Fill(1.5);

        var c = BufferLayout.Contiguous(sizeof(double), [N, N]);
        _contiguous = c;
        _transpose = c.Permute([1, 0]);
        _slice = c.Slice(0, 0, 3, (N + 2) / 3, out _).Slice(1, 0, 2, N / 2, out _);
        _permute4D = BufferLayout.Contiguous(sizeof(double), [32, 32, 32, 32]).Permute([3, 1, 0, 2]);
        _stride2 = BufferLayout.Create(sizeof(double), [N * N / 2], [2 * sizeof(double)]);
        _tinyTranspose = BufferLayout.Contiguous(sizeof(double), [4, 4]).Permute([1, 0]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.AlignedFree((void*)_big);
        NativeMemory.AlignedFree((void*)_destination);
        NativeMemory.AlignedFree((void*)_tiny);
        NativeMemory.AlignedFree((void*)_tinyDestination);
    }

    private (nint Source, BufferLayout Layout, nint Destination) Current => Case switch
    {
        "Transpose" => (_big, _transpose, _destination),
        "Slice" => (_big, _slice, _destination),
        "Permute4D" => (_big, _permute4D, _destination),
        "Stride2" => (_big, _stride2, _destination),
        "Tiny" => (_tiny, _tinyTranspose, _tinyDestination),
        _ => (_big, _contiguous, _destination),
    };

    /// <summary>BufferCopy.ToContiguous into an existing block (np.copyto).</summary>
    [Benchmark]
    public void Into()
    {
        var (source, layout, destination) = Current;
        BufferCopy.ToContiguous(source, layout, new Span<byte>((void*)destination, (int)layout.Length), ContiguityOrder.C);
    }

    /// <summary>A malloc'd block (huge pages advised, as NumPy does), BufferCopy.ToContiguous into it, free (np.ascontiguousarray).</summary>
    [Benchmark]
    public void Alloc()
    {
        var (source, layout, _) = Current;
        var block = NumPyMemory.Allocate(layout.Length);
        BufferCopy.ToContiguous(source, layout, new Span<byte>(block, (int)layout.Length), ContiguityOrder.C);
        NativeMemory.Free(block);
    }

    /// <summary>A new managed array of the items in C order (memoryview.tobytes).</summary>
    [Benchmark]
    public byte[] ToArray()
    {
        var (source, layout, _) = Current;
        var result = GC.AllocateUninitializedArray<byte>((int)layout.Length);
        BufferCopy.ToContiguous(source, layout, result, ContiguityOrder.C);
        return result;
    }

    /// <summary>Buffer.MemoryCopy of the same number of bytes: the physical limit.</summary>
    [Benchmark(Baseline = true)]
    public void MemoryCopy()
    {
        var (source, layout, destination) = Current;
        Buffer.MemoryCopy((void*)source, (void*)destination, layout.Length, layout.Length);
    }
}
