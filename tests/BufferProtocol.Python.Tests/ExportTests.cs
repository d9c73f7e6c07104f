using System.Runtime.InteropServices;
using System.Security.Cryptography;
using BufferProtocol.Exporters;
using BufferProtocol.Protocol;
using Python.Runtime;

namespace BufferProtocol.Python.Tests;

/// <summary>.NET → Python: CPython's and NumPy's consumers read and write .NET memory in place.</summary>
[Collection(PythonCollection.Name)]
public sealed class ExportTests(PythonFixture python)
{
    [SkippableFact]
    public void Numpy_sees_a_dotnet_array_in_place_and_writes_are_visible_both_ways()
    {
        python.EnsureAvailable();
        var data = new double[2, 3];
        using var exporter = ArrayExporter.Create<double>(data);
        using (Py.GIL())
        {
            dynamic np = Py.Import("numpy");
            using var netObject = exporter.ToPython();
            using PyObject array = np.asarray(netObject);
            Assert.Equal(1, exporter.ExportCount);
            Assert.Equal(Marshal.UnsafeAddrOfPinnedArrayElement(data, 0), Address(array));
            Assert.Equal("float64", ((dynamic)array).dtype.name.ToString());
            Assert.True(((PyObject)((dynamic)array).flags.writeable).As<bool>());

            array.SetItem(ImportTests.Key(1, 2), new PyFloat(6.5));
            Assert.Equal(6.5, data[1, 2]);
            data[0, 1] = -1.25;
            Assert.Equal(-1.25, ImportTests.Item(array, 0, 1).As<double>());

            using PyObject frombuffer = np.frombuffer(netObject, dtype: "<f8");
            Assert.Equal(6, ((PyObject)((dynamic)frombuffer).size).As<int>());
            Assert.True(((PyObject)((dynamic)frombuffer).flags.writeable).As<bool>());
        }
    }

    [SkippableFact]
    public void Byte_consumers_that_ask_for_SIMPLE_buffers_read_dotnet_bytes()
    {
        python.EnsureAvailable();
        var bytes = Enumerable.Range(0, 1000).Select(i => (byte)(i % 251)).ToArray();
        var expectedSha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        using var exporter = ArrayExporter.Create(bytes);
        using (Py.GIL())
        {
            using var netObject = exporter.ToPython();
            using var scope = Py.CreateScope();
            scope.Set("x", netObject);
            scope.Exec("""
                import zlib, hashlib, struct
                expected = bytes(i % 251 for i in range(1000))
                as_bytes = bytes(x)
                crc_ok = zlib.crc32(x) == zlib.crc32(expected)
                sha = hashlib.sha256(x).hexdigest()
                unpacked = struct.unpack_from('<HI', x, 3)
                view = memoryview(x)
                view_ok = (view.format, view.itemsize, view.shape, view.readonly, view[999]) == ('B', 1, (1000,), False, 999 % 251)
                view[0] = 250
                view.release()
                """);
            Assert.Equal(Enumerable.Range(0, 1000).Select(i => (byte)(i % 251)), scope.Get("as_bytes").As<byte[]>());
            Assert.True(scope.Get("crc_ok").As<bool>());
            Assert.Equal(expectedSha, scope.Get("sha").As<string>());
            using var unpacked = scope.Get("unpacked");
            Assert.Equal(BitConverter.ToUInt16(bytes, 3), unpacked[0].As<int>());
            Assert.Equal(BitConverter.ToUInt32(bytes, 5), unpacked[1].As<uint>());
            Assert.True(scope.Get("view_ok").As<bool>());
        }
        Assert.Equal(250, bytes[0]);
        Assert.Equal(0, exporter.ExportCount);
    }

    [SkippableFact]
    public void Pillow_maps_a_dotnet_pixel_buffer_without_copying()
    {
        python.EnsureAvailable();
        var pixels = new byte[3, 4];
        using var exporter = ArrayExporter.Create<byte>(pixels);
        using (Py.GIL())
        {
            dynamic image = Py.Import("PIL.Image");
            using var netObject = exporter.ToPython();
            dynamic img = image.frombuffer("L", new PyTuple([new PyInt(4), new PyInt(3)]), netObject, "raw", "L", 0, 1);
            pixels[1, 2] = 77;
            Assert.Equal(77, ((PyObject)img.getpixel(new PyTuple([new PyInt(2), new PyInt(1)]))).As<int>());
            Assert.Equal(1, exporter.ExportCount);
            img.close();
        }
    }

