using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using BufferProtocol.Exporters;
using BufferProtocol.Formats;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;
using BufferProtocol.Tensors.Interop;

namespace BufferProtocol.Tensors;

/// <summary>
/// Exports a <see cref="Tensor{T}"/> — or, for the caller who guarantees its memory, a pinned
/// <see cref="TensorSpan{T}"/> — as a PEP 3118 buffer: the tensor's lengths, its element strides as byte strides
/// (broadcast dimensions keep stride 0), the format of <typeparamref name="T"/> (<see cref="ClrFormat.Of{T}"/>).
/// Consumers see it through <see cref="Views.MemoryView"/>, <see cref="Views.MemoryView{T}"/>, NumPy, DLPack, ….
/// </summary>
/// <remarks>
/// <para><b>Lifetime.</b> A tensor's array is pinned on the first export (<see cref="Tensor{T}.GetPinnedHandle"/>;
/// the exported address is that of the tensor's first element, also for slices) and unpinned with the last, so it
/// stays where consumers see it exactly while exported; a leaked export unpins once the exporter and its buffers are
/// unreachable. Disposing the exporter stops further exports at once (<see cref="ObjectDisposedException"/>); live
/// exports stay valid (the GC owns the array). An exporter made by
/// <see cref="DangerousCreate(TensorSpan{T}, bool)"/> pins nothing: the caller guarantees that the span's memory stays
/// valid and in place until the exporter is disposed and every export released.</para>
/// <para><b>Writes.</b> A tensor is writable, so the export is writable unless created read-only; a broadcast
/// dimension (stride 0) makes several positions one element, as in NumPy's broadcast arrays.</para>
/// </remarks>
/// <typeparam name="T">An unmanaged element type with a PEP 3118 format.</typeparam>
public sealed class TensorExporter<T> : BufferExporter where T : unmanaged
{
    private readonly Tensor<T>? _tensor;
    private readonly nint _address;
    private readonly BufferLayout _layout;
    private readonly string _format;
    private readonly bool _readOnly;
    private TensorPin? _pin;

    private TensorExporter(Tensor<T>? tensor, nint address, BufferLayout layout, bool readOnly)
    {
        _tensor = tensor;
        _address = address;
        _layout = layout;
        _format = ClrFormat.Of<T>();
        _readOnly = readOnly;
    }

    /// <summary>An exporter of <paramref name="tensor"/>'s elements, pinned while exported.</summary>
    /// <param name="tensor">The tensor (a slice shares its parent's array).</param>
    /// <param name="readOnly">True to refuse writable requests.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tensor"/> is null.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no PEP 3118 format.</exception>
    public static TensorExporter<T> Create(Tensor<T> tensor, bool readOnly = false)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return new TensorExporter<T>(tensor, 0, LayoutOf(tensor.Lengths, tensor.Strides), readOnly);
    }

    /// <summary>
    /// An exporter over a tensor span's memory, which must not move: the span must be pinned
    /// (<see cref="TensorSpan{T}.IsPinned"/>: made over a pointer, a pinned tensor, or native memory), and the caller
    /// keeps that memory valid until the exporter is disposed and every export released. Nothing checks this later.
    /// </summary>
    /// <param name="span">A pinned tensor span.</param>
    /// <param name="readOnly">True to refuse writable requests.</param>
    /// <exception cref="ArgumentException">The span is not pinned.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no PEP 3118 format.</exception>
    public static TensorExporter<T> DangerousCreate(TensorSpan<T> span, bool readOnly = false) =>
        DangerousCreate((ReadOnlyTensorSpan<T>)span, readOnly);

    /// <summary>An exporter over a read-only tensor span's memory, refusing writable requests; see <see cref="DangerousCreate(TensorSpan{T}, bool)"/>.</summary>
    /// <param name="span">A pinned tensor span.</param>
    /// <exception cref="ArgumentException">The span is not pinned.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no PEP 3118 format.</exception>
    public static TensorExporter<T> DangerousCreate(ReadOnlyTensorSpan<T> span) => DangerousCreate(span, readOnly: true);

    private static TensorExporter<T> DangerousCreate(ReadOnlyTensorSpan<T> span, bool readOnly)
    {
        if (!span.IsPinned)
        {
            throw new ArgumentException("the tensor span is not pinned: its memory could move under a consumer " +
                "(make it over a pointer, a pinned tensor or native memory)", nameof(span));
        }
        return new TensorExporter<T>(null, TensorMemory.AddressOf(span), LayoutOf(span.Lengths, span.Strides), readOnly);
    }

    /// <summary>The exported tensor, or null for an exporter over a span.</summary>
    public Tensor<T>? Tensor => _tensor;

    /// <summary>The exported layout: the tensor's lengths and its strides in bytes.</summary>
    public BufferLayout Layout => _layout;

    /// <inheritdoc />
    protected override void OnFirstExport()
    {
        if (_tensor is not null)
        {
            _pin = TensorPin.Pin(_tensor);
        }
    }

    /// <inheritdoc />
    protected override void OnLastRelease()
    {
        _pin?.Free();
        _pin = null;
    }

    /// <inheritdoc />
    protected override ExportSource Describe() => new(_tensor is null ? _address : FirstElement(_tensor), _layout, _format, _readOnly);

    /// <summary>
    /// The address of a pinned tensor's first element. Not <c>GetPinnedHandle().Pointer</c>: for a slice
    /// (<c>tensor.Slice(1..3, 1..3)</c>) System.Numerics.Tensors 10.0.0 returns the start of the whole array there (and
    /// from <c>GetPinnableReference</c>); the span's reference carries the slice's offset.
    /// </summary>
    private static nint FirstElement(Tensor<T> tensor) => TensorMemory.AddressOf(tensor.AsReadOnlyTensorSpan());

    /// <summary>A description such as <c>TensorExporter&lt;Single&gt; itemsize 4, shape (2, 3), strides (12, 4)</c>.</summary>
    public override string ToString() => $"TensorExporter<{typeof(T).Name}> {_layout}";

    private static BufferLayout LayoutOf(ReadOnlySpan<nint> lengths, ReadOnlySpan<nint> strides)
    {
        var size = Unsafe.SizeOf<T>();
        Span<nint> byteStrides = stackalloc nint[strides.Length];
        for (var d = 0; d < strides.Length; d++)
        {
            byteStrides[d] = checked(strides[d] * size);
        }
        return BufferLayout.Create(size, lengths, byteStrides);
    }
}
