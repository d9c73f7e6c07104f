using BufferProtocol.Formats;
using BufferProtocol.Layout;

namespace BufferProtocol.Views;

// Record fields as views (NumPy's a['x']): the same memory, the field's format, the item's strides.
public sealed partial class MemoryView
{
    /// <summary>
    /// The names of the fields of a record format (<c>T{...}</c> or several named items), in order; unnamed fields
    /// are left out.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public IReadOnlyList<string> FieldNames
    {
        get
        {
            ThrowIfReleased();
            return BufferFormat.TryParse(_format, out var parsed)
                ? parsed.Fields.Where(f => f.Name is not null).Select(f => f.Name!).ToArray()
                : [];
        }
    }

    /// <summary>
    /// A view of one named field of every item (NumPy's <c>a['x']</c>), without copying: the same shape and strides,
    /// the field's format and size, and for a sub-array field (<c>(2,3)d:m:</c>) its dimensions appended in C order.
    /// </summary>
    /// <param name="name">The field name, as in <c>T{d:x:d:y:}</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException">The format has no field of that name, or is not a PEP 3118 format (<c>ValueError</c>).</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public MemoryView GetField(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Enter();
        try
        {
            if (!BufferFormat.TryParse(_format, out var parsed))
            {
                ViewErrors.ValueError($"format '{_format}' is not a PEP 3118 format: it has no fields");
            }
            FormatField? found = null;
            foreach (var field in parsed!.Fields)
            {
                if (string.Equals(field.Name, name, StringComparison.Ordinal))
                {
                    found = field;
                    break;
                }
            }
            if (found is not { } f)
            {
                return ViewErrors.ValueError<MemoryView>($"format '{_format}' has no field named '{name}'");
            }

            var extra = f.Shape is { } s ? s.Length : 0;
            var rank = _layout.Rank + extra;
            if (rank > BufferLayout.MaxRank)
            {
                ViewErrors.ValueError($"the field's dimensions would make {rank} dimensions; at most {BufferLayout.MaxRank} are allowed");
            }
            var elementSize = f.ElementType.Size;
            var shape = new nint[rank];
            var strides = new nint[rank];
            _layout.Shape.CopyTo(shape);
            _layout.Strides.CopyTo(strides);
            if (extra > 0)
            {
                var fieldShape = f.Shape!.Value.AsSpan();
                fieldShape.CopyTo(shape.AsSpan(_layout.Rank));
                BufferLayout.FillContiguousStrides(fieldShape, strides.AsSpan(_layout.Rank), elementSize, ContiguityOrder.C);
            }
            var pointer = _pointer;
            nint[]? subOffsets = null;
            if (_layout.HasSubOffsets)
            {
                // The item's address is the last dereference plus its suboffset plus the later strides, so the field's
                // offset goes into that suboffset; the base pointer addresses the pointer table.
                subOffsets = new nint[rank];
                subOffsets.AsSpan().Fill(-1);
                _layout.SubOffsets.CopyTo(subOffsets);
                var last = _layout.Rank - 1;
                while (subOffsets[last] < 0)
                {
                    last--;
                }
                subOffsets[last] += f.Offset;
            }
            else
            {
                pointer += f.Offset;
            }
            var layout = BufferLayout.Create(elementSize, shape, strides, subOffsets);
            return Derive(pointer, layout, f.Format, _readOnly, null);
        }
        finally
        {
            Exit();
        }
    }
}
