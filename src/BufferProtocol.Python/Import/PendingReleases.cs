using System.Collections.Concurrent;
using BufferProtocol.Python.Interop;
using Python.Runtime;

namespace BufferProtocol.Python.Import;

/// <summary>
/// Where every <c>PyBuffer_Release</c> of a Python buffer held by .NET happens, deadlock-free from any thread.
/// </summary>
/// <remarks>
/// <para><b>Rules.</b></para>
/// <list type="number">
/// <item>A release happens with the GIL held (<c>PyGILState_Ensure</c>, reentrant), and no .NET lock is held while
/// waiting for the GIL: a thread that holds the GIL may itself be waiting for any .NET lock.</item>
/// <item>Finalizers never wait for the GIL (the interpreter may be busy or shutting down): they queue the view (or,
/// for DLPack tensors Python produced, the deleter call).
/// The queue is drained by a background thread (which may wait for the GIL) and by every release and acquisition
/// that already holds it.</item>
/// <item>Once the interpreter is finalising or gone, nothing calls into it: the native <c>Py_buffer</c> is freed
/// and the Python side is abandoned with the interpreter. pythonnet's shutdown handler closes the gate: it marks
/// shutdown, lets releases already waiting for the GIL finish (releasing the GIL meanwhile if it holds it), then
/// drains the queue one last time.</item>
/// </list>
/// </remarks>
internal static class PendingReleases
{
    private static readonly ConcurrentQueue<nint> s_queue = new();
    private static readonly ConcurrentQueue<(nint Deleter, nint Tensor)> s_deleters = new();
    private static readonly SemaphoreSlim s_signal = new(0);
    private static readonly Lock s_startGate = new();
    private static Thread? s_drainer;
    private static int s_inFlight;
    private static int s_shutdown;
    private static int s_released;

    /// <summary>Views and DLPack deleters queued by finalizers and not yet released.</summary>
    public static int Count => s_queue.Count + s_deleters.Count;

    /// <summary>True when nothing is queued.</summary>
    private static bool IsEmpty => s_queue.IsEmpty && s_deleters.IsEmpty;

    /// <summary>Total number of Python buffers released through here (for tests).</summary>
    public static int ReleasedCount => Volatile.Read(ref s_released);

    /// <summary>Starts the drainer thread and hooks pythonnet's shutdown, once.</summary>
    public static void EnsureStarted()
    {
        if (s_drainer is not null)
        {
            return;
        }
        lock (s_startGate)
        {
            if (s_drainer is not null)
            {
                return;
            }
            PythonEngine.AddShutdownHandler(OnShutdown);
            var thread = new Thread(DrainLoop) { IsBackground = true, Name = "BufferProtocol.Python releases" };
            thread.Start();
            s_drainer = thread;
        }
    }

    /// <summary>Queues a view for release (finalizer-safe: never blocks).</summary>
    public static void Enqueue(nint view)
    {
        s_queue.Enqueue(view);
        s_signal.Release();
    }

    /// <summary>
    /// Queues the deleter of a DLPack tensor that Python produced, for a call with the GIL (finalizer-safe: never
    /// blocks). Producers such as NumPy 1.24 drop Python references in their deleters without taking the GIL.
    /// </summary>
    public static void EnqueueDeleter(nint deleter, nint tensor)
    {
        s_deleters.Enqueue((deleter, tensor));
        s_signal.Release();
    }

    /// <summary>
    /// Calls the deleter of a DLPack tensor that Python produced now, with the GIL; once Python is gone it is not
    /// called (the tensor belongs to the dead interpreter).
    /// </summary>
    public static void CallDeleterNow(nint deleter, nint tensor)
    {
        Interlocked.Increment(ref s_inFlight);
        try
        {
            if (Volatile.Read(ref s_shutdown) != 0 || !CPython.IsAlive)
            {
                return;
            }
            var gil = CPython.PyGILState_Ensure();
            try
            {
                DLPackCapsules.CallDeleter(deleter, tensor);
                DrainWithGil();
            }
            finally
            {
                CPython.PyGILState_Release(gil);
            }
        }
        finally
        {
            Interlocked.Decrement(ref s_inFlight);
        }
    }

    /// <summary>Releases <paramref name="view"/> now with the GIL (or abandons it once Python is gone), then frees it.</summary>
    public static void ReleaseNow(nint view)
    {
        Interlocked.Increment(ref s_inFlight);
        try
        {
            if (Volatile.Read(ref s_shutdown) != 0 || !CPython.IsAlive)
            {
                PyBufferView.Free(view);
                return;
            }
            var gil = CPython.PyGILState_Ensure();
            try
            {
                ReleaseWithGil(view);
                DrainWithGil();
            }
            finally
            {
                CPython.PyGILState_Release(gil);
            }
        }
        finally
        {
            Interlocked.Decrement(ref s_inFlight);
        }
    }

    /// <summary>Releases every queued view; the caller holds the GIL and the interpreter is alive.</summary>
    public static void DrainWithGil()
    {
        while (s_queue.TryDequeue(out var view))
        {
            ReleaseWithGil(view);
        }
        while (s_deleters.TryDequeue(out var pending))
        {
            DLPackCapsules.CallDeleter(pending.Deleter, pending.Tensor);
        }
    }

    /// <summary>Waits until the queue is empty (for tests and orderly shutdown); the caller must not hold the GIL.</summary>
    public static bool WaitUntilDrained(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        s_signal.Release();
        while (!IsEmpty)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            Thread.Sleep(1);
        }
        return true;
    }

    private static void ReleaseWithGil(nint view)
    {
        CPython.PyBuffer_Release(view);
        PyBufferView.Free(view);
        Interlocked.Increment(ref s_released);
    }

    private static void DrainLoop()
    {
        while (true)
        {
            s_signal.Wait();
            if (IsEmpty)
            {
                continue;
            }
            Interlocked.Increment(ref s_inFlight);
            try
            {
                if (Volatile.Read(ref s_shutdown) != 0 || !CPython.IsAlive)
                {
                    AbandonAll();
                    continue;
                }
                var gil = CPython.PyGILState_Ensure();
                try
                {
                    DrainWithGil();
                }
                finally
                {
                    CPython.PyGILState_Release(gil);
                }
            }
            finally
            {
                Interlocked.Decrement(ref s_inFlight);
            }
        }
    }

    private static void OnShutdown()
    {
        Interlocked.Exchange(ref s_shutdown, 1);
        Export.NetBufferType.Reset();
        // Releases that saw the gate open may be waiting for the GIL: let them finish first.
        if (Volatile.Read(ref s_inFlight) != 0)
        {
            var holdsGil = CPython.PyGILState_Check() != 0;
            var saved = holdsGil ? CPython.PyEval_SaveThread() : 0;
            SpinWait.SpinUntil(() => Volatile.Read(ref s_inFlight) == 0);
            if (holdsGil)
            {
                CPython.PyEval_RestoreThread(saved);
            }
        }
        if (CPython.Py_IsInitialized() != 0)
        {
            var gil = CPython.PyGILState_Ensure();
            try
            {
                DrainWithGil();
            }
            finally
            {
                CPython.PyGILState_Release(gil);
            }
        }
        else
        {
            AbandonAll();
        }
    }

    private static void AbandonAll()
    {
        while (s_queue.TryDequeue(out var view))
        {
            PyBufferView.Free(view);
        }
        // Tensors that Python produced die with the interpreter: their deleters would call into it.
        s_deleters.Clear();
    }
}
