using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BufferProtocol.Exporters;
using BufferProtocol.Interop.DLPack;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;
using BufferProtocol.Python.Import;
using BufferProtocol.Tests.TestSupport;
using Python.Runtime;

namespace BufferProtocol.Python.Tests;

/// <summary>DLPack capsules both ways with NumPy 1.24: <c>numpy.from_dlpack(netObject)</c>, and NumPy's <c>__dlpack__</c> into .NET.</summary>
[Collection(PythonCollection.Name)]
public sealed unsafe class DLPackTests(PythonFixture python)
{
    private static PyModule NewScope(PyObject? x = null)
    {
        var scope = Py.CreateScope();
        scope.Exec("import numpy as np, gc");
        scope.Set("h", InteropHelpers.Module);
        if (x is not null)
        {
            scope.Set("x", x);
        }
        return scope;
    }

    [SkippableFact]
    public void Numpy_from_dlpack_shares_dotnet_memory_read_only_and_the_deleter_runs_exactly_once()
    {
        python.EnsureAvailable();
        var data = new double[2, 3];
        using var exporter = ArrayExporter.Create<double>(data);
        var live = DLPackBuffers.LiveExportCount;
        using (Py.GIL())
        {
            using var netObject = exporter.ToPython();
            using var scope = NewScope(netObject);
            scope.Exec("a = np.from_dlpack(x)");
            Assert.Equal(1, exporter.ExportCount);
            Assert.Equal(live + 1, DLPackBuffers.LiveExportCount);
            Assert.Equal(Marshal.UnsafeAddrOfPinnedArrayElement(data, 0), (nint)scope.Eval<long>("h.address(a)"));
            Assert.Equal("float64 (2, 3) False numpy_dltensor", scope.Eval<string>(
                "f'{a.dtype} {a.shape} {a.flags.writeable} {h.capsule_name(a.base)}'"));
            data[1, 2] = 6.5; // NumPy 1.24 imports read-only, but the memory is shared
            Assert.Equal(6.5, scope.Eval<double>("float(a[1, 2])"));
            scope.Exec("del a; gc.collect()");
            Assert.Equal(0, exporter.ExportCount);
            Assert.Equal(live, DLPackBuffers.LiveExportCount);
        }
    }

    public static TheoryData<string> Layouts => ["fortran", "reversed", "strided", "scalar", "size1", "empty", "subarray", "int8", "uint64", "half", "complex64"];

    private static NativeBuffer Make(string name) => name switch
    {
        "fortran" => NativeBuffer.Create<float>([3, 4], ContiguityOrder.Fortran),
        "reversed" => NativeBuffer.Create("h", BufferLayout.Create(2, [3, 4], [-8, -2]), 22, 24),
        "strided" => NativeBuffer.Create("q", BufferLayout.Create(8, [2, 3], [48, 16]), 0, 96),
        "scalar" => NativeBuffer.Create("Zd", BufferLayout.Scalar(16), 0, 16),
        "size1" => NativeBuffer.Create("d", BufferLayout.Create(8, [1, 3], [1000, 8]), 0, 24),
        "empty" => NativeBuffer.Create("i", BufferLayout.Create(4, [0, 3], [12, 4]), 0, 4),
        "subarray" => NativeBuffer.Create("(2,2)I", BufferLayout.Create(16, [3], [16]), 0, 48),
        "int8" => NativeBuffer.Create<sbyte>([5]),
        "uint64" => NativeBuffer.Create<ulong>([2, 2]),
        "half" => NativeBuffer.Create<Half>([4]),
        _ => NativeBuffer.Create("Zf", BufferLayout.Create(8, [2], [8]), 0, 16),
    };

