using BufferProtocol.Exporters;
using BufferProtocol.Protocol;
using BufferProtocol.Tests.Oracle;
using BufferProtocol.Tests.Protocol;

namespace BufferProtocol.Tests.Exporters;

/// <summary>
/// Replays the <c>exporter-lifetimes</c> suite (tests/oracle/gen_buffers.py): what <c>bytearray</c>, <c>array</c> and
/// <c>mmap</c> allow and refuse with and without a live export, against <see cref="ByteBuffer"/>, <see cref="ArrayExporter"/>
/// and <see cref="MappedFileExporter"/> — the outcome kind and the contents afterwards.
/// </summary>
public class ExporterLifetimeReplayTests
{
    private const string Suite = "exporter-lifetimes";

    public static TheoryData<string> Cases => OracleCases.Keys(Suite);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Operation_is_allowed_or_refused_as_in_CPython(string key)
    {
        var c = OracleCases.Get(Suite, key);
        var before = Convert.FromHexString(c.GetProperty("before").GetString()!);
        var exported = c.GetProperty("exported").GetBoolean();
        var op = c.GetProperty("op").GetString()!;
        var after = c.GetProperty("after").GetString() is { } hex ? Convert.FromHexString(hex) : null;
        var outcome = c.GetProperty("outcome");
        switch (c.GetProperty("object").GetString())
        {
            case "bytearray":
            {
                using var buffer = new ByteBuffer(before);
                using var export = exported ? buffer.GetBuffer(BufferRequest.Simple) : null;
                PythonErrors.AssertOutcome(outcome, () => ByteArrayOperation(buffer, op), key);
                Assert.Equal(after, buffer.ToArray());
                break;
            }
            case "array" when op == "set-item":
            {
                var array = new int[] { 1, 2, 3 };
                using var exporter = ArrayExporter.Create(array);
                using var export = exported ? exporter.GetBuffer(BufferRequest.Simple) : null;
                PythonErrors.AssertOutcome(outcome, () => array[0] = 9, key);
                Assert.Equal(after, System.Runtime.InteropServices.MemoryMarshal.AsBytes(array.AsSpan()).ToArray());
                break;
            }
            case "array":
                // array.append: a .NET array has a fixed length, so no exporter of ours can be asked to grow one.
                Assert.Equal("append", op);
                break;
            case "mmap":
            {
                using var map = MappedFileExporter.CreateAnonymous(before.Length);
                before.CopyTo(map.Bytes);
                var export = exported ? map.GetBuffer(BufferRequest.Simple) : null;
                PythonErrors.AssertOutcome(outcome, () => MmapOperation(map, op), key);
                Assert.Equal(after, map.IsDisposed ? null : map.Bytes.ToArray());
                export?.Dispose();
                break;
            }
            default:
                throw new InvalidDataException($"{key}: unknown object");
        }
    }

    private static void ByteArrayOperation(ByteBuffer b, string op)
    {
        switch (op)
        {
            case "append": b.Append((byte)'z'); break;
            case "extend": b.Append("xy"u8); break;
            case "insert": b.Insert(1, (byte)'z'); break;
            case "resize-slice-grow": b.Replace(0, 1, "xy"u8); break;
            case "resize-slice-shrink": b.Replace(0, 2, "x"u8); break;
            case "same-size-slice": b.Replace(1, 2, "XY"u8); break;
            case "set-item": b[0] = (byte)'Z'; break;
            case "clear": b.Clear(); break;
            case "delete-item": b.RemoveRange(0, 1); break;
            case "pop": b.Pop(); break;
            case "remove": b.Remove((byte)'b'); break;
            default: throw new InvalidDataException($"unknown bytearray operation {op}");
        }
    }

    private static void MmapOperation(MappedFileExporter map, string op)
    {
        switch (op)
        {
            case "close": map.Close(); break;
            case "write-same-size": "XY"u8.CopyTo(map.Bytes); break;
            default: throw new InvalidDataException($"unknown mmap operation {op}");
        }
    }
}
