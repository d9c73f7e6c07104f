using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BufferProtocol.Exporters;
using BufferProtocol.Tensors;
using BufferProtocol.Views;

namespace BufferProtocol.Benchmarks.Views.Typed;

/// <summary>
/// One question: what does it cost to visit every item of a 2-D view of doubles, by each way the library offers,
/// against a raw <see cref="Span{T}"/> loop? Each benchmark sums the 320 × 320 = 102 400 items in C order, of a
/// C-contiguous view (<c>Contiguous</c>) and of every other column of a 320 × 640 array (<c>Strided</c>: stride 16
/// bytes, no span). Ratios against <see cref="RawSpan"/> are the result; see docs/typed-views.md#performance.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class TypedIndexingBenchmarks
{
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10).WithId("typed"));
            WithOptions(ConfigOptions.DisableLogFile);
        }
    }

    private const int Rows = 320;
    private const int Columns = 320;

    private NativeBuffer _exporter = null!;
    private MemoryView _wide = null!;
    private MemoryView _untyped = null!;
    private MemoryView<double> _typed = null!;
    private double[] _array = null!;

    /// <summary>Which view: the contiguous one, or every other column of a twice-as-wide array.</summary>
    [Params("Contiguous", "Strided")]
    public string Layout { get; set; } = "Contiguous";

    [GlobalSetup]
    public void Setup()
    {
        var strided = Layout == "Strided";
        _exporter = NativeBuffer.Create<double>([Rows, strided ? 2 * Columns : Columns]);
        _wide = new MemoryView(_exporter);
        _untyped = strided ? _wide[.., Slice.Every(2)] : new MemoryView(_wide);
        _typed = _untyped.AsTyped<double>();
        using (var lease = _typed.Lease())
        {
            for (nint i = 0; i < Rows; i++)
            {
                for (nint j = 0; j < Columns; j++)
                {
                    lease[i, j] = i * Columns + j;
                }
            }
        }
        _array = _typed.ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _typed.Release();
        _untyped.Release();
        _wide.Release();
        _exporter.Dispose();
    }

    /// <summary>The baseline: a managed array walked as a span (the same values, always contiguous).</summary>
    [Benchmark(Baseline = true)]
    public double RawSpan() => SumSpan(_array);

    /// <summary><c>MemoryView</c>'s Python-style item access: an "in use" count, index checks and a boxed double per item.</summary>
    [Benchmark]
    public double MemoryViewItems()
    {
        double sum = 0;
        var m = _untyped;
        for (nint i = 0; i < Rows; i++)
        {
            for (nint j = 0; j < Columns; j++)
            {
                sum += (double)m[i, j]!;
            }
        }
        return sum;
    }

    /// <summary><c>MemoryView&lt;double&gt;</c>'s by-value indexer: safe from any thread at any time (an "in use" count per item), no boxing.</summary>
    [Benchmark]
    public double TypedIndexer()
    {
        double sum = 0;
        var v = _typed;
        for (nint i = 0; i < Rows; i++)
        {
            for (nint j = 0; j < Columns; j++)
            {
                sum += v[i, j];
            }
        }
        return sum;
    }

    /// <summary>A lease's 2-index indexer: bounds-checked references, no per-item count.</summary>
    [Benchmark]
    public double LeaseIndexer()
    {
        using var lease = _typed.LeaseReadOnly();
        return SumIndexer(lease);
    }

    // The loops over a lease live in methods of their own: a local updated inside a try region (the lease's using)
    // is kept on the stack by the JIT, which would measure that instead of the access (see docs/performance.md).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double SumIndexer(in ReadOnlyMemoryViewLease<double> lease)
    {
        double sum = 0;
        for (nint i = 0; i < Rows; i++)
        {
            for (nint j = 0; j < Columns; j++)
            {
                sum += lease[i, j];
            }
        }
        return sum;
    }

    /// <summary>A lease's N-d indexer (<c>params ReadOnlySpan&lt;nint&gt;</c>), as any rank uses it.</summary>
    [Benchmark]
    public double LeaseIndexerNd()
    {
        using var lease = _typed.LeaseReadOnly();
        return SumIndexerNd(lease);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double SumIndexerNd(in ReadOnlyMemoryViewLease<double> lease)
    {
        double sum = 0;
        for (nint i = 0; i < Rows; i++)
        {
            for (nint j = 0; j < Columns; j++)
            {
                sum += lease.GetReference(i, j);
            }
        }
        return sum;
    }

    /// <summary>A <see cref="ReadOnlyStridedSpan2D{T}"/> of the lease (any byte strides).</summary>
    [Benchmark]
    public double StridedSpan2D()
    {
        using var lease = _typed.LeaseReadOnly();
        return SumPlane(lease.AsSpan2D());
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double SumPlane(ReadOnlyStridedSpan2D<double> plane)
    {
        double sum = 0;
        for (nint i = 0; i < plane.Height; i++)
        {
            for (nint j = 0; j < plane.Width; j++)
            {
                sum += plane[i, j];
            }
        }
        return sum;
    }

    /// <summary>Row spans when the rows are contiguous, else the 2-D span's unchecked references.</summary>
    [Benchmark]
    public double RowSpans()
    {
        using var lease = _typed.LeaseReadOnly();
        return SumRows(lease);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double SumRows(in ReadOnlyMemoryViewLease<double> lease)
    {
        double sum = 0;
        if (lease.HasContiguousRows)
        {
            for (nint i = 0; i < Rows; i++)
            {
                foreach (var x in lease.GetRowSpan(i))
                {
                    sum += x;
                }
            }
            return sum;
        }
        var plane = lease.AsSpan2D();
        for (nint i = 0; i < plane.Height; i++)
        {
            for (nint j = 0; j < plane.Width; j++)
            {
                sum += plane.DangerousGetReferenceAt(i, j);
            }
        }
        return sum;
    }

    /// <summary>The lease as a <c>ReadOnlyTensorSpan&lt;double&gt;</c>, indexed item by item.</summary>
    [Benchmark]
    public double TensorSpanIndexer()
    {
        using var lease = _typed.LeaseReadOnly();
        return SumTensor(lease.AsReadOnlyTensorSpan());
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double SumTensor(ReadOnlyTensorSpan<double> t)
    {
        double sum = 0;
        for (nint i = 0; i < Rows; i++)
        {
            for (nint j = 0; j < Columns; j++)
            {
                sum += t[i, j];
            }
        }
        return sum;
    }

    /// <summary>The whole view as one span (contiguous only) or, strided, a copy out (<c>CopyTo</c>) and a span loop.</summary>
    [Benchmark]
    public double SpanOrCopy()
    {
        using (var lease = _typed.LeaseReadOnly())
        {
            if (lease.TryGetSpan(out var items))
            {
                return SumSpan(items);
            }
        }
        var copy = new double[Rows * Columns];
        _typed.CopyTo(copy);
        return SumSpan(copy);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double SumSpan(ReadOnlySpan<double> items)
    {
        double sum = 0;
        foreach (var x in items)
        {
            sum += x;
        }
        return sum;
    }
}
