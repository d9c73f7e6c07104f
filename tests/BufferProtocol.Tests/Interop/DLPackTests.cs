using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BufferProtocol.Exporters;
using BufferProtocol.Formats;
using BufferProtocol.Interop.DLPack;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;
using BufferProtocol.Tests.TestSupport;
using BufferProtocol.Views;

namespace BufferProtocol.Tests.Interop;

/// <summary>DLPack in the core library: the ABI mirrors, export → import round trips over every exporter, refusals, deleters.</summary>
public sealed unsafe class DLPackTests
{
    [Fact]
    public void Structs_have_the_sizes_and_offsets_of_dlpack_h()
    {
        // interop-protocols §5.1 (measured with offsetof on x86-64).
        Assert.Equal(8, sizeof(DLPackVersion));
        Assert.Equal(8, sizeof(DLDevice));
        Assert.Equal(4, sizeof(DLDataType));
        Assert.Equal(48, sizeof(DLTensor));
        Assert.Equal(64, sizeof(DLManagedTensor));
        Assert.Equal(80, sizeof(DLManagedTensorVersioned));

        Assert.Equal([0, 4], Offsets<DLPackVersion>("major", "minor"));
        Assert.Equal([0, 4], Offsets<DLDevice>("device_type", "device_id"));
        Assert.Equal([0, 1, 2], Offsets<DLDataType>("code", "bits", "lanes"));
        Assert.Equal([0, 8, 16, 20, 24, 32, 40], Offsets<DLTensor>("data", "device", "ndim", "dtype", "shape", "strides", "byte_offset"));
        Assert.Equal([0, 48, 56], Offsets<DLManagedTensor>("dl_tensor", "manager_ctx", "deleter"));
        Assert.Equal([0, 8, 16, 24, 32], Offsets<DLManagedTensorVersioned>("version", "manager_ctx", "deleter", "flags", "dl_tensor"));
        Assert.Equal(4, sizeof(DLDeviceType));
        Assert.Equal(1UL, DLManagedTensorVersioned.DLPACK_FLAG_BITMASK_READ_ONLY);
        Assert.Equal(2UL, DLManagedTensorVersioned.DLPACK_FLAG_BITMASK_IS_COPIED);
        Assert.Equal(4UL, DLManagedTensorVersioned.DLPACK_FLAG_BITMASK_IS_SUBBYTE_TYPE_PADDED);
    }

    private static int[] Offsets<T>(params string[] fields) => [.. fields.Select(f => (int)Marshal.OffsetOf<T>(f))];

    public static TheoryData<string> ExporterNames => [.. Exporters.Keys];

    /// <summary>Every library exporter, with the element type and shape DLPack must report.</summary>
    private static readonly Dictionary<string, Func<(IBufferExporter Exporter, IDisposable Owner)>> Exporters = new()
    {
        ["array_double_2x3"] = () => Own(ArrayExporter.Create<double>(new double[2, 3])),
        ["array_int_1d"] = () => Own(ArrayExporter.Create(new[] { 1, 2, 3, 4 })),
        ["memory_half"] = () => Own(MemoryExporter.Create<Half>(new Half[6].AsMemory(), [3, 2])),
        ["memory_readonly_long"] = () => Own(MemoryExporter.CreateReadOnly<long>(new long[5].AsMemory())),
        ["native_fortran_float"] = () => Own(NativeBuffer.Create<float>([3, 4], ContiguityOrder.Fortran)),
        ["native_reversed_short"] = () => Own(NativeBuffer.Create("h", BufferLayout.Create(2, [3, 2], [-4, 2]), 8, 12)),
        ["native_zero_stride"] = () => Own(NativeBuffer.Create("I", BufferLayout.Create(4, [4, 3], [0, 4]), 0, 12)),
        ["native_complex_0d"] = () => Own(NativeBuffer.Create("Zd", BufferLayout.Scalar(16), 0, 16)),
        ["native_bool"] = () => Own(NativeBuffer.Create("?", BufferLayout.Create(1, [5], [1]), 0, 5)),
        ["native_subarray_item"] = () => Own(NativeBuffer.Create("(2,3)f", BufferLayout.Create(24, [2], [24]), 0, 48)),
        ["native_empty"] = () => Own(NativeBuffer.Create("q", BufferLayout.Create(8, [0, 3], [24, 8]), 0, 0)),
        ["bytebuffer"] = () => Own(new ByteBuffer([1, 2, 3])),
        ["mapped_anonymous"] = () => Own(MappedFileExporter.CreateAnonymous(64)),
    };

