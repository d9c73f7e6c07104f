namespace BufferProtocol.Views;

/// <summary>
/// The "in use" hold of one typed lease on its view. Leases are <c>ref struct</c>s and can be copied; the hold lives
/// in this object so that ending it twice — disposing two copies of one lease — leaves the view's count exact.
/// </summary>
internal sealed class LeaseToken
{
    private readonly MemoryView _view;
    private int _ended;

    /// <summary>Takes over one "in use" count the caller has already entered on <paramref name="view"/>.</summary>
    public LeaseToken(MemoryView view) => _view = view;

    /// <summary>True once the lease has been disposed (by any copy).</summary>
    public bool IsEnded => Volatile.Read(ref _ended) != 0;

    /// <summary>Leaves the view's "in use" count, once.</summary>
    public void End()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _view.ExitOperation();
        }
    }
}
