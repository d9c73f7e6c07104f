using System.Text.Json;
using BufferProtocol.Copying;
using BufferProtocol.Exporters;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;
using BufferProtocol.Tests.Exporters;
using BufferProtocol.Tests.Oracle;
using BufferProtocol.Tests.Protocol;
using BufferProtocol.Tests.TestSupport;

namespace BufferProtocol.Tests.Copying;

/// <summary>
/// Replays the copy suites of tests/oracle/gen_copies.py: <c>to-contiguous</c>, <c>from-contiguous</c> and
/// <c>copy-data</c>. Every structure is rebuilt as a <see cref="NativeBuffer"/> (PIL ones as <c>ND_PIL</c> builds them)
/// over guard-paged memory, under both placements, and exported with a full request.
/// </summary>
public class CopyOracleTests
{
    public static TheoryData<string> ToContiguousCases => OracleCases.Keys("to-contiguous");

    public static TheoryData<string> FromContiguousCases => OracleCases.Keys("from-contiguous");

    public static TheoryData<string> CopyDataCases => OracleCases.Keys("copy-data");

    private static readonly (string Name, ContiguityOrder Order)[] Orders =
        [("C", ContiguityOrder.C), ("F", ContiguityOrder.Fortran), ("A", ContiguityOrder.Any)];

    [Theory]
    [MemberData(nameof(ToContiguousCases))]
    public void ToContiguous_matches_PyBuffer_ToContiguous_and_tobytes(string key)
    {
        var c = OracleCases.Get("to-contiguous", key);
        foreach (var placement in GuardedNativeBuffers.Placements)
        {
            using var exporter = Build(c.GetProperty("structure"), placement, readOnly: true);
            using var buffer = exporter.GetBuffer(BufferRequest.FullRO);
            foreach (var (name, order) in Orders)
            {
                var bytes = BufferCopy.ToArray(buffer, order);
                var hex = Convert.ToHexStringLower(bytes);
                Assert.True(c.GetProperty("to_contiguous").GetProperty(name).GetString() == hex, $"{key} {name}: PyBuffer_ToContiguous");
                Assert.True(c.GetProperty("tobytes").GetProperty(name).GetString() == hex, $"{key} {name}: memoryview.tobytes");

                // get_contiguous's result (the view itself or a canonical copy, by its strides) against the
                // canonical array, as cmp_contig compares them.
                var got = c.GetProperty("get_contiguous").GetProperty(name);
                var layout = buffer.Layout;
                var fortran = order == ContiguityOrder.Fortran || (order == ContiguityOrder.Any && layout.IsFContiguous && !layout.IsCContiguous);
                var view = BufferLayout.Create(layout.ItemSize, layout.Shape, Ints(got.GetProperty("strides")));
                var canonical = BufferLayout.Contiguous(layout.ItemSize, layout.Shape, fortran ? ContiguityOrder.Fortran : ContiguityOrder.C);
                Assert.True(got.GetProperty("cmp_contig").GetBoolean() == CmpContig(view, bytes, canonical, bytes),
                    $"{key} {name}: cmp_contig of get_contiguous");
            }
        }
    }

    [Theory]
    [MemberData(nameof(FromContiguousCases))]
    public void FromContiguous_matches_PyBuffer_FromContiguous(string key)
    {
        var c = OracleCases.Get("from-contiguous", key);
        var order = ContiguityOrderExtensions.ParseOrder(c.GetProperty("order").GetString()![0]);
        var source = Convert.FromHexString(c.GetProperty("source").GetString()!);
        foreach (var placement in GuardedNativeBuffers.Placements)
        {
            using var exporter = Build(c.GetProperty("structure"), placement);
            using (var buffer = exporter.GetBuffer(BufferRequest.Full))
            {
                var copied = BufferCopy.FromContiguous(buffer, source, order);
                Assert.InRange(copied, 0, Math.Min(source.Length, buffer.Length));
            }
            Assert.Equal(c.GetProperty("after").GetString(), Data(exporter));
        }
    }