    private static (IBufferExporter, IDisposable) Own<T>(T exporter) where T : IBufferExporter, IDisposable => (exporter, exporter);

    [Theory]
    [MemberData(nameof(ExporterNames))]
    public void Versioned_export_and_import_share_memory_over_every_exporter(string name)
    {
        var (exporter, owner) = Exporters[name]();
        using var _ = owner;
        var live = DLPackBuffers.LiveExportCount;
        using var reference = exporter.GetBuffer(BufferRequest.FullRO);
        var managed = DLPackBuffers.Export(exporter);
        Assert.Equal(DLPackBuffers.Version, managed->version);
        Assert.Equal(reference.IsReadOnly, (managed->flags & DLManagedTensorVersioned.DLPACK_FLAG_BITMASK_READ_ONLY) != 0);
        Assert.Equal(0UL, managed->flags & DLManagedTensorVersioned.DLPACK_FLAG_BITMASK_IS_COPIED);
        CheckTensor(managed->dl_tensor, reference);

        using (var imported = DLPackBuffers.Import(managed))
        using (var buffer = imported.GetBuffer(BufferRequest.FullRO))
        {
            Assert.Equal(reference.Pointer, buffer.Pointer);
            Assert.Equal(reference.IsReadOnly, buffer.IsReadOnly);
            Assert.Equal(ElementLayout(reference), buffer.Layout);
            Assert.Equal(DLDevice.Cpu, imported.Device);
            Assert.Equal(DLPackBuffers.Version, imported.Version);
            Assert.False(imported.IsDeleted);
        }
        // Disposing the import ran our deleter: the export is released and the struct freed.
        Assert.Equal(live, DLPackBuffers.LiveExportCount);
        Assert.Equal(1, ((BufferExporter)exporter).ExportCount);
    }

    [Theory]
    [MemberData(nameof(ExporterNames))]
    public void Legacy_export_and_import_share_memory_unless_the_memory_is_read_only_or_bool(string name)
    {
        var (exporter, owner) = Exporters[name]();
        using var _ = owner;
        using var reference = exporter.GetBuffer(BufferRequest.FullRO);
        if (reference.IsReadOnly || reference.Format == "?")
        {
            var e = Assert.Throws<BufferException>(() => DLPackBuffers.ExportLegacy(exporter));
            Assert.Contains(reference.IsReadOnly ? "read-only" : "kDLBool", e.Message);
            Assert.Equal(1, ((BufferExporter)exporter).ExportCount);
            return;
        }
        var managed = DLPackBuffers.ExportLegacy(exporter);
        CheckTensor(managed->dl_tensor, reference);
        using (var imported = DLPackBuffers.ImportLegacy(managed, writable: true))
        using (var buffer = imported.GetBuffer(BufferRequest.Full))
        {
            Assert.Equal(reference.Pointer, buffer.Pointer);
            Assert.Equal(ElementLayout(reference), buffer.Layout);
            Assert.Null(imported.Version);
        }
        Assert.Equal(1, ((BufferExporter)exporter).ExportCount);
    }

    [Fact]
    public void Writes_are_visible_both_ways_and_the_exporter_stays_pinned_until_the_deleter()
    {
        var data = new double[2, 3];
        using var exporter = ArrayExporter.Create<double>(data);
        var managed = DLPackBuffers.Export(exporter);
        Assert.Equal(1, exporter.ExportCount);
        var tensor = (double*)managed->dl_tensor.data;
        tensor[4] = 7.5;
        Assert.Equal(7.5, data[1, 1]);
        data[0, 2] = -1;
        Assert.Equal(-1, tensor[2]);
        Assert.Equal(Marshal.UnsafeAddrOfPinnedArrayElement(data, 0), (nint)tensor);
        Assert.Equal(new long[] { 2, 3 }, new ReadOnlySpan<long>(managed->dl_tensor.shape, 2).ToArray());
        Assert.Equal(new long[] { 3, 1 }, new ReadOnlySpan<long>(managed->dl_tensor.strides, 2).ToArray());
        Assert.Equal(new DLDataType(DLDataTypeCode.kDLFloat, 64), managed->dl_tensor.dtype);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        Assert.Equal(Marshal.UnsafeAddrOfPinnedArrayElement(data, 0), (nint)tensor);
        DLPackBuffers.Delete(managed);
        Assert.Equal(0, exporter.ExportCount);
    }

