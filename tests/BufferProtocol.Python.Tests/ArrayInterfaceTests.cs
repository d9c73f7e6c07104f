using System.Runtime.InteropServices;
using BufferProtocol.Exporters;
using BufferProtocol.Interop.NumPy;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;
using Python.Runtime;

namespace BufferProtocol.Python.Tests;

/// <summary><c>__array_interface__</c> v3 both ways: produced by <c>NetBuffer</c>, consumed from NumPy and from any object carrying one.</summary>
[Collection(PythonCollection.Name)]
public sealed unsafe class ArrayInterfaceTests(PythonFixture python)
{
    private static PyModule NewScope()
    {
        var scope = Py.CreateScope();
        scope.Exec("import numpy as np, gc, ctypes");
        scope.Set("h", InteropHelpers.Module);
        return scope;
    }

    public static TheoryData<string> Exporters => ["double_2x3", "fortran_float", "reversed_short", "aligned_record", "packed_record",
        "padded_record", "nested_record", "bool", "complex", "readonly_long", "scalar", "subarray_item", "bytes5", "ucs4", "empty", "big_endian"];

    internal static BufferExporter Make(string name) => name switch
    {
        "double_2x3" => ArrayExporter.Create<double>(new double[2, 3]),
        "fortran_float" => NativeBuffer.Create<float>([3, 4], ContiguityOrder.Fortran),
        "reversed_short" => NativeBuffer.Create("h", BufferLayout.Create(2, [3, 4], [-8, -2]), 22, 24),
        "aligned_record" => NativeBuffer.Create("T{i:a:xxxxd:b:}", BufferLayout.Create(16, [3], [16]), 0, 48),
        "packed_record" => NativeBuffer.Create("T{<i:a:<d:b:}", BufferLayout.Create(12, [2, 2], [24, 12]), 0, 48),
        "padded_record" => NativeBuffer.Create("T{4x<i:x:4x}", BufferLayout.Create(12, [2], [12]), 0, 24),
        "nested_record" => NativeBuffer.Create("T{T{B:q:>f:r:}:p:(2,3)<h:s:}", BufferLayout.Create(17, [2], [17]), 0, 34),
        "bool" => NativeBuffer.Create<bool>([5]),
        "complex" => NativeBuffer.Create("Zd", BufferLayout.Create(16, [2], [16]), 0, 32),
        "readonly_long" => MemoryExporter.CreateReadOnly<long>(new long[] { 1, 2, 3 }.AsMemory()),
        "scalar" => NativeBuffer.Create("d", BufferLayout.Scalar(8), 0, 8),
        "subarray_item" => NativeBuffer.Create("(2,3)f", BufferLayout.Create(24, [2], [24]), 0, 48),
        "bytes5" => NativeBuffer.Create("5s", BufferLayout.Create(5, [3], [5]), 0, 15),
        "ucs4" => NativeBuffer.Create("3w", BufferLayout.Create(12, [2], [12]), 0, 24),
        "empty" => NativeBuffer.Create("q", BufferLayout.Create(8, [0, 4], [32, 8]), 0, 8),
        _ => NativeBuffer.Create(">d", BufferLayout.Create(8, [3], [8]), 0, 24),
    };

