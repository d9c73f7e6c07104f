namespace BufferProtocol.Layout;

/// <summary>The order of items in a contiguous block: CPython's <c>'C'</c>, <c>'F'</c> and <c>'A'</c>.</summary>
public enum ContiguityOrder
{
    /// <summary><c>'C'</c>: row-major, the last index varies fastest.</summary>
    C = 'C',

    /// <summary><c>'F'</c>: column-major (Fortran), the first index varies fastest.</summary>
    Fortran = 'F',

    /// <summary><c>'A'</c>: either; for copies, the source's own order when it is contiguous, else C.</summary>
    Any = 'A',
}

/// <summary>Conversions between <see cref="ContiguityOrder"/> and CPython's order characters.</summary>
public static class ContiguityOrderExtensions
{
    /// <summary>Parses CPython's order character (<c>'C'</c>, <c>'F'</c> or <c>'A'</c>; case-sensitive, as CPython is).</summary>
    /// <param name="order">The character.</param>
    /// <exception cref="ArgumentException">Any other character: "order must be 'C', 'F' or 'A'".</exception>
    public static ContiguityOrder ParseOrder(char order) => order switch
    {
        'C' => ContiguityOrder.C,
        'F' => ContiguityOrder.Fortran,
        'A' => ContiguityOrder.Any,
        _ => throw new ArgumentException("order must be 'C', 'F' or 'A'", nameof(order)),
    };

    /// <summary>CPython's character for the order.</summary>
    /// <param name="order">The order.</param>
    public static char ToChar(this ContiguityOrder order) => (char)order;
}