    [Fact]
    public void A_MemoryView_slice_exports_its_strides_and_keeps_the_view_exported_until_the_deleter()
    {
        using var native = NativeBuffer.Create<int>([4, 6]);
        using var buffer = native.GetBuffer(BufferRequest.FullRO);
        var all = new Span<int>((void*)buffer.Pointer, 24);
        for (var i = 0; i < 24; i++)
        {
            all[i] = i;
        }
        using var view = new MemoryView(native, MemoryViewMode.Extended);
        using var slice = view["1:, ::-2"];
        var managed = DLPackBuffers.Export(slice);
        Assert.Equal(new long[] { 3, 3 }, new ReadOnlySpan<long>(managed->dl_tensor.shape, 2).ToArray());
        Assert.Equal(new long[] { 6, -2 }, new ReadOnlySpan<long>(managed->dl_tensor.strides, 2).ToArray());
        Assert.Equal(11, *(int*)managed->dl_tensor.data); // row 1, column 5
        Assert.Throws<BufferException>(slice.Dispose); // a view refuses release while re-exported, as memoryview does
        DLPackBuffers.Delete(managed);
    }

    [Fact]
    public void The_deleter_may_run_on_another_thread()
    {
        using var exporter = NativeBuffer.Create<int>([1000]);
        var managed = (nint)DLPackBuffers.Export(exporter);
        var thread = new Thread(() => DLPackBuffers.Delete((DLManagedTensorVersioned*)managed));
        thread.Start();
        thread.Join();
        Assert.Equal(0, exporter.ExportCount);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "T{i:a:d:b:}", "records" },
        { "id", "records" },
        { "5s", "strings" },
        { "3w", "strings" },
        { "O", "Python objects" },
        { "P", "only integers" },
        { "c", "byte characters" },
        { "g", "long double" },
        { "Zg", "long double" },
        { "4x", "only integers" },
        { "(2)T{h:x:}", "records" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Formats_DLPack_cannot_describe_are_refused_by_both_structs_even_with_a_copy(string format, string reason)
    {
        var itemSize = BufferFormat.Parse(format).ItemSize;
        using var native = NativeBuffer.Create(format, BufferLayout.Create(itemSize, [2], [itemSize]), 0, 2 * itemSize);
        foreach (var copy in new[] { false, true })
        {
            Assert.Contains(reason, Assert.Throws<BufferException>(() => DLPackBuffers.Export(native, new(Copy: copy))).Message);
            Assert.Contains(reason, Assert.Throws<BufferException>(() => DLPackBuffers.ExportLegacy(native, new(Copy: copy))).Message);
        }
        Assert.Equal(0, native.ExportCount);
    }

    [Fact]
    public void Layouts_DLPack_cannot_describe_in_place_are_refused_without_a_copy_and_copied_with_one()
    {
        // Big-endian int32 1..6 in a 2x3 array, and the same values at an odd byte stride and through suboffsets.
        var bigEndian = Enumerable.Range(1, 6).SelectMany(v => new byte[] { 0, 0, 0, (byte)v }).ToArray();
        using var swapped = NativeBuffer.Create(">i", BufferLayout.Create(4, [2, 3], [12, 4]), 0, 24, contents: bigEndian);
        var odd = new byte[36];
        for (var v = 0; v < 6; v++)
        {
            BitConverter.GetBytes(v + 1).CopyTo(odd, v * 6);
        }
        using var oddStrides = NativeBuffer.Create("i", BufferLayout.Create(4, [2, 3], [18, 6]), 0, 36, contents: odd);
        var plain = Enumerable.Range(1, 6).SelectMany(BitConverter.GetBytes).ToArray();
        using var pil = NativeBuffer.CreateIndirect("i", BufferLayout.Create(4, [2, 3], [12, 4]), 0, 24, contents: plain);

        Assert.Contains("native byte order", Assert.Throws<BufferException>(() => DLPackBuffers.Export(swapped)).Message);
        Assert.Contains("multiple of the item size", Assert.Throws<BufferException>(() => DLPackBuffers.Export(oddStrides)).Message);
        Assert.Contains("suboffsets", Assert.Throws<BufferException>(() => DLPackBuffers.Export(pil)).Message);

        foreach (var exporter in new BufferExporter[] { swapped, oddStrides, pil })
        {
            var managed = DLPackBuffers.Export(exporter, new(Copy: true));
            Assert.Equal(DLManagedTensorVersioned.DLPACK_FLAG_BITMASK_IS_COPIED, managed->flags);
            Assert.Equal(0, exporter.ExportCount); // the copy does not hold the source
            Assert.Equal(new DLDataType(DLDataTypeCode.kDLInt, 32), managed->dl_tensor.dtype);
            Assert.Equal(new long[] { 3, 1 }, new ReadOnlySpan<long>(managed->dl_tensor.strides, 2).ToArray());
            Assert.Equal(Enumerable.Range(1, 6), new ReadOnlySpan<int>(managed->dl_tensor.data, 6).ToArray());
            using var imported = DLPackBuffers.Import(managed);
            Assert.True(imported.IsCopied);
            Assert.False(imported.IsReadOnly);
        }
        var legacy = DLPackBuffers.ExportLegacy(swapped, new(Copy: true));
        Assert.Equal(Enumerable.Range(1, 6), new ReadOnlySpan<int>(legacy->dl_tensor.data, 6).ToArray());
        DLPackBuffers.Delete(legacy);
    }

    [Fact]
    public void A_copy_of_read_only_memory_is_writable_and_exportable_as_legacy()
    {
        using var exporter = MemoryExporter.CreateReadOnly<double>(new[] { 1.5, 2.5 }.AsMemory());
        var legacy = DLPackBuffers.ExportLegacy(exporter, new(Copy: true));
        Assert.Equal(new[] { 1.5, 2.5 }, new ReadOnlySpan<double>(legacy->dl_tensor.data, 2).ToArray());
        using var imported = DLPackBuffers.ImportLegacy(legacy, writable: true);
        using var buffer = imported.GetBuffer(BufferRequest.Full);
        Assert.Equal(0, exporter.ExportCount);
    }

    [Fact]
    public void Odd_strides_on_axes_of_extent_one_and_empty_tensors_are_exported_with_C_strides()
    {
        using var single = NativeBuffer.Create("i", BufferLayout.Create(4, [1, 3], [1001, 4]), 0, 12);
        var managed = DLPackBuffers.Export(single);
        Assert.Equal(new long[] { 3, 1 }, new ReadOnlySpan<long>(managed->dl_tensor.strides, 2).ToArray());
        DLPackBuffers.Delete(managed);
    }

    [Fact]
    public void An_unsupported_version_is_refused_by_the_export_options()
    {
        using var exporter = NativeBuffer.Create<int>([2]);
        Assert.Throws<ArgumentException>(() => DLPackBuffers.Export(exporter, new(Version: new DLPackVersion(2, 0))));
        Assert.Equal(0, exporter.ExportCount);
        var managed = DLPackBuffers.Export(exporter, new(Version: new DLPackVersion(1, 0)));
        Assert.Equal(new DLPackVersion(1, 0), managed->version);
        DLPackBuffers.Delete(managed);
    }

    // ---- import of foreign tensors, with a deleter that counts -------------------------------------------------

    [Fact]
    public void Null_strides_mean_C_order_and_byte_offset_is_added()
    {
        var data = Enumerable.Range(0, 8).Select(i => (float)i).ToArray();
        using var foreign = ForeignTensor.Create(data, [2, 3], strides: null, byteOffset: 8, new DLDataType(DLDataTypeCode.kDLFloat, 32));
        using (var imported = DLPackBuffers.Import(foreign.Managed))
        using (var buffer = imported.GetBuffer(BufferRequest.Full))
        {
            Assert.Equal("f", buffer.Format);
            Assert.Equal(new nint[] { 12, 4 }, buffer.Strides.ToArray());
            Assert.Equal(foreign.Data + 8, buffer.Pointer);
            Assert.Equal(2f, *(float*)buffer.Pointer);
            Assert.Equal(0, foreign.DeleterCalls);
        }
        Assert.Equal(1, foreign.DeleterCalls);
    }

    [Fact]
    public void Element_strides_become_byte_strides_and_flags_are_honoured()
    {
        var data = new short[12];
        using var foreign = ForeignTensor.Create(data, [3, 2], strides: [1, 3], byteOffset: 0, new DLDataType(DLDataTypeCode.kDLInt, 16),
            flags: DLManagedTensorVersioned.DLPACK_FLAG_BITMASK_READ_ONLY);
        using var imported = DLPackBuffers.Import(foreign.Managed);
        Assert.True(imported.IsReadOnly);
        Assert.Throws<BufferException>(() => imported.GetBuffer(BufferRequest.Writable));
        using var buffer = imported.GetBuffer(BufferRequest.FullRO);
        Assert.Equal(new nint[] { 2, 6 }, buffer.Strides.ToArray());
        Assert.True(buffer.Layout.IsFContiguous);
    }

    public static TheoryData<byte, byte, string> ImportedTypes => new()
    {
        { 0, 8, "b" }, { 0, 16, "h" }, { 0, 32, "i" }, { 0, 64, "q" },
        { 1, 8, "B" }, { 1, 16, "H" }, { 1, 32, "I" }, { 1, 64, "Q" },
        { 2, 16, "e" }, { 2, 32, "f" }, { 2, 64, "d" }, { 5, 64, "Zf" }, { 5, 128, "Zd" }, { 6, 8, "?" },
    };

    [Theory]
    [MemberData(nameof(ImportedTypes))]
    public void Every_supported_type_code_imports_with_its_format(byte code, byte bits, string format)
    {
        using var foreign = ForeignTensor.Create(new byte[32], [2], strides: null, 0, new DLDataType((DLDataTypeCode)code, bits));
        using (var imported = DLPackBuffers.Import(foreign.Managed))
        using (var buffer = imported.GetBuffer(BufferRequest.FullRO))
        {
            Assert.Equal(format, buffer.Format);
            Assert.Equal(bits / 8, buffer.ItemSize);
        }
        Assert.Equal(1, foreign.DeleterCalls);
    }

    public static TheoryData<string> ImportRefusals => ["major2", "lanes", "cuda", "bfloat", "float128", "int24", "fp8", "null_data", "no_shape", "ndim65"];

    [Theory]
    [MemberData(nameof(ImportRefusals))]
    public void Refused_imports_call_the_deleter_exactly_once(string kind)
    {
        var dtype = kind switch
        {
            "lanes" => new DLDataType(DLDataTypeCode.kDLFloat, 32, 4),
            "bfloat" => new DLDataType(DLDataTypeCode.kDLBfloat, 16),
            "float128" => new DLDataType(DLDataTypeCode.kDLFloat, 128),
            "int24" => new DLDataType(DLDataTypeCode.kDLInt, 24),
            "fp8" => new DLDataType(DLDataTypeCode.kDLFloat8_e4m3fn, 8),
            _ => new DLDataType(DLDataTypeCode.kDLFloat, 32),
        };
        using var foreign = ForeignTensor.Create(new byte[64], [2], strides: null, 0, dtype);
        var m = foreign.Managed;
        switch (kind)
        {
            case "major2": m->version = new DLPackVersion(2, 0); break;
            case "cuda": m->dl_tensor.device = new DLDevice(DLDeviceType.kDLCUDA, 0); break;
            case "null_data": m->dl_tensor.data = null; break;
            case "no_shape": m->dl_tensor.shape = null; break;
            case "ndim65": m->dl_tensor.ndim = 65; break;
        }
        var e = Assert.Throws<BufferException>(() => DLPackBuffers.Import(m));
        Assert.Equal(1, foreign.DeleterCalls);
        Assert.Contains(kind switch
        {
            "major2" => "major version 2",
            "lanes" => "lanes = 4",
            "cuda" => "unsupported device",
            "bfloat" => "bfloat16",
            "float128" => "128 bits",
            "int24" => "24 bits",
            "fp8" => "fp8",
            "null_data" => "NULL data",
            "no_shape" => "no shape",
            _ => "65 dimensions",
        }, e.Message);
    }

    [Theory]
    [InlineData(DLDeviceType.kDLCUDAHost)]
    [InlineData(DLDeviceType.kDLROCMHost)]
    [InlineData(DLDeviceType.kDLCUDAManaged)]
    public void Host_accessible_devices_are_imported_as_NumPy_accepts_them(DLDeviceType device)
    {
        using var foreign = ForeignTensor.Create(new int[4], [4], strides: null, 0, new DLDataType(DLDataTypeCode.kDLInt, 32));
        foreign.Managed->dl_tensor.device = new DLDevice(device, 1);
        using var imported = DLPackBuffers.Import(foreign.Managed);
        Assert.Equal(new DLDevice(device, 1), imported.Device);
    }

    [Fact]
    public void The_deleter_waits_for_the_last_export_and_runs_once_however_often_it_is_released()
    {
        using var foreign = ForeignTensor.Create(new int[4], [4], strides: null, 0, new DLDataType(DLDataTypeCode.kDLInt, 32));
        var imported = DLPackBuffers.Import(foreign.Managed);
        var a = imported.GetBuffer(BufferRequest.FullRO);
        var b = imported.GetBuffer(BufferRequest.Simple);
        imported.Dispose();
        Assert.Equal(0, foreign.DeleterCalls);
        a.Dispose();
        Assert.Equal(0, foreign.DeleterCalls);
        b.Dispose();
        b.Dispose();
        imported.Dispose();
        Assert.Equal(1, foreign.DeleterCalls);
        Assert.True(imported.IsDeleted);
    }

    [Fact]
    public void A_tensor_never_disposed_is_deleted_by_the_finalizer()
    {
        using var foreign = ForeignTensor.Create(new int[4], [4], strides: null, 0, new DLDataType(DLDataTypeCode.kDLInt, 32));
        ImportAndDrop(foreign);
        Finalization.CollectUntil(() => foreign.DeleterCalls > 0);
        Assert.Equal(1, foreign.DeleterCalls);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ImportAndDrop(ForeignTensor foreign) => _ = DLPackBuffers.Import(foreign.Managed);

    [Fact]
    public void Legacy_imports_are_read_only_unless_declared_writable_and_a_null_deleter_is_allowed()
    {
        var data = new double[3];
        var handle = GCHandle.Alloc(data, GCHandleType.Pinned);
        try
        {
            var shape = stackalloc long[] { 3 };
            var managed = (DLManagedTensor*)NativeMemory.AllocZeroed((nuint)sizeof(DLManagedTensor));
            managed->dl_tensor = new DLTensor
            {
                data = (void*)handle.AddrOfPinnedObject(), device = DLDevice.Cpu, ndim = 1,
                dtype = new DLDataType(DLDataTypeCode.kDLFloat, 64), shape = shape,
            };
            using (var imported = DLPackBuffers.ImportLegacy(managed))
            {
                Assert.True(imported.IsReadOnly);
                Assert.Throws<BufferException>(() => imported.GetBuffer(BufferRequest.Writable));
            }
            using (var imported = DLPackBuffers.ImportLegacy(managed, writable: true))
            using (var buffer = imported.GetBuffer(BufferRequest.Full))
            {
                *(double*)buffer.Pointer = 4;
            }
            Assert.Equal(4, data[0]);
            NativeMemory.Free(managed);
        }
        finally
        {
            handle.Free();
        }
    }

    [Fact]
    public void Our_own_export_imported_back_round_trips_through_the_legacy_struct_with_its_deleter()
    {
        using var exporter = NativeBuffer.Create<ulong>([4, 5]);
        var legacy = DLPackBuffers.ExportLegacy(exporter);
        var live = DLPackBuffers.LiveExportCount;
        using (var imported = DLPackBuffers.ImportLegacy(legacy, writable: true))
        {
            Assert.Equal(new DLDataType(DLDataTypeCode.kDLUInt, 64), imported.DataType);
            Assert.Equal("Q", imported.Format);
        }
        Assert.Equal(live - 1, DLPackBuffers.LiveExportCount);
        Assert.Equal(0, exporter.ExportCount);
    }

    private static void CheckTensor(in DLTensor tensor, AcquiredBuffer reference)
    {
        var layout = ElementLayout(reference);
        Assert.Equal(reference.Pointer, (nint)tensor.data);
        Assert.Equal(DLDevice.Cpu, tensor.device);
        Assert.Equal(layout.Rank, tensor.ndim);
        Assert.Equal(0UL, tensor.byte_offset);
        Assert.Equal(8 * layout.ItemSize, tensor.dtype.bits);
        Assert.Equal(1, tensor.dtype.lanes);
        if (layout.Rank == 0)
        {
            return;
        }
        Assert.True(tensor.strides != null, "strides are always filled (DLPack 1.2)");
        for (var i = 0; i < layout.Rank; i++)
        {
            Assert.Equal(layout.Shape[i], tensor.shape[i]);
            if (layout.Shape[i] > 1)
            {
                Assert.Equal(layout.Strides[i], tensor.strides[i] * layout.ItemSize);
            }
        }
    }

    /// <summary>The layout DLPack describes: a top-level sub-array item spread into dimensions.</summary>
    private static BufferLayout ElementLayout(AcquiredBuffer buffer)
    {
        var format = BufferFormat.Parse(buffer.Format!);
        if (format.Root is not SubArrayType sub)
        {
            return buffer.Layout;
        }
        var shape = buffer.Layout.Shape.ToArray().Concat(sub.Shape).ToArray();
        var strides = buffer.Layout.Strides.ToArray().Concat(BufferLayout.Contiguous(sub.Element.Size, sub.Shape.AsSpan()).Strides.ToArray()).ToArray();
        return BufferLayout.Create(sub.Element.Size, shape, strides);
    }
}

/// <summary>
/// A <see cref="DLManagedTensorVersioned"/> made by a "foreign" producer: pinned data, native shape/strides, and a deleter
/// that counts its calls (through a GC handle in <c>manager_ctx</c>, so that tests running in parallel do not share a counter).
/// </summary>
internal sealed unsafe class ForeignTensor : IDisposable
{
    private GCHandle _data;
    private GCHandle _self;
    private int _deleterCalls;

    private ForeignTensor()
    {
    }

    public DLManagedTensorVersioned* Managed { get; private set; }

    public nint Data => _data.AddrOfPinnedObject();

    public int DeleterCalls => Volatile.Read(ref _deleterCalls);

    public static ForeignTensor Create(Array data, long[] shape, long[]? strides, ulong byteOffset, DLDataType dtype, ulong flags = 0)
    {
        var foreign = new ForeignTensor { _data = GCHandle.Alloc(data, GCHandleType.Pinned) };
        foreign._self = GCHandle.Alloc(foreign);
        var block = (byte*)NativeMemory.AllocZeroed((nuint)(sizeof(DLManagedTensorVersioned) + 16 * shape.Length));
        var managed = (DLManagedTensorVersioned*)block;
        var dims = (long*)(block + sizeof(DLManagedTensorVersioned));
        shape.CopyTo(new Span<long>(dims, shape.Length));
        strides?.CopyTo(new Span<long>(dims + shape.Length, shape.Length));
        managed->version = new DLPackVersion(1, 0);
        managed->flags = flags;
        managed->manager_ctx = (void*)GCHandle.ToIntPtr(foreign._self);
        managed->deleter = &Delete;
        managed->dl_tensor = new DLTensor
        {
            data = (void*)foreign.Data, device = DLDevice.Cpu, ndim = shape.Length, dtype = dtype, shape = dims,
            strides = strides is null ? null : dims + shape.Length, byte_offset = byteOffset,
        };
        foreign.Managed = managed;
        return foreign;
    }

    [UnmanagedCallersOnly]
    private static void Delete(DLManagedTensorVersioned* self)
    {
        var foreign = (ForeignTensor)GCHandle.FromIntPtr((nint)self->manager_ctx).Target!;
        Interlocked.Increment(ref foreign._deleterCalls);
        NativeMemory.Free(self);
    }

    public void Dispose()
    {
        // The struct belongs to whoever called the deleter; only the data pin and the handle are ours.
        _self.Free();
        _data.Free();
    }
}