    [SkippableTheory]
    [MemberData(nameof(Exporters))]
    public void The_exported_interface_is_the_one_numpy_gives_for_the_same_memory(string name)
    {
        python.EnsureAvailable();
        using var exporter = Make(name);
        using (Py.GIL())
        {
            using var netObject = exporter.ToPython();
            using var scope = NewScope();
            scope.Set("x", netObject);
            scope.Exec("""
                ai = x.__array_interface__
                b = np.asarray(x)
                bi = b.__array_interface__
                """);
            // NumPy's array over the same memory (through the buffer protocol) describes it the same way.
            foreach (var key in new[] { "typestr", "descr", "shape", "strides", "version" })
            {
                Assert.True(scope.Eval<bool>($"ai['{key}'] == bi['{key}']"), scope.Eval<string>($"f\"{key}: {{ai['{key}']!r}} != {{bi['{key}']!r}}\""));
            }
            Assert.Equal("['data', 'strides', 'descr', 'typestr', 'shape', 'version']", scope.Eval<string>("str(list(ai))"));
            Assert.True(scope.Eval<bool>("b.size == 0 or ai['data'][0] == bi['data'][0]"));
            Assert.True(scope.Eval<bool>("ai['data'][1] == (not b.flags.writeable) and type(ai['data'][1]) is bool"));
            Assert.Equal(name == "readonly_long", scope.Eval<bool>("ai['data'][1]"));
            scope.Exec("del b, bi; gc.collect()");
            Assert.Equal(1, exporter.ExportCount); // the interface's own export lives as long as the NetBuffer
        }
        Assert.Equal(0, exporter.ExportCount);
    }

    [SkippableFact]
    public void Numpy_reads_an_object_that_exposes_only_the_interface_in_place()
    {
        python.EnsureAvailable();
        var data = new int[2, 3];
        using var exporter = ArrayExporter.Create<int>(data);
        using var readOnly = MemoryExporter.CreateReadOnly<double>(new[] { 0.5, 1.5 }.AsMemory());
        using (Py.GIL())
        {
            using var scope = NewScope();
            using (var netObject = exporter.ToPython())
            using (var readOnlyObject = readOnly.ToPython())
            {
                scope.Set("x", netObject);
                scope.Set("r", readOnlyObject);
            }
            scope.Exec("""
                only = h.InterfaceOnly(x.__array_interface__, owner=x)
                a = np.asarray(only)
                a[1, 2] = 42
                ro = np.asarray(h.InterfaceOnly(r.__array_interface__, owner=r))
                """);
            Assert.Equal(42, data[1, 2]);
            data[0, 0] = -5;
            Assert.Equal(-5, scope.Eval<int>("int(a[0, 0])"));
            Assert.Equal(Marshal.UnsafeAddrOfPinnedArrayElement(data, 0), (nint)scope.Eval<long>("h.address(a)"));
            Assert.True(scope.Eval<bool>("a.base is only and not ro.flags.writeable and ro.tolist() == [0.5, 1.5]"));
            Assert.Equal("ValueError", scope.Eval<string>("h.error_of(ro.__setitem__, 0, 1.0).split(':')[0]"));
            Assert.Equal(1, exporter.ExportCount);
            // Collecting the NumPy array, its base and the NetBuffer releases the interface's export.
            scope.Exec("del a, ro, only, x, r; gc.collect()");
            Assert.Equal(0, exporter.ExportCount);
            Assert.Equal(0, readOnly.ExportCount);
        }
    }

    [SkippableTheory]
    [InlineData("__array_interface__")]
    [InlineData("__array_struct__")]
    public void Suboffsets_and_formats_numpy_cannot_describe_raise_BufferError(string protocol)
    {
        python.EnsureAvailable();
        using var pil = NativeBuffer.CreateIndirect("i", BufferLayout.Create(4, [2, 2], [8, 4]), 0, 16);
        using var pointers = NativeBuffer.Create("P", BufferLayout.Create(8, [2], [8]), 0, 16);
        using (Py.GIL())
        {
            using var scope = NewScope();
            using var p = pil.ToPython();
            using var q = pointers.ToPython();
            scope.Set("p", p);
            scope.Set("q", q);
            Assert.StartsWith($"BufferError: {protocol} cannot describe PIL-style buffers", scope.Eval<string>($"h.error_of(lambda: p.{protocol})"));
            Assert.StartsWith($"BufferError: {protocol} cannot describe the format 'P'", scope.Eval<string>($"h.error_of(lambda: q.{protocol})"));
        }
    }

