using System.Text.Json;
using BufferProtocol.Exporters;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;
using BufferProtocol.Tests.Exporters;
using BufferProtocol.Tests.Oracle;
using BufferProtocol.Tests.TestSupport;

namespace BufferProtocol.Tests.Protocol;

/// <summary>
/// Replays the <c>ndarray</c> suite (tests/oracle/gen_buffers.py): every structure CPython 3.11's
/// <c>_testbuffer.ndarray</c> built (or refused) is rebuilt over a <see cref="NativeBuffer"/> placed flush against a
/// guard page on either side, then compared field by field — the exporter's own layout and pointer table, the
/// answer to every request flag for the read-only and the writable exporter, <c>PyBuffer_IsContiguous</c>,
/// <c>PyBuffer_GetPointer</c> at every index (checked and unchecked) and its bounds errors, and a multi-dimensional
/// slice (<see cref="BufferLayout.Slice"/>, PIL folding included).
/// </summary>
public class TestBufferReplayTests
{
    private const string Suite = "ndarray";

    public static TheoryData<string> Cases => OracleCases.Keys(Suite);

    [Theory]
    [MemberData(nameof(Cases))]
    public void NativeBuffer_answers_as_testbuffer_ndarray(string key)
    {
        var c = OracleCases.Get(Suite, key);
        var construct = c.GetProperty("construct");
        var divergence = c.TryGetProperty("divergence", out var d) ? d.GetString() : null;
        // A documented divergence (docs/exporters.md) inverts the constructor's outcome.
        var expectOk = construct.TryGetProperty("ok", out _) ^ divergence is not null;

        foreach (var placement in GuardedNativeBuffers.Placements)
        {
            NativeBuffer? ro = null, rw = null;
            Exception? error = null;
            try
            {
                ro = Build(c, readOnly: true, placement);
                rw = Build(c, readOnly: false, placement);
            }
            catch (Exception e)
            {
                error = e;
            }
            try
            {
                if (!expectOk)
                {
                    Assert.True(error is ArgumentException, $"{key}: expected ArgumentException for {construct}, got {error?.GetType().Name ?? "success"}");
                    continue;
                }
                Assert.True(error is null, $"{key}: {error}");
                if (divergence is not null)
                {
                    continue;
                }
                var expected = construct.GetProperty("ok");
                CheckExporter(key, rw!, c, expected);
                CheckRequests(key, ro!, c.GetProperty("getbuf").GetProperty("ro"));
                CheckRequests(key, rw!, c.GetProperty("getbuf").GetProperty("rw"));
                CheckPointers(key, rw!, c);
                if (c.TryGetProperty("slice", out var slice))
                {
                    CheckSlice(key, rw!, slice);
                }
            }
            finally
            {
                ro?.Dispose();
                rw?.Dispose();
            }
        }
    }

    internal static NativeBuffer Build(JsonElement c, bool readOnly, GuardPlacement? placement)
    {
        var format = c.GetProperty("format").GetString()!;
        var itemSize = c.GetProperty("itemsize").GetInt32();
        var memory = Convert.FromHexString(c.GetProperty("memory").GetString()!);
        var layout = BufferLayout.Create(itemSize, Longs(c.GetProperty("shape")), Longs(c.GetProperty("strides")));
        var offset = c.GetProperty("offset").GetInt64();
        var allocator = GuardedNativeBuffers.Allocator(placement);
        return c.GetProperty("pil").GetBoolean()
            ? NativeBuffer.CreateIndirectCore(format, layout, (nint)offset, memory.Length, readOnly, 1, memory, allocator)
            : NativeBuffer.CreateCore(format, layout, (nint)offset, memory.Length, readOnly, 1, memory, allocator);
    }

    private static void CheckExporter(string key, NativeBuffer native, JsonElement c, JsonElement expected)
    {
        Assert.Equal(expected.GetProperty("buf").GetInt64(), native.BaseOffset);
        Assert.Equal(expected.GetProperty("memlen").GetInt64(), native.MemoryLength);
        Assert.Equal(expected.GetProperty("ndim").GetInt32(), native.Layout.Rank);
        Assert.Equal(expected.GetProperty("len").GetInt64(), native.Layout.Length);
        Assert.Equal(Longs(expected.GetProperty("strides")), native.Layout.Strides.ToArray());
        Assert.Equal(Longs(expected.GetProperty("suboffsets")), native.Layout.SubOffsets.ToArray());
        Assert.Equal(Longs(expected.GetProperty("table")), native.Pointers.ToArray().Select(p => p.Target).ToArray());
        var memory = Convert.FromHexString(c.GetProperty("memory").GetString()!);
        Assert.True(native.Bytes[(int)native.DataOffset..].SequenceEqual(memory), $"{key}: memory image");
        Assert.Equal(c.GetProperty("contiguous").GetString(), Contiguity(native.Layout));
    }

