using System.Text.Json;
using BufferProtocol.Exporters;
using BufferProtocol.Protocol;
using BufferProtocol.Tests.Oracle;
using BufferProtocol.Views;

namespace BufferProtocol.Tests.Views;

/// <summary>
/// Replays the <c>memoryview-lifetime</c> suite: scripts over bytearrays (<see cref="ByteBuffer"/>), bytes, views,
/// slices, casts, read-only twins, re-exports (<c>ndarray(m, getbuf=...)</c> ↔ <see cref="MemoryView.GetBuffer"/>) and
/// releases, checking after every step that CPython and .NET agree (a shared acquisition is released with its last view;
/// release is refused while re-exported; a released view refuses everything but release and equality).
/// </summary>
public class MemoryViewLifetimeOracleTests
{
    public static TheoryData<string> Cases => OracleCases.Keys("memoryview-lifetime");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Lifetime_script_matches_CPython(string key)
    {
        var c = OracleCases.Get("memoryview-lifetime", key);
        var objects = new Dictionary<string, object>();
        var n = 0;
        foreach (var row in c.GetProperty("steps").EnumerateArray())
        {
            var step = row[0];
            ViewOracle.AssertOutcome(row[1], () => Run(objects, step), Check, $"{key} step {n++} {step}");
        }
        foreach (var o in objects.Values)
        {
            (o as AcquiredBuffer)?.Dispose();
        }
    }

    private static void Check(JsonElement expected, object? actual)
    {
        if (expected.ValueKind == JsonValueKind.Object && expected.TryGetProperty("str", out var hex) && actual is string s)
        {
            Assert.Equal(hex.GetString(), s);
            return;
        }
        ViewOracle.AssertValue(expected, actual, "result");
    }

    private static object? Run(Dictionary<string, object> o, JsonElement step)
    {
        var op = step[0].GetString();
        var name = step[1].GetString()!;
        MemoryView View(string n) => (MemoryView)o[n];
        switch (op)
        {
            case "bytearray":
                o[name] = new ByteBuffer(Convert.FromHexString(step[2].GetString()!));
                return null;
            case "bytes":
                o[name] = MemoryExporter.CreateReadOnly<byte>(Convert.FromHexString(step[2].GetString()!), "B");
                return null;
            case "view":
                o[name] = new MemoryView((IBufferExporter)o[step[2].GetString()!], MemoryViewMode.CPython);
                return null;
            case "slice":
                o[name] = View(step[2].GetString()!)[ViewOracle.SliceOf(step[3])];
                return null;
            case "toreadonly":
                o[name] = View(step[2].GetString()!).ToReadOnly();
                return null;
            case "cast":
                o[name] = View(step[2].GetString()!).Cast(step[3].GetString()!);
                return null;
            case "reexport":
                o[name] = View(step[2].GetString()!).GetBuffer((BufferRequest)step[3].GetInt32());
                return null;
            case "drop":
                ((AcquiredBuffer)o[name]).Dispose();
                o.Remove(name);
                return null;
            case "release":
                View(name).Release();
                return null;
            case "append":
                ((ByteBuffer)o[name]).Append((byte)step[2].GetInt32());
                return null;
            case "tobytes":
                return Convert.ToHexStringLower(View(name).ToBytes());
            case "tolist":
                return View(name).ToList();
            case "hex":
                return View(name).ToHex();
            case "len":
                return (long)View(name).Length;
            case "nbytes":
                return (long)View(name).NBytes;
            case "getitem":
                return View(name)[(nint)step[2].GetInt64()];
            case "setitem":
                View(name)[(nint)step[2].GetInt64()] = step[3].GetInt64();
                return null;
            case "hash":
                _ = View(name).GetContentHash();
                return true;
            case "equal":
                return View(name) == View(step[2].GetString()!);
            case "with":
                var m = new MemoryView((IBufferExporter)o[step[2].GetString()!], MemoryViewMode.CPython);
                using (m)
                {
                    o[name] = m;
                    foreach (var inner in step[3].EnumerateArray())
                    {
                        o[inner[1].GetString()!] = View(inner[2].GetString()!).GetBuffer((BufferRequest)inner[3].GetInt32());
                    }
                }
                return null;
            default:
                throw new InvalidDataException($"unknown step {step}");
        }
    }
}
