using System.IO.MemoryMappedFiles;
using BufferProtocol.Copying;
using BufferProtocol.Exporters;
using BufferProtocol.Interop.Npy;
using BufferProtocol.Interop.NumPy;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;

namespace BufferProtocol.Tests.Interop;

/// <summary><c>.npy</c> files: round trips through every exporter, mapping modes, orders, refusals and malformed headers.</summary>
public sealed unsafe class NpyTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("bp-npy-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    [Fact]
    public void A_dotnet_array_saved_and_mapped_back_has_the_same_items_layout_and_format()
    {
        var data = new double[3, 4];
        for (var i = 0; i < 12; i++)
        {
            data[i / 4, i % 4] = i * 1.5;
        }
        using var exporter = ArrayExporter.Create<double>(data);
        NpyFile.Save(PathOf("a.npy"), exporter);
        Assert.Equal(0, exporter.ExportCount);

        using var array = NpyFile.Open(PathOf("a.npy"));
        Assert.Equal("'<f8'", array.Header.DataType.ToDescrLiteral());
        Assert.Equal(128, array.Header.DataOffset);
        Assert.Equal("d", array.Format);
        using var buffer = array.GetBuffer(BufferRequest.FullRO);
        Assert.Equal(new nint[] { 3, 4 }, buffer.Shape.ToArray());
        Assert.Equal(new nint[] { 32, 8 }, buffer.Strides.ToArray());
        Assert.Equal(0, buffer.Pointer % 64); // NumPy pads the header so that the data is 64-byte aligned
        Assert.Equal(MemoryMarshalBytes(data), BufferCopy.ToArray(buffer));
        Assert.Throws<BufferException>(() => array.GetBuffer(BufferRequest.Writable));
    }

    [Fact]
    public void Fortran_order_is_kept_for_Fortran_buffers_and_chosen_on_request()
    {
        using var f = NativeBuffer.Create<int>([2, 3], ContiguityOrder.Fortran);
        for (var i = 0; i < 6; i++)
        {
            f.Bytes[i * 4] = (byte)i; // memory order: column-major
        }
        NpyFile.Save(PathOf("f.npy"), f);
        using (var array = NpyFile.Open(PathOf("f.npy")))
        {
            Assert.True(array.Header.FortranOrder);
            Assert.Equal(new nint[] { 4, 8 }, array.Layout.Strides.ToArray());
            using var buffer = array.GetBuffer(BufferRequest.FullRO);
            Assert.Equal(new byte[] { 0, 2, 4, 1, 3, 5 }, BufferCopy.ToArray(buffer).Where((_, i) => i % 4 == 0));
        }
        NpyFile.Save(PathOf("c.npy"), f, ContiguityOrder.C);
        using (var array = NpyFile.Open(PathOf("c.npy")))
        {
            Assert.False(array.Header.FortranOrder);
            using var buffer = array.GetBuffer(BufferRequest.CContiguous);
            Assert.Equal(new byte[] { 0, 2, 4, 1, 3, 5 }, buffer.GetContiguousBytes().ToArray().Where((_, i) => i % 4 == 0));
        }
    }

    [Theory]
    [InlineData(ContiguityOrder.C)]
    [InlineData(ContiguityOrder.Fortran)]
    public void Strided_arrays_whose_slices_exceed_the_block_are_gathered_a_slice_of_a_slice_at_a_time(ContiguityOrder order)
    {
        // 2 rows (C) or columns (Fortran) of 2.5 million doubles after taking every other one: 20 MB each, more than the
        // 16 MiB block, so one slice does not fit and the next axis is cut (this overflowed the stack before).
        nint[] shape = order == ContiguityOrder.C ? [2, 5_000_000] : [5_000_000, 2];
        using var source = NativeBuffer.Create<double>(shape, order);
        var items = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(source.Bytes);
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = i;
        }
        using var view = new BufferProtocol.Views.MemoryView(source);
        using var strided = order == ContiguityOrder.C ? view[":, ::2"] : view["::2, :"];
        NpyFile.Save(PathOf("strided.npy"), strided, order);
        using var array = NpyFile.Open(PathOf("strided.npy"));
        Assert.Equal(order == ContiguityOrder.Fortran, array.Header.FortranOrder);
        using var written = array.GetBuffer(BufferRequest.FullRO);
        using var expected = strided.GetBuffer(BufferRequest.FullRO);
        Assert.True(BufferCopy.ToArray(expected, order).AsSpan().SequenceEqual(BufferCopy.ToArray(written, order)));
    }

    [Fact]
    public void ReadWrite_mappings_write_through_to_the_file_and_copy_on_write_ones_do_not()
    {
        using (var exporter = ArrayExporter.Create(new short[] { 1, 2, 3 }))
        {
            NpyFile.Save(PathOf("w.npy"), exporter);
        }
        using (var array = NpyFile.Open(PathOf("w.npy"), MemoryMappedFileAccess.CopyOnWrite))
        using (var buffer = array.GetBuffer(BufferRequest.Full))
        {
            *(short*)buffer.Pointer = 99;
        }
        using (var array = NpyFile.Open(PathOf("w.npy"), MemoryMappedFileAccess.ReadWrite))
        {
            using (var buffer = array.GetBuffer(BufferRequest.Full))
            {
                Assert.Equal(1, *(short*)buffer.Pointer);
                *(short*)buffer.GetPointer([2]) = -7;
            }
            array.Flush();
        }
        using var stream = File.OpenRead(PathOf("w.npy"));
        using var read = NpyFile.Read(stream);
        using var result = read.GetBuffer(BufferRequest.FullRO);
        Assert.Equal(new short[] { 1, 2, -7 }, new ReadOnlySpan<short>((void*)result.Pointer, 3).ToArray());
    }

    [Fact]
    public void Disposing_while_exported_waits_for_the_last_export()
    {
        using (var exporter = ArrayExporter.Create(new[] { 1, 2, 3, 4 }))
        {
            NpyFile.Save(PathOf("d.npy"), exporter);
        }
        var array = NpyFile.Open(PathOf("d.npy"));
        var buffer = array.GetBuffer(BufferRequest.FullRO);
        array.Dispose();
        Assert.Equal(3, *(int*)buffer.GetPointer([2])); // still mapped
        buffer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => array.GetBuffer(BufferRequest.Simple));
    }

    [Fact]
    public void Strided_reversed_and_PIL_buffers_are_written_in_C_order()
    {
        var values = Enumerable.Range(0, 12).SelectMany(BitConverter.GetBytes).ToArray();
        using var reversed = NativeBuffer.Create("i", BufferLayout.Create(4, [3, 4], [16, -4]), 12, 48, contents: values);
        using var pil = NativeBuffer.CreateIndirect("i", BufferLayout.Create(4, [3, 4], [16, 4]), 0, 48, contents: values);
        using var strided = NativeBuffer.Create("i", BufferLayout.Create(4, [2, 2], [32, 8]), 0, 48, contents: values);
        int[][] expected = [[3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8], [.. Enumerable.Range(0, 12)], [0, 2, 8, 10]];
        BufferExporter[] exporters = [reversed, pil, strided];
        for (var k = 0; k < exporters.Length; k++)
        {
            using var buffer = exporters[k].GetBuffer(BufferRequest.FullRO);
            using var stream = new MemoryStream();
            var header = NpyFile.Write(stream, buffer);
            Assert.False(header.FortranOrder);
            stream.Position = 0;
            using var read = NpyFile.Read(stream);
            using var back = read.GetBuffer(BufferRequest.FullRO);
            Assert.Equal(expected[k], BufferCopy.ToArray(back).Chunk(4).Select(b => BitConverter.ToInt32(b)));
        }
    }

    [Fact]
    public void Large_non_contiguous_buffers_are_gathered_in_blocks()
    {
        // 24 MiB of int64 read every other column: more than one 16 MiB block, in C and in Fortran order.
        const int Rows = 1024, Columns = 3072;
        using var native = NativeBuffer.Create<long>([Rows, Columns]);
        var all = new Span<long>((void*)native.GetBuffer(BufferRequest.Simple).Pointer, Rows * Columns);
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = i;
        }
        using var source = native.GetBuffer(BufferRequest.FullRO);
        var view = source.Layout.Slice(1, 0, 2, Columns / 2, out _);
        using var strided = NativeBuffer.Create("q", view, 0, Rows * Columns * 8, contents: new ReadOnlySpan<byte>((void*)source.Pointer, Rows * Columns * 8));
        using var buffer = strided.GetBuffer(BufferRequest.FullRO);
        foreach (var order in new[] { ContiguityOrder.C, ContiguityOrder.Fortran })
        {
            using var stream = new MemoryStream();
            var header = NpyFile.Write(stream, buffer, order);
            var data = stream.GetBuffer().AsSpan((int)header.DataOffset, (int)header.DataLength);
            var items = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(data);
            for (var r = 0; r < Rows; r += 97)
            {
                for (var c = 0; c < Columns / 2; c += 89)
                {
                    var index = order == ContiguityOrder.C ? r * (Columns / 2) + c : c * Rows + r;
                    Assert.Equal((long)r * Columns + 2 * c, items[index]);
                }
            }
        }
    }

    [Fact]
    public void Empty_and_zero_dimensional_arrays_round_trip()
    {
        using var empty = NativeBuffer.Create("d", BufferLayout.Create(8, [0, 5], [40, 8]), 0, 8);
        using var scalar = NativeBuffer.Create("Zf", BufferLayout.Scalar(8), 0, 8, contents: BitConverter.GetBytes(42L));
        NpyFile.Save(PathOf("e.npy"), empty);
        NpyFile.Save(PathOf("s.npy"), scalar);
        using (var array = NpyFile.Open(PathOf("e.npy")))
        using (var buffer = array.GetBuffer(BufferRequest.FullRO))
        {
            Assert.Equal(new nint[] { 0, 5 }, buffer.Shape.ToArray());
            Assert.Equal(0, buffer.Length);
        }
        using (var array = NpyFile.Open(PathOf("s.npy")))
        using (var buffer = array.GetBuffer(BufferRequest.FullRO))
        {
            Assert.Equal("'<c8'", array.Header.DataType.ToDescrLiteral());
            Assert.Equal(0, buffer.Rank);
            Assert.Equal(42L, *(long*)buffer.Pointer);
        }
    }

    [Fact]
    public void A_sub_array_item_is_spread_into_dimensions_as_NumPy_does()
    {
        using var native = NativeBuffer.Create("(2,3)<h", BufferLayout.Create(12, [4], [12]), 0, 48);
        using var buffer = native.GetBuffer(BufferRequest.FullRO);
        using var stream = new MemoryStream();
        var header = NpyFile.Write(stream, buffer);
        Assert.Equal(new nint[] { 4, 2, 3 }, header.Shape.ToArray());
        Assert.Equal("'<i2'", header.DataType.ToDescrLiteral());
    }

    [Theory]
    [InlineData("O", "object arrays")]
    [InlineData("P", "pointers")]
    [InlineData("2u", "UCS-2")]
    [InlineData("t", "bit fields")]
    public void Formats_without_a_NumPy_dtype_are_refused(string format, string reason)
    {
        var itemSize = BufferProtocol.Formats.BufferFormat.Parse(format).ItemSize;
        using var native = NativeBuffer.Create(format, BufferLayout.Create(Math.Max(1, itemSize), [1], [Math.Max(1, itemSize)]), 0, 8);
        using var buffer = native.GetBuffer(BufferRequest.FullRO);
        Assert.Contains(reason, Assert.Throws<NotSupportedException>(() => NpyFile.Write(new MemoryStream(), buffer)).Message);
    }

    public static TheoryData<string, string> MalformedHeaders => new()
    {
        { "", "truncated" },
        { "\u0093NUMPX\u0001\u0000\u0000\u0000", "magic" },
        { "\u0093NUMPY\u0004\u0000\u0000\u0000", "version 4.0" },
        { "\u0093NUMPY\u0001\u0000\u00ff\u0000{}", "truncated" },
        { H("{'descr': '<f8', 'fortran_order': False}"), "exactly the keys" },
        { H("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'extra': 1}"), "exactly the keys" },
        { H("{'descr': '<f8', 'fortran_order': 0, 'shape': (2,)}"), "not a bool" },
        { H("{'descr': '<f8', 'fortran_order': False, 'shape': [2]}"), "tuple of integers" },
        { H("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}"), "out of range" },
        { H("{'descr': '<x8', 'fortran_order': False, 'shape': (2,)}"), "not understood" },
        { H("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), __import__('os'): 1}"), "Python literal" },
        { H("[1, 2]"), "not a dictionary" },
    };

    private static string H(string dict) => "\u0093NUMPY\u0001\u0000" + (char)dict.Length + "\u0000" + dict;

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void Malformed_headers_are_refused_with_the_reason(string file, string reason)
    {
        var bytes = file.Select(c => (byte)c).ToArray();
        Assert.Contains(reason, Assert.Throws<InvalidDataException>(() => NpyHeader.Read(bytes)).Message);
        Assert.Contains(reason, Assert.Throws<InvalidDataException>(() => NpyHeader.Read(new MemoryStream(bytes))).Message);
    }

    [Fact]
    public void Datetime_descrs_are_refused_with_the_advice_to_view_them_as_int64()
    {
        var bytes = H("{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (2,)}").Select(c => (byte)c).ToArray();
        Assert.Contains("'<i8'", Assert.Throws<NotSupportedException>(() => NpyHeader.Read(bytes)).Message);
    }

    [Fact]
    public void A_file_shorter_than_its_data_is_refused()
    {
        using (var exporter = ArrayExporter.Create(new long[] { 1, 2, 3 }))
        {
            NpyFile.Save(PathOf("t.npy"), exporter);
        }
        using (var stream = File.OpenWrite(PathOf("t.npy")))
        {
            stream.SetLength(stream.Length - 1);
        }
        Assert.Contains("announces 24", Assert.Throws<InvalidDataException>(() => NpyFile.Open(PathOf("t.npy"))).Message);
        using var read = File.OpenRead(PathOf("t.npy"));
        Assert.Contains("ends after", Assert.Throws<InvalidDataException>(() => NpyFile.Read(read)).Message);
    }

    [Theory]
    [InlineData("abc", "'abc'")]
    [InlineData("it's", "\"it's\"")]
    [InlineData("it's \"q\"", "'it\\'s \"q\"'")]
    [InlineData("a\\b\tc\nd\u0001\u007f", "'a\\\\b\\tc\\nd\\x01\\x7f'")]
    [InlineData("é名\u00a0\u2028😀", "'é名\\xa0\\u2028😀'")]
    public void Strings_are_written_as_Python_repr_writes_them(string value, string repr)
    {
        Assert.Equal(repr, PyLiteral.ReprString(value));
        Assert.Equal(value, ((PyLiteral.Str)PyLiteral.Parse(repr)).Value);
    }

    [Theory]
    [InlineData("{'a': (1, 2,), 'b': [True, None], 'c': -3L, }", "{'a': (1, 2), 'b': [True, None], 'c': -3}")]
    [InlineData("(1,)", "(1,)")]
    [InlineData("((1))", "1")]
    [InlineData("b'x'", "'x'")]
    [InlineData("'\\u00e9\\x41\\101'", "'éAA'")]
    public void Literals_parse_and_print_like_Python(string text, string repr) => Assert.Equal(repr, PyLiteral.Parse(text).Repr());

    [Theory]
    [InlineData("1 + 2")]
    [InlineData("[1, 2")]
    [InlineData("'abc")]
    [InlineData("{1}")]
    [InlineData("Truely")]
    [InlineData("1.5")]
    public void Anything_but_a_literal_is_refused(string text) => Assert.Throws<FormatException>(() => PyLiteral.Parse(text));

    [Fact]
    public void Headers_choose_version_3_for_names_latin_1_cannot_encode_and_version_2_for_long_ones()
    {
        Assert.Equal(3, NpyHeader.Create(NumPyDType.ParseDescr("[('名', '<i4')]"), [1], false).MajorVersion);
        Assert.Equal(1, NpyHeader.Create(NumPyDType.ParseDescr("[('é', '<i4')]"), [1], false).MajorVersion);
        var wide = "[" + string.Join(", ", Enumerable.Range(0, 5000).Select(i => $"('f{i:D5}', '|u1')")) + "]";
        var header = NpyHeader.Create(NumPyDType.ParseDescr(wide), [1], false);
        Assert.Equal(2, header.MajorVersion);
        Assert.Equal(0, header.DataOffset % 64);
    }

    private static byte[] MemoryMarshalBytes(double[,] data)
    {
        var bytes = new byte[data.Length * 8];
        Buffer.BlockCopy(data, 0, bytes, 0, bytes.Length);
        return bytes;
    }
}
