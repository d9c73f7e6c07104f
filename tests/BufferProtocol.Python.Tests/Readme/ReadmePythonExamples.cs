// The README's Python examples (see tests/BufferProtocol.Tests/Readme/ReadmeExamples.cs for how they are kept in sync).
// begin-snippet: PythonUsings
using BufferProtocol.Exporters;
using BufferProtocol.Interop.DLPack;
using BufferProtocol.Protocol;
using BufferProtocol.Python;
using BufferProtocol.Views;
using Python.Runtime;
using static BufferProtocol.Formats.ItemValueComparer;
// end-snippet

// Not under BufferProtocol.Python, so that the usings are the ones a reader needs.
namespace BufferProtocol.Tests.Readme;

public static class ReadmePythonExamples
{
    public static void NumPyBothWays()
    {
        // begin-snippet: NumPyBothWays
        PythonHost.Initialize();        // Debian's libpython3.11 (or BUFFERPROTOCOL_PYTHON_DLL); false if Python already runs
        using (Py.GIL())
        {
            dynamic np = Py.Import("numpy");

            // .NET → NumPy: numpy.asarray sees the .NET array in place (pinned while NumPy holds it).
            var values = new double[2, 3];
            using var exporter = ArrayExporter.Create<double>(values);
            using PyObject netBuffer = exporter.ToPython();
            dynamic a = np.asarray(netBuffer);
            a[1] = new PyFloat(7.5);                 // NumPy writes row 1 of the .NET array
            Console.WriteLine($"{a.dtype} {a.shape}, values[1, 2] = {values[1, 2]}");

            // NumPy → .NET: any dtype, any strides, no copy.
            PyObject transposed = np.arange(12.0).reshape(3, 4).T;
            using (AcquiredBuffer buffer = transposed.AcquireBuffer(BufferRequest.FullRO))
            {
                Console.WriteLine($"'{buffer.Format}' {buffer.Layout}");
            }

            // Structured dtypes arrive with their PEP 3118 format (the FORMAT request pythonnet's PyBuffer crashes on).
            PyObject records = np.zeros(2, dtype: PythonEngine.Eval("[('id', '<u4'), ('pos', '<f4', (2,))]"));
            using var view = MemoryView.FromBuffer(records.AcquireBuffer());
            Console.WriteLine($"{view}: {Format(view.ToList())}");
        }
        // end-snippet
    }

    public static void DLPackAndArrayInterface()
    {
        // begin-snippet: DLPackAndArrayInterface
        using (Py.GIL())
        {
            dynamic np = Py.Import("numpy");
            float[] values = [1, 2, 3, 4];
            using var exporter = MemoryExporter.Create<float>(values);
            using PyObject netBuffer = exporter.ToPython();

            // .NET → NumPy by DLPack (NumPy 1.24 asks for the legacy capsule and imports it read-only).
            dynamic shared = np.from_dlpack(netBuffer);
            Console.WriteLine($"{shared} writeable={shared.flags.writeable}");

            // The array interface NumPy would publish for the same memory ('data' is the address).
            dynamic ai = netBuffer.GetAttr("__array_interface__");
            Console.WriteLine($"typestr {ai["typestr"]}, shape {ai["shape"]}, strides {ai["strides"]}, version {ai["version"]}");

            // NumPy → .NET by DLPack: the producer's deleter runs (with the GIL) when the tensor is released.
            PyObject array = np.arange(6.0).reshape(2, 3);
            using (DLPackTensor tensor = array.FromDLPack())
            using (var m = new MemoryView(tensor))
            {
                Console.WriteLine($"{m}: {Format(m.ToList())}");
            }
        }
        // end-snippet
    }
}
