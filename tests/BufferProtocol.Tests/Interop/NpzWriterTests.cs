using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using BufferProtocol.Copying;
using BufferProtocol.Exporters;
using BufferProtocol.Interop.Npy;
using BufferProtocol.Interop.NumPy;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;
using BufferProtocol.Tests.TestSupport;

namespace BufferProtocol.Tests.Interop;

/// <summary>
/// <see cref="NpzWriter"/>: random arrays (formats, strides, orders, compression, seekable or not, ZIP64 forced by a
/// lowered limit) read back by NumPy 1.24 live, by <see cref="ZipArchive"/> (which checks CRCs) and by
/// <see cref="NpzArchive"/>; refusals before any byte is written; <see cref="NpzWriter.Save"/> leaves no partial file.
/// </summary>
public sealed class NpzWriterTests : IDisposable
{
    private static readonly string[] Formats = ["<d", ">i", "B", "<h", "?", "<Zd", "3s", "T{<i:x:<f:y:}", ">Q", "<e"];

    private readonly string _directory = Directory.CreateTempSubdirectory("bp-npz-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    [Fact]
    public void Random_archives_are_read_back_by_NumPy_by_ZipArchive_and_by_NpzArchive()
    {
        var random = new Random((int)PropertyRunner.Seed);
        var archives = new List<(string Path, List<(string Name, byte[] CData, long[] Shape, string Descr)> Members)>();
        for (var sample = 0; sample < 24; sample++)
        {
            var compression = random.Next(2) == 0 ? NpzCompression.Stored : NpzCompression.Deflated;
            // Every third archive gets ZIP64 fields and records wherever a size or offset passes a small limit.
            var limit = sample % 3 == 0 ? random.Next(0, 400) : int.MaxValue;
            var path = PathOf($"sample{sample}.npz");
            var members = new List<(string, byte[], long[], string)>();
            using (var file = new FileStream(path, FileMode.Create))
            using (var writer = new NpzWriter(random.Next(2) == 0 ? file : new UnseekableStream(file), compression, null, leaveOpen: false, limit))
            {
                var count = random.Next(0, 5);
                for (var i = 0; i < count; i++)
                {
                    using var array = RandomArray(random);
                    using var buffer = array.GetBuffer(BufferRequest.FullRO);
                    var name = i == 1 ? $"é{i}" : $"m{i}";
                    var order = (ContiguityOrder)random.Next(3);
                    if (order == ContiguityOrder.Any || random.Next(2) == 0)
                    {
                        writer.Add(name, array, order);
                    }
                    else
                    {
                        writer.Add(name, buffer, order);
                    }
                    var descr = NumPyDType.FromBuffer(buffer.Format, buffer.Layout, out _).ToDescrLiteral();
                    members.Add((name, BufferCopy.ToArray(buffer), [.. buffer.Shape.ToArray().Select(d => (long)d)], descr));
                }
            }
            archives.Add((path, members));

            using (var zip = ZipFile.OpenRead(path))
            {
                Assert.Equal(members.Select(m => m.Item1 + ".npy"), zip.Entries.Select(e => e.FullName));
                foreach (var entry in zip.Entries)
                {
                    using var content = entry.Open();
                    content.CopyTo(Stream.Null); // throws on a CRC mismatch
                }
            }
            var archive = NpzArchive.Open(path);
            Assert.Equal(members.Select(m => m.Item1), archive.Names);
            foreach (var (name, cData, _, _) in members)
            {
                Assert.Equal(compression == NpzCompression.Stored, archive.IsStored(name));
                using var back = archive.OpenArray(name);
                using var buffer = back.GetBuffer(BufferRequest.FullRO);
                Assert.Equal(cData, BufferCopy.ToArray(buffer));
            }
        }

        var loaded = LoadWithNumPy(archives.Select(a => a.Path));
        foreach (var (path, members) in archives)
        {
            var result = loaded.GetProperty(path);
            Assert.Equal(JsonValueKind.Null, result.GetProperty("testzip").ValueKind);
            var arrays = result.GetProperty("arrays").EnumerateArray().ToArray();
            Assert.Equal(members.Select(m => m.Name), arrays.Select(a => a.GetProperty("name").GetString()));
            foreach (var (m, a) in members.Zip(arrays))
            {
                Assert.Equal(m.Descr, a.GetProperty("descr").GetString());
                Assert.Equal(m.Shape, a.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
                Assert.Equal(Convert.ToHexStringLower(m.CData), a.GetProperty("c_data").GetString());
            }
        }
    }

    [Fact]
    public void A_huge_member_count_gets_the_ZIP64_end_records_zipfile_writes_past_65535()
    {
        using var empty = NativeBuffer.Create<byte>([0]);
        using var sink = new MemoryStream();
        using (var writer = new NpzWriter(sink, leaveOpen: true))
        {
            for (var i = 0; i <= ushort.MaxValue; i++)
            {
                writer.Add($"a{i}", empty);
            }
        }
        var path = PathOf("many.npz");
        File.WriteAllBytes(path, sink.ToArray());
        var archive = NpzArchive.Open(path);
        Assert.Equal(ushort.MaxValue + 1, archive.Names.Length);
        Assert.Equal("a65535", archive.Names[^1]);
        using var zip = ZipFile.OpenRead(path);
        Assert.Equal(ushort.MaxValue + 1, zip.Entries.Count);
    }

    [Fact]
    public void Refused_names_and_arrays_write_nothing_and_the_archive_goes_on()
    {
        using var good = NativeBuffer.Create<double>([3]);
        using var disposed = NativeBuffer.Create<double>([3]);
        disposed.Dispose();
        using var objects = NativeBuffer.Create("O", BufferLayout.Contiguous(IntPtr.Size, [2]), 0, 2 * IntPtr.Size);
        var released = good.GetBuffer(BufferRequest.FullRO);
        released.Dispose();

        using var sink = new MemoryStream();
        using (var writer = new NpzWriter(sink, leaveOpen: true))
        {
            writer.Add("a", good);
            var before = sink.Length;
            Assert.Contains("twice", Assert.Throws<ArgumentException>(() => writer.Add("a", good)).Message);
            foreach (var bad in new[] { "", "x/y", "x\\y", "x\0" })
            {
                Assert.Throws<ArgumentException>(() => writer.Add(bad, good));
            }
            Assert.Throws<ArgumentException>(() => writer.Add(new string('n', ushort.MaxValue - 3), good));
            Assert.Throws<ObjectDisposedException>(() => writer.Add("d", disposed));
            Assert.Throws<ObjectDisposedException>(() => writer.Add("r", released));
            Assert.Throws<NotSupportedException>(() => writer.Add("o", objects));
            Assert.Equal(before, sink.Length);
            writer.Add("d", good); // a name refused for its array is still free
            Assert.Equal(["a", "d"], writer.Names);
        }
        Assert.Equal(0, good.ExportCount);
        var path = PathOf("ok.npz");
        File.WriteAllBytes(path, sink.ToArray());
        Assert.Equal(new[] { "a", "d" }, NpzArchive.Open(path).Names);
    }

    [Fact]
    public void A_stream_that_fails_mid_member_breaks_the_writer_and_no_directory_is_written()
    {
        using var big = NativeBuffer.Create<byte>([4096]);
        using var sink = new MemoryStream();
        var failing = new FailingStream(sink, failAfter: 1000);
        var writer = new NpzWriter(failing, leaveOpen: true);
        Assert.Throws<IOException>(() => writer.Add("big", big));
        Assert.Contains("broken", Assert.Throws<InvalidOperationException>(() => writer.Add("next", big)).Message);
        var written = sink.Length;
        writer.Dispose();
        Assert.Equal(written, sink.Length);
        Assert.Throws<ObjectDisposedException>(() => writer.Add("late", big));
        Assert.Equal(0, big.ExportCount);
    }

    [Fact]
    public void Save_replaces_the_file_only_when_the_archive_is_complete()
    {
        var path = PathOf("out.npz");
        File.WriteAllText(path, "previous");
        using var good = NativeBuffer.Create<int>([2, 2]);
        using var objects = NativeBuffer.Create("O", BufferLayout.Contiguous(IntPtr.Size, [1]), 0, IntPtr.Size);

        Assert.Throws<NotSupportedException>(() => NpzWriter.Save(path, [new("a", good), new("o", objects)]));
        Assert.Throws<ArgumentException>(() => NpzWriter.Save(path, [new("a", good), new("a", good)]));
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_directory));

        NpzWriter.Save(path, [new("a", good), new("b", good)], NpzCompression.Deflated);
        Assert.Equal([path], Directory.GetFiles(_directory));
        var archive = NpzArchive.Open(path);
        Assert.Equal(new[] { "a", "b" }, archive.Names);
        Assert.False(archive.IsStored("b"));
    }

