using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using BufferProtocol.Tensors;
using Python.Runtime;

namespace BufferProtocol.Python.Tests;

/// <summary>
/// System.Numerics.Tensors → NumPy: a <see cref="Tensor{T}"/> exported with <see cref="TensorExporter{T}"/> is seen by
/// <c>numpy.asarray</c> in place, and a permuted or sliced tensor (which shares its parent's array) arrives with the
/// address and strides NumPy itself gives the same view of the parent.
/// </summary>
[Collection(PythonCollection.Name)]
public sealed class TensorExportTests(PythonFixture python)
{
    [SkippableFact]
    public void Numpy_sees_a_tensor_in_place_and_writes_are_visible_both_ways()
    {
        python.EnsureAvailable();
        var data = Enumerable.Range(0, 12).Select(i => (double)i).ToArray();
        var tensor = Tensor.Create(data, [3, 4]);
        using var exporter = TensorExporter<double>.Create(tensor);
        using (Py.GIL())
        {
            using var scope = Py.CreateScope();
            scope.Exec("import numpy as np");
            using (var netObject = exporter.ToPython())
            {
                scope.Set("x", netObject);
            }
            scope.Exec("a = np.asarray(x); address = a.ctypes.data; a[1, 2] = 42.0");
            Assert.Equal(1, exporter.ExportCount);
            // NumPy holds the export, so the array is pinned and its address is stable.
            Assert.Equal((long)Marshal.UnsafeAddrOfPinnedArrayElement(data, 0), scope.Eval<long>("address"));
            Assert.Equal("float64 (3, 4) (32, 8) True", scope.Eval<string>("f'{a.dtype} {a.shape} {a.strides} {a.flags.writeable}'"));
            Assert.Equal(42.0, tensor[1, 2]);
            tensor[2, 3] = -1.5;
            Assert.Equal(-1.5, scope.Eval<double>("float(a[2, 3])"));
            scope.Exec("del a, x");
        }
        PythonBuffers.DrainPendingReleases();
        Assert.Equal(0, exporter.ExportCount);
    }

    [SkippableFact]
    public void Permuted_and_sliced_tensors_arrive_as_numpys_own_views_of_the_parent()
    {
        python.EnsureAvailable();
        var data = Enumerable.Range(0, 24).Select(i => (float)i).ToArray();
        var parent = Tensor.Create(data, [4, 6]);
        using var whole = TensorExporter<float>.Create(parent);
        using var permuted = TensorExporter<float>.Create(Tensor.PermuteDimensions(parent, [1, 0]));
        using var sliced = TensorExporter<float>.Create(parent.Slice(1..4, 2..5));
        using (Py.GIL())
        {
            using var scope = Py.CreateScope();
            scope.Exec("import numpy as np");
            foreach (var (name, exporter) in new[] { ("base", whole), ("p", permuted), ("s", sliced) })
            {
                using var netObject = exporter.ToPython();
                scope.Set(name + "_net", netObject);
            }
            scope.Exec("""
                base = np.asarray(base_net)
                p = np.asarray(p_net)
                s = np.asarray(s_net)
                def describe(v):
                    return [v.ctypes.data, list(v.shape), list(v.strides), v.tolist()]
                """);
            // NumPy's own transpose and slice of the parent are the oracle.
            Assert.Equal(scope.Eval<string>("repr(describe(base.T))"), scope.Eval<string>("repr(describe(p))"));
            Assert.Equal(scope.Eval<string>("repr(describe(base[1:4, 2:5]))"), scope.Eval<string>("repr(describe(s))"));
            Assert.False(scope.Eval<bool>("p.flags.c_contiguous"));

            // Writes through the strided NumPy views land in the tensor's array, and the other way round.
            scope.Exec("s[2, 0] = 100.0; p[5, 0] = -3.0");
            Assert.Equal(100f, data[3 * 6 + 2]);
            Assert.Equal(-3f, data[0 * 6 + 5]);
            parent[1, 4] = 7.25f;
            Assert.Equal(7.25, scope.Eval<double>("float(s[0, 2])"));
            Assert.Equal(7.25, scope.Eval<double>("float(p[4, 1])"));
            scope.Exec("del base, p, s, base_net, p_net, s_net");
        }
        PythonBuffers.DrainPendingReleases();
        Assert.All(new[] { whole, permuted, sliced }, e => Assert.Equal(0, e.ExportCount));
    }
}
