using System.Runtime.InteropServices;
using BufferProtocol.Exporters;
using BufferProtocol.Interop.NumPy;
using BufferProtocol.Protocol;
using BufferProtocol.Python.Interop;
using Python.Runtime;

namespace BufferProtocol.Python.Tests;

/// <summary>
/// <c>__array_struct__</c> both ways: the <c>PyArrayInterface</c> capsule of <c>NetBuffer</c> against the one NumPy 1.24
/// makes for the same memory, NumPy reading it from an object that has nothing else, lifetimes; imports from NumPy
/// arrays and hand-made structs.
/// </summary>
[Collection(PythonCollection.Name)]
public sealed unsafe class ArrayStructTests(PythonFixture python)
{
    private const int Aligned = PyArrayInterface.NPY_ARRAY_ALIGNED;
    private const int Compared = PyArrayInterface.NPY_ARRAY_C_CONTIGUOUS | PyArrayInterface.NPY_ARRAY_F_CONTIGUOUS |
        PyArrayInterface.NPY_ARRAY_NOTSWAPPED | PyArrayInterface.NPY_ARRAY_WRITEABLE;

    private static PyModule NewScope()
    {
        var scope = Py.CreateScope();
        scope.Exec("import numpy as np, gc, ctypes");
        scope.Set("h", InteropHelpers.Module);
        return scope;
    }

    public static TheoryData<string> Exporters => ArrayInterfaceTests.Exporters;

