namespace BufferProtocol.Layout;

/// <summary>Facts about a <see cref="BufferLayout"/>, computed once when it is created.</summary>
/// <remarks>
/// CPython has two contiguity predicates and they disagree on 1-D empty views with odd strides:
/// <c>PyBuffer_IsContiguous</c> calls any empty buffer contiguous, memoryview's flags call a 1-D view contiguous
/// only when its single extent is 1 or its stride equals the item size. Both are kept, so each API can answer as
/// its CPython counterpart does.
/// </remarks>
[Flags]
public enum LayoutFlags
{
    /// <summary>Nothing special.</summary>
    None = 0,

    /// <summary>C-contiguous by <c>PyBuffer_IsContiguous(view, 'C')</c>.</summary>
    CContiguous = 1 << 0,

    /// <summary>Fortran-contiguous by <c>PyBuffer_IsContiguous(view, 'F')</c>.</summary>
    FContiguous = 1 << 1,

    /// <summary>C-contiguous by memoryview's flags (<c>memoryview.c_contiguous</c>).</summary>
    ViewCContiguous = 1 << 2,

    /// <summary>Fortran-contiguous by memoryview's flags (<c>memoryview.f_contiguous</c>).</summary>
    ViewFContiguous = 1 << 3,

    /// <summary>The layout dereferences pointers in at least one dimension (PIL style).</summary>
    SubOffsets = 1 << 4,

    /// <summary>Some extent is zero.</summary>
    Empty = 1 << 5,
}