    private static void CheckRequests(string key, NativeBuffer native, JsonElement groups)
    {
        foreach (var group in groups.EnumerateArray())
        {
            foreach (var flag in group.GetProperty("flags").EnumerateArray())
            {
                var request = (BufferRequest)flag.GetInt32();
                AcquiredBuffer? buffer = null;
                PythonErrors.AssertOutcome(group, () => buffer = native.GetBuffer(request), $"{key} getbuf 0x{(int)request:x}");
                if (buffer is null)
                {
                    continue;
                }
                using (buffer)
                {
                    var ok = group.GetProperty("ok");
                    var context = $"{key} getbuf 0x{(int)request:x}";
                    Assert.True(ok[0].GetInt32() == 1 == buffer.IsReadOnly, $"{context}: readonly");
                    Assert.Equal(ok[1].GetString(), buffer.Format ?? "");
                    Assert.Equal(ok[2].GetInt32(), buffer.Rank);
                    // Py_buffer.shape/strides are NULL for a scalar even when requested (PEP 3118: ndim 0 ⇒ NULL arrays).
                    Assert.True(ok[3].GetInt32() == 1 == (buffer.HasShape && buffer.Rank > 0), $"{context}: shape present");
                    Assert.True(ok[4].GetInt32() == 1 == (buffer.HasStrides && buffer.Rank > 0), $"{context}: strides present");
                    Assert.True(ok[5].GetInt32() == 1 == buffer.HasSubOffsets, $"{context}: suboffsets present");
                    Assert.Equal(ok[6].GetString(), Contiguity(buffer.Layout));
                    // Present arrays are the exporter's; itemsize, len and buf always are.
                    if (buffer.HasShape)
                    {
                        Assert.Equal(native.Layout.Shape.ToArray(), buffer.Shape.ToArray());
                    }
                    if (buffer.HasStrides)
                    {
                        Assert.Equal(native.Layout.Strides.ToArray(), buffer.Strides.ToArray());
                    }
                    Assert.Equal(native.Layout.SubOffsets.ToArray(), buffer.SubOffsets.ToArray());
                    Assert.Equal(native.Layout.ItemSize, buffer.ItemSize);
                    Assert.Equal(native.Layout.Length, buffer.Length);
                }
            }
        }
        Assert.Equal(0, native.ExportCount);
    }

    private static unsafe void CheckPointers(string key, NativeBuffer native, JsonElement c)
    {
        using var buffer = native.GetBuffer(BufferRequest.FullRO);
        var block = buffer.Pointer - native.BaseOffset;
        var bytes = native.Bytes;
        var itemSize = (int)buffer.ItemSize;
        var offsets = c.GetProperty("pointers").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var k = 0;
        foreach (var index in NativeBufferTests.Indices(buffer.Layout.Shape.ToArray()))
        {
            var p = buffer.GetPointer(index);
            Assert.True(offsets[k] == p - block, $"{key}: GetPointer({string.Join(", ", index)}) at {p - block}, CPython {offsets[k]}");
            Assert.Equal(p, buffer.DangerousGetPointer(index));
            // The item there is the one CPython read (get_pointer's value is checked against these bytes by the generator).
            Assert.True(new ReadOnlySpan<byte>((void*)p, itemSize).SequenceEqual(bytes.Slice((int)offsets[k], itemSize)));
            k++;
        }
        Assert.Equal(offsets.Length, k);
        foreach (var error in c.GetProperty("pointer_errors").EnumerateArray())
        {
            var index = Longs(error.GetProperty("index"));
            PythonErrors.AssertOutcome(error.GetProperty("outcome"), () => buffer.GetPointer(index), $"{key} get_pointer");
        }
    }

    // _testbuffer slices every dimension of an ndarray (PIL starts fold into the suboffset of an earlier dimension);
    // BufferLayout.Slice must produce the same view, and addressing through it the same items.
    private static unsafe void CheckSlice(string key, NativeBuffer native, JsonElement slice)
    {
        using var buffer = native.GetBuffer(BufferRequest.FullRO);
        var block = buffer.Pointer - native.BaseOffset;
        var layout = buffer.Layout;
        nint baseDelta = 0;
        var dim = 0;
        foreach (var k in slice.GetProperty("key").EnumerateArray())
        {
            layout = layout.Slice(dim++, (nint)k[0].GetInt64(), (nint)k[1].GetInt64(), (nint)k[2].GetInt64(), out var delta);
            baseDelta += delta;
        }
        Assert.Equal(Longs(slice.GetProperty("shape")), layout.Shape.ToArray());
        Assert.Equal(Longs(slice.GetProperty("strides")), layout.Strides.ToArray());
        Assert.Equal(slice.GetProperty("contiguous").GetString(), Contiguity(layout));
        if (layout.IsEmpty)
        {
            // An empty result keeps its base and suboffsets (BufferLayout.Slice); CPython folds the starts anyway, into
            // values that address nothing. Both keep the suboffsets array.
            Assert.Equal(slice.GetProperty("suboffsets").GetArrayLength(), layout.SubOffsets.Length);
        }
        else
        {
            Assert.Equal(Longs(slice.GetProperty("suboffsets")), layout.SubOffsets.ToArray());
            Assert.Equal(slice.GetProperty("buf").GetInt64(), native.BaseOffset + baseDelta);
        }
        var offsets = slice.GetProperty("pointers").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var i = 0;
        foreach (var index in NativeBufferTests.Indices(layout.Shape.ToArray()))
        {
            var p = AcquiredBuffer.WalkPointer(buffer.Pointer + baseDelta, layout, index);
            Assert.True(offsets[i] == p - block, $"{key}: sliced item ({string.Join(", ", index)}) at {p - block}, CPython {offsets[i]}");
            i++;
        }
        Assert.Equal(offsets.Length, i);
    }

    private static string Contiguity(BufferLayout layout) =>
        string.Concat(new[] { ContiguityOrder.C, ContiguityOrder.Fortran, ContiguityOrder.Any }.Select(o => layout.IsContiguous(o) ? '1' : '0'));

    internal static nint[] Longs(JsonElement array) => array.EnumerateArray().Select(e => (nint)e.GetInt64()).ToArray();
}
