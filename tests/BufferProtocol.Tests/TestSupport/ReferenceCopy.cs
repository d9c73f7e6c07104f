using BufferProtocol.Layout;

namespace BufferProtocol.Tests.TestSupport;

/// <summary>
/// The copy semantics spelled out item by item, the way CPython's <c>abstract.c</c> loops do it: an index odometer
/// and <c>PyBuffer_GetPointer</c> per item. Slow and obviously right; the property tests compare the engine with it.
/// </summary>
public static unsafe class ReferenceCopy
{
    /// <summary><c>PyBuffer_GetPointer</c>: base plus strides, dereferencing where a suboffset is ≥ 0.</summary>
    public static nint Address(nint buf, BufferLayout layout, ReadOnlySpan<nint> index)
    {
        var p = (byte*)buf;
        var strides = layout.Strides;
        var sub = layout.SubOffsets;
        for (var i = 0; i < index.Length; i++)
        {
            p += strides[i] * index[i];
            if (!sub.IsEmpty && sub[i] >= 0)
            {
                p = *(byte**)p + sub[i];
            }
        }
        return (nint)p;
    }

    /// <summary>Every index of a shape, in C order (last index fastest) or Fortran order.</summary>
    public static IEnumerable<nint[]> Indices(nint[] shape, bool fortran)
    {
        if (shape.Contains(0))
        {
            yield break;
        }
        var index = new nint[shape.Length];
        while (true)
        {
            yield return (nint[])index.Clone();
            var k = 0;
            for (; k < shape.Length; k++)
            {
                var i = fortran ? k : shape.Length - 1 - k;
                if (++index[i] < shape[i])
                {
                    break;
                }
                index[i] = 0;
            }
            if (k == shape.Length)
            {
                yield break;
            }
        }
    }

    /// <summary>The items in C or Fortran order, concatenated.</summary>
    public static byte[] Items(nint buf, BufferLayout layout, bool fortran)
    {
        var itemSize = (int)layout.ItemSize;
        var result = new byte[layout.Length];
        var at = 0;
        foreach (var index in Indices(layout.Shape.ToArray(), fortran))
        {
            new ReadOnlySpan<byte>((void*)Address(buf, layout, index), itemSize).CopyTo(result.AsSpan(at));
            at += itemSize;
        }
        return result;
    }

    /// <summary><c>PyBuffer_ToContiguous</c>: bytes as they are when contiguous in the order (A: either), else items in order (A: C).</summary>
    public static byte[] ToContiguous(nint buf, BufferLayout layout, ContiguityOrder order)
    {
        if (layout.IsContiguous(order))
        {
            return new ReadOnlySpan<byte>((void*)buf, (int)layout.Length).ToArray();
        }
        return Items(buf, layout, order == ContiguityOrder.Fortran);
    }

    /// <summary><c>PyBuffer_FromContiguous</c>, literally (abstract.c).</summary>
    public static void FromContiguous(nint buf, BufferLayout layout, ReadOnlySpan<byte> source, ContiguityOrder order)
    {
        var len = Math.Min(source.Length, (int)layout.Length);
        var snapshot = source[..len].ToArray();
        if (layout.IsContiguous(order))
        {
            snapshot.CopyTo(new Span<byte>((void*)buf, len));
            return;
        }
        var itemSize = (int)layout.ItemSize;
        var elements = len / itemSize;
        var at = 0;
        foreach (var index in Indices(layout.Shape.ToArray(), order == ContiguityOrder.Fortran))
        {
            if (elements-- == 0)
            {
                break;
            }
            snapshot.AsSpan(at, itemSize).CopyTo(new Span<byte>((void*)Address(buf, layout, index), itemSize));
            at += itemSize;
        }
    }

    /// <summary>
    /// The documented result of a checked copy: the source read completely first, then written item by item in
    /// C order (the last write wins where destination items share memory).
    /// </summary>
    public static void Copy(nint dst, BufferLayout dstLayout, nint src, BufferLayout srcLayout)
    {
        var items = Items(src, srcLayout, fortran: false);
        var itemSize = (int)srcLayout.ItemSize;
        var at = 0;
        foreach (var index in Indices(srcLayout.Shape.ToArray(), fortran: false))
        {
            items.AsSpan(at, itemSize).CopyTo(new Span<byte>((void*)Address(dst, dstLayout, index), itemSize));
            at += itemSize;
        }
    }
}
