namespace BufferProtocol.Views;

/// <summary>
/// Reads and writes one item of a view's format: the native single-character formats directly
/// (<see cref="NativeItemAccessor"/>, CPython's <c>unpack_single</c>/<c>pack_single</c>), every other format through
/// the item codec. Resolved once per view and format, then shared.
/// </summary>
/// <remarks>
/// Addresses handed in point to readable (for <see cref="Write"/>, writable) memory of at least the item size; the caller
/// has resolved strides and suboffsets and keeps the memory alive for the call.
/// </remarks>
internal abstract class ItemAccessor
{
    /// <summary>The native format character when items are read directly (CPython's fast path), else <c>'\0'</c>.</summary>
    public virtual char NativeCode => '\0';

    /// <summary>Reads the item at <paramref name="item"/> as a .NET value.</summary>
    public abstract object? Read(nint item);

    /// <summary>
    /// Converts <paramref name="value"/> and stores it at <paramref name="item"/>; converts completely before writing,
    /// so a value that does not fit leaves the item unchanged.
    /// </summary>
    /// <exception cref="InvalidCastException">A value of a type the format cannot hold (CPython's <c>TypeError</c>).</exception>
    /// <exception cref="ArgumentException">A value out of the format's range (CPython's <c>ValueError</c>).</exception>
    public abstract void Write(nint item, object? value);

    /// <summary>The values <c>struct.unpack</c> would give for the item (equality compares these).</summary>
    public virtual object?[] Unpack(nint item) => [Read(item)];

    /// <summary>Reads <paramref name="count"/> items <paramref name="stride"/> bytes apart into <paramref name="into"/> (a row of <c>tolist</c>).</summary>
    public virtual void ReadRow(nint first, nint count, nint stride, List<object?> into)
    {
        for (nint i = 0; i < count; i++, first += stride)
        {
            into.Add(Read(first));
        }
    }
}

/// <summary>
/// A one-character format CPython's memoryview lets through <c>adjust_fmt</c> but does not know
/// (<c>'e'</c> in 3.11, <c>'w'</c>, <c>'x'</c>, ...): every access raises <c>NotImplementedError</c>, exactly when CPython's
/// <c>unpack_single</c>/<c>pack_single</c> would — after the index has been resolved.
/// </summary>
internal sealed class UnsupportedItemAccessor(string message) : ItemAccessor
{
    public override object? Read(nint item) => ViewErrors.NotImplemented<object?>(message);

    public override void Write(nint item, object? value) => ViewErrors.NotImplemented(message);
}
