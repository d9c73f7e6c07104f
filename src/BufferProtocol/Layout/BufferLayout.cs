using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using BufferProtocol.Internal;

namespace BufferProtocol.Layout;

/// <summary>
/// The shape of a strided N-dimensional buffer: item size, extents, byte strides and optional PIL-style
/// suboffsets. The one value type that owns every layout invariant; views are a base pointer plus a layout.
/// </summary>
/// <remarks>
/// <para>Invariants, established once by <see cref="Create(nint, ReadOnlySpan{nint}, ReadOnlySpan{nint}, ReadOnlySpan{nint})"/>
/// with checked arithmetic, so that nothing downstream has to check again:</para>
/// <list type="bullet">
/// <item><c>0 ≤ Rank ≤ 64</c> (<c>PyBUF_MAX_NDIM</c>); <c>ItemSize ≥ 0</c>; every extent <c>≥ 0</c>.</item>
/// <item><c>Length = ItemSize × Π Shape</c> fits <see cref="nint"/> (the <c>Py_buffer.len</c> of the layout).</item>
/// <item>Strides are any integers (negative and zero allowed); the bytes reachable from the base,
/// <c>[MinOffset, MaxOffset)</c>, fit <see cref="nint"/>.</item>
/// <item><see cref="SubOffsets"/> is empty unless at least one entry is ≥ 0 (an all-negative suboffset array is
/// dropped, as PEP 3118 demands).</item>
/// <item>Contiguity is computed once and cached in <see cref="Flags"/>, under both CPython predicates
/// (<c>PyBuffer_IsContiguous</c> and memoryview's own flags, which differ for 1-D empty views).</item>
/// </list>
/// <para>Element addressing, NumPy style: <c>ptr = base + Σ index[i] × Strides[i]</c>. PIL style: after adding
/// <c>index[i] × Strides[i]</c>, if <c>SubOffsets[i] ≥ 0</c> then <c>ptr = *(byte**)ptr + SubOffsets[i]</c>.</para>
/// <code>
///   shape (2,3), itemsize 4, C order        strides (12, 4)     base
///                                                              ↓
///   memory:  [a00 a01 a02 | a10 a11 a12]    a[i,j] at base + 12·i + 4·j
///   a[:, ::-1]  →  strides (12, -4), base moved to a02 (byte 8): negative strides point back into the block
/// </code>
/// <para>The default value is the layout of a 0-dimensional buffer of item size 0.</para>
/// </remarks>
public readonly struct BufferLayout : IEquatable<BufferLayout>
{
    /// <summary><c>PyBUF_MAX_NDIM</c>: the largest number of dimensions a layout may have.</summary>
    public const int MaxRank = 64;

    // One array holds shape, strides and (when present) suboffsets, each Rank entries long: a layout is
    // 32 bytes plus one allocation, and copying a layout never copies the dimensions.
    private readonly nint[]? _dims;
    private readonly nint _itemSize;
    private readonly nint _length;
    private readonly nint _minOffset;
    private readonly nint _maxOffset;
    private readonly int _rank;
    private readonly LayoutFlags _flags;

    private BufferLayout(nint[]? dims, int rank, nint itemSize, nint length, nint minOffset, nint maxOffset, LayoutFlags flags)
    {
        _dims = dims;
        _rank = rank;
        _itemSize = itemSize;
        _length = length;
        _minOffset = minOffset;
        _maxOffset = maxOffset;
        _flags = flags;
    }

    /// <summary>Bytes per item (<c>Py_buffer.itemsize</c>).</summary>
    public nint ItemSize => _itemSize;

    /// <summary>Number of dimensions (<c>Py_buffer.ndim</c>); 0 for a scalar.</summary>
    public int Rank => _rank;

    /// <summary>The extent of each dimension.</summary>
    public ReadOnlySpan<nint> Shape => _dims is null ? default : new ReadOnlySpan<nint>(_dims, 0, _rank);

    /// <summary>The byte step of each dimension; may be negative or zero.</summary>
    public ReadOnlySpan<nint> Strides => _dims is null ? default : new ReadOnlySpan<nint>(_dims, _rank, _rank);

    /// <summary>PIL-style suboffsets, one per dimension (negative = no dereference), or empty when the layout has none.</summary>
    public ReadOnlySpan<nint> SubOffsets => HasSubOffsets ? new ReadOnlySpan<nint>(_dims, 2 * _rank, _rank) : default;

    /// <summary>
    /// A copy of <see cref="Shape"/> as an array, for callers without span support (Python through pythonnet, which
    /// gives it back as a sequence of ints; reflection; <c>dynamic</c>).
    /// </summary>
    public long[] GetShape() => DimensionArrays.ToInt64(Shape);

    /// <summary>A copy of <see cref="Strides"/> as an array (see <see cref="GetShape"/>).</summary>
    public long[] GetStrides() => DimensionArrays.ToInt64(Strides);

    /// <summary>A copy of <see cref="SubOffsets"/> as an array, empty without suboffsets (see <see cref="GetShape"/>).</summary>
    public long[] GetSubOffsets() => DimensionArrays.ToInt64(SubOffsets);

    /// <summary>True when the layout dereferences pointers in at least one dimension (PIL style).</summary>
    public bool HasSubOffsets => (_flags & LayoutFlags.SubOffsets) != 0;

    /// <summary><c>ItemSize × Π Shape</c>: the byte length of a contiguous copy (<c>Py_buffer.len</c>).</summary>
    public nint Length => _length;

    /// <summary>Number of items, <c>Π Shape</c> (1 for a scalar).</summary>
    public nint ItemCount => _itemSize == 0 ? Product(Shape) : _length / _itemSize;

    /// <summary>True when some extent is zero: the buffer holds no items.</summary>
    public bool IsEmpty => (_flags & LayoutFlags.Empty) != 0;

    /// <summary>
    /// Lowest byte offset, relative to the base, that an item of the first level of memory can start at
    /// (≤ 0; 0 for empty layouts). With suboffsets it describes only the first level (the pointer table).
    /// </summary>
    public nint MinOffset => _minOffset;

    /// <summary>
    /// One past the highest byte offset, relative to the base, that the first level of memory reaches
    /// (the last item's end; 0 for empty layouts).
    /// </summary>
    public nint MaxOffset => _maxOffset;

    /// <summary>The cached layout flags (contiguity under both CPython predicates, suboffsets, emptiness).</summary>
    public LayoutFlags Flags => _flags;

    /// <summary>C-contiguous by <c>PyBuffer_IsContiguous(view, 'C')</c>.</summary>
    public bool IsCContiguous => (_flags & LayoutFlags.CContiguous) != 0;

    /// <summary>Fortran-contiguous by <c>PyBuffer_IsContiguous(view, 'F')</c>.</summary>
    public bool IsFContiguous => (_flags & LayoutFlags.FContiguous) != 0;

    /// <summary>C- or Fortran-contiguous by <c>PyBuffer_IsContiguous(view, 'A')</c>.</summary>
    public bool IsAnyContiguous => (_flags & (LayoutFlags.CContiguous | LayoutFlags.FContiguous)) != 0;

    /// <summary><c>PyBuffer_IsContiguous</c>: whether the items occupy one block in the given order.</summary>
    /// <param name="order">C, Fortran or either.</param>
    public bool IsContiguous(ContiguityOrder order) => order switch
    {
        ContiguityOrder.C => IsCContiguous,
        ContiguityOrder.Fortran => IsFContiguous,
        ContiguityOrder.Any => IsAnyContiguous,
        _ => false,
    };

    /// <summary>A 0-dimensional layout: one item at the base.</summary>
    /// <param name="itemSize">Bytes per item (≥ 0).</param>
    public static BufferLayout Scalar(nint itemSize) => Create(itemSize, default, default);

    /// <summary>A contiguous layout in the given order (strides from <see cref="FillContiguousStrides"/>).</summary>
    /// <param name="itemSize">Bytes per item (≥ 0).</param>
    /// <param name="shape">Extents (each ≥ 0, at most <see cref="MaxRank"/> of them).</param>
    /// <param name="order">C (row-major) or Fortran (column-major); <see cref="ContiguityOrder.Any"/> means C.</param>
    /// <exception cref="ArgumentException">A negative extent, too many dimensions, or a size that overflows.</exception>
    public static BufferLayout Contiguous(nint itemSize, ReadOnlySpan<nint> shape, ContiguityOrder order = ContiguityOrder.C)
    {
        CheckRank(shape.Length, nameof(shape));
        Span<nint> strides = stackalloc nint[shape.Length];
        FillContiguousStrides(shape, strides, itemSize, order);
        return Create(itemSize, shape, strides);
    }

    /// <summary>
    /// <see cref="Contiguous(nint, ReadOnlySpan{nint}, ContiguityOrder)"/> for callers without span support (Python
    /// through pythonnet passes a list or tuple of ints as <c>long[]</c>, and a Python int as <c>long</c>).
    /// </summary>
    /// <param name="itemSize">Bytes per item (≥ 0).</param>
    /// <param name="shape">Extents (each ≥ 0, at most <see cref="MaxRank"/> of them).</param>
    /// <param name="order">C (row-major) or Fortran (column-major); <see cref="ContiguityOrder.Any"/> means C.</param>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException">A negative extent, too many dimensions, a size that overflows, or a value
    /// beyond a native integer (<see cref="ArgumentOutOfRangeException"/>, 32-bit processes only).</exception>
    [OverloadResolutionPriority(-1)] // C# callers keep the span overload wherever it applies (e.g. an empty [] shape)
    public static BufferLayout Contiguous(long itemSize, long[] shape, ContiguityOrder order = ContiguityOrder.C) =>
        Contiguous(DimensionArrays.ToNative(itemSize, nameof(itemSize)), DimensionArrays.ToNative(shape, nameof(shape)), order);

    /// <summary>
    /// <c>PyBuffer_FillContiguousStrides</c>: the strides of a contiguous layout. Fortran order for
    /// <see cref="ContiguityOrder.Fortran"/>, C order for anything else; zero extents propagate zero strides.
    /// </summary>
    /// <param name="shape">Extents.</param>
    /// <param name="strides">Receives one stride per extent.</param>
    /// <param name="itemSize">Bytes per item.</param>
    /// <param name="order">The order of the items in memory.</param>
    /// <exception cref="ArgumentException"><paramref name="strides"/> is shorter than <paramref name="shape"/>, or a stride overflows.</exception>
    public static void FillContiguousStrides(ReadOnlySpan<nint> shape, Span<nint> strides, nint itemSize, ContiguityOrder order)
    {
        if (strides.Length < shape.Length)
        {
            throw new ArgumentException($"strides has {strides.Length} entries but shape has {shape.Length}", nameof(strides));
        }
        var step = itemSize;
        try
        {
            if (order == ContiguityOrder.Fortran)
            {
                for (var i = 0; i < shape.Length; i++)
                {
                    strides[i] = step;
                    step = checked(step * shape[i]);
                }
            }
            else
            {
                for (var i = shape.Length - 1; i >= 0; i--)
                {
                    strides[i] = step;
                    step = checked(step * shape[i]);
                }
            }
        }
        catch (OverflowException)
        {
            throw new ArgumentException("the product of the shape and the item size overflows", nameof(shape));
        }
    }

    /// <summary>
    /// Creates and validates a layout. This is the only way a layout comes to be: every invariant listed on the
    /// type is checked here, with checked arithmetic.
    /// </summary>
    /// <param name="itemSize">Bytes per item (≥ 0).</param>
    /// <param name="shape">Extents, one per dimension (each ≥ 0); empty for a scalar.</param>
    /// <param name="strides">Byte strides, one per dimension; any integers.</param>
    /// <param name="subOffsets">Empty, or one suboffset per dimension (negative = no dereference).</param>
    /// <exception cref="ArgumentException">
    /// A negative item size or extent, more than <see cref="MaxRank"/> dimensions, strides or suboffsets whose count
    /// differs from the shape's, or a size or extent that overflows <see cref="nint"/>.
    /// </exception>
    public static BufferLayout Create(nint itemSize, ReadOnlySpan<nint> shape, ReadOnlySpan<nint> strides, ReadOnlySpan<nint> subOffsets = default)
    {
        if (!TryCreate(itemSize, shape, strides, subOffsets, out var layout, out var error))
        {
            throw new ArgumentException(error);
        }
        return layout;
    }

    /// <summary>
    /// <see cref="Create(nint, ReadOnlySpan{nint}, ReadOnlySpan{nint}, ReadOnlySpan{nint})"/> for callers without span
    /// support (Python through pythonnet passes a list or tuple of ints as <c>long[]</c>, and a Python int as <c>long</c>).
    /// </summary>
    /// <param name="itemSize">Bytes per item (≥ 0).</param>
    /// <param name="shape">Extents, one per dimension (each ≥ 0); empty for a scalar.</param>
    /// <param name="strides">Byte strides, one per dimension; any integers.</param>
    /// <param name="subOffsets">Null or empty, or one suboffset per dimension (negative = no dereference).</param>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> or <paramref name="strides"/> is null.</exception>
    /// <exception cref="ArgumentException">As for the span overload, or a value beyond a native integer
    /// (<see cref="ArgumentOutOfRangeException"/>, 32-bit processes only).</exception>
    [OverloadResolutionPriority(-1)] // C# callers keep the span overload wherever it applies (e.g. an empty [] shape)
    public static BufferLayout Create(long itemSize, long[] shape, long[] strides, long[]? subOffsets = null) =>
        Create(DimensionArrays.ToNative(itemSize, nameof(itemSize)), DimensionArrays.ToNative(shape, nameof(shape)),
            DimensionArrays.ToNative(strides, nameof(strides)), subOffsets is null ? default : DimensionArrays.ToNative(subOffsets, nameof(subOffsets)));

    /// <summary>Creates and validates a layout, reporting what is wrong instead of throwing.</summary>
    /// <param name="itemSize">Bytes per item (≥ 0).</param>
    /// <param name="shape">Extents, one per dimension.</param>
    /// <param name="strides">Byte strides, one per dimension.</param>
    /// <param name="subOffsets">Empty, or one suboffset per dimension.</param>
    /// <param name="layout">The layout, when valid.</param>
    /// <param name="error">What is wrong, when invalid.</param>
    /// <returns>True when the arguments describe a valid layout.</returns>
    public static bool TryCreate(nint itemSize, ReadOnlySpan<nint> shape, ReadOnlySpan<nint> strides, ReadOnlySpan<nint> subOffsets,
        out BufferLayout layout, [NotNullWhen(false)] out string? error)
    {
        layout = default;
        var rank = shape.Length;
        if (itemSize < 0)
        {
            error = $"item size must be >= 0, not {itemSize}";
            return false;
        }
        if (rank > MaxRank)
        {
            error = $"number of dimensions must not exceed {MaxRank}, not {rank}";
            return false;
        }
        if (strides.Length != rank)
        {
            error = $"strides has {strides.Length} entries but shape has {rank}";
            return false;
        }
        if (!subOffsets.IsEmpty && subOffsets.Length != rank)
        {
            error = $"suboffsets has {subOffsets.Length} entries but shape has {rank}";
            return false;
        }

        var flags = LayoutFlags.None;
        var hasSubOffsets = false;
        foreach (var s in subOffsets)
        {
            hasSubOffsets |= s >= 0;
        }
        if (hasSubOffsets && rank == 0)
        {
            error = "a 0-dimensional layout cannot have suboffsets";
            return false;
        }

        nint length = itemSize, minOffset = 0, maxOffset = 0;
        var empty = false;
        for (var i = 0; i < rank; i++)
        {
            if (shape[i] < 0)
            {
                error = $"extent of dimension {i} must be >= 0, not {shape[i]}";
                return false;
            }
            empty |= shape[i] == 0;
        }
        try
        {
            foreach (var extent in shape)
            {
                length = checked(length * extent);
            }
            if (!empty)
            {
                // imin = Σ strides<=0 · (shape-1), imax = Σ strides>0 · (shape-1); items span [imin, imax + itemsize).
                for (var i = 0; i < rank; i++)
                {
                    var reach = checked(strides[i] * (shape[i] - 1));
                    if (strides[i] > 0)
                    {
                        maxOffset = checked(maxOffset + reach);
                    }
                    else
                    {
                        minOffset = checked(minOffset + reach);
                    }
                }
                maxOffset = checked(maxOffset + itemSize);
            }
        }
        catch (OverflowException)
        {
            error = empty
                ? "the size of the layout overflows"
                : "the size or the memory extent of the layout overflows (shape × strides exceeds the address space)";
            return false;
        }
        // Any product of extents must fit as well (ItemCount of an item size 0 layout).
        if (itemSize == 0 && !TryProduct(shape, out _))
        {
            error = "the number of items overflows";
            return false;
        }

        if (empty)
        {
            flags |= LayoutFlags.Empty;
        }
        if (hasSubOffsets)
        {
            flags |= LayoutFlags.SubOffsets;
        }
        else
        {
            if (IsContiguousC(shape, strides, itemSize, empty))
            {
                flags |= LayoutFlags.CContiguous;
            }
            if (IsContiguousF(shape, strides, itemSize, empty))
            {
                flags |= LayoutFlags.FContiguous;
            }
            flags |= ViewFlags(shape, strides, itemSize, flags);
        }

        nint[]? dims = null;
        if (rank > 0)
        {
            dims = new nint[(hasSubOffsets ? 3 : 2) * rank];
            shape.CopyTo(dims);
            strides.CopyTo(dims.AsSpan(rank));
            if (hasSubOffsets)
            {
                subOffsets.CopyTo(dims.AsSpan(2 * rank));
            }
        }
        layout = new BufferLayout(dims, rank, itemSize, length, minOffset, maxOffset, flags);
        error = null;
        return true;
    }

    /// <summary>
    /// Checks that every item of the layout lies inside a memory block, as <c>verify_structure</c> in CPython's
    /// <c>test_buffer.py</c> does: the base sits <paramref name="offset"/> bytes into a block of
    /// <paramref name="memoryLength"/> bytes.
    /// </summary>
    /// <param name="offset">Byte offset of the base within the block.</param>
    /// <param name="memoryLength">Size of the block in bytes.</param>
    /// <returns>True when every item of the first memory level lies inside the block.</returns>
    /// <remarks>
    /// For a layout with suboffsets only the first level (the pointer table) is checked; the memory behind the
    /// pointers belongs to whoever built the table. An empty layout is valid at any offset.
    /// </remarks>
    public bool FitsWithin(nint offset, nint memoryLength)
    {
        if (memoryLength < 0 || offset < 0)
        {
            return false;
        }
        if (IsEmpty)
        {
            return offset <= memoryLength;
        }
        // offset + MinOffset >= 0 and offset + MaxOffset <= memoryLength, without overflow.
        return _minOffset >= -offset && _maxOffset <= memoryLength - offset;
    }

    /// <summary>Throws unless <see cref="FitsWithin"/> holds.</summary>
    /// <param name="offset">Byte offset of the base within the block.</param>
    /// <param name="memoryLength">Size of the block in bytes.</param>
    /// <exception cref="ArgumentException">Some item would lie outside the block.</exception>
    public void ValidateWithin(nint offset, nint memoryLength)
    {
        if (!FitsWithin(offset, memoryLength))
        {
            throw new ArgumentException(
                $"the layout reaches bytes [{offset}{_minOffset:+#;-#;+0}, {offset}{_maxOffset:+#;-#;+0}) of the memory, which holds {memoryLength} bytes");
        }
    }

    /// <summary>
    /// The byte offset, from the base, of the item at <paramref name="indices"/> (each in range), for layouts
    /// without suboffsets.
    /// </summary>
    /// <param name="indices">One index per dimension; negative indices count from the end.</param>
    /// <exception cref="ArgumentException">The number of indices differs from <see cref="Rank"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of bounds.</exception>
    /// <exception cref="InvalidOperationException">The layout has suboffsets: addresses need the memory (use a buffer's GetPointer).</exception>
    public nint GetByteOffset(ReadOnlySpan<nint> indices)
    {
        if (HasSubOffsets)
        {
            throw new InvalidOperationException("a layout with suboffsets has no fixed byte offsets; use the buffer's GetPointer");
        }
        if (indices.Length != _rank)
        {
            throw new ArgumentException($"expected {_rank} indices, got {indices.Length}", nameof(indices));
        }
        nint offset = 0;
        var shape = Shape;
        var strides = Strides;
        for (var i = 0; i < indices.Length; i++)
        {
            offset += strides[i] * NormalizeIndex(indices[i], shape[i], i);
        }
        return offset;
    }

    /// <summary>
    /// Resolves a possibly negative index against an extent, as CPython does (negative wraps once).
    /// </summary>
    /// <param name="index">The index; negative counts from the end.</param>
    /// <param name="extent">The extent of the dimension.</param>
    /// <param name="dimension">The 0-based dimension, for the error message (reported 1-based, as CPython does).</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of bounds.</exception>
    public static nint NormalizeIndex(nint index, nint extent, int dimension)
    {
        var i = index < 0 ? index + extent : index;
        if ((nuint)i >= (nuint)extent)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index out of bounds on dimension {dimension + 1}");
        }
        return i;
    }

    /// <summary>
    /// The layout with dimension <paramref name="dimension"/> sliced to <paramref name="length"/> items starting at
    /// <paramref name="start"/> with step <paramref name="step"/> (already normalised, as <c>PySlice_GetIndicesEx</c>
    /// returns them).
    /// </summary>
    /// <param name="dimension">The dimension to slice.</param>
    /// <param name="start">Index of the first item kept (ignored when <paramref name="length"/> is 0).</param>
    /// <param name="step">Non-zero step between kept items.</param>
    /// <param name="length">Number of items kept.</param>
    /// <param name="baseDelta">Receives the byte distance the base moves.</param>
    /// <returns>The sliced layout.</returns>
    /// <remarks>
    /// <para>With suboffsets, slicing dimension <c>k &gt; 0</c> cannot move the base: the start offset is folded into the
    /// suboffset of the nearest earlier dimension that dereferences (CPython's <c>init_slice</c>).</para>
    /// <para>Unlike CPython, an empty result (this slice's length is 0, or the layout is already empty) leaves the base and
    /// the suboffsets unchanged — they address nothing — and a fold that would make a suboffset negative is refused:
    /// CPython stores it, and a negative suboffset silently means "no dereference".</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The slice does not lie inside the dimension, its step is 0, the new stride overflows, or the start cannot be folded
    /// into a suboffset.
    /// </exception>
    public BufferLayout Slice(int dimension, nint start, nint step, nint length, out nint baseDelta)
    {
        if ((uint)dimension >= (uint)_rank)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"the layout has {_rank} dimensions");
        }
        var extent = Shape[dimension];
        if (step == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), "slice step cannot be zero");
        }
        if (length < 0 || (length > 0 && ((nuint)start >= (nuint)extent || !LastIndexInside(start, step, length, extent))))
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"slice [{start}, step {step}, length {length}] is outside dimension {dimension} of extent {extent}");
        }
        if (length == 0 || IsEmpty)
        {
            // An empty result addresses nothing: the base and the suboffsets stay where they are.
            start = 0;
        }
        var dims = (nint[])_dims!.Clone();
        var delta = dims[_rank + dimension] * start;
        baseDelta = 0;
        var folded = false;
        if (HasSubOffsets && dimension > 0)
        {
            for (var n = dimension - 1; n >= 0; n--)
            {
                if (dims[2 * _rank + n] >= 0)
                {
                    var subOffset = dims[2 * _rank + n] + delta;
                    if (subOffset < 0)
                    {
                        // A negative suboffset means "no dereference": the view cannot be described (CPython would
                        // silently stop dereferencing and address the pointer table as data).
                        throw new ArgumentOutOfRangeException(nameof(start),
                            $"slicing dimension {dimension} from {start} would make suboffset {n} negative ({subOffset}), which cannot be represented");
                    }
                    dims[2 * _rank + n] = subOffset;
                    folded = true;
                    break;
                }
            }
        }
        if (!folded)
        {
            baseDelta = delta;
        }
        dims[dimension] = length;
        try
        {
            dims[_rank + dimension] = checked(dims[_rank + dimension] * step);
        }
        catch (OverflowException)
        {
            throw new ArgumentOutOfRangeException(nameof(step), $"stride {dims[_rank + dimension]} times step {step} overflows");
        }
        var sub = HasSubOffsets ? dims.AsSpan(2 * _rank, _rank) : default;
        return Create(_itemSize, dims.AsSpan(0, _rank), dims.AsSpan(_rank, _rank), sub);
    }

    /// <summary>The layout with its dimensions reordered: dimension <c>i</c> of the result is <c>axes[i]</c> of this one.</summary>
    /// <param name="axes">A permutation of <c>0 .. Rank-1</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="axes"/> is not a permutation, or the layout has suboffsets.</exception>
    public BufferLayout Permute(ReadOnlySpan<int> axes)
    {
        if (axes.Length != _rank)
        {
            throw new ArgumentException($"expected {_rank} axes, got {axes.Length}", nameof(axes));
        }
        if (HasSubOffsets)
        {
            throw new ArgumentException("axes of a layout with suboffsets cannot be permuted: the dereferences are tied to their dimensions", nameof(axes));
        }
        Span<bool> seen = stackalloc bool[_rank];
        Span<nint> shape = stackalloc nint[_rank];
        Span<nint> strides = stackalloc nint[_rank];
        for (var i = 0; i < _rank; i++)
        {
            var a = axes[i];
            if ((uint)a >= (uint)_rank || seen[a])
            {
                throw new ArgumentException($"axes must be a permutation of 0..{_rank - 1}", nameof(axes));
            }
            seen[a] = true;
            shape[i] = Shape[a];
            strides[i] = Strides[a];
        }
        return Create(_itemSize, shape, strides);
    }

    /// <inheritdoc />
    public bool Equals(BufferLayout other) =>
        _itemSize == other._itemSize && _rank == other._rank && HasSubOffsets == other.HasSubOffsets &&
        Shape.SequenceEqual(other.Shape) && Strides.SequenceEqual(other.Strides) && SubOffsets.SequenceEqual(other.SubOffsets);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BufferLayout other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(_itemSize);
        foreach (var d in Shape)
        {
            hash.Add(d);
        }
        foreach (var s in Strides)
        {
            hash.Add(s);
        }
        return hash.ToHashCode();
    }

    /// <summary>Equality of item size, shape, strides and suboffsets.</summary>
    public static bool operator ==(BufferLayout left, BufferLayout right) => left.Equals(right);

    /// <summary>Inequality of item size, shape, strides or suboffsets.</summary>
    public static bool operator !=(BufferLayout left, BufferLayout right) => !left.Equals(right);

    /// <summary>A compact description, e.g. <c>itemsize 4, shape (2, 3), strides (12, 4)</c>.</summary>
    public override string ToString()
    {
        var text = $"itemsize {_itemSize}, shape {Tuple(Shape)}, strides {Tuple(Strides)}";
        return HasSubOffsets ? text + $", suboffsets {Tuple(SubOffsets)}" : text;
    }

    internal static string Tuple(ReadOnlySpan<nint> values) =>
        values.Length == 1 ? $"({values[0]},)" : "(" + string.Join(", ", values.ToArray()) + ")";

    private static bool LastIndexInside(nint start, nint step, nint length, nint extent)
    {
        try
        {
            return (nuint)checked(start + (length - 1) * step) < (nuint)extent;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    private static void CheckRank(int rank, string paramName)
    {
        if (rank > MaxRank)
        {
            throw new ArgumentException($"number of dimensions must not exceed {MaxRank}, not {rank}", paramName);
        }
    }

    private static nint Product(ReadOnlySpan<nint> shape)
    {
        nint p = 1;
        foreach (var d in shape)
        {
            p *= d;
        }
        return p;
    }

    private static bool TryProduct(ReadOnlySpan<nint> shape, out nint product)
    {
        product = 1;
        try
        {
            foreach (var d in shape)
            {
                product = checked(product * d);
            }
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    // PyBuffer_IsContiguous 'C': empty → yes; walk from the last dimension, extents ≤ 1 impose nothing.
    private static bool IsContiguousC(ReadOnlySpan<nint> shape, ReadOnlySpan<nint> strides, nint itemSize, bool empty)
    {
        if (empty)
        {
            return true;
        }
        var sd = itemSize;
        for (var i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] > 1 && strides[i] != sd)
            {
                return false;
            }
            sd *= shape[i];
        }
        return true;
    }

    private static bool IsContiguousF(ReadOnlySpan<nint> shape, ReadOnlySpan<nint> strides, nint itemSize, bool empty)
    {
        if (empty)
        {
            return true;
        }
        var sd = itemSize;
        for (var i = 0; i < shape.Length; i++)
        {
            if (shape[i] > 1 && strides[i] != sd)
            {
                return false;
            }
            sd *= shape[i];
        }
        return true;
    }

    // memoryview's own flags (memoryobject.c init_flags): ndim 0 → C and F; ndim 1 → C and F iff
    // shape[0] == 1 or strides[0] == itemsize (no "empty is contiguous" rule); ndim ≥ 2 → PyBuffer_IsContiguous.
    private static LayoutFlags ViewFlags(ReadOnlySpan<nint> shape, ReadOnlySpan<nint> strides, nint itemSize, LayoutFlags pyBufferFlags)
    {
        switch (shape.Length)
        {
            case 0:
                return LayoutFlags.ViewCContiguous | LayoutFlags.ViewFContiguous;
            case 1:
                return shape[0] == 1 || strides[0] == itemSize
                    ? LayoutFlags.ViewCContiguous | LayoutFlags.ViewFContiguous
                    : LayoutFlags.None;
            default:
                var flags = LayoutFlags.None;
                if ((pyBufferFlags & LayoutFlags.CContiguous) != 0)
                {
                    flags |= LayoutFlags.ViewCContiguous;
                }
                if ((pyBufferFlags & LayoutFlags.FContiguous) != 0)
                {
                    flags |= LayoutFlags.ViewFContiguous;
                }
                return flags;
        }
    }
}
