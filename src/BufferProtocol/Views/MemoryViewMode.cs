namespace BufferProtocol.Views;

/// <summary>
/// Which rules a <see cref="MemoryView"/> follows where CPython 3.11's memoryview stops short of PEP 3118. Views
/// derived from a view (slices, casts, sub-views, <see cref="MemoryView.ToReadOnly"/>) keep its mode.
/// </summary>
public enum MemoryViewMode
{
    /// <summary>
    /// Everything PEP 3118 planned (the default): item access, <see cref="MemoryView.ToList()"/> and equality for every
    /// format the grammar accepts (records, sub-arrays, non-native byte orders, <c>e g Zd s</c>, ...); N-dimensional
    /// slicing, sub-views and slice assignment; casts between any formats whose item sizes divide.
    /// Where CPython raises <c>NotImplementedError</c> for these, an extended view answers; everything CPython does
    /// answer is answered the same way.
    /// </summary>
    Extended,

    /// <summary>
    /// Exactly CPython 3.11's memoryview: item access only for a single native format character (optionally after
    /// <c>@</c>, <c>e</c> excluded), slicing of the first dimension only, CPython's cast rules, and
    /// <see cref="NotSupportedException"/> (Python's <c>NotImplementedError</c>) wherever CPython raises it.
    /// For code that must behave as Python does, and for the differential tests against CPython.
    /// </summary>
    CPython,
}
