using BufferProtocol.Views;

namespace BufferProtocol.Tests.Views.Typed;

/// <summary>An action on a lease (a ref struct cannot be captured by a lambda, but can be passed to one).</summary>
internal delegate void LeaseAction<T>(in ReadOnlyMemoryViewLease<T> lease) where T : unmanaged;

/// <summary><c>Assert.Throws</c> for actions on leases.</summary>
internal static class LeaseAssert
{
    public static TException Throws<TException, T>(in ReadOnlyMemoryViewLease<T> lease, LeaseAction<T> action)
        where TException : Exception where T : unmanaged
    {
        try
        {
            action(in lease);
        }
        catch (Exception e)
        {
            Assert.IsType<TException>(e);
            return (TException)e;
        }
        throw Xunit.Sdk.ThrowsException.ForNoException(typeof(TException));
    }
}
