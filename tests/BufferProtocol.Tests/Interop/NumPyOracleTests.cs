using System.Text.Json;
using BufferProtocol.Copying;
using BufferProtocol.Exporters;
using BufferProtocol.Formats;
using BufferProtocol.Interop.DLPack;
using BufferProtocol.Interop.Npy;
using BufferProtocol.Interop.NumPy;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;
using BufferProtocol.Tests.Oracle;
using BufferProtocol.Tests.TestSupport;

namespace BufferProtocol.Tests.Interop;

/// <summary>
/// Replays <c>gen_npy.py</c>: NumPy 1.24's <c>.npy</c> files (read them, write the same bytes), its
/// <c>__array_interface__</c> typestr/descr and its DLPack exports, against the C# translations.
/// </summary>
public sealed unsafe class NumPyOracleTests
{
    public static TheoryData<string> NpyCases => OracleCases.Keys("npy");

    public static TheoryData<string> NpzCases => OracleCases.Keys("npz");

    public static TheoryData<string> ArrayInterfaceCases => OracleCases.Keys("array-interface");

    public static TheoryData<string> DLPackCases => OracleCases.Keys("dlpack-numpy");

    [Theory]
    [MemberData(nameof(NpyCases))]
    public void Reads_NumPy_files_memory_mapped(string key)
    {
        var c = OracleCases.Get("npy", key);
        var file = Hex(c, "file");
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, file);
            using var array = NpyFile.Open(path);
            var header = array.Header;
            Assert.Equal(Longs(c, "shape"), header.Shape.Select(d => (long)d));
            Assert.Equal(c.GetProperty("fortran_order").GetBoolean(), header.FortranOrder);
            Assert.Equal(c.GetProperty("data_offset").GetInt64(), header.DataOffset);
            Assert.Equal(c.GetProperty("version")[0].GetInt32(), header.MajorVersion);
            Assert.Equal(c.GetProperty("descr").GetString(), header.DataType.ToDescrLiteral());
            Assert.Equal(c.GetProperty("itemsize").GetInt64(), header.DataType.ItemSize);
            if (!array.Layout.IsEmpty)
            {
                // (NumPy gives empty arrays the strides of extents max(d, 1); CPython's rule, used here, gives 0.)
                Assert.Equal(Longs(c, "load_strides"), array.Layout.Strides.ToArray().Select(s => (long)s));
            }
            using var buffer = array.GetBuffer(BufferRequest.FullRO);
            Assert.True(buffer.IsReadOnly);
            Assert.Equal(header.Format, buffer.Format);
            Assert.Equal(c.GetProperty("c_data").GetString(), Convert.ToHexStringLower(BufferCopy.ToArray(buffer)));

            var fromSpan = NpyHeader.Read(file);
            Assert.Equal(header.DataOffset, fromSpan.DataOffset);
            Assert.Equal(file[..(int)header.DataOffset], header.ToBytes());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [MemberData(nameof(NpyCases))]
    public void Writes_the_bytes_np_save_writes(string key)
    {
        var c = OracleCases.Get("npy", key);
        var expected = c.GetProperty("file").GetString();
        if (key.Contains("titles", StringComparison.Ordinal))
        {
            return; // np.save writes the title; a PEP 3118 format has none to give
        }
        var format = NumPyDType.ParseDescr(c.GetProperty("descr").GetString()!).Format;
        Assert.Equal(expected, Convert.ToHexStringLower(Save(c, format)));

        // The format NumPy itself exports for the array, when it describes the whole item (numpy#7797 drops trailing padding).
        if (c.GetProperty("format").TryGetProperty("ok", out var numpyFormat) &&
            BufferFormat.Parse(numpyFormat.GetString()!).ItemSize == c.GetProperty("itemsize").GetInt64())
        {
            Assert.Equal(expected, Convert.ToHexStringLower(Save(c, numpyFormat.GetString()!)));
        }
    }

