using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text.Json;
using BufferProtocol.Exporters;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;
using BufferProtocol.Tests.Oracle;
using BufferProtocol.Tests.Protocol;

namespace BufferProtocol.Tests.Exporters;

/// <summary>
/// Replays the <c>cpython-exporters</c> suite (tests/oracle/gen_buffers.py): CPython's own exporters under every
/// request value, against their counterparts here — <c>bytes</c>: read-only byte memory; <c>bytearray</c>:
/// <see cref="ByteBuffer"/>; <c>array</c>: <c>T[]</c> and <see cref="MemoryExporter{T}"/>; <c>mmap</c>:
/// <see cref="MappedFileExporter"/>; memoryview re-exports: <see cref="BufferRequestRules.Apply"/> with memoryview's
/// contiguity rule.
/// </summary>
public sealed class CPythonExporterReplayTests : IDisposable
{
    private const string Suite = "cpython-exporters";
    private readonly List<string> _files = [];

    public static TheoryData<string> Cases => OracleCases.Keys(Suite);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Counterpart_answers_every_request_as_CPython(string key)
    {
        var c = OracleCases.Get(Suite, key);
        var memory = Convert.FromHexString(c.GetProperty("memory").GetString()!);
        var counterparts = c.GetProperty("counterpart").GetString() switch
        {
            "readonly-bytes" => [MemoryExporter.CreateReadOnly<byte>(memory)],
            "bytearray" => [new ByteBuffer(memory)],
            "array" => Arrays(c.GetProperty("format").GetString()!, memory),
            "mmap" => [Anonymous(memory)],
            "mmap-read" => [MappedFileExporter.Open(TempFile(memory), MemoryMappedFileAccess.Read)],
            "memoryview" => [new MemoryViewSource(c, memory)],
            var other => throw new InvalidDataException($"{key}: unknown counterpart {other}"),
        };
        foreach (var exporter in counterparts)
        {
            using (exporter as IDisposable)
            {
                using var full = exporter.GetBuffer(BufferRequest.FullRO);
                foreach (var result in c.GetProperty("results").EnumerateObject())
                {
                    var request = (BufferRequest)int.Parse(result.Name);
                    var context = $"{key} {exporter.GetType().Name} 0x{(int)request:x}";
                    AcquiredBuffer? buffer = null;
                    PythonErrors.AssertOutcome(result.Value, () => buffer = exporter.GetBuffer(request), context);
                    using (buffer)
                    {
                        if (buffer is not null)
                        {
                            Compare(context, result.Value.GetProperty("ok"), buffer, full.Pointer);
                        }
                    }
                }
            }
        }
    }

    private static void Compare(string context, JsonElement ok, AcquiredBuffer buffer, nint fullPointer)
    {
        Assert.True(ok.GetProperty("readonly").GetInt32() == 1 == buffer.IsReadOnly, $"{context}: readonly");
        Assert.Equal(ok.GetProperty("itemsize").GetInt64(), buffer.ItemSize);
        Assert.Equal(ok.GetProperty("format").GetString(), buffer.Format);
        Assert.Equal(ok.GetProperty("ndim").GetInt32(), buffer.Rank);
        Assert.Equal(ok.GetProperty("len").GetInt64(), buffer.Length);
        Assert.Equal(ok.GetProperty("buf").GetInt64(), buffer.Pointer - fullPointer);
        CompareArray(context + " shape", ok.GetProperty("shape"), buffer.HasShape && buffer.Rank > 0, buffer.Shape);
        CompareArray(context + " strides", ok.GetProperty("strides"), buffer.HasStrides && buffer.Rank > 0, buffer.Strides);
        CompareArray(context + " suboffsets", ok.GetProperty("suboffsets"), buffer.HasSubOffsets, buffer.SubOffsets);
    }

    private static void CompareArray(string context, JsonElement expected, bool present, ReadOnlySpan<nint> actual)
    {
        Assert.True(expected.ValueKind != JsonValueKind.Null == present, $"{context}: present");
        if (present)
        {
            Assert.Equal(TestBufferReplayTests.Longs(expected), actual.ToArray());
        }
    }

    private static IBufferExporter[] Arrays(string format, byte[] memory) => format switch
    {
        "i" => [ArrayExporter.Create(MemoryMarshal.Cast<byte, int>(memory).ToArray()),
                MemoryExporter.Create<int>(MemoryMarshal.Cast<byte, int>(memory).ToArray())],
        "d" => [ArrayExporter.Create(MemoryMarshal.Cast<byte, double>(memory).ToArray()),
                MemoryExporter.Create<double>(MemoryMarshal.Cast<byte, double>(memory).ToArray())],
        _ => throw new InvalidDataException($"no array counterpart for format {format}"),
    };

    private static MappedFileExporter Anonymous(byte[] memory)
    {
        var exporter = MappedFileExporter.CreateAnonymous(memory.Length);
        memory.CopyTo(exporter.Bytes);
        return exporter;
    }

    private string TempFile(byte[] contents)
    {
        var path = Path.GetTempFileName();
        File.WriteAllBytes(path, contents);
        _files.Add(path);
        return path;
    }

    public void Dispose()
    {
        foreach (var file in _files)
        {
            File.Delete(file);
        }
    }

    /// <summary>A memoryview's re-export: its layout over the base object's bytes, answered by the shared rules.</summary>
    private sealed class MemoryViewSource(JsonElement c, byte[] memory) : IBufferExporter, IBufferReleaser, IDisposable
    {
        private GCHandle _pin = GCHandle.Alloc(memory, GCHandleType.Pinned);

        public AcquiredBuffer GetBuffer(BufferRequest request)
        {
            var view = c.GetProperty("layout");
            var layout = BufferLayout.Create((nint)view.GetProperty("itemsize").GetInt64(),
                TestBufferReplayTests.Longs(view.GetProperty("shape")), TestBufferReplayTests.Longs(view.GetProperty("strides")));
            Assert.Equal(view.GetProperty("c_contiguous").GetBoolean(), (layout.Flags & LayoutFlags.ViewCContiguous) != 0);
            Assert.Equal(view.GetProperty("f_contiguous").GetBoolean(), (layout.Flags & LayoutFlags.ViewFContiguous) != 0);
            var source = new ExportSource(_pin.AddrOfPinnedObject() + (nint)c.GetProperty("offset").GetInt64(), layout,
                view.GetProperty("format").GetString()!, view.GetProperty("readonly").GetInt32() == 1, ContiguityRule.MemoryView);
            return BufferRequestRules.Apply(source, request, this, this);
        }

        public void ReleaseBuffer(AcquiredBuffer buffer)
        {
        }

        public void Dispose() => _pin.Free();
    }
}
