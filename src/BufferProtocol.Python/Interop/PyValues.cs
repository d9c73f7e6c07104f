using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;

namespace BufferProtocol.Python.Interop;

/// <summary>
/// Builds and reads plain Python values through the C API, for code that runs inside slots (the GIL held, no
/// pythonnet objects). Every <c>New*</c> returns a new reference or throws <see cref="PythonErrorSet"/> with the
/// Python error left set; functions that take items steal them, also on failure.
/// </summary>
internal static unsafe class PyValues
{
    private static readonly ConcurrentDictionary<string, nint> s_strings = new(StringComparer.Ordinal);

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="text"/> that lives for the process (names, docs, capsule names).</summary>
    public static nint StaticString(string text) => s_strings.GetOrAdd(text, static t =>
    {
        var bytes = Encoding.UTF8.GetBytes(t);
        var p = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
        bytes.CopyTo(new Span<byte>(p, bytes.Length));
        p[bytes.Length] = 0;
        return (nint)p;
    });

    public static nint NewInt(long value) => Check(CPython.PyLong_FromLongLong(value));

    public static nint NewAddress(nint address) => Check(CPython.PyLong_FromVoidPtr(address));

    public static nint NewString(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value + "\0");
        fixed (byte* p = bytes)
        {
            return Check(CPython.PyUnicode_FromString((nint)p));
        }
    }

    public static nint NewBool(bool value)
    {
        var result = value ? CPython.Py_True : CPython.Py_False;
        CPython.Py_IncRef(result);
        return result;
    }

    public static nint NewNone()
    {
        CPython.Py_IncRef(CPython.Py_None);
        return CPython.Py_None;
    }

    /// <summary>A tuple of the given items (new references, stolen).</summary>
    public static nint NewTuple(params ReadOnlySpan<nint> items)
    {
        var tuple = CPython.PyTuple_New(items.Length);
        if (tuple == 0)
        {
            DecRefAll(items);
            throw new PythonErrorSet();
        }
        for (var i = 0; i < items.Length; i++)
        {
            CPython.PyTuple_SetItem(tuple, i, items[i]);
        }
        return tuple;
    }

    /// <summary>A tuple of integers.</summary>
    public static nint NewIntTuple(ReadOnlySpan<nint> values)
    {
        var items = new nint[values.Length];
        try
        {
            for (var i = 0; i < values.Length; i++)
            {
                items[i] = NewInt(values[i]);
            }
        }
        catch
        {
            DecRefAll(items);
            throw;
        }
        return NewTuple(items);
    }

    /// <summary>A list of the given items (new references, stolen).</summary>
    public static nint NewList(ReadOnlySpan<nint> items)
    {
        var list = CPython.PyList_New(items.Length);
        if (list == 0)
        {
            DecRefAll(items);
            throw new PythonErrorSet();
        }
        for (var i = 0; i < items.Length; i++)
        {
            CPython.PyList_SetItem(list, i, items[i]);
        }
        return list;
    }

    /// <summary>Sets <c>dict[key] = value</c>, stealing <paramref name="value"/>.</summary>
    public static void SetItem(nint dict, string key, nint value)
    {
        try
        {
            if (CPython.PyDict_SetItemString(dict, StaticString(key), value) != 0)
            {
                throw new PythonErrorSet();
            }
        }
        finally
        {
            CPython.Py_DecRef(value);
        }
    }

    /// <summary>The UTF-8 text of a <c>str</c> (borrowed object), or null when it is not one (no error left set).</summary>
    public static string? AsString(nint obj)
    {
        var p = CPython.PyUnicode_AsUTF8AndSize(obj, out var size);
        if (p == 0)
        {
            CPython.PyErr_Clear();
            return null;
        }
        return Encoding.UTF8.GetString((byte*)p, checked((int)size));
    }

    /// <summary>The value of a Python <c>int</c> (borrowed object), or null when it is not one (no error left set).</summary>
    public static long? AsLong(nint obj)
    {
        var value = CPython.PyLong_AsLongLong(obj);
        if (value == -1 && CPython.PyErr_Occurred() != 0)
        {
            CPython.PyErr_Clear();
            return null;
        }
        return value;
    }

    /// <summary>The items of a 2-tuple of integers (borrowed object), or null.</summary>
    public static (long, long)? AsIntPair(nint obj)
    {
        if (obj == 0 || CPython.PyTuple_Size(obj) != 2)
        {
            CPython.PyErr_Clear();
            return null;
        }
        var a = AsLong(CPython.PyTuple_GetItem(obj, 0));
        var b = AsLong(CPython.PyTuple_GetItem(obj, 1));
        return a is { } x && b is { } y ? (x, y) : null;
    }

    private static nint Check(nint result) => result != 0 ? result : throw new PythonErrorSet();

    private static void DecRefAll(ReadOnlySpan<nint> items)
    {
        foreach (var item in items)
        {
            if (item != 0)
            {
                CPython.Py_DecRef(item);
            }
        }
    }
}

/// <summary>A C-API call failed and left its Python exception set: slots return NULL without raising another.</summary>
internal sealed class PythonErrorSet : Exception
{
    public PythonErrorSet() : base("a Python exception is set")
    {
    }
}

/// <summary>Raised inside a slot to become a Python exception of <see cref="Type"/> (a borrowed <c>PyExc_*</c>).</summary>
internal sealed class PythonRaise(nint type, string message) : Exception(message)
{
    public nint Type { get; } = type;
}