    [SkippableFact]
    public void The_struct_mirror_has_the_C_layout()
    {
        python.EnsureAvailable();
        Assert.Equal(PyArrayInterface.Size64, sizeof(PyArrayInterface));
        using (Py.GIL())
        {
            using var scope = NewScope();
            Assert.Equal(PyArrayInterface.Size64, scope.Eval<int>("ctypes.sizeof(h.PyArrayInterface)"));
            foreach (var field in new[] { "two", "nd", "typekind", "itemsize", "flags", "shape", "strides", "data", "descr" })
            {
                Assert.Equal((int)Marshal.OffsetOf<PyArrayInterface>(field), scope.Eval<int>($"h.PyArrayInterface.{field}.offset"));
            }
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Exporters))]
    public void The_exported_struct_is_the_one_numpy_makes_for_the_same_memory_and_numpy_reads_it(string name)
    {
        python.EnsureAvailable();
        using var exporter = ArrayInterfaceTests.Make(name);
        var record = name.Contains("record", StringComparison.Ordinal);
        using (Py.GIL())
        {
            using var scope = NewScope();
            using (var netObject = exporter.ToPython())
            {
                scope.Set("x", netObject);
            }
            scope.Exec("""
                b = np.asarray(x)                  # through the buffer protocol
                ours = h.decode_struct(x.__array_struct__)
                theirs = h.decode_struct(b.__array_struct__)
                a = np.asarray(h.StructOnly(x))    # through __array_struct__ alone
                """);
            foreach (var key in new[] { "two", "nd", "typekind", "itemsize", "shape", "strides" })
            {
                Assert.True(scope.Eval<bool>($"ours['{key}'] == theirs['{key}']"), scope.Eval<string>($"f\"{key}: {{ours['{key}']!r}} != {{theirs['{key}']!r}}\""));
            }
            Assert.True(scope.Eval<bool>("b.size == 0 or ours['data'] == theirs['data']"));
            // The flags of NumPy's array (NumPy 1.24's own struct of a record array has none: `flags &= NPY_ARR_HAS_DESCR`).
            scope.Exec("""
                expected = (b.flags.c_contiguous * 0x1 | b.flags.f_contiguous * 0x2 | b.flags.aligned * 0x100
                            | (b.dtype.byteorder in '=|') * 0x200 | b.flags.writeable * 0x400)
                """);
            var mask = record ? Compared : Compared | Aligned; // a record's alignment is not in its format
            Assert.Equal(scope.Eval<int>("expected") & mask, scope.Eval<int>("ours['flags']") & mask);
            if (!record)
            {
                Assert.Equal(scope.Eval<int>("theirs['flags']") & mask, scope.Eval<int>("ours['flags']") & mask);
            }
            // descr where typekind and itemsize do not say it all (NumPy 1.24 itself leaves out U's).
            var needsDescr = record || name == "ucs4";
            Assert.Equal(needsDescr, scope.Eval<bool>($"bool(ours['flags'] & {PyArrayInterface.NPY_ARR_HAS_DESCR})"));
            Assert.Equal(needsDescr, scope.Eval<bool>("ours['descr'] is not None"));
            if (needsDescr)
            {
                Assert.True(scope.Eval<bool>(record ? "ours['descr'] == repr(x.__array_interface__['descr'])" : "ours['descr'] == repr(x.__array_interface__['typestr'])"));
            }
            // NumPy's array over the struct alone is the same array, in place.
            Assert.True(scope.Eval<bool>("a.shape == b.shape and a.strides == b.strides and a.flags.writeable == b.flags.writeable"));
            Assert.True(scope.Eval<bool>("a.dtype.itemsize == b.dtype.itemsize and a.tobytes() == b.tobytes()"));
            Assert.True(scope.Eval<bool>("a.size == 0 or h.address(a) == h.address(b)"));
            if (!record && name != "subarray_item")
            {
                Assert.True(scope.Eval<bool>("a.dtype == b.dtype"), scope.Eval<string>("f'{a.dtype} != {b.dtype}'"));
            }
            scope.Exec("del a, b, ours, theirs; gc.collect()");
            Assert.Equal(1, exporter.ExportCount); // the interfaces' export, kept while the NetBuffer lives
            scope.Exec("del x; gc.collect()");
        }
        Assert.Equal(0, exporter.ExportCount);
    }

    [SkippableFact]
    public void The_capsule_keeps_the_NetBuffer_and_its_export_alive_and_numpy_writes_in_place()
    {
        python.EnsureAvailable();
        var data = new int[2, 3];
        using var exporter = ArrayExporter.Create<int>(data);
        using (Py.GIL())
        {
            using var scope = NewScope();
            using (var netObject = exporter.ToPython())
            {
                scope.Set("x", netObject);
            }
            scope.Exec("baseline = h.refcount(x); c = x.__array_struct__; held = h.refcount(x)");
            Assert.Equal(scope.Eval<long>("baseline") + 1, scope.Eval<long>("held"));
            scope.Exec("del x; gc.collect()"); // only the capsule holds the NetBuffer now
            Assert.Equal(1, exporter.ExportCount);
            scope.Exec("""
                s = h.decode_struct(c)
                a = np.ctypeslib.as_array(ctypes.cast(s['data'], ctypes.POINTER(ctypes.c_int32)), shape=s['shape'])
                a[1, 2] = 42
                """);
            Assert.Equal(42, data[1, 2]);
            Assert.Equal(Marshal.UnsafeAddrOfPinnedArrayElement(data, 0), (nint)scope.Eval<long>("s['data']"));
            scope.Exec("del a, c; gc.collect()");
            Assert.Equal(0, exporter.ExportCount);

            // Through NumPy: the array's base is the struct's carrier, which keeps the NetBuffer.
            using (var netObject = exporter.ToPython())
            {
                scope.Set("x", netObject);
            }
            scope.Exec("a = np.asarray(h.StructOnly(x)); del x; gc.collect(); a[0, 1] = 7");
            Assert.Equal(7, data[0, 1]);
            Assert.Equal(1, exporter.ExportCount);
            scope.Exec("del a; gc.collect()");
            Assert.Equal(0, exporter.ExportCount);
        }
    }

    public static TheoryData<string> NumPyArrays => ArrayInterfaceTests.NumPyArrays;

    [SkippableTheory]
    [MemberData(nameof(NumPyArrays))]
    public void Numpy_structs_import_in_place(string expression)
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            using var scope = NewScope();
            // The oracle is NumPy reading the same struct (r): NumPy 1.24's struct of a record array has no flags, so
            // both see read-only '|Vn' items; for 'U' NumPy takes the byte count for characters, this import does not.
            scope.Exec($$"""
                a = {{expression}}
                r = np.asarray(h.StructOnly(a))
                ri = r.__array_interface__
                ri = dict(ri, typestr=a.dtype.str, descr=a.__array_interface__['descr']) if a.dtype.kind == 'U' else ri
                del r
                gc.collect()
                """);
            using var array = scope.Get("a");
            var baseline = scope.Eval<long>("h.refcount(a)");
            using (var buffer = array.FromArrayStruct())
            {
                // Ours, and the capsule's: NumPy's capsule keeps its array as its context.
                Assert.Equal(baseline + 2, scope.Eval<long>("h.refcount(a)"));
                Assert.Equal(scope.Eval<long>("ri['data'][0]"), buffer.Pointer);
                Assert.Equal(scope.Eval<bool>("ri['data'][1]"), buffer.IsReadOnly);
                Assert.Equal(scope.Eval<string>("str(list(a.shape))"), "[" + string.Join(", ", buffer.Shape.ToArray()) + "]");
                if (!buffer.Layout.IsEmpty)
                {
                    Assert.Equal(scope.Eval<string>("str(list(a.strides))"), "[" + string.Join(", ", buffer.Strides.ToArray()) + "]");
                }
                var type = NumPyDType.FromFormat(buffer.Format!, buffer.ItemSize, out _);
                Assert.Equal(scope.Eval<string>("ri['typestr']"), type.TypeString);
                Assert.Equal(scope.Eval<string>("repr(ri['descr'])"), type.ToArrayInterfaceDescrLiteral());
                using var numpyView = array.AcquireBuffer(BufferRequest.FullRO);
                Assert.Equal(Copying.BufferCopy.ToArray(numpyView), Copying.BufferCopy.ToArray(buffer));
            }
            scope.Exec("gc.collect()");
            Assert.Equal(baseline, scope.Eval<long>("h.refcount(a)"));
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Exporters))]
    public void Our_own_struct_imports_back_to_the_same_memory_and_format(string name)
    {
        python.EnsureAvailable();
        using var exporter = ArrayInterfaceTests.Make(name);
        using var original = exporter.GetBuffer(BufferRequest.FullRO);
        using (Py.GIL())
        {
            using var netObject = exporter.ToPython();
            using (var buffer = netObject.FromArrayStruct())
            {
                Assert.Equal(original.Pointer, buffer.Pointer);
                Assert.Equal(original.IsReadOnly, buffer.IsReadOnly);
                var expected = NumPyDType.FromBuffer(original.Format, original.Layout, out var layout); // sub-array items become axes
                Assert.Equal(layout.Shape.ToArray(), buffer.Shape.ToArray());
                Assert.Equal(layout.ItemSize, buffer.ItemSize);
                Assert.Equal(layout.Strides.ToArray(), buffer.Strides.ToArray());
                Assert.Equal(expected.ToArrayInterfaceDescrLiteral(), NumPyDType.FromFormat(buffer.Format!, buffer.ItemSize, out _).ToArrayInterfaceDescrLiteral());
            }
        }
    }

    [SkippableFact]
    public void Hand_made_structs_follow_numpys_rules_for_NULL_strides_byte_order_and_writability()
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            using var scope = NewScope();
            var notSwapped = PyArrayInterface.NPY_ARRAY_NOTSWAPPED;
            var fortran = PyArrayInterface.NPY_ARRAY_F_CONTIGUOUS;
            var writeable = PyArrayInterface.NPY_ARRAY_WRITEABLE;
            scope.Exec($$"""
                mem = (ctypes.c_uint16 * 6)(*range(6))
                f = h.StructOnly(typekind='u', itemsize=2, flags={{notSwapped | fortran | writeable}}, shape=(2, 3), strides=None, data=ctypes.addressof(mem), owner=mem)
                swapped = h.StructOnly(typekind='u', itemsize=2, flags=0, shape=(6,), strides=None, data=ctypes.addressof(mem), owner=mem)
                """);
            using var f = scope.Get("f");
            using (var buffer = f.FromArrayStruct(BufferRequest.Full))
            {
                Assert.Equal(new nint[] { 2, 4 }, buffer.Strides.ToArray()); // NULL strides and only F_CONTIGUOUS: Fortran
                Assert.Equal(scope.Eval<string>("str(np.asarray(f).strides)"), $"({buffer.Strides[0]}, {buffer.Strides[1]})");
                *(ushort*)buffer.GetPointer([1, 2]) = 99;
            }
            Assert.Equal(99, scope.Eval<int>("mem[5]"));
            using var swapped = scope.Get("swapped");
            using (var buffer = swapped.FromArrayStruct())
            {
                Assert.True(buffer.IsReadOnly);
                Assert.Equal(">H", buffer.Format);
                Assert.Equal(scope.Eval<string>("np.asarray(swapped).dtype.str"), NumPyDType.FromFormat(buffer.Format!, 2, out _).TypeString);
                Assert.Throws<BufferException>(() => swapped.FromArrayStruct(BufferRequest.Writable));
            }
        }
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "h.StructOnly(typekind='f', itemsize=8, flags=0, shape=(2,), data=8, two=3)", "'two' is 3, not 2" },
        { "h.StructOnly(typekind='f', itemsize=8, flags=0, shape=(2,), data=8, name=b'x')", "not a PyCapsule without a name" },
        { "h.InterfaceOnly({}).__class__", "not a PyCapsule" },
        { "h.StructOnly(typekind='f', itemsize=3, flags=0, shape=(2,), data=8)", "typestr '>f3'" },
        { "h.StructOnly(typekind='f', itemsize=8, flags=0, shape=(2,), data=0)", "data is NULL" },
        { "h.StructOnly(typekind='M', itemsize=8, flags=0, shape=(2,), data=8)", "__array_struct__ typestr" },
    };

    [SkippableTheory]
    [MemberData(nameof(Refusals))]
    public void Malformed_structs_are_refused_with_the_reason(string expression, string reason)
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            using var scope = NewScope();
            scope.Exec($"o = {expression}");
            if (reason == "not a PyCapsule")
            {
                scope.Exec("o = h.StructOnly(h.InterfaceOnly({}))");
                scope.Exec("o.source.__array_struct__ = 5");
            }
            using var o = scope.Get("o");
            Assert.Contains(reason, Assert.ThrowsAny<BufferException>(() => o.FromArrayStruct()).Message);
        }
    }

    [SkippableFact]
    public void An_object_without_the_struct_is_an_AttributeError()
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            using var obj = new PyDict();
            Assert.Equal("AttributeError", Assert.Throws<PythonBufferException>(() => obj.FromArrayStruct()).PythonTypeName);
        }
    }
}
