using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BufferProtocol.Exporters;
using BufferProtocol.Protocol;
using BufferProtocol.Python.Import;
using BufferProtocol.Tests.TestSupport;
using Python.Runtime;

namespace BufferProtocol.Python.Tests;

/// <summary>
/// Exactly-once release, reference counts and export counts back to baseline, releases from finalizers and other
/// threads without deadlock, and concurrent use with correct GIL handling.
/// </summary>
[Collection(PythonCollection.Name)]
public sealed class LifetimeTests(PythonFixture python)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public void Reference_counts_return_to_baseline_after_release_in_both_directions()
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            dynamic np = Py.Import("numpy");
            using PyObject array = np.arange(10.0);
            var baseline = RefCount(array);
            var buffer = array.AcquireBuffer(BufferRequest.FullRO);
            Assert.Equal(baseline + 1, RefCount(array)); // Py_buffer.obj
            buffer.Dispose();
            buffer.Dispose(); // exactly once: the second release does nothing
            Assert.Equal(baseline, RefCount(array));

            using var exporter = ArrayExporter.Create(new int[8]);
            using var netObject = exporter.ToPython();
            var netBaseline = RefCount(netObject);
            using var scope = Py.CreateScope();
            scope.Set("x", netObject);
            scope.Exec("m = memoryview(x)");
            Assert.Equal(1, exporter.ExportCount);
            scope.Exec("m.release(); del m");
            scope.Exec("del x");
            Assert.Equal(netBaseline, RefCount(netObject));
            Assert.Equal(0, exporter.ExportCount);
        }
    }

    [SkippableFact]
    public void A_bytearray_refuses_to_resize_while_dotnet_holds_its_buffer()
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            using var scope = Py.CreateScope();
            scope.Exec("data = bytearray(b'abc')");
            using var data = scope.Get("data");
            var buffer = data.AcquireBuffer(BufferRequest.Simple);
            Assert.Equal("BufferError", TryAppend(scope));
            buffer.Dispose();
            Assert.Equal("ok", TryAppend(scope));
        }
    }

    [SkippableFact]
    public void A_buffer_that_is_never_disposed_is_released_once_its_finalizer_has_run()
    {
        python.EnsureAvailable();
        var scope = NewByteArrayScope(out var data, out var baseline);
        var released = PendingReleases.ReleasedCount;
        AcquireAndDrop(data);
        using (Py.GIL())
        {
            Assert.Equal("BufferError", TryAppend(scope));
        }
        CollectUntil(() => PendingReleases.ReleasedCount > released || PendingReleases.Count > 0);
        Assert.True(PythonBuffers.DrainPendingReleases());
        Assert.True(PendingReleases.WaitUntilDrained(s_timeout));
        AssertReleasedThenDispose(scope, data, baseline);
    }

    [SkippableFact]
    public void Finalizers_do_not_wait_for_a_GIL_held_elsewhere_and_the_release_happens_once_it_is_free()
    {
        python.EnsureAvailable();
        var scope = NewByteArrayScope(out var data, out var baseline);
        AcquireAndDrop(data);

        using var holding = new ManualResetEventSlim();
        using var finished = new ManualResetEventSlim();
        var holder = new Thread(() =>
        {
            using (Py.GIL())
            {
                holding.Set();
                finished.Wait(s_timeout);
            }
        });
        holder.Start();
        Assert.True(holding.Wait(s_timeout));
        // With the GIL held by another thread, the finalizer must still complete.
        var finalizers = Task.Run(() =>
        {
            for (var i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        });
        Assert.True(finalizers.Wait(s_timeout), "a finalizer blocked while another thread held the GIL");
        finished.Set();
        holder.Join();

        Assert.True(PendingReleases.WaitUntilDrained(s_timeout));
        AssertReleasedThenDispose(scope, data, baseline);
    }

    [SkippableFact]
    public void A_buffer_acquired_on_one_thread_can_be_released_on_another()
    {
        python.EnsureAvailable();
        var scope = NewByteArrayScope(out var data, out var baseline);
        var buffer = data.AcquireBuffer(BufferRequest.Writable);
        Assert.True(Task.Run(buffer.Dispose).Wait(s_timeout));
        AssertReleasedThenDispose(scope, data, baseline);
    }

    [SkippableFact]
    public void Several_threads_import_and_export_concurrently_and_every_count_returns_to_baseline()
    {
        python.EnsureAvailable();
        PyObject array, netObject;
        var values = Enumerable.Range(0, 64).ToArray();
        using var exporter = ArrayExporter.Create(values);
        long baseline, netBaseline;
        using (Py.GIL())
        {
            dynamic np = Py.Import("numpy");
            array = np.arange(64, dtype: "<i8").reshape(8, 8).T;
            netObject = exporter.ToPython();
            baseline = RefCount(array);
            netBaseline = RefCount(netObject);
        }
        var threads = Enumerable.Range(0, 4).Select(t => Task.Factory.StartNew(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                using (var buffer = array.AcquireBuffer(BufferRequest.StridedRO))
                {
                    Assert.Equal(8 * (i % 8) + t, ReadInt64(buffer, t, i % 8));
                }
                if (i % 4 == 0)
                {
                    using (Py.GIL())
                    {
                        using var builtins = Py.Import("builtins");
                        using var view = builtins.InvokeMethod("memoryview", netObject);
                        Assert.Equal(values[i % 64], view.GetItem(i % 64).As<int>());
                        view.InvokeMethod("release").Dispose();
                    }
                }
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        Assert.True(Task.WaitAll(threads, s_timeout), "threads did not finish: deadlock?");
        using (Py.GIL())
        {
            Assert.Equal(baseline, RefCount(array));
            Assert.Equal(netBaseline, RefCount(netObject));
            array.Dispose();
            netObject.Dispose();
        }
        Assert.Equal(0, exporter.ExportCount);
    }

    [SkippableFact]
    public void The_python_object_keeps_the_dotnet_exporter_alive_until_python_frees_it()
    {
        python.EnsureAvailable();
        var (weak, netObject) = ExportAndForget();
        CollectUntil(() => false, rounds: 3);
        Assert.True(weak.IsAlive);
        using (Py.GIL())
        {
            using var builtins = Py.Import("builtins");
            using var copy = builtins.InvokeMethod("bytes", netObject);
            Assert.Equal(new byte[] { 1, 2, 3 }, copy.As<byte[]>());
            netObject.Dispose(); // last Python reference: tp_dealloc frees the GC handle
        }
        CollectUntil(() => !weak.IsAlive);
        Assert.False(weak.IsAlive);
    }

    private static unsafe long ReadInt64(AcquiredBuffer buffer, int i, int j) => *(long*)buffer.GetPointer([i, j]);

    private PyModule NewByteArrayScope(out PyObject data, out long baseline)
    {
        using (Py.GIL())
        {
            var scope = Py.CreateScope();
            scope.Exec("data = bytearray(b'abc')");
            data = scope.Get("data");
            baseline = RefCount(data);
            return scope;
        }
    }

    /// <summary>The bytearray is back to its baseline reference count and resizable; then the scope is disposed (with the GIL, as pythonnet requires).</summary>
    private void AssertReleasedThenDispose(PyModule scope, PyObject data, long baseline)
    {
        using (Py.GIL())
        {
            Assert.Equal(baseline, RefCount(data));
            Assert.Equal("ok", TryAppend(scope));
            data.Dispose();
            scope.Dispose();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AcquireAndDrop(PyObject data) => data.AcquireBuffer(BufferRequest.Simple);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference, PyObject) ExportAndForget()
    {
        var exporter = ArrayExporter.Create(new byte[] { 1, 2, 3 });
        return (new WeakReference(exporter), exporter.ToPython());
    }

    // The release thread drains what a finalizer queued; a short pause between rounds lets it take the GIL.
    private static void CollectUntil(Func<bool> done, int rounds = 20) =>
        Finalization.CollectUntil(done, rounds, afterEachRound: () => Thread.Sleep(10));

    private static string TryAppend(PyModule scope)
    {
        scope.Exec("""
            try:
                data.append(100)
                data.pop()
                result = 'ok'
            except BufferError:
                result = 'BufferError'
            """);
        return scope.Get("result").As<string>();
    }

    private long RefCount(PyObject obj)
    {
        using var count = python.Helpers.InvokeMethod("refcount", obj);
        return count.As<long>();
    }
}

/// <summary>A 1 GiB buffer crosses the boundary in constant time: the address on both sides is the same.</summary>
[Collection(PythonCollection.Name)]
public sealed class LargeBufferTests(PythonFixture python)
{
    private const int OneGiB = 1 << 30;

    [SkippableFact]
    public void A_1_GiB_dotnet_array_reaches_numpy_at_the_same_address()
    {
        python.EnsureAvailable();
        var big = GC.AllocateUninitializedArray<byte>(OneGiB, pinned: true);
        big[OneGiB - 1] = 7;
        using var exporter = ArrayExporter.Create(big);
        using (Py.GIL())
        {
            dynamic np = Py.Import("numpy");
            using var netObject = exporter.ToPython();
            using PyObject array = np.frombuffer(netObject, dtype: "u1");
            using var address = python.Helpers.InvokeMethod("data_address", array);
            Assert.Equal(Marshal.UnsafeAddrOfPinnedArrayElement(big, 0), (nint)address.As<long>());
            Assert.Equal(OneGiB, ((PyObject)((dynamic)array).nbytes).As<long>());
            Assert.Equal(7, ImportTests.Item(array, OneGiB - 1).As<int>());
        }
        GC.KeepAlive(big);
    }

    [SkippableFact]
    public void A_1_GiB_numpy_array_reaches_dotnet_at_the_same_address()
    {
        python.EnsureAvailable();
        using (Py.GIL())
        {
            dynamic np = Py.Import("numpy");
            using PyObject array = np.empty(OneGiB, dtype: "u1");
            using var address = python.Helpers.InvokeMethod("data_address", array);
            using var buffer = array.AcquireBuffer(BufferRequest.Contig);
            Assert.Equal((nint)address.As<long>(), buffer.Pointer);
            Assert.Equal(OneGiB, buffer.Length);
        }
    }
}