    public static TheoryData<string> NumPyArrays =>
    [
        "np.arange(6, dtype='<f8').reshape(2, 3)", "np.arange(12, dtype='<i4').reshape(3, 4).T", "np.arange(12, dtype='>i2')[::-2]",
        "np.array([True, False])", "np.arange(4, dtype='u1')", "np.arange(3, dtype='<c8')", "np.array(1.5)", "np.zeros((0, 2), '<u8')",
        "np.array([b'ab', b'cde'])", "np.array(['x', 'yz'])", "np.zeros(3, 'V4')", "np.zeros(2, 'g')",
        "np.zeros(2, np.dtype([('a', 'u1'), ('b', '<f8')], align=True))",
        "np.zeros(2, np.dtype({'names': ['x'], 'formats': ['<i4'], 'offsets': [4], 'itemsize': 12}))",
        "np.zeros(2, [('p', [('q', 'u1'), ('r', '>f4')]), ('s', '<i2', (2, 3))])",
        "np.zeros(2, [('a', [('x', '<i2'), ('y', '<i2')], (2,)), ('b', ('<f4', (2,)), (3,))])",
        "(lambda a: (a.setflags(write=False), a)[1])(np.arange(4.0))",
    ];

    [SkippableTheory]
    [MemberData(nameof(NumPyArrays))]
    public void Numpy_interfaces_import_in_place(string expression)
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            using var scope = NewScope();
            scope.Exec($"a = {expression}; ai = a.__array_interface__");
            using var array = scope.Get("a");
            var baseline = scope.Eval<long>("h.refcount(a)");
            using (var buffer = array.FromArrayInterface())
            {
                Assert.Equal(baseline + 1, scope.Eval<long>("h.refcount(a)"));
                Assert.Equal(scope.Eval<long>("ai['data'][0]"), buffer.Pointer);
                Assert.Equal(scope.Eval<bool>("ai['data'][1]"), buffer.IsReadOnly);
                Assert.Equal(scope.Eval<string>("str(list(a.shape))"), "[" + string.Join(", ", buffer.Shape.ToArray()) + "]");
                if (!buffer.Layout.IsEmpty)
                {
                    Assert.Equal(scope.Eval<string>("str(list(a.strides))"), "[" + string.Join(", ", buffer.Strides.ToArray()) + "]");
                }
                // The format says what the typestr and descr say.
                var type = NumPyDType.FromFormat(buffer.Format!, buffer.ItemSize, out _);
                Assert.Equal(scope.Eval<string>("ai['typestr']"), type.TypeString);
                Assert.Equal(scope.Eval<string>("repr(ai['descr'])"), type.ToArrayInterfaceDescrLiteral());
                using var numpyView = array.AcquireBuffer(BufferRequest.FullRO);
                Assert.Equal(Copying.BufferCopy.ToArray(numpyView), Copying.BufferCopy.ToArray(buffer));
            }
            Assert.Equal(baseline, scope.Eval<long>("h.refcount(a)"));
        }
    }

    [SkippableFact]
    public void Buffer_objects_as_data_add_the_offset_and_give_their_writability()
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            using var scope = NewScope();
            scope.Exec("""
                ba = bytearray(range(16))
                w = h.InterfaceOnly({'version': 3, 'typestr': '<u2', 'shape': (3,), 'data': ba, 'offset': 4})
                r = h.InterfaceOnly({'version': 3, 'typestr': '|u1', 'shape': (2, 2), 'strides': (1, 2), 'data': bytes(range(4))})
                big = h.InterfaceOnly({'version': 3, 'typestr': '<u4', 'shape': (4,), 'data': ba, 'offset': 4})
                """);
            using var w = scope.Get("w");
            using (var buffer = w.AcquireBuffer(BufferRequest.Full)) // no buffer protocol: read through __array_interface__
            {
                Assert.Equal(new ushort[] { 0x0504, 0x0706, 0x0908 }, new ReadOnlySpan<ushort>((void*)buffer.Pointer, 3).ToArray());
                *(ushort*)buffer.Pointer = 0xffff;
                Assert.Equal("BufferError", scope.Eval<string>("h.error_of(ba.append, 1).split(':')[0]")); // the bytearray is exported
            }
            Assert.Equal(255, scope.Eval<int>("ba[4]"));
            using var r = scope.Get("r");
            using (var buffer = r.FromArrayInterface())
            {
                Assert.True(buffer.IsReadOnly);
                Assert.Equal(new nint[] { 1, 2 }, buffer.Strides.ToArray());
                Assert.Throws<BufferException>(() => r.FromArrayInterface(BufferRequest.Writable));
            }
            using var big = scope.Get("big");
            Assert.Contains("does not fit in the 16-byte buffer", Assert.Throws<BufferException>(() => big.FromArrayInterface()).Message);
            Assert.Equal("ok", scope.Eval<string>("h.error_of(ba.append, 1)"));
        }
    }

    [SkippableFact]
    public void Raw_addresses_are_trusted_and_keep_their_owner_alive()
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            using var scope = NewScope();
            scope.Exec("""
                buf = (ctypes.c_double * 6)(*range(6))
                raw = h.InterfaceOnly({'typestr': '<f8', 'shape': (2, 3), 'data': (ctypes.addressof(buf), False), 'offset': 99}, owner=buf)
                """);
            using var raw = scope.Get("raw");
            var baseline = scope.Eval<long>("h.refcount(raw)");
            var buffer = raw.AcquireBuffer();
            Assert.Equal(scope.Eval<long>("ctypes.addressof(buf)"), buffer.Pointer); // offset is ignored with tuple data, as NumPy does
            Assert.Equal(5.0, *(double*)buffer.GetPointer([1, 2]));
            Assert.Equal(baseline + 1, scope.Eval<long>("h.refcount(raw)"));
            buffer.Dispose();
            Assert.Equal(baseline, scope.Eval<long>("h.refcount(raw)"));
        }
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "{'shape': (2,), 'data': (8, False)}", "Missing __array_interface__ typestr" },
        { "{'typestr': '<f8', 'data': (8, False)}", "Missing __array_interface__ shape" },
        { "{'typestr': '<f8', 'shape': [2], 'data': (8, False)}", "shape must be a tuple" },
        { "{'typestr': '<f8', 'shape': (2,), 'strides': (8, 8), 'data': (8, False)}", "mismatch in length of strides and shape" },
        { "{'typestr': '<M8[ns]', 'shape': (2,), 'data': (8, False)}", "keep the unit out of band" },
        { "{'typestr': '<x8', 'shape': (2,), 'data': (8, False)}", "data type '<x8' not understood" },
        { "{'typestr': '<f8', 'shape': (2,)}", "no 'data'" },
        { "{'typestr': '<f8', 'shape': (2,), 'data': (8,)}", "data must be a 2-tuple" },
        { "{'typestr': '<f8', 'shape': (2,), 'data': (0, False)}", "NULL address" },
        { "{'typestr': 5, 'shape': (2,), 'data': (8, False)}", "typestr must be a str or bytes" },
        { "[1, 2]", "not a dict" },
    };

    [SkippableTheory]
    [MemberData(nameof(Refusals))]
    public void Malformed_interfaces_are_refused_with_numpys_reason(string interface_, string reason)
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            using var scope = NewScope();
            scope.Exec($"o = h.InterfaceOnly({interface_})");
            using var o = scope.Get("o");
            Assert.Contains(reason, Assert.ThrowsAny<BufferException>(() => o.FromArrayInterface()).Message);
            Assert.Contains(reason, Assert.ThrowsAny<BufferException>(() => o.AcquireBuffer()).Message);
        }
    }

    [SkippableFact]
    public void An_object_with_neither_protocol_is_still_a_TypeError()
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            using var obj = new PyDict();
            Assert.Equal("TypeError", Assert.Throws<PythonBufferException>(() => obj.AcquireBuffer()).PythonTypeName);
            Assert.Equal("AttributeError", Assert.Throws<PythonBufferException>(() => obj.FromArrayInterface()).PythonTypeName);
        }
    }
}
