using System.Collections;

namespace BufferProtocol.Views;

// Iteration (memory_iter), and 3.14's count() and index().
public sealed partial class MemoryView : IEnumerable<object?>
{
    /// <summary>
    /// Iterates the first dimension: the items of a 1-D view; for an N-dimensional extended view the sub-views
    /// <c>view[i]</c> (a CPython view refuses, as CPython does).
    /// </summary>
    /// <exception cref="InvalidOperationException">A 0-dimensional view: "invalid indexing of 0-dim memory" (<c>TypeError</c>).</exception>
    /// <exception cref="NotSupportedException">An N-dimensional CPython view, or a format without item access (<c>NotImplementedError</c>).</exception>
    /// <exception cref="ObjectDisposedException">The view has been released (also while iterating).</exception>
    public IEnumerator<object?> GetEnumerator()
    {
        Enter();
        try
        {
            CheckIterable();
            if (_layout.Rank == 1)
            {
                _ = Items;
            }
        }
        finally
        {
            Exit();
        }
        return Iterate();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// <c>count(value)</c> (CPython 3.14): how many items of a 1-D view equal <paramref name="value"/> by Python's
    /// <c>==</c> (<c>NaN</c> counts nothing; <c>1</c> counts <c>1.0</c>).
    /// </summary>
    /// <param name="value">The value to count.</param>
    /// <exception cref="InvalidOperationException">A 0-dimensional view (<c>TypeError</c>).</exception>
    /// <exception cref="NotSupportedException">An N-dimensional view, or a format without item access (<c>NotImplementedError</c>).</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public nint Count(object? value)
    {
        Enter();
        try
        {
            CheckLookup("invalid indexing of 0-dim memory", "multi-dimensional sub-views are not implemented");
            var items = Items;
            nint count = 0;
            var n = _layout.Shape[0];
            for (nint i = 0; i < n; i++)
            {
                if (PythonValues.PyEquals(items.Read(Item1D(i)), value))
                {
                    count++;
                }
            }
            return count;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// <c>index(value, start, stop)</c> (CPython 3.14): the first position in <c>[start, stop)</c> of a 1-D view whose
    /// item equals <paramref name="value"/> by Python's <c>==</c>, or -1 (.NET's convention; CPython raises
    /// <c>ValueError</c>). Negative bounds count from the end; bounds are clipped.
    /// </summary>
    /// <param name="value">The value to find.</param>
    /// <param name="start">The first position searched.</param>
    /// <param name="stop">The position the search stops before (null: the end).</param>
    /// <exception cref="InvalidOperationException">A 0-dimensional view: "invalid lookup on 0-dim memory" (<c>TypeError</c>).</exception>
    /// <exception cref="NotSupportedException">An N-dimensional view, or a format without item access (<c>NotImplementedError</c>).</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public nint IndexOf(object? value, nint start = 0, nint? stop = null)
    {
        Enter();
        try
        {
            CheckLookup("invalid lookup on 0-dim memory", "multi-dimensional lookup is not implemented");
            var n = _layout.Shape[0];
            start = start < 0 ? Math.Max(start + n, 0) : start;
            var end = stop ?? nint.MaxValue;
            end = Math.Min(end < 0 ? Math.Max(end + n, 0) : end, n);
            for (var i = start; i < end; i++)
            {
                // memory_item per position: the format is checked only once there is an item to read.
                if (PythonValues.PyEquals(Items.Read(Item1D(i)), value))
                {
                    return i;
                }
            }
            return -1;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary><c>value in view</c>: true when an item of a 1-D view equals <paramref name="value"/> (see <see cref="IndexOf"/>).</summary>
    /// <param name="value">The value to find.</param>
    /// <exception cref="InvalidOperationException">A 0-dimensional view (<c>TypeError</c>).</exception>
    /// <exception cref="NotSupportedException">An N-dimensional view, or a format without item access.</exception>
    /// <exception cref="ObjectDisposedException">The view has been released.</exception>
    public bool Contains(object? value)
    {
        Enter();
        try
        {
            CheckLookup("argument of type 'memoryview' is not iterable", "multi-dimensional sub-views are not implemented");
            _ = Items;
            return IndexOf(value) >= 0;
        }
        finally
        {
            Exit();
        }
    }

    private IEnumerator<object?> Iterate()
    {
        var n = _layout.Shape[0];
        for (nint i = 0; i < n; i++)
        {
            yield return Next(i);
        }
    }

    private object? Next(nint i)
    {
        Enter();
        try
        {
            return _layout.Rank == 1 ? Items.Read(Item1D(i)) : SubView([i]);
        }
        finally
        {
            Exit();
        }
    }

    private void CheckIterable()
    {
        if (_layout.Rank == 0)
        {
            ViewErrors.ZeroDimIndexing();
        }
        if (_layout.Rank > 1 && _mode == MemoryViewMode.CPython)
        {
            ViewErrors.NotImplemented("multi-dimensional sub-views are not implemented");
        }
    }

    private void CheckLookup(string zeroDim, string multiDim)
    {
        if (_layout.Rank == 0)
        {
            ViewErrors.TypeError(zeroDim);
        }
        if (_layout.Rank > 1)
        {
            ViewErrors.NotImplemented(multiDim);
        }
    }

    /// <summary>The address of item <paramref name="i"/> (in range) of a 1-D view.</summary>
    private nint Item1D(nint i) => ItemWalk.Adjust(_pointer + i * _layout.Strides[0], _layout.SubOffsets, 0);
}