    [Theory]
    [MemberData(nameof(NpyCases))]
    public void NumPy_export_formats_translate_to_NumPy_descrs(string key)
    {
        var c = OracleCases.Get("npy", key);
        var descr = WithoutTitles(c.GetProperty("descr").GetString()!);
        var itemSize = (nint)c.GetProperty("itemsize").GetInt64();
        if (c.GetProperty("format").TryGetProperty("ok", out var numpyFormat))
        {
            var type = NumPyDType.FromFormat(numpyFormat.GetString()!, itemSize, out var subShape);
            Assert.Empty(subShape);
            Assert.Equal(descr, type.ToDescrLiteral());
            Assert.Equal(c.GetProperty("typestr").GetString(), type.TypeString);
        }
        // descr → format → descr is the identity.
        var ours = NumPyDType.ParseDescr(descr);
        Assert.Equal(itemSize, BufferFormat.Parse(ours.Format).ItemSize);
        Assert.Equal(descr, NumPyDType.FromFormat(ours.Format, itemSize, out _).ToDescrLiteral());
    }

    [Theory]
    [MemberData(nameof(NpzCases))]
    public void Reads_every_member_of_NumPy_npz_archives(string key)
    {
        var c = OracleCases.Get("npz", key);
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, Hex(c, "file"));
            var archive = NpzArchive.Open(path);
            var members = c.GetProperty("members").EnumerateArray().ToArray();
            Assert.Equal(members.Select(m => m.GetProperty("name").GetString()), archive.Names);
            foreach (var m in members)
            {
                var name = m.GetProperty("name").GetString()!;
                Assert.Equal(!c.GetProperty("compressed").GetBoolean(), archive.IsStored(name));
                Assert.Equal(m.GetProperty("descr").GetString(), archive.ReadHeader(name).DataType.ToDescrLiteral());
                using var array = archive.OpenArray(name + ".npy");
                Assert.Equal(archive.IsStored(name), array is NpyArray);
                using var buffer = array.GetBuffer(BufferRequest.FullRO);
                Assert.True(buffer.IsReadOnly);
                Assert.Equal(Longs(m, "shape"), buffer.Shape.ToArray().Select(d => (long)d));
                Assert.Equal(m.GetProperty("fortran_order").GetBoolean(), buffer.Layout.IsFContiguous && !buffer.Layout.IsCContiguous);
                Assert.Equal(m.GetProperty("c_data").GetString(), Convert.ToHexStringLower(BufferCopy.ToArray(buffer)));
            }
            Assert.Throws<KeyNotFoundException>(() => archive.OpenArray("missing"));
            Assert.Throws<NotSupportedException>(() => archive.OpenArray("a", System.IO.MemoryMappedFiles.MemoryMappedFileAccess.ReadWrite));
            using var copy = archive.OpenArray("a", System.IO.MemoryMappedFiles.MemoryMappedFileAccess.CopyOnWrite);
            using var writable = copy.GetBuffer(BufferRequest.Full);
            *(double*)writable.Pointer = 1.5;
            using var again = archive.OpenArray("a");
            using var original = again.GetBuffer(BufferRequest.FullRO);
            Assert.NotEqual(1.5, *(double*)original.Pointer); // private to the first mapping (or copy)
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [MemberData(nameof(NpzCases))]
    public void Writes_the_archives_np_savez_writes(string key)
    {
        var c = OracleCases.Get("npz", key);
        var compressed = c.GetProperty("compressed").GetBoolean();
        var members = c.GetProperty("members").EnumerateArray().ToArray();
        var arrays = members.Select(m => Build(m, NumPyDType.ParseDescr(m.GetProperty("descr").GetString()!).Format)).ToArray();
        try
        {
            using var sink = new MemoryStream();
            Stream target = c.GetProperty("seekable").GetBoolean() ? sink : new UnseekableStream(sink);
            using (var writer = new NpzWriter(target, compressed ? NpzCompression.Deflated : NpzCompression.Stored, leaveOpen: true))
            {
                for (var i = 0; i < members.Length; i++)
                {
                    writer.Add(members[i].GetProperty("name").GetString()!, arrays[i]);
                }
            }
            var ours = sink.ToArray();
            Assert.All(arrays, a => Assert.Equal(0, a.ExportCount));
            if (!compressed)
            {
                Assert.Equal(c.GetProperty("file").GetString(), Convert.ToHexStringLower(ours));
            }
            // Every member, as an independent reader (which checks CRCs) inflates it, holds np.save's bytes.
            using (var zip = new System.IO.Compression.ZipArchive(new MemoryStream(ours)))
            {
                Assert.Equal(members.Select(m => m.GetProperty("name").GetString() + ".npy"), zip.Entries.Select(e => e.FullName));
                foreach (var (m, entry) in members.Zip(zip.Entries))
                {
                    using var content = entry.Open();
                    using var bytes = new MemoryStream();
                    content.CopyTo(bytes);
                    Assert.Equal(m.GetProperty("npy").GetString(), Convert.ToHexStringLower(bytes.ToArray()));
                    Assert.Equal(new DateTime(1980, 1, 1), entry.LastWriteTime.DateTime);
                }
            }
            // And our reader reads it back.
            var path = Path.GetTempFileName();
            try
            {
                File.WriteAllBytes(path, ours);
                var archive = NpzArchive.Open(path);
                Assert.Equal(members.Select(m => m.GetProperty("name").GetString()), archive.Names);
                foreach (var m in members)
                {
                    using var array = archive.OpenArray(m.GetProperty("name").GetString()!);
                    using var buffer = array.GetBuffer(BufferRequest.FullRO);
                    Assert.Equal(m.GetProperty("c_data").GetString(), Convert.ToHexStringLower(BufferCopy.ToArray(buffer)));
                }
            }
            finally
            {
                File.Delete(path);
            }
        }
        finally
        {
            foreach (var a in arrays)
            {
                a.Dispose();
            }
        }
    }

