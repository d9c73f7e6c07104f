using System.Text.Json;
using BufferProtocol.Exporters;
using BufferProtocol.Formats;
using BufferProtocol.Layout;
using BufferProtocol.Tests.Oracle;
using BufferProtocol.Views;

namespace BufferProtocol.Tests.Views;

/// <summary>
/// Replays the <c>memoryview-ndarray</c> suite on extended views: multi-dimensional slices and sub-views against
/// <c>_testbuffer.ndarray</c> (shape, strides, PIL suboffsets, items), keys mixing integers and slices against the
/// model "slice i:i+1, then drop the dimension", and N-d slice assignment (fresh and overlapping sources).
/// </summary>
public class NdSlicingOracleTests
{
    public static TheoryData<string> Cases => OracleCases.Keys("memoryview-ndarray");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Nd_slicing_and_assignment_match_testbuffer(string key)
    {
        var c = OracleCases.Get("memoryview-ndarray", key);
        var structure = c.GetProperty("structure");
        using var exporter = ViewOracle.Build(structure);
        var m = new MemoryView(exporter);
        var made = new List<MemoryView> { m };
        foreach (var row in c.GetProperty("slices").EnumerateArray())
        {
            var sliceKey = Key(row[0]);
            ViewOracle.AssertOutcome(row[1], () => Keep(made, m[sliceKey]), (e, a) => AssertNd(e, (MemoryView)a!, $"{key} {row[0]}"), $"{key} {row[0]}");
        }
        foreach (var row in c.GetProperty("subviews").EnumerateArray())
        {
            var i = (nint)row[0].GetInt64();
            if (m.Rank == 1)
            {
                ViewOracle.AssertOutcome(row[1], () => m[i], $"{key} [{i}]");
                continue;
            }
            ViewOracle.AssertOutcome(row[1], () => Keep(made, (MemoryView)m[i]!), (e, a) => AssertNd(e, (MemoryView)a!, $"{key} [{i}]"), $"{key} [{i}]");
        }
        foreach (var row in c.GetProperty("mixed").EnumerateArray())
        {
            var sliceKey = Key(row[0]);
            ViewOracle.AssertOutcome(row[1], () => Keep(made, m[sliceKey]), (e, a) =>
            {
                var v = (MemoryView)a!;
                Assert.True(ViewOracle.Ints(e.GetProperty("shape")).AsSpan().SequenceEqual(v.Shape), $"{key} {row[0]} shape {BufferLayout.Tuple(v.Shape)}");
                ViewOracle.AssertValue(e.GetProperty("tolist"), v.ToList(), $"{key} {row[0]} tolist");
            }, $"{key} {row[0]}");
        }
        foreach (var row in c.GetProperty("assign").EnumerateArray())
        {
            var target = Key(row[0]);
            var rvalue = row[1];
            var context = $"{key} {row[0]} = {rvalue}";
            ViewOracle.AssertOutcome(row[2], () =>
            {
                if (rvalue.TryGetProperty("self", out var self))
                {
                    using var source = m[Key(self)];
                    m[target] = source;
                }
                else
                {
                    using var source = Fresh(structure.GetProperty("format").GetString()!, rvalue);
                    using var view = new MemoryView(source);
                    m[target] = view;
                }
                return null;
            }, (_, _) => { }, context);
            ViewOracle.AssertValue(row[3], m.ToList(), $"{context}: tolist after");
        }
        made.ForEach(v => v.Release());
        Assert.Equal(0, exporter.ExportCount);
    }

    private static MemoryView Keep(List<MemoryView> made, MemoryView view)
    {
        made.Add(view);
        return view;
    }

    private static SliceIndex[] Key(JsonElement key) => key.EnumerateArray()
        .Select(e => e.ValueKind == JsonValueKind.Object ? SliceIndex.At((nint)e.GetProperty("index").GetInt64()) : (SliceIndex)ViewOracle.SliceOf(e))
        .ToArray();

    private static void AssertNd(JsonElement e, MemoryView v, string context)
    {
        Assert.True(ViewOracle.Ints(e.GetProperty("shape")).AsSpan().SequenceEqual(v.Shape), $"{context} shape {BufferLayout.Tuple(v.Shape)}");
        Assert.True(ViewOracle.Ints(e.GetProperty("strides")).AsSpan().SequenceEqual(v.Strides), $"{context} strides {BufferLayout.Tuple(v.Strides)}");
        if (!v.Layout.IsEmpty)
        {
            // _testbuffer keeps an all-negative suboffsets array (nd[i] of a PIL array); PEP 3118 says it must be NULL.
            var expected = ViewOracle.Ints(e.GetProperty("suboffsets"));
            if (expected.All(s => s < 0))
            {
                expected = [];
            }
            Assert.True(expected.AsSpan().SequenceEqual(v.SubOffsets), $"{context} suboffsets {BufferLayout.Tuple(v.SubOffsets)}");
        }
        ViewOracle.AssertValue(e.GetProperty("tolist"), v.ToList(), $"{context} tolist");
    }

    /// <summary>A C-contiguous buffer holding the items (in C order) of an rvalue.</summary>
    private static NativeBuffer Fresh(string format, JsonElement rvalue)
    {
        var shape = ViewOracle.Ints(rvalue.GetProperty("shape"));
        var items = rvalue.GetProperty("items").EnumerateArray().Select(ViewOracle.Decode).ToArray();
        var itemSize = BufferFormat.Parse(format).ItemSize;
        var layout = BufferLayout.Contiguous(itemSize, shape);
        var buffer = NativeBuffer.Create(format, layout, 0, Math.Max(layout.Length, 1));
        using var view = new MemoryView(buffer);
        var codec = ItemCodec.For(BufferFormat.Parse(format));
        using (var lease = view.Lease())
        {
            var bytes = lease.WritableBytes;
            for (var i = 0; i < bytes.Length / (int)itemSize; i++)
            {
                codec.Write(bytes.Slice(i * (int)itemSize, (int)itemSize), items[i]);
            }
        }
        return buffer;
    }
}
