using System.Runtime.InteropServices;
using BufferProtocol.Interop.NumPy;
using BufferProtocol.Layout;

namespace BufferProtocol.Python.Interop;

/// <summary>
/// Makes the <c>__array_struct__</c> capsule of a <c>NetBuffer</c>: one native block holding the
/// <see cref="PyArrayInterface"/>, a strong reference to the <c>NetBuffer</c>, then the shape and strides.
/// </summary>
/// <remarks>
/// <para><b>Lifetime.</b> The address comes from the <c>NetBuffer</c>'s <c>__array_interface__</c> export, which it
/// keeps until it is deallocated; the block holds a reference to the <c>NetBuffer</c> (NumPy's own arrays keep
/// themselves alive through the capsule's context the same way), so the address is valid until the capsule is
/// destroyed, and after that for as long as NumPy's array keeps the <c>NetBuffer</c> as its base. The destructor
/// (with the GIL, as every capsule destructor) drops <c>descr</c> and that reference and frees the block.</para>
/// </remarks>
internal static unsafe class ArrayStructExport
{
    /// <summary>A new capsule (a new reference) for memory at <paramref name="data"/>; <paramref name="descr"/> (a new reference or 0) is stolen.</summary>
    public static nint NewCapsule(nint owner, nint data, bool readOnly, NumPyDType type, in BufferLayout layout, nint descr)
    {
        var rank = layout.Rank;
        var block = (byte*)NativeMemory.AllocZeroed((nuint)(sizeof(PyArrayInterface) + IntPtr.Size + (2 * rank * IntPtr.Size)));
        var inter = (PyArrayInterface*)block;
        var shape = (nint*)(block + sizeof(PyArrayInterface) + IntPtr.Size);
        var strides = shape + rank;
        layout.Shape.CopyTo(new Span<nint>(shape, rank));
        layout.Strides.CopyTo(new Span<nint>(strides, rank));
        inter->two = 2;
        inter->nd = rank;
        inter->typekind = (byte)type.TypeString[1];
        inter->itemsize = checked((int)type.ItemSize);
        inter->flags = Flags(data, readOnly, type, layout) | (descr != 0 ? PyArrayInterface.NPY_ARR_HAS_DESCR : 0);
        inter->shape = rank == 0 ? null : shape; // NULL for 0-d arrays, as NumPy's own
        inter->strides = rank == 0 ? null : strides;
        inter->data = (void*)data;
        inter->descr = descr;
        CPython.Py_IncRef(owner);
        *(nint*)(block + sizeof(PyArrayInterface)) = owner;
        var capsule = CPython.PyCapsule_New((nint)block, 0, &Destroy);
        if (capsule == 0)
        {
            Free(block);
        }
        return capsule;
    }

    /// <summary>
    /// True when typekind and itemsize alone would not give the type back (records, sub-arrays, and <c>U</c>, whose
    /// typestr counts characters while itemsize counts bytes): the capsule then carries <c>descr</c>.
    /// </summary>
    public static bool NeedsDescr(NumPyDType type) =>
        type.IsStructured || type.IsSubArray || type.TypeString[1..] != $"{type.TypeString[1]}{type.ItemSize}";

    /// <summary>NumPy's flags for the memory: contiguity, alignment, byte order, writability.</summary>
    private static int Flags(nint data, bool readOnly, NumPyDType type, in BufferLayout layout)
    {
        var flags = 0;
        flags |= layout.IsCContiguous ? PyArrayInterface.NPY_ARRAY_C_CONTIGUOUS : 0;
        flags |= layout.IsFContiguous ? PyArrayInterface.NPY_ARRAY_F_CONTIGUOUS : 0;
        flags |= IsAligned(data, type, layout) ? PyArrayInterface.NPY_ARRAY_ALIGNED : 0;
        var order = type.TypeString[0];
        flags |= order == '|' || order == (BitConverter.IsLittleEndian ? '<' : '>') ? PyArrayInterface.NPY_ARRAY_NOTSWAPPED : 0;
        flags |= readOnly ? 0 : PyArrayInterface.NPY_ARRAY_WRITEABLE;
        return flags;
    }

    /// <summary>
    /// NumPy's test (<c>raw_array_is_aligned</c>): the address and the stride of every axis longer than 1 are multiples of
    /// the dtype's alignment; an empty array is aligned.
    /// </summary>
    private static bool IsAligned(nint data, NumPyDType type, in BufferLayout layout)
    {
        var alignment = Alignment(type);
        if (alignment <= 1 || layout.IsEmpty)
        {
            return true;
        }
        var bits = data;
        for (var i = 0; i < layout.Rank; i++)
        {
            if (layout.Shape[i] > 1)
            {
                bits |= layout.Strides[i];
            }
        }
        return bits % alignment == 0;
    }

    /// <summary>
    /// <c>dtype.alignment</c> of the scalar kinds on x86-64 and AArch64 Linux (records and sub-arrays count as 1: the
    /// alignment of a record NumPy made from a format is not in the format).
    /// </summary>
    private static nint Alignment(NumPyDType type) => type.IsStructured || type.IsSubArray ? 1 : type.TypeString[1] switch
    {
        'i' or 'u' or 'f' => type.ItemSize,
        'c' => type.ItemSize / 2,
        'U' => 4,
        _ => 1,
    };

    [UnmanagedCallersOnly]
    private static void Destroy(nint capsule)
    {
        // Runs with the GIL; keeps any pending exception (destructors run during unwinding too).
        CPython.PyErr_Fetch(out var type, out var value, out var traceback);
        var block = (byte*)CPython.PyCapsule_GetPointer(capsule, 0);
        if (block is not null)
        {
            Free(block);
        }
        CPython.PyErr_Restore(type, value, traceback);
    }

    private static void Free(byte* block)
    {
        var inter = (PyArrayInterface*)block;
        if (inter->descr != 0)
        {
            CPython.Py_DecRef(inter->descr);
        }
        CPython.Py_DecRef(*(nint*)(block + sizeof(PyArrayInterface)));
        NativeMemory.Free(block);
    }
}