    [SkippableFact]
    public void Fortran_read_only_and_indirect_layouts_reach_numpy_and_memoryview_as_they_are()
    {
        python.EnsureAvailable();
        using var fortran = NativeLayoutExporter.Fortran(2, 3, readOnly: true);
        using var pil = NativeLayoutExporter.Pil(3, 4);
        using (Py.GIL())
        {
            using var scope = Py.CreateScope();
            scope.Set("f", fortran.ToPython());
            scope.Set("p", pil.ToPython());
            scope.Exec("""
                import numpy as np, _testbuffer as tb
                a = np.asarray(f)
                fortran = (a.flags.f_contiguous, a.flags.writeable, a.strides, a.tolist())
                got_f = tb.ndarray(f, getbuf=tb.PyBUF_F_CONTIGUOUS).f_contiguous
                try:
                    memoryview(f).cast('B')
                    cast = 'ok'
                except TypeError as e:
                    cast = str(e)
                try:
                    tb.ndarray(f, getbuf=tb.PyBUF_WRITABLE | tb.PyBUF_STRIDES)
                    writable = 'ok'
                except BufferError as e:
                    writable = str(e)
                m = memoryview(p)
                pil = (m.suboffsets, m.tolist())
                try:
                    np.asarray(p)
                    numpy_pil = 'ok'
                except BufferError as e:
                    numpy_pil = type(e).__name__
                del a, m
                """);
            Assert.Equal("(True, False, (4, 8), [[0, 2, 4], [1, 3, 5]])", scope.Get("fortran").ToString());
            Assert.True(scope.Get("got_f").As<bool>());
            Assert.Contains("C-contiguous", scope.Get("cast").As<string>(), StringComparison.Ordinal);
            Assert.Equal("the buffer is not writable", scope.Get("writable").As<string>());
            Assert.Equal("((0, -1), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]])", scope.Get("pil").ToString());
            // NumPy refuses suboffsets (numpy issue #9456); the refusal is NumPy's, after a successful export.
            Assert.Equal("BufferError", scope.Get("numpy_pil").As<string>());
        }
        Assert.Equal(0, fortran.ExportCount);
        Assert.Equal(0, pil.ExportCount);
    }

    [SkippableFact]
    public void A_dotnet_exception_in_getbuffer_becomes_a_BufferError_with_its_message()
    {
        python.EnsureAvailable();
        var exporter = ArrayExporter.Create(new int[4]);
        using (Py.GIL())
        {
            using var netObject = exporter.ToPython();
            exporter.Dispose();
            using var scope = Py.CreateScope();
            scope.Set("x", netObject);
            scope.Exec("""
                try:
                    memoryview(x)
                    result = 'ok'
                except BufferError as e:
                    result = str(e)
                r = repr(x)
                try:
                    type(x)()
                    constructed = 'yes'
                except TypeError:
                    constructed = 'no'
                """);
            Assert.Contains("ObjectDisposedException", scope.Get("result").As<string>(), StringComparison.Ordinal);
            Assert.Equal("<bufferprotocol.NetBuffer of BufferProtocol.Exporters.ArrayExporter>", scope.Get("r").As<string>());
            Assert.Equal("no", scope.Get("constructed").As<string>());
        }
    }

    [SkippableFact]
    public void While_python_holds_an_export_the_dotnet_memory_cannot_be_resized_or_freed()
    {
        python.EnsureAvailable();
        var exporter = new ByteBuffer(new byte[16]);
        using (Py.GIL())
        {
            using var netObject = exporter.ToPython();
            using var scope = Py.CreateScope();
            scope.Set("x", netObject);
            scope.Exec("m = memoryview(x)");
            Assert.Equal(1, exporter.ExportCount);
            Assert.Equal(ByteBuffer.ResizeRefused, Assert.Throws<BufferException>(() => exporter.Append(1)).Message);
            Assert.Throws<BufferException>(() => exporter.Resize(32));
            // Dispose is deferred while exported: Python keeps reading valid memory.
            exporter.Dispose();
            scope.Exec("m[3] = 9; value = m[3]; m.release()");
            Assert.Equal(9, scope.Get("value").As<int>());
            Assert.Equal(0, exporter.ExportCount);
        }
    }

    private nint Address(PyObject array)
    {
        using var address = python.Helpers.InvokeMethod("data_address", array);
        return (nint)address.As<long>();
    }
}
