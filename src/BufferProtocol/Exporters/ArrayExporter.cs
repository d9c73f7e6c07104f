using System.Runtime.CompilerServices;
using BufferProtocol.Formats;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;

namespace BufferProtocol.Exporters;

/// <summary>
/// Exports a .NET array of an unmanaged type — <c>T[]</c> or a rectangular <c>T[,]</c>, <c>T[,,]</c>, … — as a
/// C-contiguous, writable buffer with the array's rank and extents. The array is pinned only while exported.
/// </summary>
/// <remarks>
/// <para>The exporter never frees the array (the GC owns it); disposing it only stops further exports. The pin is
/// taken on the first export and released with the last; if a consumer leaks an export and the exporter becomes
/// unreachable, a finalizer releases the pin.</para>
/// <para>A <c>T[]</c> answers requests as its CPython counterpart <c>array.array</c> does
/// (<see cref="BufferRequestRules.FillInfo(in ExportSource, BufferRequest, object, IBufferReleaser)"/>: a
/// <see cref="BufferRequest.Format"/> request without <see cref="BufferRequest.ND"/> is answered with the format and
/// no shape); arrays of rank 2 and more answer as <c>_testbuffer.ndarray</c> and memoryview do
/// (<see cref="BufferRequestRules.Apply"/>).</para>
/// </remarks>
public sealed class ArrayExporter : BufferExporter
{
    private readonly Array _array;
    private readonly string _format;
    private readonly nint _itemSize;
    private PinnedHandle? _pin;

    private ArrayExporter(Array array, string format, nint itemSize)
    {
        _array = array;
        _format = format;
        _itemSize = itemSize;
    }

    /// <summary>The exported array.</summary>
    public Array Array => _array;

    /// <summary>Creates an exporter for a one-dimensional array.</summary>
    /// <typeparam name="T">An unmanaged element type with a PEP 3118 format.</typeparam>
    /// <param name="array">The array.</param>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no PEP 3118 format.</exception>
    public static ArrayExporter Create<T>(T[] array) where T : unmanaged => Create<T>((Array)array);

    /// <summary>Creates an exporter for an array of any rank whose elements are <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">An unmanaged element type with a PEP 3118 format.</typeparam>
    /// <param name="array">A <c>T[]</c> or rectangular <c>T[,]</c>, <c>T[,,]</c>, … (zero-based).</param>
    /// <exception cref="ArgumentException">The array's element type is not <typeparamref name="T"/>, or it has non-zero lower bounds.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no PEP 3118 format.</exception>
    public static ArrayExporter Create<T>(Array array) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.GetType().GetElementType() != typeof(T))
        {
            throw new ArgumentException($"the array's elements are {array.GetType().GetElementType()}, not {typeof(T)}", nameof(array));
        }
        for (var d = 0; d < array.Rank; d++)
        {
            if (array.GetLowerBound(d) != 0)
            {
                throw new ArgumentException("arrays with non-zero lower bounds cannot be exported", nameof(array));
            }
        }
        return new ArrayExporter(array, ClrFormat.Of<T>(), Unsafe.SizeOf<T>());
    }

    /// <inheritdoc />
    protected override void OnFirstExport() => _pin = PinnedHandle.Pin(_array);

    /// <inheritdoc />
    protected override void OnLastRelease()
    {
        _pin?.Free();
        _pin = null;
    }

    /// <inheritdoc />
    protected override AcquiredBuffer Answer(in ExportSource source, BufferRequest request) =>
        _array.Rank == 1
            ? BufferRequestRules.FillInfo(source, request, this, this)
            : BufferRequestRules.Apply(source, request, this, this);

    /// <inheritdoc />
    protected override ExportSource Describe()
    {
        Span<nint> shape = stackalloc nint[_array.Rank];
        for (var d = 0; d < shape.Length; d++)
        {
            shape[d] = _array.GetLength(d);
        }
        var layout = BufferLayout.Contiguous(_itemSize, shape);
        return new ExportSource(_pin!.Address, layout, _format, IsReadOnly: false);
    }
}
