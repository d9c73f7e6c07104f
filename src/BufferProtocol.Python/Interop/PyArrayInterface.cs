using System.Runtime.InteropServices;

namespace BufferProtocol.Python.Interop;

/// <summary>
/// NumPy's <c>PyArrayInterface</c> (<c>numpy/core/include/numpy/ndarraytypes.h</c>), the struct behind
/// <c>__array_struct__</c>, blittable, with the C field names: 56 bytes on 64-bit platforms, <c>two@0, nd@4,
/// typekind@8, itemsize@12, flags@16, shape@24, strides@32, data@40, descr@48</c>.
/// </summary>
/// <remarks>
/// <para>It travels in a <c>PyCapsule</c> with no name. NumPy 1.24 reads it in <c>PyArray_FromStructInterface</c>
/// (<c>ctors.c</c>): <c>two</c> must be 2; without <see cref="NPY_ARRAY_NOTSWAPPED"/> the type is byte-swapped (and
/// NumPy clears that bit in the struct: it must be writable memory); with <see cref="NPY_ARR_HAS_DESCR"/> it tries
/// <c>descr</c> first, else the type is the text <c>endian, typekind, itemsize</c>; the array's base is the object that
/// had <c>__array_struct__</c>, and the capsule is dropped at once.</para>
/// <para><b>Who owns what.</b></para>
/// <list type="bullet">
/// <item>The struct, <c>shape</c> and <c>strides</c>: the capsule's, freed by its destructor.</item>
/// <item><c>descr</c>: a strong reference owned by the struct (dropped by the capsule's destructor), or NULL.</item>
/// <item><c>data</c>: the memory of the object carrying <c>__array_struct__</c>, valid while that object lives —
/// which is why a producer keeps it alive from the capsule (NumPy: the capsule's context).</item>
/// </list>
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PyArrayInterface
{
    /// <summary>Size in bytes on 64-bit platforms (checked by a test against <c>ctypes</c>).</summary>
    public const int Size64 = 56;

    /// <summary><c>NPY_ARRAY_C_CONTIGUOUS</c>.</summary>
    public const int NPY_ARRAY_C_CONTIGUOUS = 0x0001;

    /// <summary><c>NPY_ARRAY_F_CONTIGUOUS</c>.</summary>
    public const int NPY_ARRAY_F_CONTIGUOUS = 0x0002;

    /// <summary><c>NPY_ARRAY_ALIGNED</c>.</summary>
    public const int NPY_ARRAY_ALIGNED = 0x0100;

    /// <summary><c>NPY_ARRAY_NOTSWAPPED</c>: the items are in the machine's byte order.</summary>
    public const int NPY_ARRAY_NOTSWAPPED = 0x0200;

    /// <summary><c>NPY_ARRAY_WRITEABLE</c>.</summary>
    public const int NPY_ARRAY_WRITEABLE = 0x0400;

    /// <summary><c>NPY_ARR_HAS_DESCR</c>: <c>descr</c> is set and describes the type better than typekind and itemsize.</summary>
    public const int NPY_ARR_HAS_DESCR = 0x0800;

    /// <summary>Always 2: a sanity check.</summary>
    public int two;

    /// <summary>The number of dimensions.</summary>
    public int nd;

    /// <summary>The kind character of the typestr (<c>b i u f c S U V</c>, …).</summary>
    public byte typekind;

    /// <summary>The size of one item in bytes.</summary>
    public int itemsize;

    /// <summary>The <c>NPY_ARRAY_*</c> flags above.</summary>
    public int flags;

    /// <summary><c>nd</c> extents.</summary>
    public nint* shape;

    /// <summary><c>nd</c> byte strides, or NULL for C-contiguous (Fortran-contiguous when only F_CONTIGUOUS is set).</summary>
    public nint* strides;

    /// <summary>The first item.</summary>
    public void* data;

    /// <summary>A <c>PyObject*</c>: the <c>__array_interface__</c>-style descr list, or NULL.</summary>
    public nint descr;
}
