using BufferProtocol.Exporters;
using BufferProtocol.Tests.Oracle;
using BufferProtocol.Views;

namespace BufferProtocol.Tests.Views;

/// <summary>
/// Replays the <c>memoryview-equality</c> suite: <c>m1 == m2</c> and <c>m1 == m1</c> for pairs of formats, layouts
/// (C, Fortran, strided, PIL) and values (NaN, -0.0, byte orders, records, formats struct rejects), and views against
/// bytes and str, on CPython-mode views.
/// </summary>
public class MemoryViewEqualityOracleTests
{
    public static TheoryData<string> Cases => OracleCases.Keys("memoryview-equality");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Equality_matches_CPython(string key)
    {
        var c = OracleCases.Get("memoryview-equality", key);
        using var leftExporter = ViewOracle.Build(c.GetProperty("left"));
        using var left = new MemoryView(leftExporter, MemoryViewMode.CPython);
        var r = c.GetProperty("right");
        NativeBuffer? rightExporter = null;
        MemoryView? right = null;
        object? other;
        if (r.TryGetProperty("bytes", out var bytes))
        {
            other = Convert.FromHexString(bytes.GetString()!);
        }
        else if (r.TryGetProperty("str", out var s))
        {
            other = s.GetString();
        }
        else
        {
            rightExporter = ViewOracle.Build(r);
            other = right = new MemoryView(rightExporter, MemoryViewMode.CPython);
        }
        try
        {
            var equal = c.GetProperty("equal").GetProperty("ok").GetBoolean();
            Assert.True(equal == left.ValueEquals(other), $"{key}: ValueEquals");
            if (right is not null)
            {
                Assert.True(equal == (left == right), $"{key}: ==");
                Assert.True(equal == right.Equals(left), $"{key}: symmetric");
                if (equal)
                {
                    Assert.Equal(left.GetHashCode(), right.GetHashCode());
                }
            }
            Assert.True(c.GetProperty("self_equal").GetProperty("ok").GetBoolean() == left.Equals(left), $"{key}: m == m");
        }
        finally
        {
            right?.Release();
            rightExporter?.Dispose();
        }
    }
}
