namespace BufferProtocol.Tests.TestSupport;

/// <summary>Lifetime tests that need a finalizer to have run: collect until the effect is seen.</summary>
/// <remarks>Also compiled into BufferProtocol.Python.Tests (linked), whose releases may need a drain as well.</remarks>
public static class Finalization
{
    /// <summary>
    /// Collects and waits for finalizers until <paramref name="done"/> holds, at most <paramref name="rounds"/> times
    /// (one round is usually enough; more absorb objects a previous round only made unreachable). The caller asserts
    /// afterwards, so a finalizer that never runs still fails the test.
    /// </summary>
    /// <param name="done">The effect the finalizer has (an export count back to zero, a weak reference cleared).</param>
    /// <param name="rounds">The most collections to try.</param>
    /// <param name="afterEachRound">Work that completes a release after the finalizer queued it (e.g. draining a queue).</param>
    public static void CollectUntil(Func<bool> done, int rounds = 10, Action? afterEachRound = null)
    {
        for (var i = 0; i < rounds && !done(); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            afterEachRound?.Invoke();
        }
    }
}
