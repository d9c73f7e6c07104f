namespace BufferProtocol.Interop.DLPack;

/// <summary>How <c>DLPackBuffers.Export</c> and <c>DLPackBuffers.ExportLegacy</c> hand a buffer over.</summary>
/// <param name="Copy">
/// False (the default): never copy — the tensor is the exporter's memory, and anything DLPack cannot describe in place
/// (suboffsets, byte strides that are not a multiple of the item size, non-native byte order) is refused. True: always
/// export a fresh C-contiguous, native-order, writable copy (<c>IS_COPIED</c> in the versioned struct); the copy
/// resolves suboffsets, odd strides and byte order. The array API's <c>copy=None</c> ("copy if needed") is treated as
/// False: this library never copies unless asked.
/// </param>
/// <param name="Version">
/// The version written into a <see cref="DLManagedTensorVersioned"/>; null for <see cref="DLPackBuffers.Version"/>. Its major
/// must be 1. Ignored by the legacy export.
/// </param>
public readonly record struct DLPackExportOptions(bool Copy = false, DLPackVersion? Version = null);
