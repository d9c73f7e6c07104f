using System.Runtime.InteropServices;
using BufferProtocol.Exporters;
using BufferProtocol.Formats;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;
using BufferProtocol.Tests.Formats;
using BufferProtocol.Views;

namespace BufferProtocol.Tests.Views.Typed;

/// <summary>
/// Cython's typed-memoryview vectors C1–C42 (<c>interop-protocols.md</c> §6.3) through typed views: every format ×
/// struct pair of <see cref="ClrFormatCompatibilityTests.Vectors"/> is exported with that format and item size, and
/// <see cref="MemoryView.TryAsTyped{T}"/> must accept it or refuse it with Cython's reason (with §6.4's fixes: C20,
/// where Cython crashes, is "expected end"; C34 follows C layout). C42 — rank and contiguity, which Cython checks
/// against the declaration — maps to the typed view's span and row rules.
/// </summary>
public class CythonVectorTypedTests
{
    public static TheoryData<string, Type, string, int, string> Vectors => ClrFormatCompatibilityTests.Vectors;

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Cython_vector_through_a_typed_view(string id, Type type, string format, int itemSize, string expected)
    {
        var size = itemSize < 0 ? BufferFormat.Parse(format).ItemSize : itemSize;
        var memory = new byte[2 * size];
        var handle = GCHandle.Alloc(memory, GCHandleType.Pinned);
        try
        {
            var buffer = AcquiredBuffer.FromFields(handle.AddrOfPinnedObject(), 2 * size, size, false, format, 1, [2], [size], default,
                true, true, memory, null, BufferRequest.Full);
            using var m = MemoryView.FromBuffer(buffer);
            var attempt = typeof(CythonVectorTypedTests).GetMethod(nameof(TryTyped), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(type);
            var reason = (string?)attempt.Invoke(null, [m]);
            if (expected.Length == 0)
            {
                Assert.True(reason is null, $"{id}: {type.Name} vs \"{format}\": {reason}");
            }
            else
            {
                Assert.True(reason is not null, $"{id}: {type.Name} vs \"{format}\" should be refused ({expected})");
                Assert.Contains(expected, reason, StringComparison.Ordinal);
                Assert.Contains($"format '{format}'", reason, StringComparison.Ordinal);
            }
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>Null when the typed view is made (and works), else the reason, also checking that AsTyped throws it.</summary>
    private static string? TryTyped<T>(MemoryView m) where T : unmanaged
    {
        if (m.TryAsTyped<T>(out var view, out var reason))
        {
            using (view)
            {
                view.Fill(default);
                Assert.Equal(2, view.ToArray().Length);
            }
            return null;
        }
        var e = Assert.Throws<ArgumentException>(() => m.AsTyped<T>());
        Assert.Equal(reason, e.Message);
        return reason;
    }

    [Fact]
    public void C42_contiguity_and_rank_map_to_spans_rows_and_index_counts()
    {
        // int[::1] on a strided array: NumPy refuses a C-contiguous request (passed through); a typed view takes the
        // strided layout and refuses only the span.
        using var strided = NativeBuffer.Create("i", BufferLayout.Create(4, [3], [8]), 0, 20);
        Assert.Throws<BufferException>(() => MemoryView<int>.Create(strided, BufferRequest.CContiguous | BufferRequest.Format));
        using (var v = MemoryView<int>.Create(strided))
        {
            var lease = v.LeaseReadOnly();
            LeaseAssert.Throws<InvalidOperationException, int>(in lease, static (in l) => _ = l.Span.Length);
            LeaseAssert.Throws<InvalidOperationException, int>(in lease, static (in l) => _ = l.GetRowSpan().Length);
            lease.Dispose();
        }
        // int[:, ::1] on a Fortran-ordered array: its rows are not contiguous.
        using var fortran = NativeBuffer.Create<int>([2, 3], ContiguityOrder.Fortran);
        using (var v = MemoryView<int>.Create(fortran))
        {
            var lease = v.LeaseReadOnly();
            Assert.False(lease.HasContiguousRows);
            LeaseAssert.Throws<InvalidOperationException, int>(in lease, static (in l) => _ = l.GetRowSpan(0).Length);
            Assert.Equal(3, lease.AsSpan2D().Width);
            lease.Dispose();
        }
        // int[:] on a 2-D array ("Buffer has wrong number of dimensions"): typed views take any rank, and indexing
        // with the wrong number of indices is the error.
        using var matrix = NativeBuffer.Create<int>([2, 3]);
        using (var v = MemoryView<int>.Create(matrix))
        {
            Assert.Contains("takes 2 indices, not 1", Assert.Throws<ArgumentException>(() => v[1]).Message, StringComparison.Ordinal);
        }
    }
}
