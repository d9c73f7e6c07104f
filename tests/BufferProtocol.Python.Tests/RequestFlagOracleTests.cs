using BufferProtocol.Exporters;
using BufferProtocol.Protocol;
using Python.Runtime;

namespace BufferProtocol.Python.Tests;

/// <summary>
/// Every request flag, in both directions, against CPython's own answer: <c>_testbuffer.ndarray(obj, getbuf=flags)</c>
/// is the consumer, and <c>describe</c> renders every field it received (format, item size, ndim, shape, strides,
/// suboffsets, read-only, length and the bytes in logical order) or the exception type.
/// </summary>
[Collection(PythonCollection.Name)]
public sealed class RequestFlagOracleTests(PythonFixture python)
{
    private static readonly string[] s_pythonExporters =
    [
        "bytes", "bytearray", "array_i", "array_d", "mmap", "memoryview_step", "memoryview_2d",
        "np_c", "np_fortran", "np_transposed", "np_sliced", "np_negative", "np_negative_2d", "np_big_endian",
        "np_structured", "np_structured_aligned", "np_scalar_0d", "np_readonly", "np_half", "np_complex", "np_empty",
        "np_bool", "tb_pil", "tb_pil_sliced", "tb_fortran", "tb_scalar",
    ];

    public static TheoryData<string> PythonExporters => [.. s_pythonExporters];

    public static TheoryData<string> NetExporters =>
    [
        "bytearray", "bytes", "int32_2x3", "double_1d", "fortran_readonly", "fortran_writable", "reversed", "pil", "scalar", "empty", "empty_2d",
        "NativeBuffer:fortran_writable", "NativeBuffer:reversed", "NativeBuffer:pil",
        "ByteBuffer:bytearray", "MemoryExporter:double_1d", "MemoryExporter:int32_2x3",
    ];

