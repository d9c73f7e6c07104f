namespace BufferProtocol.Interop.DLPack;

/// <summary>
/// Calls the deleter of an imported managed tensor under the rules of the host that produced it. Without one, the
/// deleter is called directly on whichever thread releases the tensor, finalizer thread included — right for
/// producers that follow the spec ("the deleter may be called from any thread").
/// </summary>
/// <remarks>
/// Hosts whose deleters need a lock supply an invoker: NumPy 1.24's deleter drops a reference to the array without
/// taking the GIL, so the Python layer takes the GIL around it and, from a finalizer, queues the call instead of
/// waiting for the GIL. <c>deleter</c> is the C function pointer <c>void (*)(void* self)</c> (both managed-tensor
/// structs have that signature) and <c>managedTensor</c> its argument.
/// </remarks>
public interface IDLPackDeleterInvoker
{
    /// <summary>Calls <c>deleter(managedTensor)</c> now, on this thread (which may be any thread).</summary>
    /// <param name="deleter">The deleter; never zero.</param>
    /// <param name="managedTensor">The <c>DLManagedTensor*</c> or <c>DLManagedTensorVersioned*</c>.</param>
    void Invoke(nint deleter, nint managedTensor);

    /// <summary>
    /// Arranges for <c>deleter(managedTensor)</c> to be called soon, without blocking: called from a finalizer when the
    /// imported tensor was never disposed.
    /// </summary>
    /// <param name="deleter">The deleter; never zero.</param>
    /// <param name="managedTensor">The <c>DLManagedTensor*</c> or <c>DLManagedTensorVersioned*</c>.</param>
    void InvokeFromFinalizer(nint deleter, nint managedTensor);
}
