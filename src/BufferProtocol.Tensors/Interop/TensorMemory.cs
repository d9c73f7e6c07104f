using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BufferProtocol.Tensors.Interop;

/// <summary>
/// The only pointer code of this assembly (the team rule: <c>unsafe</c> lives in <c>Interop/</c>): a tensor span made
/// over an address, and the address of a tensor span's first element. Everything else passes addresses as
/// <see cref="nint"/>.
/// </summary>
internal static unsafe class TensorMemory
{
    /// <summary>
    /// A tensor span over <paramref name="dataLength"/> elements at <paramref name="address"/>. The pointer constructor
    /// checks lengths and strides against the data length, and marks the span pinned, which it is: the caller holds
    /// the memory (a lease) for as long as the span is used.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TensorSpan<T> CreateSpan<T>(nint address, nint dataLength, scoped ReadOnlySpan<nint> lengths, scoped ReadOnlySpan<nint> strides)
        where T : unmanaged =>
        new((T*)address, dataLength, lengths, strides);

    /// <summary>
    /// The address of the span's first element. Only meaningful for memory that does not move (a pinned span, a pinned
    /// tensor): the caller checks that.
    /// </summary>
    public static nint AddressOf<T>(ReadOnlyTensorSpan<T> span) where T : unmanaged =>
        (nint)Unsafe.AsPointer(ref Unsafe.AsRef(in TensorMarshal.GetReference(span)));
}