    [Theory]
    [MemberData(nameof(ArrayInterfaceCases))]
    public void Array_interface_typestrs_and_descrs_match_NumPy(string key)
    {
        var c = OracleCases.Get("array-interface", key);
        var typestr = c.GetProperty("typestr").GetString()!;
        if (c.GetProperty("kind").GetString() == "typestr")
        {
            var result = c.GetProperty("result");
            if (result.TryGetProperty("ok", out var ok))
            {
                if (ok.GetProperty("kind").GetString() is "M" or "m")
                {
                    Assert.Contains("out of band", Assert.Throws<NotSupportedException>(() => NumPyDType.FromTypeString(typestr)).Message);
                    return;
                }
                var type = NumPyDType.FromTypeString(typestr);
                Assert.Equal(ok.GetProperty("str").GetString(), type.TypeString);
                Assert.Equal(ok.GetProperty("itemsize").GetInt64(), type.ItemSize);
                if (type.TypeString is ">f16" or ">c32")
                {
                    // NumPy has big-endian long doubles; PEP 3118 has 'g' only in native order.
                    Assert.Contains("native order", Assert.Throws<NotSupportedException>(() => type.Format).Message);
                    return;
                }
                Assert.Equal(type.ItemSize, BufferFormat.Parse(type.Format).ItemSize);
            }
            else
            {
                Assert.ThrowsAny<Exception>(() => NumPyDType.FromTypeString(typestr));
            }
            return;
        }
        var descr = WithoutTitles(c.GetProperty("descr").GetString()!);
        var itemSize = (nint)c.GetProperty("itemsize").GetInt64();
        if (typestr[1] is 'M' or 'm')
        {
            Assert.Throws<NotSupportedException>(() => NumPyDType.FromArrayInterface(typestr, descr));
            return;
        }
        // consumer: the typestr and descr give a format of the right size that translates back to the same descr
        var consumed = NumPyDType.FromArrayInterface(typestr, descr);
        Assert.Equal(itemSize, BufferFormat.Parse(consumed.Format).ItemSize);
        Assert.Equal(descr, NumPyDType.FromFormat(consumed.Format, itemSize, out _).ToArrayInterfaceDescrLiteral());
        // producer: NumPy's own export format gives NumPy's typestr and descr
        if (c.GetProperty("format").TryGetProperty("ok", out var format))
        {
            var produced = NumPyDType.FromFormat(format.GetString()!, itemSize, out var subShape);
            Assert.Empty(subShape);
            Assert.Equal(typestr, produced.TypeString);
            Assert.Equal(descr, produced.ToArrayInterfaceDescrLiteral());
        }
    }

