using BufferProtocol.Formats;
using BufferProtocol.Interop.Memory;

namespace BufferProtocol.Views;

/// <summary>
/// Items of every format other than the native single characters, through the <see cref="ItemCodec"/>: records
/// (<see cref="BufferRecord"/>), sub-arrays, non-native byte orders, <c>e g Zf Zd s p u w t</c>, ... The codec's errors
/// become the view's: a value of the wrong kind is a <c>TypeError</c> (<see cref="InvalidCastException"/>), a value out
/// of range a <c>ValueError</c> (<see cref="ArgumentException"/>).
/// </summary>
internal sealed class CodecItemAccessor : ItemAccessor
{
    private readonly ItemCodec _codec;
    private readonly int _size;
    private readonly string _format;

    private CodecItemAccessor(ItemCodec codec)
    {
        _codec = codec;
        _size = checked((int)codec.ItemSize);
        _format = codec.Format.Text;
    }

    /// <summary>The accessor for <paramref name="format"/> (the codec is cached per format).</summary>
    public static ItemAccessor Create(BufferFormat format) => new CodecItemAccessor(ItemCodec.For(format));

    /// <inheritdoc/>
    public override object? Read(nint item) => _codec.Read(RawMemory.AsReadOnlySpan(item, _size));

    /// <inheritdoc/>
    public override void Write(nint item, object? value)
    {
        try
        {
            _codec.Write(RawMemory.AsSpan(item, _size), value);
        }
        catch (ArgumentOutOfRangeException e)
        {
            ViewErrors.ValueError($"memoryview: invalid value for format '{_format}': {e.Message}");
        }
        catch (ArgumentException e)
        {
            ViewErrors.ConversionError($"memoryview: invalid type for format '{_format}': {e.Message}");
        }
    }

    /// <inheritdoc/>
    public override object?[] Unpack(nint item) => _codec.Unpack(RawMemory.AsReadOnlySpan(item, _size));
}