    [Theory]
    [MemberData(nameof(CopyDataCases))]
    public void CopyDataAsCPython_matches_PyObject_CopyData_and_CopyData_refuses_what_it_must(string key)
    {
        var c = OracleCases.Get("copy-data", key);
        var readOnly = c.GetProperty("readonly").GetBoolean();
        var result = c.GetProperty("result");
        var before = c.GetProperty("destination").GetProperty("memory").GetString();
        foreach (var placement in GuardedNativeBuffers.Placements)
        {
            foreach (var checkedCopy in new[] { false, true })
            {
                using var destination = Build(c.GetProperty("destination"), placement, readOnly);
                using var source = Build(c.GetProperty("source"), placement, readOnly: true);
                using (var d = destination.GetBuffer(readOnly ? BufferRequest.FullRO : BufferRequest.Full))
                using (var s = source.GetBuffer(BufferRequest.FullRO))
                {
                    if (!checkedCopy)
                    {
                        PythonErrors.AssertOutcome(result, () => BufferCopy.CopyDataAsCPython(d, s), $"{key} CopyDataAsCPython");
                    }
                    else if (readOnly)
                    {
                        Assert.Throws<BufferException>(() => BufferCopy.CopyData(d, s));
                    }
                    else if (!c.GetProperty("equal_structure").GetBoolean())
                    {
                        Assert.Throws<ArgumentException>(() => BufferCopy.CopyData(d, s));
                    }
                    else
                    {
                        BufferCopy.CopyData(d, s);
                    }
                }
                var copied = result.TryGetProperty("ok", out var ok) && (!checkedCopy || c.GetProperty("equal_structure").GetBoolean());
                var expected = copied ? ok.GetString() : before;
                if (checkedCopy && copied && c.GetProperty("destination_overlapping").GetBoolean())
                {
                    // Items sharing memory: CPython's rotated order leaves item (0, ..., 0) there, the checked copy
                    // the last item in C order (the reference's rule).
                    using var reference = Build(c.GetProperty("destination"), placement);
                    using var r = reference.GetBuffer(BufferRequest.Full);
                    using var s = source.GetBuffer(BufferRequest.FullRO);
                    ReferenceCopy.Copy(r.Pointer, r.Layout, s.Pointer, s.Layout);
                    expected = Data(reference);
                }
                Assert.True(expected == Data(destination), $"{key} {(checkedCopy ? "CopyData" : "CopyDataAsCPython")}: destination memory");
            }
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /// <summary>Rebuilds a structure of gen_copies.py over guarded memory.</summary>
    private static NativeBuffer Build(JsonElement d, GuardPlacement? placement, bool readOnly = false)
    {
        var format = d.GetProperty("format").GetString()!;
        var itemSize = d.GetProperty("itemsize").GetInt64();
        var memory = Convert.FromHexString(d.GetProperty("memory").GetString()!);
        var offset = (nint)d.GetProperty("offset").GetInt64();
        var shape = Ints(d.GetProperty("shape"));
        var layout = BufferLayout.Create((nint)itemSize, shape, Ints(d.GetProperty("strides")));
        var allocator = GuardedNativeBuffers.Allocator(placement);
        return d.GetProperty("pil").GetBoolean()
            ? NativeBuffer.CreateIndirectCore(format, layout, offset, memory.Length, readOnly, 1, memory, allocator)
            : NativeBuffer.CreateCore(format, layout, offset, memory.Length, readOnly, 1, memory, allocator);
    }

    /// <summary>The item block of a rebuilt structure (after the pointer table), as lowercase hex.</summary>
    private static string Data(NativeBuffer exporter) => Convert.ToHexStringLower(exporter.Bytes[(int)exporter.DataOffset..]);

    private static nint[] Ints(JsonElement array) => array.EnumerateArray().Select(e => (nint)e.GetInt64()).ToArray();

    /// <summary>
    /// <c>_testbuffer.cmp_contig</c> (3.11) for two buffers of one format: both C- or both Fortran-contiguous, equal
    /// length, item size, rank, shape and strides (except in dimensions of extent 0 or 1), and equal bytes.
    /// </summary>
    private static bool CmpContig(BufferLayout a, ReadOnlySpan<byte> aBytes, BufferLayout b, ReadOnlySpan<byte> bBytes)
    {
        if (!((a.IsCContiguous && b.IsCContiguous) || (a.IsFContiguous && b.IsFContiguous)))
        {
            return false;
        }
        if (a.Length != b.Length || a.ItemSize != b.ItemSize || a.Rank != b.Rank || !a.Shape.SequenceEqual(b.Shape))
        {
            return false;
        }
        for (var i = 0; i < a.Rank; i++)
        {
            if (a.Shape[i] > 1 && a.Strides[i] != b.Strides[i])
            {
                return false;
            }
        }
        return aBytes[..(int)a.Length].SequenceEqual(bBytes[..(int)b.Length]);
    }
}
