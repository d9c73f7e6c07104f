using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BufferProtocol.Formats;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;

namespace BufferProtocol.Exporters;

/// <summary>Creates <see cref="MemoryExporter{T}"/>s (a separate class, so that an array argument is not ambiguous).</summary>
public static class MemoryExporter
{
    /// <summary>Exports writable memory as a one-dimensional buffer of <typeparamref name="T"/>.</summary>
    /// <param name="memory">The memory; its owner keeps owning it.</param>
    /// <param name="format">The item format; null for <see cref="ClrFormat.Of{T}"/>.</param>
    /// <typeparam name="T">An unmanaged element type.</typeparam>
    /// <exception cref="NotSupportedException"><paramref name="format"/> is null and <typeparamref name="T"/> has no PEP 3118 format.</exception>
    /// <exception cref="ArgumentException"><paramref name="format"/> does not parse or does not describe <c>sizeof(T)</c> bytes.</exception>
    public static MemoryExporter<T> Create<T>(Memory<T> memory, string? format = null) where T : unmanaged =>
        new(memory, readOnly: false, shape: null, format);

    /// <summary>Exports writable memory as a C-contiguous buffer of <typeparamref name="T"/> with the given shape.</summary>
    /// <param name="memory">The memory; its owner keeps owning it.</param>
    /// <param name="shape">Extents whose product is <c>memory.Length</c> (empty for a scalar: then the length is 1).</param>
    /// <param name="format">The item format; null for <see cref="ClrFormat.Of{T}"/>.</param>
    /// <typeparam name="T">An unmanaged element type.</typeparam>
    /// <exception cref="ArgumentException">The shape does not describe <c>memory.Length</c> items, or <paramref name="format"/> does not parse or does not describe <c>sizeof(T)</c> bytes.</exception>
    /// <exception cref="NotSupportedException"><paramref name="format"/> is null and <typeparamref name="T"/> has no PEP 3118 format.</exception>
    public static MemoryExporter<T> Create<T>(Memory<T> memory, ReadOnlySpan<nint> shape, string? format = null) where T : unmanaged =>
        new(memory, readOnly: false, shape.ToArray(), format);

    /// <summary>Exports read-only memory as a one-dimensional buffer of <typeparamref name="T"/>: writable requests are refused.</summary>
    /// <param name="memory">The memory; its owner keeps owning it.</param>
    /// <param name="format">The item format; null for <see cref="ClrFormat.Of{T}"/>.</param>
    /// <typeparam name="T">An unmanaged element type.</typeparam>
    /// <exception cref="NotSupportedException"><paramref name="format"/> is null and <typeparamref name="T"/> has no PEP 3118 format.</exception>
    /// <exception cref="ArgumentException"><paramref name="format"/> does not parse or does not describe <c>sizeof(T)</c> bytes.</exception>
    public static MemoryExporter<T> CreateReadOnly<T>(ReadOnlyMemory<T> memory, string? format = null) where T : unmanaged =>
        new(MemoryMarshal.AsMemory(memory), readOnly: true, shape: null, format);

    /// <summary>Exports read-only memory as a C-contiguous buffer of <typeparamref name="T"/> with the given shape.</summary>
    /// <param name="memory">The memory; its owner keeps owning it.</param>
    /// <param name="shape">Extents whose product is <c>memory.Length</c>.</param>
    /// <param name="format">The item format; null for <see cref="ClrFormat.Of{T}"/>.</param>
    /// <typeparam name="T">An unmanaged element type.</typeparam>
    /// <exception cref="ArgumentException">The shape does not describe <c>memory.Length</c> items, or <paramref name="format"/> does not parse or does not describe <c>sizeof(T)</c> bytes.</exception>
    /// <exception cref="NotSupportedException"><paramref name="format"/> is null and <typeparamref name="T"/> has no PEP 3118 format.</exception>
    public static MemoryExporter<T> CreateReadOnly<T>(ReadOnlyMemory<T> memory, ReadOnlySpan<nint> shape, string? format = null) where T : unmanaged =>
        new(MemoryMarshal.AsMemory(memory), readOnly: true, shape.ToArray(), format);
}

/// <summary>
/// Exports a <see cref="Memory{T}"/> or <see cref="ReadOnlyMemory{T}"/> of an unmanaged type, pinned through
/// <see cref="Memory{T}.Pin"/> only while exported.
/// </summary>
/// <remarks>
/// <para><b>Ownership.</b> The memory belongs to whoever created it (an array, a <see cref="System.Buffers.MemoryManager{T}"/>,
/// …); the exporter never frees it and only pins it: on the first export, until the last release (a finalizer releases the
/// pin if a leaked export leaves the exporter unreachable). Disposing the exporter stops further exports and is deferred
/// while exports are live. Read-only memory (<see cref="MemoryExporter.CreateReadOnly{T}(ReadOnlyMemory{T}, string?)"/>) refuses
/// writable requests.</para>
/// <para><b>Requests.</b> One-dimensional memory answers as <c>array.array</c> (and, for bytes, <c>bytes</c>) does
/// (<see cref="BufferRequestRules.FillInfo(in ExportSource, BufferRequest, object, IBufferReleaser)"/>); memory given a
/// shape of another rank answers as <c>_testbuffer.ndarray</c> does (<see cref="BufferRequestRules.Apply"/>).</para>
/// </remarks>
/// <typeparam name="T">The unmanaged element type.</typeparam>
public sealed class MemoryExporter<T> : BufferExporter where T : unmanaged
{
    private readonly Memory<T> _memory;
    private readonly bool _readOnly;
    private readonly string _format;
    private readonly BufferLayout _layout;
    private PinnedHandle? _pin;

    internal MemoryExporter(Memory<T> memory, bool readOnly, nint[]? shape, string? format)
    {
        _format = format ?? ClrFormat.Of<T>();
        if (format is not null)
        {
            ExportFormat.Validate(format, Unsafe.SizeOf<T>(), nameof(format));
        }
        _memory = memory;
        _readOnly = readOnly;
        shape ??= [memory.Length];
        _layout = BufferLayout.Contiguous(Unsafe.SizeOf<T>(), shape);
        if (_layout.ItemCount != memory.Length)
        {
            throw new ArgumentException($"shape {BufferLayout.Tuple(shape)} describes {_layout.ItemCount} items, but the memory holds {memory.Length}", nameof(shape));
        }
    }

    /// <summary>The exported memory.</summary>
    public ReadOnlyMemory<T> Memory => _memory;

    /// <summary>True when writable requests are refused.</summary>
    public bool IsReadOnly => _readOnly;

    /// <summary>The item format.</summary>
    public string Format => _format;

    /// <summary>The exported layout (C-contiguous).</summary>
    public BufferLayout Layout => _layout;

    /// <inheritdoc />
    protected override void OnFirstExport() => _pin = PinnedHandle.Pin(_memory);

    /// <inheritdoc />
    protected override void OnLastRelease()
    {
        _pin?.Free();
        _pin = null;
    }

    /// <inheritdoc />
    protected override ExportSource Describe() => new(_pin!.Address, _layout, _format, _readOnly);

    /// <inheritdoc />
    protected override AcquiredBuffer Answer(in ExportSource source, BufferRequest request) =>
        _layout.Rank == 1
            ? BufferRequestRules.FillInfo(source, request, this, this)
            : BufferRequestRules.Apply(source, request, this, this);
}