    [SkippableTheory]
    [MemberData(nameof(Layouts))]
    public void Numpy_from_dlpack_sees_what_the_buffer_protocol_sees(string layout)
    {
        python.EnsureAvailable();
        using var native = Make(layout);
        var bytes = native.Bytes;
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i * 37 + 11);
        }
        using (Py.GIL())
        {
            using var netObject = native.ToPython();
            using var scope = NewScope(netObject);
            scope.Exec("a = np.from_dlpack(x); b = np.asarray(x)");
            Assert.True(scope.Eval<bool>("a.dtype == b.dtype and a.shape == b.shape"), scope.Eval<string>("f'{a.dtype} {a.shape} / {b.dtype} {b.shape}'"));
            Assert.True(scope.Eval<bool>("a.size == 0 or (h.address(a) == h.address(b) and a.tobytes() == b.tobytes())"));
            Assert.True(scope.Eval<bool>("all(sa == sb for sa, sb, n in zip(a.strides, b.strides, a.shape) if n > 1)"),
                scope.Eval<string>("f'{a.strides} / {b.strides}'"));
            scope.Exec("del a, b; gc.collect()");
            Assert.Equal(0, native.ExportCount);
        }
    }

    [SkippableFact]
    public void Capsules_follow_the_array_API_protocol()
    {
        python.EnsureAvailable();
        var data = new int[2, 3];
        using var exporter = ArrayExporter.Create<int>(data);
        var address = (long)Marshal.UnsafeAddrOfPinnedArrayElement(data, 0);
        using (Py.GIL())
        {
            using var netObject = exporter.ToPython();
            using var scope = NewScope(netObject);
            Assert.Equal("(1, 0)", scope.Eval<string>("str(x.__dlpack_device__())"));
            scope.Exec("""
                legacy = h.decode(x.__dlpack__())
                v10 = h.decode(x.__dlpack__(max_version=(1, 0)))
                v15 = h.decode(x.__dlpack__(max_version=(1, 5), stream=None, dl_device=(1, 0), copy=False))
                v2 = h.decode(x.__dlpack__(max_version=(2, 0)))
                v0 = h.decode(x.__dlpack__(max_version=(0, 8)))
                copied = h.decode(x.__dlpack__(max_version=(1, 2), copy=True))
                gc.collect()
                """);
            Assert.Equal(0, exporter.ExportCount); // every unused capsule's destructor called the deleter
            Assert.Equal($"dltensor (1, 0) 2 (0, 32, 1) (2, 3) (3, 1) 0 {address}",
                scope.Eval<string>("'{name} {device} {ndim} {dtype} {shape} {strides} {byte_offset} {data}'.format(**legacy)"));
            Assert.Equal("dltensor_versioned (1, 0) 0 (3, 1)", scope.Eval<string>("'{name} {version} {flags} {strides}'.format(**v10)"));
            Assert.Equal("(1, 2) (1, 2) dltensor", scope.Eval<string>("f\"{v15['version']} {v2['version']} {v0['name']}\""));
            Assert.Equal(2, scope.Eval<int>("copied['flags']")); // IS_COPIED
            Assert.NotEqual(address, scope.Eval<long>("copied['data']"));

            Assert.StartsWith("ValueError: __dlpack__: only stream=None", scope.Eval<string>("h.error_of(x.__dlpack__, stream=1)"));
            Assert.StartsWith("BufferError: cannot export to dl_device=(2, 0)", scope.Eval<string>("h.error_of(x.__dlpack__, dl_device=(2, 0))"));
            Assert.StartsWith("TypeError: __dlpack__() takes no positional arguments", scope.Eval<string>("h.error_of(x.__dlpack__, None)"));
            Assert.StartsWith("TypeError: __dlpack__() got an unexpected keyword argument 'device'", scope.Eval<string>("h.error_of(x.__dlpack__, device=1)"));
            Assert.StartsWith("TypeError: __dlpack__: copy must be", scope.Eval<string>("h.error_of(x.__dlpack__, copy='yes')"));
            Assert.StartsWith("TypeError: __dlpack__: max_version", scope.Eval<string>("h.error_of(x.__dlpack__, max_version=1)"));
            Assert.Equal(0, exporter.ExportCount);
        }
    }

    [SkippableFact]
    public void Read_only_and_bool_buffers_need_the_versioned_struct()
    {
        python.EnsureAvailable();
        using var readOnly = MemoryExporter.CreateReadOnly<long>(new long[] { 1, 2, 3 }.AsMemory());
        using var flags = NativeBuffer.Create<bool>([4]);
        using (Py.GIL())
        {
            using var readOnlyObject = readOnly.ToPython();
            using var flagsObject = flags.ToPython();
            using var scope = NewScope();
            scope.Set("r", readOnlyObject);
            scope.Set("b", flagsObject);
            Assert.Contains("BufferError: cannot export read-only memory as a legacy DLManagedTensor", scope.Eval<string>("h.error_of(np.from_dlpack, r)"));
            Assert.Contains("BufferError: bool (kDLBool) needs DLPack 0.8", scope.Eval<string>("h.error_of(np.from_dlpack, b)"));
            Assert.Equal("1 (6, 8, 1)", scope.Eval<string>(
                "f\"{h.decode(r.__dlpack__(max_version=(1, 0)))['flags']} {h.decode(b.__dlpack__(max_version=(1, 0)))['dtype']}\""));
            // A copy is the consumer's own, writable memory: the legacy struct may carry it.
            Assert.Equal("dltensor (0, 64, 1) [1, 2, 3]", scope.Eval<string>(
                "f\"{(c := h.decode(r.__dlpack__(copy=True)))['name']} {c['dtype']} {np.from_dlpack(h.LegacyProducer(type('P', (), {'__dlpack__': lambda s, stream=None: r.__dlpack__(copy=True)})())).tolist()}\""));
            scope.Exec("gc.collect()");
            Assert.Equal(0, readOnly.ExportCount);
            Assert.Equal(0, flags.ExportCount);
        }
    }

    [SkippableFact]
    public void What_DLPack_cannot_describe_raises_BufferError_unless_copied()
    {
        python.EnsureAvailable();
        using var record = NativeBuffer.Create("T{i:a:d:b:}", BufferLayout.Create(16, [2], [16]), 0, 32);
        using var bigEndian = NativeBuffer.Create(">i", BufferLayout.Create(4, [3], [4]), 0, 12, contents: [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]);
        using var pil = NativeBuffer.CreateIndirect("i", BufferLayout.Create(4, [2, 2], [8, 4]), 0, 16);
        using (Py.GIL())
        {
            using var scope = NewScope();
            using var r = record.ToPython();
            using var e = bigEndian.ToPython();
            using var p = pil.ToPython();
            scope.Set("r", r);
            scope.Set("e", e);
            scope.Set("p", p);
            Assert.StartsWith("BufferError: DLPack cannot describe records", scope.Eval<string>("h.error_of(np.from_dlpack, r)"));
            Assert.StartsWith("BufferError: DLPack only supports native byte order", scope.Eval<string>("h.error_of(np.from_dlpack, e)"));
            Assert.StartsWith("BufferError: DLPack cannot describe PIL-style buffers", scope.Eval<string>("h.error_of(np.from_dlpack, p)"));
            // copy=True swaps the bytes into a native copy, which NumPy imports.
            Assert.Equal("[1, 2, 3]", scope.Eval<string>(
                "str(np.from_dlpack(type('Copying', (), {'__dlpack__': lambda s, stream=None: e.__dlpack__(copy=True)})()).tolist())"));
            scope.Exec("gc.collect()");
            Assert.Equal(0, bigEndian.ExportCount);
        }
    }

    public static TheoryData<string> NumPyArrays =>
    [
        "np.arange(6, dtype='i1').reshape(2, 3)", "np.arange(6, dtype='u1')", "np.arange(6, dtype='<i2')", "np.arange(6, dtype='<u2')",
        "np.arange(6, dtype='<i4')", "np.arange(6, dtype='<u4')", "np.arange(6, dtype='<i8')", "np.arange(6, dtype='<u8')",
        "np.arange(6, dtype='<f2')", "np.arange(6, dtype='<f4')", "np.arange(6, dtype='<f8').reshape(3, 2)",
        "np.arange(6, dtype='<c8')", "np.arange(6, dtype='<c16')", "np.arange(12, dtype='<f4').reshape(3, 4).T",
        "np.arange(12, dtype='<i4').reshape(3, 4)[:, ::2]", "np.arange(12, dtype='<i8')[::-3]", "np.array(2.5)",
        "np.arange(5.0)[2:3]", "np.zeros((0, 3), '<i2')", "np.asfortranarray(np.arange(24, dtype='<u2').reshape(2, 3, 4))",
    ];

    [SkippableTheory]
    [MemberData(nameof(NumPyArrays))]
    public void Numpy_capsules_import_in_place_and_the_deleter_runs_once(string expression)
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            using var scope = NewScope();
            scope.Exec($"a = {expression}");
            using var array = scope.Get("a");
            var baseline = scope.Eval<long>("h.refcount(a)");
            using (var tensor = array.FromDLPack())
            {
                Assert.Equal(baseline + 1, scope.Eval<long>("h.refcount(a)")); // NumPy's manager_ctx holds the array
                using var buffer = tensor.GetBuffer(BufferRequest.FullRO);
                Assert.True(buffer.IsReadOnly); // a legacy capsule cannot say it is writable
                Assert.Null(tensor.Version);
                if (!buffer.Layout.IsEmpty)
                {
                    Assert.Equal(scope.Eval<long>("h.address(a)"), buffer.Pointer);
                }
                using (var numpyBuffer = array.AcquireBuffer(BufferRequest.FullRO))
                {
                    Assert.Equal(Formats.BufferFormat.Parse(numpyBuffer.Format!).ItemSize, buffer.ItemSize);
                    Assert.Equal(numpyBuffer.Shape.ToArray(), buffer.Shape.ToArray());
                    for (var i = 0; i < buffer.Rank; i++)
                    {
                        if (buffer.Shape[i] > 1)
                        {
                            Assert.Equal(numpyBuffer.Strides[i], buffer.Strides[i]);
                        }
                    }
                    Assert.Equal(Copying.BufferCopy.ToArray(numpyBuffer), Copying.BufferCopy.ToArray(buffer));
                }
            }
            Assert.Equal(baseline, scope.Eval<long>("h.refcount(a)")); // NumPy's deleter ran, once
        }
    }

    [SkippableFact]
    public void Legacy_capsules_declared_writable_share_writes_with_numpy()
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            using var scope = NewScope();
            scope.Exec("a = np.zeros((2, 3), '<i4')");
            using var array = scope.Get("a");
            using var tensor = array.FromDLPack(legacyWritable: true);
            using var buffer = tensor.GetBuffer(BufferRequest.Full);
            *(int*)buffer.GetPointer([1, 2]) = 42;
            Assert.Equal(42, scope.Eval<int>("int(a[1, 2])"));
        }
    }

    public static TheoryData<string, string> NumPyRefusals => new()
    {
        { "np.array([True, False])", "BufferError: DLPack only supports signed/unsigned integers, float and complex dtypes." },
        { "np.arange(3.0).view('>f8')", "BufferError: DLPack only supports native byte order." },
        { "np.zeros(2, [('a', '<i4')])", "BufferError: DLPack only supports signed/unsigned integers" },
        { "np.zeros(2, '<M8[ns]')", "BufferError: DLPack only supports signed/unsigned integers" },
        { "np.zeros(2, '<f16')", "BufferError: DLPack only supports IEEE floating point types without padding" },
        { "(lambda r: (r.setflags(write=False), r)[1])(np.zeros(3))", "BufferError: Cannot export readonly array" },
        { "np.ndarray((3,), '<i4', buffer=np.zeros(16, 'u1'), offset=1, strides=(5,))", "BufferError: DLPack only supports strides which are a multiple of itemsize." },
        { "3", "AttributeError" },
    };

    [SkippableTheory]
    [MemberData(nameof(NumPyRefusals))]
    public void What_numpy_refuses_to_export_arrives_as_its_BufferError(string expression, string error)
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            using var scope = NewScope();
            using var array = scope.Eval(expression);
            var e = Assert.Throws<PythonBufferException>(() => array.FromDLPack());
            Assert.Contains(error, $"{e.PythonTypeName}: {e.Message[(e.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..]}".Replace("BufferError: BufferError", "BufferError", StringComparison.Ordinal));
        }
    }

    [SkippableFact]
    public void A_NetBuffer_imports_back_through_the_versioned_struct_as_the_same_memory()
    {
        python.EnsureAvailable();
        var data = new float[4];
        using var exporter = ArrayExporter.Create(data);
        var live = DLPackBuffers.LiveExportCount;
        using (Py.GIL())
        {
            using var netObject = exporter.ToPython();
            using (var tensor = netObject.FromDLPack())
            using (var buffer = tensor.GetBuffer(BufferRequest.Full))
            {
                Assert.Equal(DLPackBuffers.Version, tensor.Version);
                Assert.False(tensor.IsReadOnly);
                Assert.Equal(Marshal.UnsafeAddrOfPinnedArrayElement(data, 0), buffer.Pointer);
                *(float*)buffer.GetPointer([3]) = 1.5f;
                Assert.Equal(1, exporter.ExportCount);
            }
            Assert.Equal(1.5f, data[3]);
            Assert.Equal(0, exporter.ExportCount);
            Assert.Equal(live, DLPackBuffers.LiveExportCount);
        }
    }

    [SkippableFact]
    public void A_producer_without_max_version_is_called_again_without_keywords()
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            using var scope = NewScope();
            scope.Exec("a = np.arange(4.0); p = h.LegacyProducer(a)");
            using var producer = scope.Get("p");
            using var tensor = producer.FromDLPack();
            using var buffer = tensor.GetBuffer(BufferRequest.FullRO);
            Assert.Equal(scope.Eval<long>("h.address(a)"), buffer.Pointer);
            Assert.Equal("d", buffer.Format);
        }
    }

    [SkippableFact]
    public void A_tensor_never_disposed_has_numpys_deleter_called_with_the_GIL_from_the_release_queue()
    {
        python.EnsureAvailable();
        PyModule scope;
        long baseline;
        using (Py.GIL())
        {
            scope = NewScope();
            scope.Exec("a = np.arange(8.0)");
            baseline = scope.Eval<long>("h.refcount(a)");
            ImportAndDrop(scope);
            Assert.Equal(baseline + 1, scope.Eval<long>("h.refcount(a)"));
        }
        Finalization.CollectUntil(() =>
        {
            using (Py.GIL())
            {
                return scope.Eval<long>("h.refcount(a)") == baseline;
            }
        }, rounds: 50, afterEachRound: () => PythonBuffers.DrainPendingReleases());
        using (Py.GIL())
        {
            Assert.Equal(baseline, scope.Eval<long>("h.refcount(a)"));
            Assert.Equal(0, PendingReleases.Count);
            scope.Dispose();
        }
    }

    [SkippableFact]
    public void Releasing_without_the_GIL_while_another_thread_holds_it_queues_the_deleter_instead_of_deadlocking()
    {
        python.EnsureAvailable();
        PyModule scope;
        DLPackTensor tensor;
        long baseline;
        using (Py.GIL())
        {
            scope = NewScope();
            scope.Exec("a = np.arange(8.0)");
            baseline = scope.Eval<long>("h.refcount(a)");
            using var array = scope.Get("a");
            tensor = array.FromDLPack();
        }
        var buffer = tensor.GetBuffer(BufferRequest.FullRO);
        using (Py.GIL())
        {
            // This thread holds the GIL and asks the tensor for a buffer (its export lock) while another thread,
            // without the GIL, releases the last export under that lock: the deleter must not wait for the GIL there.
            var releaser = new Thread(() => { tensor.Dispose(); buffer.Dispose(); });
            releaser.Start();
            while (releaser.IsAlive)
            {
                try
                {
                    tensor.GetBuffer(BufferRequest.Simple).Dispose();
                }
                catch (ObjectDisposedException)
                {
                }
            }
            Assert.True(releaser.Join(TimeSpan.FromSeconds(30)));
        }
        Assert.True(PythonBuffers.DrainPendingReleases());
        using (Py.GIL())
        {
            Assert.Equal(baseline, scope.Eval<long>("h.refcount(a)"));
            scope.Dispose();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ImportAndDrop(PyModule scope)
    {
        using var array = scope.Get("a");
        _ = array.FromDLPack();
    }
}
