using System.Numerics;
using System.Runtime.CompilerServices;
using BufferProtocol.Interop.Memory;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;

namespace BufferProtocol.Views;

// Value equality (memory_richcompare) and hashing (memory_hash).
public sealed partial class MemoryView
{
    /// <summary>
    /// CPython's <c>memoryview == memoryview</c>: equal when the shapes are equivalent (same rank, extents equal up to
    /// and including a first zero) and every pair of items is equal by value — C <c>==</c> when both formats are the
    /// same native character (floats: <c>NaN</c> unequal to itself, <c>-0.0 == 0.0</c>), else the values
    /// <c>struct.unpack</c> gives, compared as Python compares them (<c>'B'</c> 1 equals <c>'d'</c> 1.0;
    /// <c>'c'</c> never equals <c>'B'</c>). Layouts do not matter (C, Fortran, strided and PIL views of the same values
    /// are equal).
    /// </summary>
    /// <param name="other">Another view.</param>
    /// <returns>
    /// The comparison. A released view is equal only to itself. A format that cannot be unpacked (under
    /// <see cref="MemoryViewMode.CPython"/>: one <c>struct</c> rejects, such as <c>T{...}</c>; under
    /// <see cref="MemoryViewMode.Extended"/>: one the grammar rejects) makes the views unequal — even a view and itself.
    /// When the two views' modes differ, the CPython rules apply (so the comparison is symmetric).
    /// </returns>
    public bool Equals(MemoryView? other)
    {
        if (other is null)
        {
            return false;
        }
        if (IsReleased || other.IsReleased)
        {
            return ReferenceEquals(this, other);
        }
        if (!TryEnter())
        {
            return ReferenceEquals(this, other);
        }
        try
        {
            if (!other.TryEnter())
            {
                return false;
            }
            try
            {
                // Symmetric: the stricter rules win when the modes differ (a CPython view never unpacks a format struct rejects).
                var mode = _mode == MemoryViewMode.CPython || other._mode == MemoryViewMode.CPython ? MemoryViewMode.CPython : MemoryViewMode.Extended;
                return ValuesEqual(mode, _pointer, _layout, _format, other._pointer, other._layout, other._format);
            }
            finally
            {
                other.Exit();
            }
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Value equality with another view (see <see cref="Equals(MemoryView)"/>); false for anything else.</summary>
    /// <param name="obj">The object to compare with.</param>
    public override bool Equals(object? obj) => obj is MemoryView view && Equals(view);

    /// <summary>
    /// CPython's <c>memoryview == other</c> for any object: a view compares as <see cref="Equals(MemoryView)"/>; an
    /// exporter is acquired with <see cref="BufferRequest.FullRO"/> and compared the same way (an exporter that refuses
    /// is unequal); a <c>byte[]</c> compares as the bytes it holds (<c>memoryview(b'abc') == b'abc'</c>); anything
    /// else is unequal.
    /// </summary>
    /// <param name="other">The object to compare with.</param>
    public bool ValueEquals(object? other)
    {
        switch (other)
        {
            case MemoryView view:
                return Equals(view);
            case null:
                return false;
        }
        if (IsReleased || !TryEnter())
        {
            return false;
        }
        try
        {
            AcquiredBuffer buffer;
            try
            {
                buffer = other switch
                {
                    IBufferExporter exporter => exporter.GetBuffer(BufferRequest.FullRO),
                    byte[] bytes => Exporters.MemoryExporter.CreateReadOnly<byte>(bytes, "B").GetBuffer(BufferRequest.FullRO),
                    _ => null!,
                };
            }
            catch (Exception e) when (e is BufferException or ObjectDisposedException)
            {
                // memory_richcompare: a failed PyObject_GetBuffer means NotImplemented, i.e. unequal.
                return false;
            }
            if (buffer is null)
            {
                return false;
            }
            using (buffer)
            {
                return ValuesEqual(_mode, _pointer, _layout, _format, buffer.Pointer, buffer.Layout, buffer.Format ?? "B");
            }
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Value equality (see <see cref="Equals(MemoryView)"/>); two nulls are equal.</summary>
    /// <param name="left">A view or null.</param>
    /// <param name="right">A view or null.</param>
    public static bool operator ==(MemoryView? left, MemoryView? right) => left is null ? right is null : left.Equals(right);

    /// <summary>The negation of <c>==</c>.</summary>
    /// <param name="left">A view or null.</param>
    /// <param name="right">A view or null.</param>
    public static bool operator !=(MemoryView? left, MemoryView? right) => !(left == right);

    /// <summary>
    /// A hash consistent with <see cref="Equals(MemoryView)"/> that never throws and never changes: it covers the
    /// rank and the extents up to the first zero, which equal views share whatever their formats and contents (a
    /// <c>'B'</c> view equals a <c>'d'</c> view of the same values, so the bytes cannot be hashed). Writable views may
    /// change while in a dictionary; their hash does not. For CPython's content hash use <see cref="GetContentHash()"/>.
    /// </summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(_layout.Rank);
        foreach (var extent in _layout.Shape)
        {
            hash.Add(extent);
            if (extent == 0)
            {
                break;
            }
        }
        return hash.ToHashCode();
    }

    /// <summary>
    /// <c>hash(memoryview)</c>: a hash of the C-order bytes of a read-only view of format <c>'B'</c>, <c>'b'</c> or
    /// <c>'c'</c> (optionally after <c>@</c>), computed once and cached (the cached value survives release). Views with
    /// the same C-order bytes hash equal, whatever their shape, strides or suboffsets. The value is per process (as
    /// Python's <c>hash(bytes)</c> is), not Python's.
    /// </summary>
    /// <exception cref="ArgumentException">A writable view ("cannot hash writable memoryview object"), or another format
    /// ("memoryview: hashing is restricted to formats 'B', 'b' or 'c'") (<c>ValueError</c>).</exception>
    /// <exception cref="ObjectDisposedException">The view has been released before its hash was computed.</exception>
    public int GetContentHash()
    {
        if (Volatile.Read(ref _hashState) != 0)
        {
            return _hash;
        }
        Enter();
        try
        {
            if (!_readOnly)
            {
                ViewErrors.ValueError("cannot hash writable memoryview object");
            }
            if (!IsByteFormat(_format))
            {
                ViewErrors.ValueError("memoryview: hashing is restricted to formats 'B', 'b' or 'c'");
            }
            var hash = HashBytes(_layout.IsCContiguous ? RawMemory.AsReadOnlySpan(_pointer, checked((int)_layout.Length)) : ToBytes());
            _hash = hash;
            Volatile.Write(ref _hashState, 1);
            return hash;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>The content hash a read-only byte view holding exactly <paramref name="bytes"/> has (Python's <c>hash(bytes)</c> analogue).</summary>
    /// <param name="bytes">The bytes.</param>
    public static int GetContentHash(ReadOnlySpan<byte> bytes) => HashBytes(bytes);

    private static int HashBytes(ReadOnlySpan<byte> bytes)
    {
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }

    /// <summary>Enters an operation unless the view is released; false instead of throwing.</summary>
    private bool TryEnter()
    {
        if ((Interlocked.Add(ref _state, InUse) & ReleasedBit) != 0)
        {
            Exit();
            return false;
        }
        return true;
    }

    /// <summary>memory_richcompare after the released checks: shapes, then the fast path or struct unpacking.</summary>
    private static bool ValuesEqual(MemoryViewMode mode, nint v, in BufferLayout vLayout, string vFormat, nint w, in BufferLayout wLayout, string wFormat)
    {
        if (!EquivalentShape(vLayout, wLayout))
        {
            return false;
        }
        var vCode = NativeCode(vFormat);
        var wCode = NativeCode(wFormat);
        if (vCode != '\0' && vCode == wCode && NativeItemAccessor.SizeOf(vCode) <= Math.Min(vLayout.ItemSize, wLayout.ItemSize))
        {
            return NativeEqual(vCode, v, vLayout, w, wLayout);
        }
        // Even equal format strings cannot be compared by memcmp: NaNs, padding bytes.
        var vItems = ItemAccessors.ForEquality(vFormat, vLayout.ItemSize, mode);
        if (vItems is null)
        {
            return false;
        }
        var wItems = ItemAccessors.ForEquality(wFormat, wLayout.ItemSize, mode);
        if (wItems is null)
        {
            return false;
        }
        var visitor = new UnpackedEqual(vItems, wItems);
        try
        {
            return ItemWalk.ForEachPair(v, vLayout, w, wLayout, ref visitor);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            // An item the codec cannot read (a 'w' that is not a code point, ...) equals nothing.
            return false;
        }
    }

    /// <summary>CPython's <c>get_native_fmtchar</c> for comparisons (3.11's set; <c>'e'</c> compares through struct, with the same result).</summary>
    private static char NativeCode(string format)
    {
        var fmt = format.StartsWith('@') ? format.AsSpan(1) : format;
        return fmt.Length == 1 && NativeItemAccessor.ExtendedCodes.Contains(fmt[0]) ? fmt[0] : '\0';
    }

    private static bool NativeEqual(char code, nint v, in BufferLayout vLayout, nint w, in BufferLayout wLayout) => code switch
    {
        'b' => Compare<sbyte>(v, vLayout, w, wLayout),
        'B' or 'c' or '?' => Compare<byte>(v, vLayout, w, wLayout),
        'h' => Compare<short>(v, vLayout, w, wLayout),
        'H' => Compare<ushort>(v, vLayout, w, wLayout),
        'i' => Compare<int>(v, vLayout, w, wLayout),
        'I' => Compare<uint>(v, vLayout, w, wLayout),
        'l' or 'L' or 'n' or 'N' or 'P' when NativeItemAccessor.SizeOf(code) == 4 => Compare<uint>(v, vLayout, w, wLayout),
        'l' or 'L' or 'q' or 'Q' or 'n' or 'N' or 'P' => Compare<ulong>(v, vLayout, w, wLayout),
        'e' => Compare<Half>(v, vLayout, w, wLayout),
        'f' => Compare<float>(v, vLayout, w, wLayout),
        'd' => Compare<double>(v, vLayout, w, wLayout),
        _ => false,
    };

    private static bool Compare<T>(nint v, in BufferLayout vLayout, nint w, in BufferLayout wLayout)
        where T : unmanaged, IEqualityOperators<T, T, bool>
    {
        var visitor = new TypedEqual<T>();
        return ItemWalk.ForEachPair(v, vLayout, w, wLayout, ref visitor);
    }

    /// <summary>C <c>==</c> of one native type (IEEE for floats).</summary>
    private struct TypedEqual<T> : IItemPairVisitor where T : unmanaged, IEqualityOperators<T, T, bool>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly bool Visit(nint left, nint right) => RawMemory.Read<T>(left) == RawMemory.Read<T>(right);
    }

    /// <summary>Python <c>==</c> of the unpacked values of two items.</summary>
    private readonly struct UnpackedEqual(ItemAccessor left, ItemAccessor right) : IItemPairVisitor
    {
        public bool Visit(nint l, nint r)
        {
            if (left.NativeCode != '\0' && right.NativeCode != '\0')
            {
                return PythonValues.PyEquals(left.Read(l), right.Read(r));
            }
            var a = left.Unpack(l);
            var b = right.Unpack(r);
            // struct.unpack's 1-tuples are unwrapped before comparing; longer tuples compare element by element.
            return a.Length == 1 && b.Length == 1 ? PythonValues.PyEquals(a[0], b[0]) : PythonValues.PyEquals(a, b);
        }
    }
}
