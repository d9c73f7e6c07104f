using BufferProtocol.Layout;

namespace BufferProtocol.Exporters;

/// <summary>
/// Checks a PIL-style layout against the pointer slots of its block: follows every pointer the layout can reach and
/// proves that each dereference lands on a slot and that every item lies inside the block without overlapping a slot.
/// </summary>
/// <remarks>
/// The walk enumerates the indices of the dimensions up to the last one that dereferences; the dimensions after it form
/// a plain strided block whose reach is <see cref="BufferLayout.MinOffset"/>..<see cref="BufferLayout.MaxOffset"/> of
/// their sub-layout, checked once per reached base. All arithmetic is checked.
/// </remarks>
internal static class PointerWalk
{
    public static void Validate(BufferLayout layout, nint offset, nint memoryLength, NativePointer[] slots)
    {
        if (memoryLength < 0)
        {
            throw new ArgumentException($"the memory length must be >= 0, not {memoryLength}", nameof(memoryLength));
        }
        var pointerSize = (nint)IntPtr.Size;
        var targets = new Dictionary<nint, nint>(slots.Length);
        foreach (var slot in slots)
        {
            if (slot.Slot < 0 || slot.Slot > memoryLength - pointerSize)
            {
                throw new ArgumentException($"pointer slot {slot.Slot} is outside the block of {memoryLength} bytes", "pointers");
            }
            if (!targets.TryAdd(slot.Slot, slot.Target))
            {
                throw new ArgumentException($"pointer slot {slot.Slot} is listed twice", "pointers");
            }
        }
        if (offset < 0 || offset > memoryLength)
        {
            throw new ArgumentException($"offset {offset} is outside the block of {memoryLength} bytes", nameof(offset));
        }
        if (layout.IsEmpty)
        {
            return;
        }
        var starts = targets.Keys.Order().ToArray();
        var sub = layout.SubOffsets;
        var last = -1;
        for (var d = 0; d < sub.Length; d++)
        {
            if (sub[d] >= 0)
            {
                last = d;
            }
        }
        var tail = BufferLayout.Create(layout.ItemSize, layout.Shape[(last + 1)..], layout.Strides[(last + 1)..]);
        var walk = new Walker(layout, tail, last, memoryLength, targets, starts, pointerSize);
        try
        {
            walk.Visit(0, offset);
        }
        catch (OverflowException)
        {
            throw new ArgumentException("following the layout's pointers overflows the address space", nameof(layout));
        }
    }

    private readonly struct Walker(BufferLayout layout, BufferLayout tail, int last, nint memoryLength,
        Dictionary<nint, nint> targets, nint[] starts, nint pointerSize)
    {
        public void Visit(int dim, nint p)
        {
            if (dim > last)
            {
                var lo = checked(p + tail.MinOffset);
                var hi = checked(p + tail.MaxOffset);
                if (lo < 0 || hi > memoryLength)
                {
                    throw new ArgumentException(
                        $"the layout reaches bytes [{lo}, {hi}) of the block, which holds {memoryLength} bytes", nameof(layout));
                }
                if (Overlaps(lo, hi, out var slot))
                {
                    throw new ArgumentException($"items in bytes [{lo}, {hi}) overlap the pointer slot at {slot}", nameof(layout));
                }
                return;
            }
            var extent = layout.Shape[dim];
            var stride = layout.Strides[dim];
            var subOffset = layout.SubOffsets[dim];
            for (nint i = 0; i < extent; i++)
            {
                var q = checked(p + i * stride);
                if (subOffset >= 0)
                {
                    if (!targets.TryGetValue(q, out var target))
                    {
                        throw new ArgumentException(
                            $"dimension {dim} dereferences byte {q} of the block, which holds no pointer the buffer wrote", nameof(layout));
                    }
                    q = checked(target + subOffset);
                }
                Visit(dim + 1, q);
            }
        }

        // Does any slot [s, s + pointerSize) intersect [lo, hi)?
        private bool Overlaps(nint lo, nint hi, out nint slot)
        {
            // First slot whose end is past lo.
            int a = 0, b = starts.Length;
            while (a < b)
            {
                var m = (a + b) >>> 1;
                if (starts[m] + pointerSize <= lo)
                {
                    a = m + 1;
                }
                else
                {
                    b = m;
                }
            }
            slot = a < starts.Length ? starts[a] : 0;
            return a < starts.Length && starts[a] < hi;
        }
    }
}
