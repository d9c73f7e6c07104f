using System.Collections.Immutable;

namespace BufferProtocol.Formats.Codec;

/// <summary>
/// A sub-array (<c>(k1,k2,...)</c> or a repeat count): values are nested <c>object?[]</c>, outermost axis first.
/// A sub-array of padding (<c>"(3)x"</c>) is padding itself.
/// </summary>
internal sealed class ArrayNode : CodecNode
{
    private readonly CodecNode _element;
    private readonly ImmutableArray<nint> _shape;
    private readonly nint _count;

    /// <summary>Bytes spanned by one index step on each axis (C order).</summary>
    private readonly nint[] _steps;

    public ArrayNode(SubArrayType array)
        : this(array, CodecNode.Build(array.Element))
    {
    }

    private ArrayNode(SubArrayType array, CodecNode element)
        : base(array.Size, Multiply(element.ValueCount, array.ElementCount))
    {
        _element = element;
        _shape = array.Shape;
        _count = array.ElementCount;
        _steps = new nint[_shape.Length];
        nint step = element.Size;
        for (int axis = _shape.Length - 1; axis >= 0; axis--)
        {
            _steps[axis] = step;
            step *= _shape[axis];
        }
    }

    public override bool IsPadding => _element.IsPadding;

    private static long Multiply(long a, nint b) => b == 0 || a == 0 ? 0 : a > long.MaxValue / b ? long.MaxValue : a * b;

    public override object? Read(ReadOnlySpan<byte> source) => IsPadding ? null : ReadAxis(source, 0);

    private object?[] ReadAxis(ReadOnlySpan<byte> source, int axis)
    {
        var values = new object?[_shape[axis]];
        int step = (int)_steps[axis];
        bool last = axis == _shape.Length - 1;
        for (int i = 0; i < values.Length; i++)
        {
            ReadOnlySpan<byte> part = source.Slice(i * step, step);
            values[i] = last ? _element.Read(part) : ReadAxis(part, axis + 1);
        }
        return values;
    }

    /// <summary>
    /// Accepts nested sequences (<c>object?[]</c>, <c>int[]</c>, lists, tuples) with the extents of the shape, or a
    /// rectangular CLR array (<c>int[,]</c>) whose rank and lengths equal the remaining axes.
    /// </summary>
    public override void Write(Span<byte> destination, object? value)
    {
        if (!IsPadding)
        {
            WriteAxis(destination, value, 0);
        }
    }

    private void WriteAxis(Span<byte> destination, object? value, int axis)
    {
        int step = (int)_steps[axis];
        if (value is Array { Rank: > 1 } rectangular && rectangular.Rank == _shape.Length - axis)
        {
            for (int d = 0; d < rectangular.Rank; d++)
            {
                if (rectangular.GetLength(d) != _shape[axis + d])
                {
                    ThrowHelper.ThrowArgument_WrongValue(
                        $"the sub-array has shape ({string.Join(",", _shape.Skip(axis))}); the array's length on axis {d} is {rectangular.GetLength(d)}");
                }
            }
            int at = 0;
            int elementSize = (int)_element.Size;
            foreach (object? element in rectangular)
            {
                _element.Write(destination.Slice(at, elementSize), element);
                at += elementSize;
            }
            return;
        }
        if (!ValueConversion.TryGetSequence(value, out int count, out Func<int, object?> item))
        {
            ThrowHelper.ThrowArgument_WrongValue(
                $"a sub-array value must be a sequence of {_shape[axis]} elements (an array or list), not {ValueConversion.Describe(value)}");
        }
        if (count != _shape[axis])
        {
            ThrowHelper.ThrowArgument_WrongValue($"the sub-array axis {axis} has {_shape[axis]} elements, the value {count}");
        }
        bool last = axis == _shape.Length - 1;
        for (int i = 0; i < count; i++)
        {
            Span<byte> part = destination.Slice(i * step, step);
            if (last)
            {
                _element.Write(part, item(i));
            }
            else
            {
                WriteAxis(part, item(i), axis + 1);
            }
        }
    }

    public override void Unpack(ReadOnlySpan<byte> source, object?[] values, ref int index)
    {
        if (IsPadding)
        {
            return;
        }
        int size = (int)_element.Size;
        for (nint i = 0; i < _count; i++)
        {
            _element.Unpack(source.Slice((int)(i * size), size), values, ref index);
        }
    }

    public override void Pack(Span<byte> destination, ReadOnlySpan<object?> values, ref int index)
    {
        if (IsPadding)
        {
            return;
        }
        int size = (int)_element.Size;
        for (nint i = 0; i < _count; i++)
        {
            _element.Pack(destination.Slice((int)(i * size), size), values, ref index);
        }
    }
}
