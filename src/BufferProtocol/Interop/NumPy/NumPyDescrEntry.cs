using System.Collections.Immutable;

namespace BufferProtocol.Interop.NumPy;

/// <summary>
/// One entry of a structured <see cref="NumPyDType"/>'s <c>descr</c> list: <c>(name, type)</c> or
/// <c>(name, type, shape)</c>, with <c>((title, name), type)</c> for titled fields. An entry named <c>''</c> of an
/// unstructured void type (<c>('', '|V4')</c>) is padding: bytes that belong to no field.
/// </summary>
/// <param name="Name">The field's name (<c>''</c> for padding).</param>
/// <param name="Title">The field's title, or null (titles are read, written back, and otherwise ignored).</param>
/// <param name="Type">The type of one element of the field.</param>
/// <param name="Shape">The field's sub-array shape (empty for a plain field).</param>
public sealed record NumPyDescrEntry(string Name, string? Title, NumPyDType Type, ImmutableArray<nint> Shape)
{
    /// <summary>True for padding entries: <c>('', '|Vn')</c>.</summary>
    public bool IsPadding => Name.Length == 0 && Title is null && !Type.IsStructured && !Type.IsSubArray && Type.Kind == 'V' && Shape.IsDefaultOrEmpty;

    /// <summary>The field's size in bytes: the element's item size times the elements of <see cref="Shape"/>.</summary>
    public nint Size
    {
        get
        {
            var size = Type.ItemSize;
            foreach (var extent in Shape.IsDefault ? [] : Shape)
            {
                size = checked(size * extent);
            }
            return size;
        }
    }
}
