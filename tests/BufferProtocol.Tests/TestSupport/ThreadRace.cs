namespace BufferProtocol.Tests.TestSupport;

/// <summary>Thread helpers for lifetime tests: run on another thread, and race readers against a release.</summary>
public static class ThreadRace
{
    /// <summary>Runs <paramref name="action"/> on a new thread and rethrows its failure here.</summary>
    public static void OnAnotherThread(Action action)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw new InvalidOperationException("the action failed on its thread", failure);
        }
    }

    /// <summary>
    /// Starts <paramref name="readers"/> threads that call <c>read(reader, n)</c> for n = 0, 1, … until it throws
    /// <see cref="ObjectDisposedException"/>, calls <paramref name="release"/> after spinning <paramref name="spin"/>
    /// iterations, and fails with the first reader failure of any other kind.
    /// </summary>
    public static void ReadersAgainstRelease(int readers, int spin, Action<int, int> read, Action release)
    {
        using var start = new Barrier(readers + 1);
        var failures = new Exception?[readers];
        var threads = Enumerable.Range(0, readers).Select(r => new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                for (var n = 0; ; n++)
                {
                    read(r, n);
                }
            }
            catch (ObjectDisposedException)
            {
            }
            catch (Exception e)
            {
                failures[r] = e;
            }
        })).ToArray();
        Array.ForEach(threads, t => t.Start());
        start.SignalAndWait();
        Thread.SpinWait(spin);
        release();
        Array.ForEach(threads, t => t.Join());
        Assert.All(failures, Assert.Null);
    }
}