    [SkippableFact]
    public void The_test_lists_every_exporter_the_helper_module_makes()
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            using var names = python.Helpers.InvokeMethod("exporter_names");
            var fromPython = names.As<string[]>();
            Assert.Equal(fromPython.Order(), s_pythonExporters.Order());
        }
    }

    [SkippableTheory]
    [MemberData(nameof(PythonExporters))]
    public void A_python_exporter_answers_every_request_in_dotnet_exactly_as_CPython_consumers_see_it(string name)
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            using var obj = python.Helpers.InvokeMethod("make", new PyString(name));
            var mismatches = new List<string>();
            foreach (var flags in RequestFlags())
            {
                using var pyFlags = new PyInt(flags);
                var expected = python.Helpers.InvokeMethod("describe", obj, pyFlags).As<string>();
                string actual;
                try
                {
                    using var buffer = obj.AcquireBuffer((BufferRequest)flags);
                    Assert.Same(obj, buffer.Owner);
                    Assert.Equal((BufferRequest)flags, buffer.Request);
                    actual = BufferText.Describe(buffer);
                }
                catch (PythonBufferException e)
                {
                    actual = "error " + e.PythonTypeName;
                }
                if (expected != actual)
                {
                    mismatches.Add($"flags 0x{flags:x3}\n  CPython: {expected}\n  .NET:    {actual}");
                }
            }
            Assert.True(mismatches.Count == 0, $"{name}:\n" + string.Join("\n", mismatches));
        }
    }

    [SkippableTheory]
    [MemberData(nameof(NetExporters))]
    public void A_dotnet_exporter_answers_every_request_in_python_exactly_as_its_CPython_twin(string name)
    {
        python.EnsureAvailable();
        var (exporter, reference) = MakePair(name);
        using (Py.GIL())
        {
            using var twin = reference;
            using var netObject = exporter.ToPython();
            var flags = RequestFlags();
            using var expected = python.Helpers.InvokeMethod("describe_all", twin);
            using var actual = python.Helpers.InvokeMethod("describe_all", netObject);
            var e = expected.As<string[]>();
            var a = actual.As<string[]>();
            var mismatches = Enumerable.Range(0, flags.Count)
                .Where(i => e[i] != a[i])
                .Select(i => $"flags 0x{flags[i]:x3}\n  CPython twin: {e[i]}\n  .NET:         {a[i]}")
                .ToList();
            Assert.True(mismatches.Count == 0, $"{name}:\n" + string.Join("\n", mismatches));
        }
        Assert.Equal(0, ((BufferExporter)exporter).ExportCount);
        ((IDisposable)exporter).Dispose();
    }

    private List<int> RequestFlags()
    {
        using (Py.GIL())
        {
            using var flags = python.Helpers.InvokeMethod("request_flags");
            return [.. flags.As<int[]>()];
        }
    }

    /// <summary>
    /// The .NET exporter and its CPython twin. <c>"Exporter:twin"</c> pairs one of the library's own exporters
    /// (<see cref="NativeBuffer"/> in C/F order, with negative strides or real PIL pointer tables; <see cref="ByteBuffer"/>;
    /// <see cref="MemoryExporter"/>) with that twin.
    /// </summary>
    private (IBufferExporter Exporter, PyObject Twin) MakePair(string name)
    {
        static byte[] Items<T>(int count, Func<int, T> item) where T : unmanaged =>
            [.. Enumerable.Range(0, count).SelectMany(i => System.Runtime.InteropServices.MemoryMarshal.AsBytes<T>([item(i)]).ToArray())];
        var twin = name.Contains(':', StringComparison.Ordinal) ? name[(name.IndexOf(':', StringComparison.Ordinal) + 1)..] : name;
        IBufferExporter exporter = name switch
        {
            "NativeBuffer:fortran_writable" => NativeBuffer.Create("i", Layout.BufferLayout.Create(4, [2, 3], [4, 8]), 0, 24,
                contents: Items(6, i => i)),
            "NativeBuffer:reversed" => NativeBuffer.Create("q", Layout.BufferLayout.Create(8, [3], [-16]), 40, 48,
                contents: Items(6, i => (long)i)),
            "ByteBuffer:bytearray" => new ByteBuffer([1, 2, 3, 4, 5, 6]),
            "MemoryExporter:double_1d" => MemoryExporter.Create(new double[] { 0.5, 1.5, 2.5 }.AsMemory()),
            "MemoryExporter:int32_2x3" => MemoryExporter.Create(new[] { 0, 1, 2, 3, 4, 5 }.AsMemory(), [2, 3]),
            "NativeBuffer:pil" => NativeBuffer.CreateIndirect("i", Layout.BufferLayout.Contiguous(4, [3, 4]), 0, 48,
                contents: Items(12, i => i)),
            "bytearray" => new ByteBlockExporter([1, 2, 3, 4, 5, 6]),
            "bytes" => new ByteBlockExporter([1, 2, 3, 4, 5, 6], readOnly: true),
            "int32_2x3" => ArrayExporter.Create<int>(new[,] { { 0, 1, 2 }, { 3, 4, 5 } }),
            "double_1d" => ArrayExporter.Create(new[] { 0.5, 1.5, 2.5 }),
            "fortran_readonly" => NativeLayoutExporter.Fortran(2, 3, readOnly: true),
            "fortran_writable" => NativeLayoutExporter.Fortran(2, 3, readOnly: false),
            "reversed" => NativeLayoutExporter.Reversed(6, 2),
            "pil" => NativeLayoutExporter.Pil(3, 4),
            "scalar" => NativeLayoutExporter.Scalar(5),
            "empty" => ArrayExporter.Create(Array.Empty<int>()),
            "empty_2d" => ArrayExporter.Create<int>(new int[0, 3]),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown pair"),
        };
        using (Py.GIL())
        {
            return (exporter, python.Helpers.InvokeMethod("twin", new PyString(twin)));
        }
    }
}
