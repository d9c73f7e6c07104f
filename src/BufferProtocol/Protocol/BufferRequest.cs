namespace BufferProtocol.Protocol;

/// <summary>
/// What a consumer asks of an exporter: the <c>PyBUF_*</c> request flags of PEP 3118, with CPython's exact
/// values so that a request can cross into Python unchanged.
/// </summary>
/// <remarks>
/// <para>
/// The flags nest: every flag contains all bits of the flags below it
/// (<see cref="Indirect"/> ⊃ <see cref="Strides"/> ⊃ <see cref="ND"/> ⊃ <see cref="Simple"/>), and the three
/// contiguity flags contain <see cref="Strides"/>. A composite flag therefore counts as requested only when
/// <em>all</em> of its bits are present; use <see cref="BufferRequestExtensions.Has"/>, never a single-bit test.
/// </para>
/// <code>
///   bit   0x001 WRITABLE   0x004 FORMAT   0x008 ND   0x010 (strides)   0x020 (C)   0x040 (F)   0x080 (any)   0x100 (indirect)
///   STRIDES = 0x018          C_CONTIGUOUS = 0x038     F_CONTIGUOUS = 0x058     ANY_CONTIGUOUS = 0x098     INDIRECT = 0x118
/// </code>
/// </remarks>
[Flags]
public enum BufferRequest
{
    /// <summary><c>PyBUF_SIMPLE</c>: a contiguous block of unsigned bytes; no format, shape or strides.</summary>
    Simple = 0x000,

    /// <summary><c>PyBUF_WRITABLE</c>: the buffer must be writable.</summary>
    Writable = 0x001,

    /// <summary><c>PyBUF_FORMAT</c>: fill in the format string.</summary>
    Format = 0x004,

    /// <summary><c>PyBUF_ND</c>: fill in the shape; the buffer must be C-contiguous (no strides are given).</summary>
    ND = 0x008,

    /// <summary><c>PyBUF_STRIDES</c>: fill in shape and strides; any layout without suboffsets.</summary>
    Strides = 0x010 | ND,

    /// <summary><c>PyBUF_C_CONTIGUOUS</c>: strides filled in, and the buffer must be C-contiguous.</summary>
    CContiguous = 0x020 | Strides,

    /// <summary><c>PyBUF_F_CONTIGUOUS</c>: strides filled in, and the buffer must be Fortran-contiguous.</summary>
    FContiguous = 0x040 | Strides,

    /// <summary><c>PyBUF_ANY_CONTIGUOUS</c>: strides filled in, and the buffer must be C- or Fortran-contiguous.</summary>
    AnyContiguous = 0x080 | Strides,

    /// <summary><c>PyBUF_INDIRECT</c>: shape, strides and, when the layout needs them, PIL-style suboffsets.</summary>
    Indirect = 0x100 | Strides,

    /// <summary><c>PyBUF_CONTIG</c> = <see cref="ND"/> | <see cref="Writable"/>.</summary>
    Contig = ND | Writable,

    /// <summary><c>PyBUF_CONTIG_RO</c> = <see cref="ND"/>.</summary>
    ContigRO = ND,

    /// <summary><c>PyBUF_STRIDED</c> = <see cref="Strides"/> | <see cref="Writable"/>.</summary>
    Strided = Strides | Writable,

    /// <summary><c>PyBUF_STRIDED_RO</c> = <see cref="Strides"/>.</summary>
    StridedRO = Strides,

    /// <summary><c>PyBUF_RECORDS</c> = <see cref="Strides"/> | <see cref="Writable"/> | <see cref="Format"/>.</summary>
    Records = Strides | Writable | Format,

    /// <summary><c>PyBUF_RECORDS_RO</c> = <see cref="Strides"/> | <see cref="Format"/>.</summary>
    RecordsRO = Strides | Format,

    /// <summary><c>PyBUF_FULL</c> = <see cref="Indirect"/> | <see cref="Writable"/> | <see cref="Format"/>.</summary>
    Full = Indirect | Writable | Format,

    /// <summary><c>PyBUF_FULL_RO</c> = <see cref="Indirect"/> | <see cref="Format"/>: what <c>memoryview(obj)</c> asks for.</summary>
    FullRO = Indirect | Format,
}

/// <summary>CPython's test for a request flag: a composite is requested only when all its bits are.</summary>
public static class BufferRequestExtensions
{
    /// <summary>
    /// True when every bit of <paramref name="flag"/> is set in <paramref name="request"/>
    /// (<c>(flags &amp; F) == F</c>, as <c>memoryobject.c</c>'s <c>REQ_*</c> macros test).
    /// </summary>
    /// <param name="request">The request a consumer made.</param>
    /// <param name="flag">A single or composite flag.</param>
    public static bool Has(this BufferRequest request, BufferRequest flag) => (request & flag) == flag;
}
