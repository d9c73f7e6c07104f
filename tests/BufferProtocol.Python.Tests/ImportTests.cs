using System.Runtime.InteropServices;
using BufferProtocol.Protocol;
using Python.Runtime;

namespace BufferProtocol.Python.Tests;

/// <summary>Python → .NET: any Python exporter becomes an <see cref="AcquiredBuffer"/> over the same memory.</summary>
[Collection(PythonCollection.Name)]
public sealed unsafe class ImportTests(PythonFixture python)
{
    [SkippableFact]
    public void A_numpy_array_is_seen_in_place_and_writes_are_visible_both_ways()
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            dynamic np = Py.Import("numpy");
            using PyObject array = np.arange(12, dtype: "<i4").reshape(3, 4);
            using var buffer = array.AcquireBuffer(BufferRequest.FullRO);
            Assert.Equal(DataAddress(array), buffer.Pointer);
            Assert.Equal("i", buffer.Format);
            Assert.Equal([3, 4], buffer.Shape.ToArray());

            // .NET writes, NumPy reads.
            *(int*)buffer.GetPointer([2, 3]) = -7;
            Assert.Equal(-7, Item(array, 2, 3).As<int>());
            // NumPy writes, .NET reads.
            array.SetItem(Key(1, 2), new PyInt(99));
            Assert.Equal(99, *(int*)buffer.GetPointer([1, 2]));
        }
    }

    [SkippableFact]
    public void Transposed_sliced_and_reversed_numpy_arrays_keep_their_strides_and_base()
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            using var scope = Py.CreateScope();
            scope.Exec("import numpy as np");
            using var view = scope.Eval("np.arange(40, dtype='<i8').reshape(5, 8).T[::-3][1:]");
            using var buffer = view.AcquireBuffer(BufferRequest.StridedRO);
            Assert.Equal(DataAddress(view), buffer.Pointer);
            Assert.Equal([-24, 64], buffer.Strides.ToArray());
            // Every element agrees with NumPy's own indexing.
            var shape = buffer.Shape.ToArray();
            for (nint i = 0; i < shape[0]; i++)
            {
                for (nint j = 0; j < shape[1]; j++)
                {
                    Assert.Equal(Item(view, (int)i, (int)j).As<long>(), *(long*)buffer.GetPointer([i, j]));
                }
            }
        }
    }

    [SkippableFact]
    public void A_request_numpy_cannot_meet_raises_its_ValueError_as_a_PythonBufferException()
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            dynamic np = Py.Import("numpy");
            using PyObject transposed = np.arange(6).reshape(2, 3).T;
            var e = Assert.Throws<PythonBufferException>(() => transposed.AcquireBuffer(BufferRequest.CContiguous));
            Assert.Equal("ValueError", e.PythonTypeName);
            Assert.Contains("ndarray is not C-contiguous", e.Message, StringComparison.Ordinal);
            Assert.IsAssignableFrom<BufferException>(e);

            using var notABuffer = new PyInt(3);
            Assert.Equal("TypeError", Assert.Throws<PythonBufferException>(() => notABuffer.AcquireBuffer()).PythonTypeName);
            Assert.False(PythonBuffers.IsBufferExporter(notABuffer));
            Assert.True(PythonBuffers.IsBufferExporter(transposed));
        }
    }

    [SkippableFact]
    public void Bytes_bytearray_array_and_mmap_are_seen_in_place()
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            using var bytes = python.Helpers.InvokeMethod("make", new PyString("bytes"));
            using (var buffer = bytes.AcquireBuffer(BufferRequest.Simple))
            {
                Assert.True(buffer.IsReadOnly);
                Assert.Equal(DataAddress(bytes), buffer.Pointer);
                Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, buffer.GetContiguousBytes().ToArray());
                Assert.Throws<PythonBufferException>(() => bytes.AcquireBuffer(BufferRequest.Writable));
            }

            using var bytearray = python.Helpers.InvokeMethod("make", new PyString("bytearray"));
            using (var buffer = bytearray.AcquireBuffer(BufferRequest.Writable))
            {
                Assert.Equal(DataAddress(bytearray), buffer.Pointer);
                buffer.GetWritableContiguousBytes()[0] = 42;
            }
            Assert.Equal(42, ((PyObject)((dynamic)bytearray)[0]).As<int>());

            dynamic mmap = python.Helpers.InvokeMethod("make", new PyString("mmap"));
            using (var buffer = ((PyObject)mmap).AcquireBuffer(BufferRequest.Contig))
            {
                buffer.GetWritableContiguousBytes()[15] = 200;
            }
            Assert.Equal(200, ((PyObject)mmap[15]).As<int>());
            mmap.close();
        }
    }

    [SkippableFact]
    public void A_PIL_image_made_over_a_bytearray_shares_its_pixels_with_dotnet()
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            dynamic image = Py.Import("PIL.Image");
            dynamic builtins = Py.Import("builtins");
            using PyObject pixels = builtins.bytearray(12);
            dynamic img = image.frombuffer("L", new PyTuple([new PyInt(4), new PyInt(3)]), pixels, "raw", "L", 0, 1);
            using (var buffer = pixels.AcquireBuffer(BufferRequest.Writable))
            {
                buffer.GetWritableContiguousBytes()[1 * 4 + 2] = 77;
            }
            Assert.Equal(77, ((PyObject)img.getpixel(new PyTuple([new PyInt(2), new PyInt(1)]))).As<int>());
        }
    }

    [SkippableFact]
    public void A_python_exporter_wrapped_for_dotnet_can_be_exported_back_to_python_without_copying()
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            dynamic np = Py.Import("numpy");
            using PyObject original = np.zeros(new PyTuple([new PyInt(2), new PyInt(3)]), dtype: "<f8");
            var exporter = original.AsBufferExporter();
            using var roundTrip = exporter.ToPython();
            using PyObject again = np.asarray(roundTrip);
            Assert.Equal(DataAddress(original), DataAddress(again));
            again.SetItem(Key(1, 1), new PyFloat(2.5));
            Assert.Equal(2.5, Item(original, 1, 1).As<double>());
            Assert.Same(exporter, PythonBuffers.GetNetExporter(roundTrip));
            Assert.Null(PythonBuffers.GetNetExporter(original));
            using var buffer = exporter.GetBuffer(BufferRequest.FullRO);
            Assert.Same(exporter, buffer.Owner);
        }
    }

    [Fact]
    public void Py_buffer_has_the_64_bit_CPython_ABI_layout()
    {
        // Offsets as measured with offsetof() against CPython 3.11's pybuffer.h (interop-protocols.md §1.4).
        Assert.Equal(Interop.Py_buffer.Size, sizeof(Interop.Py_buffer));
        string[] fields = ["buf", "obj", "len", "itemsize", "readonly", "ndim", "format", "shape", "strides", "suboffsets", "internal"];
        long[] offsets = [0, 8, 16, 24, 32, 36, 40, 48, 56, 64, 72];
        for (var i = 0; i < fields.Length; i++)
        {
            Assert.Equal(offsets[i], (long)Marshal.OffsetOf<Interop.Py_buffer>(fields[i]));
        }
    }

    /// <summary><c>array.item(*indices)</c>: a Python scalar pythonnet converts (NumPy scalars it does not).</summary>
    internal static PyObject Item(PyObject array, params int[] indices) =>
        array.InvokeMethod("item", [.. indices.Select(i => (PyObject)new PyInt(i))]);

    internal static PyTuple Key(params int[] indices) => new([.. indices.Select(i => (PyObject)new PyInt(i))]);

    private nint DataAddress(PyObject obj)
    {
        using (Py.GIL())
        {
            using var address = python.Helpers.InvokeMethod("data_address", obj);
            return (nint)address.As<long>();
        }
    }
}
