using BufferProtocol.Layout;

namespace BufferProtocol.Protocol;

/// <summary>
/// An exporter's complete description of its memory, before a request trims it: where the first item is, the full
/// layout, the format and whether it may be written.
/// </summary>
/// <param name="Pointer">Address of the item at index (0, …, 0) (<c>Py_buffer.buf</c>); may be anywhere in the block when strides are negative.</param>
/// <param name="Layout">The full layout: shape, byte strides and suboffsets.</param>
/// <param name="Format">The struct-syntax format of one item, e.g. <c>"i"</c> or <c>"T{d:x:d:y:}"</c>.</param>
/// <param name="IsReadOnly">True when consumers must not write.</param>
/// <param name="Contiguity">
/// Which contiguity predicate the exporter answers contiguity requests with: <see cref="ContiguityRule.PyBuffer"/>
/// (<c>PyBuffer_IsContiguous</c>, as <c>_testbuffer.ndarray</c> does) or <see cref="ContiguityRule.MemoryView"/>
/// (memoryview's own flags, as a memoryview re-export does).
/// </param>
public readonly record struct ExportSource(nint Pointer, BufferLayout Layout, string Format, bool IsReadOnly,
    ContiguityRule Contiguity = ContiguityRule.PyBuffer);

/// <summary>Which of CPython's two contiguity predicates an exporter applies (they differ only for 1-D empty layouts).</summary>
public enum ContiguityRule
{
    /// <summary><c>PyBuffer_IsContiguous</c>: any empty buffer is contiguous.</summary>
    PyBuffer,

    /// <summary>memoryview's flags: a 1-D view is contiguous only when its extent is 1 or its stride is the item size.</summary>
    MemoryView,
}