    [Theory]
    [MemberData(nameof(DLPackCases))]
    public void DLPack_exports_agree_with_NumPy(string key)
    {
        var c = OracleCases.Get("dlpack-numpy", key);
        var numpy = c.GetProperty("export");
        if (!c.GetProperty("format").TryGetProperty("ok", out var format))
        {
            Assert.True(numpy.TryGetProperty("error", out _), "NumPy exported a dtype that has no buffer format");
            return;
        }
        using var native = Build(c, format.GetString()!);
        // NumPy 1.24 writes the legacy struct: compare with ours, refusal for refusal.
        if (numpy.TryGetProperty("error", out _))
        {
            Assert.Throws<BufferException>(() => DLPackBuffers.ExportLegacy(native));
            // The versioned struct can say read-only, and has kDLBool (NumPy >= 1.25 exports bool as (6, 8, 1)).
            if (native.IsReadOnly || native.Format == "?")
            {
                var versioned = DLPackBuffers.Export(native);
                Assert.Equal(native.IsReadOnly, (versioned->flags & DLManagedTensorVersioned.DLPACK_FLAG_BITMASK_READ_ONLY) != 0);
                Assert.Equal(native.Format == "?" ? new DLDataType(DLDataTypeCode.kDLBool, 8) : new DLDataType(DLDataTypeCode.kDLFloat, 64),
                    versioned->dl_tensor.dtype);
                DLPackBuffers.Delete(versioned);
            }
            else
            {
                Assert.Throws<BufferException>(() => DLPackBuffers.Export(native));
            }
            return;
        }
        var expected = numpy.GetProperty("ok");
        var managed = DLPackBuffers.ExportLegacy(native);
        try
        {
            var t = managed->dl_tensor;
            Assert.Equal(expected.GetProperty("code").GetInt32(), t.dtype.code);
            Assert.Equal(expected.GetProperty("bits").GetInt32(), t.dtype.bits);
            Assert.Equal(expected.GetProperty("lanes").GetInt32(), t.dtype.lanes);
            Assert.Equal(expected.GetProperty("ndim").GetInt32(), t.ndim);
            Assert.Equal(0UL, t.byte_offset);
            var shape = Longs(expected, "shape");
            Assert.Equal(shape, Enumerable.Range(0, t.ndim).Select(i => t.shape[i]));
            var strides = expected.GetProperty("strides").ValueKind == JsonValueKind.Null
                ? BufferLayout.Contiguous(1, [.. shape.Select(d => (nint)d)]).Strides.ToArray().Select(s => (long)s)
                : Longs(expected, "strides");
            Assert.Equal(strides, Enumerable.Range(0, t.ndim).Select(i => t.strides[i]));
        }
        finally
        {
            DLPackBuffers.Delete(managed);
        }
        Assert.Equal(0, native.ExportCount);
    }

    private static byte[] Save(JsonElement c, string format)
    {
        using var native = Build(c, format);
        using var buffer = native.GetBuffer(BufferRequest.FullRO);
        using var stream = new MemoryStream();
        NpyFile.Write(stream, buffer);
        return stream.ToArray();
    }

    internal static NativeBuffer Build(JsonElement c, string format)
    {
        var memory = Hex(c, "memory");
        var offset = (int)c.GetProperty("offset").GetInt64();
        var layout = BufferLayout.Create((nint)c.GetProperty("itemsize").GetInt64(), [.. Longs(c, "shape").Select(d => (nint)d)],
            [.. Longs(c, "strides").Select(d => (nint)d)]);
        if (layout.IsEmpty && memory.Length <= offset + layout.ItemSize)
        {
            // NumPy's empty views point anywhere into (or just past) an empty block; give them one to sit in.
            Array.Resize(ref memory, offset + (int)layout.ItemSize + 1);
        }
        var readOnly = c.TryGetProperty("readonly", out var ro) && ro.GetBoolean();
        return NativeBuffer.Create(format, layout, offset, memory.Length, readOnly, contents: memory);
    }

    /// <summary>PEP 3118 formats carry no titles: <c>(('Title A', 'a'), t)</c> comes back as <c>('a', t)</c>.</summary>
    private static string WithoutTitles(string descr) => descr.Replace("('Title A', 'a')", "'a'", StringComparison.Ordinal);

    private static byte[] Hex(JsonElement c, string name) => Convert.FromHexString(c.GetProperty(name).GetString()!);

    private static long[] Longs(JsonElement c, string name) => [.. c.GetProperty(name).EnumerateArray().Select(e => e.GetInt64())];
}