    [Fact]
    public void The_timestamp_is_the_members_modification_time_and_must_fit_ZIP()
    {
        using var a = NativeBuffer.Create<short>([2]);
        using var sink = new MemoryStream();
        var when = new DateTime(2024, 2, 29, 13, 45, 59);
        using (var writer = new NpzWriter(sink, NpzCompression.Stored, when, leaveOpen: true))
        {
            Assert.Equal(when, writer.Timestamp);
            writer.Add("a", a);
        }
        sink.Position = 0;
        using var zip = new ZipArchive(sink);
        Assert.Equal(new DateTime(2024, 2, 29, 13, 45, 58), zip.Entries[0].LastWriteTime.DateTime); // two-second steps
        Assert.Throws<ArgumentOutOfRangeException>(() => new NpzWriter(Stream.Null, timestamp: new DateTime(1979, 12, 31)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NpzWriter(Stream.Null, timestamp: new DateTime(2108, 1, 1)));
        Assert.Throws<ArgumentException>(() => new NpzWriter(new MemoryStream([], writable: false)));
    }

    [Fact]
    public void A_name_ending_in_npy_is_found_as_np_load_finds_it()
    {
        using var a = NativeBuffer.Create<byte>([1]);
        using var b = NativeBuffer.Create<byte>([2]);
        var path = PathOf("names.npz");
        NpzWriter.Save(path, [new("x.npy", a), new("x", b)]);
        var archive = NpzArchive.Open(path);
        Assert.Equal(new[] { "x.npy", "x" }, archive.Names);
        using var first = archive.OpenArray("x.npy");
        using var firstBuffer = first.GetBuffer(BufferRequest.FullRO);
        Assert.Equal(1, firstBuffer.Shape[0]);
        using var second = archive.OpenArray("x");
        using var secondBuffer = second.GetBuffer(BufferRequest.FullRO);
        Assert.Equal(2, secondBuffer.Shape[0]);
    }

    /// <summary>A random array over one of <see cref="Formats"/>: up to 3 dimensions, C or Fortran, sliced with steps of either sign.</summary>
    private static NativeBuffer RandomArray(Random random)
    {
        var format = Formats[random.Next(Formats.Length)];
        var itemSize = BufferProtocol.Formats.BufferFormat.Parse(format).ItemSize;
        var shape = new nint[random.Next(0, 4)];
        for (var d = 0; d < shape.Length; d++)
        {
            shape[d] = random.Next(0, 6);
        }
        var layout = BufferLayout.Contiguous(itemSize, shape, random.Next(2) == 0 ? ContiguityOrder.C : ContiguityOrder.Fortran);
        var memory = new byte[Math.Max(1, layout.Length)];
        random.NextBytes(memory);
        if (format == "?")
        {
            memory = [.. memory.Select(b => (byte)(b & 1))]; // NumPy's bool items are 0 or 1
        }
        nint offset = 0;
        for (var d = 0; d < shape.Length; d++)
        {
            if (shape[d] > 1 && random.Next(2) == 0)
            {
                var step = (nint)(random.Next(2) == 0 ? -1 : 2);
                var count = step < 0 ? shape[d] : (shape[d] + 1) / 2;
                layout = layout.Slice(d, step < 0 ? shape[d] - 1 : 0, step, count, out var delta);
                offset += delta;
            }
        }
        return NativeBuffer.Create(format, layout, offset, memory.Length, contents: memory);
    }

    /// <summary>
    /// Runs the oracle's <c>np.load</c> on every archive: per archive, <c>zipfile.testzip()</c> (the first member with a
    /// bad CRC, or null) and per array its name, descr, shape and items in C order.
    /// </summary>
    private static JsonElement LoadWithNumPy(IEnumerable<string> paths)
    {
        const string Script = """
            import json, sys, zipfile
            import numpy as np
            from numpy.lib import format as npformat
            out = {}
            for p in sys.argv[1:]:
                with zipfile.ZipFile(p) as z:
                    bad = z.testzip()
                with np.load(p) as data:
                    arrays = [dict(name=n, descr=repr(npformat.dtype_to_descr(data[n].dtype)), shape=list(data[n].shape),
                                   c_data=data[n].tobytes("C").hex()) for n in data.files]
                out[p] = dict(testzip=bad, arrays=arrays)
            print(json.dumps(out))
            """;
        var python = Environment.GetEnvironmentVariable("BUFFERPROTOCOL_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";
        var start = new ProcessStartInfo(python, ["-c", Script, .. paths])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"np.load failed: {stderr}");
        return JsonDocument.Parse(stdout.Result).RootElement.Clone();
    }

    /// <summary>A stream that throws <see cref="IOException"/> once more than <c>failAfter</c> bytes were written.</summary>
    private sealed class FailingStream(Stream inner, long failAfter) : Stream
    {
        private long _written;

        public override bool CanRead => false;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_written + buffer.Length > failAfter)
            {
                throw new IOException("the disk is full");
            }
            _written += buffer.Length;
            inner.Write(buffer);
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value) => inner.SetLength(value);
    }
}
