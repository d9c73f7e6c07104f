// The README's guided tour. Each method is one example: the region between "begin-snippet: <method name>" and
// "end-snippet" is shown verbatim in README.md, and what the method prints is the output the README shows after it
// (ReadmeTests checks both). Change an example here, then run scripts/update-readme.sh.
// begin-snippet: Usings
using System.IO.MemoryMappedFiles;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text;
using BufferProtocol.Copying;
using BufferProtocol.Exporters;
using BufferProtocol.Formats;
using BufferProtocol.Interop.DLPack;
using BufferProtocol.Interop.Npy;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;
using BufferProtocol.Tensors;
using BufferProtocol.Views;
using static BufferProtocol.Formats.ItemValueComparer; // Format(value): Python-like text of values and lists
// end-snippet

namespace BufferProtocol.Tests.Readme;

public static class ReadmeExamples
{
    public static void FormatParsing()
    {
        // begin-snippet: FormatParsing
        BufferFormat format = BufferFormat.Parse("T{b:a:3xi:b:(2,2)d:m:}");
        Console.WriteLine($"itemsize {format.ItemSize}, alignment {format.Alignment}");
        foreach (FormatField field in format.Fields)
        {
            Console.WriteLine($"  {field}");
        }

        // One canonical text per layout, and the text NumPy itself would export for it.
        Console.WriteLine(BufferFormat.Parse("@ i i 2h").ToCanonicalString());
        Console.WriteLine(BufferFormat.Parse("T{<d:x:<d:y:}").ToNumPyString());
        Console.WriteLine(BufferFormat.SizeFromFormat("=bhlq"));   // struct.calcsize, PyBuffer_SizeFromFormat

        try
        {
            BufferFormat.Parse("T{i:x:d:y");
        }
        catch (BufferFormatException e)
        {
            Console.WriteLine($"position {e.Position}: {e.Problem}");
        }
        // end-snippet
    }

    // begin-snippet: ClrMapping
    public struct Particle
    {
        public Vector3 Position;
        public float Mass;
        public bool Alive;
    }
    // end-snippet

    public static void ClrMapping()
    {
        // begin-snippet: ClrMapping
        Console.WriteLine(ClrFormat.Of<Particle>());

        // May items of a format from elsewhere be used in place as Particle? (Cython's typed-memoryview check)
        Console.WriteLine(ClrFormat.IsCompatible<Particle>(BufferFormat.Parse("T{3f:pos:f:mass:?:alive:3x}"), out string? reason));
        Console.WriteLine($"{ClrFormat.IsCompatible<Particle>(BufferFormat.Parse("T{3d:pos:f:mass:?:alive:}"), out reason)}: {reason}");

        // The bytes of a CLR value, decoded through its format.
        var particle = new Particle { Position = new Vector3(1, 2, 3), Mass = 0.5f, Alive = true };
        var codec = ItemCodec.For(BufferFormat.Parse(ClrFormat.Of<Particle>()));
        Console.WriteLine(codec.Read(MemoryMarshal.AsBytes(new ReadOnlySpan<Particle>(ref particle))));
        // end-snippet
    }

    public static void ItemCodecs()
    {
        // begin-snippet: ItemCodecs
        // struct.pack / struct.unpack, with CPython's conversions, range checks and messages.
        var header = ItemCodec.For(BufferFormat.Parse(">4sHI"));
        byte[] bytes = new byte[header.ItemSize];
        header.Pack(bytes, "BPRT"u8.ToArray(), 2, 4_000_000_000);
        Console.WriteLine(Convert.ToHexString(bytes));
        Console.WriteLine(Format(header.Unpack(bytes)));
        try
        {
            header.Pack(bytes, "BPRT"u8.ToArray(), 70_000, 0);
        }
        catch (ArgumentException e)
        {
            Console.WriteLine(e.Message);
        }

        // Records are BufferRecords: fields by position and by name.
        var point = ItemCodec.For(BufferFormat.Parse("T{<d:x:<d:y:}"));
        byte[] item = point.ToBytes(BufferRecord.Create(("x", 1.5), ("y", -2.0)));
        var record = (BufferRecord)point.Read(item)!;
        Console.WriteLine($"{record}, y = {Format(record["y"])}");
        // end-snippet
    }

    public static void Exporters()
    {
        // begin-snippet: Exporters
        // A .NET array (pinned only while exported).
        int[,] grid = { { 1, 2, 3 }, { 4, 5, 6 } };
        using var array = ArrayExporter.Create<int>(grid);
        Show("int[,]", array);

        // Memory<T> with a shape, read-only.
        float[] samples = [0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f];
        using var memory = MemoryExporter.CreateReadOnly<float>(samples, [3, 2]);
        Show("ReadOnlyMemory<float>", memory);

        // Native memory: any format, shape and byte strides (negative and zero too), at an offset into the block.
        using var native = NativeBuffer.Create("<H", BufferLayout.Create(2, [3, 2], [4, -2]), offset: 2, memoryLength: 12);
        Show("NativeBuffer", native);

        // PIL-style: a table of row pointers followed by the rows (suboffsets), as _testbuffer's ND_PIL builds it.
        using var pil = NativeBuffer.CreateIndirect("B", BufferLayout.Contiguous(1, [3, 4]), dataOffset: 0, dataLength: 12);
        Show("NativeBuffer (PIL)", pil);

        static void Show(string what, IBufferExporter exporter)
        {
            using AcquiredBuffer buffer = exporter.GetBuffer(BufferRequest.FullRO);   // what memoryview(x) asks for
            Console.WriteLine($"{what,-22} '{buffer.Format}' {buffer.Layout}{(buffer.IsReadOnly ? ", read-only" : "")}");
        }
        // end-snippet
    }

    public static void Requests()
    {
        // begin-snippet: Requests
        // A Fortran-ordered 2×3 array of doubles meets each request as a CPython exporter would, or refuses it.
        using var fortran = NativeBuffer.Create<double>([2, 3], ContiguityOrder.Fortran);
        Ask(fortran, "FullRO", BufferRequest.FullRO);
        Ask(fortran, "FContiguous", BufferRequest.FContiguous);
        Ask(fortran, "CContiguous", BufferRequest.CContiguous);
        Ask(fortran, "Simple", BufferRequest.Simple);

        using var readOnly = MemoryExporter.CreateReadOnly<byte>(new byte[8]);
        Ask(readOnly, "Simple", BufferRequest.Simple);
        Ask(readOnly, "Writable", BufferRequest.Writable);

        using var pil = NativeBuffer.CreateIndirect("B", BufferLayout.Contiguous(1, [3, 4]), 0, 12);
        Ask(pil, "RecordsRO", BufferRequest.RecordsRO);

        static void Ask(IBufferExporter exporter, string name, BufferRequest request)
        {
            try
            {
                using AcquiredBuffer buffer = exporter.GetBuffer(request);
                Console.WriteLine($"{name,-12} format {buffer.Format ?? "(none)"}, {buffer.Layout}");
            }
            catch (BufferException e)
            {
                Console.WriteLine($"{name,-12} refused: {e.Message}");
            }
        }
        // end-snippet
    }

    public static void ExportLifetimes()
    {
        // begin-snippet: ExportLifetimes
        // A growable byte buffer refuses to change size while exported, as bytearray does.
        var bytes = new ByteBuffer("hello"u8);
        using (var view = new MemoryView(bytes))
        {
            try
            {
                bytes.Append((byte)'!');
            }
            catch (BufferException e)
            {
                Console.WriteLine(e.Message);
            }
        }
        bytes.Append((byte)'!');                     // the view is released: resizing works again
        Console.WriteLine(Encoding.ASCII.GetString(bytes.AsSpan()));

        // A memory-mapped file, viewed as 2×3 float32. Close() is refused while exported (mmap.close());
        // Dispose() never throws and unmaps once the last export is released.
        string path = Path.GetTempFileName();
        File.WriteAllBytes(path, new byte[24]);
        using var file = MappedFileExporter.Open(path, MemoryMappedFileAccess.ReadWrite);
        using (var raw = new MemoryView(file))
        using (var floats = raw.Cast("<f", 2, 3))
        {
            floats[1, 2] = 2.5f;
            try
            {
                file.Close();
            }
            catch (BufferException e)
            {
                Console.WriteLine(e.Message);
            }
        }
        file.Close();
        Console.WriteLine(Convert.ToHexString(File.ReadAllBytes(path)));
        File.Delete(path);
        // end-snippet
    }

    public static void MemoryViewBasics()
    {
        // begin-snippet: MemoryViewBasics
        // m = memoryview(bytearray(b'abcdef')), and what CPython 3.11 answers.
        using var m = new MemoryView(new ByteBuffer("abcdef"u8));
        Console.WriteLine(Format(m[Slice.Every(2)].ToBytes()));   // m[::2].tobytes()
        Console.WriteLine(m.ToHex(':'));                           // m.hex(':')
        Console.WriteLine(Format(m[-1]));                          // m[-1]
        using var words = m[..4].Cast("H");                        // m[:4].cast('H')
        Console.WriteLine($"{words}: {Format(words.ToList())}");
        m[0] = (byte)'A';                                          // m[0] = ord('A')
        Console.WriteLine(m == new MemoryView(new ByteBuffer("Abcdef"u8)));

        // Python's exception kinds, as .NET exceptions (docs/errors.md).
        try
        {
            m[6] = 0;
        }
        catch (ArgumentOutOfRangeException e)
        {
            Console.WriteLine($"IndexError → {e.GetType().Name}: {e.Message}");
        }
        try
        {
            words[0] = -1;
        }
        catch (ArgumentException e)
        {
            Console.WriteLine($"ValueError → {e.GetType().Name}: {e.Message}");
        }
        // end-snippet
    }

    public static void MemoryViewNd()
    {
        // begin-snippet: MemoryViewNd
        using var exporter = NativeBuffer.Create<int>([3, 4]);
        using var m = new MemoryView(exporter);
        for (nint i = 0; i < 3; i++)
        {
            for (nint j = 0; j < 4; j++)
            {
                m[i, j] = (int)(10 * i + j);
            }
        }
        Console.WriteLine(Format(m.ToList()));

        using var corners = m["::2, ::-1"];      // NumPy notation; no copy
        Console.WriteLine($"{corners}: {Format(corners.ToList())}");
        using var column = m[.., 1];             // an integer drops its dimension
        Console.WriteLine($"{column}: {Format(column.ToList())}");
        using var transposed = m.Transpose();
        Console.WriteLine(transposed);

        m[0..2, 0..2] = m[1..3, 2..4];           // N-d slice assignment, overlap-safe
        Console.WriteLine(Format(m.ToList()));

        // The CPython mode is memoryview exactly, down to what it does not implement.
        using var cpython = new MemoryView(exporter, MemoryViewMode.CPython);
        try
        {
            _ = cpython[1];
        }
        catch (NotSupportedException e)
        {
            Console.WriteLine($"NotImplementedError → {e.GetType().Name}: {e.Message}");
        }
        // end-snippet
    }

    public static void MemoryViewRecords()
    {
        // begin-snippet: MemoryViewRecords
        using var points = NativeBuffer.Create("T{<d:x:<d:y:}", BufferLayout.Contiguous(16, [3]), 0, 48);
        using var m = new MemoryView(points);
        m[0] = BufferRecord.Create(("x", 1.5), ("y", -2.0));
        m[1] = new object[] { 3.0, 4.0 };            // by position, as NumPy assigns structured values
        Console.WriteLine(Format(m.ToList()));

        using var ys = m.GetField("y");              // a['y']: one field of every item, strided, no copy
        ys[2] = 9.0;
        Console.WriteLine($"{ys}: {Format(ys.ToList())}");
        Console.WriteLine(m[2]);
        // end-snippet
    }

    public static void TypedViews()
    {
        // begin-snippet: TypedViews
        // Items laid out elsewhere (here as NumPy lays out a structured array) read and written in place as Particle.
        using var exporter = NativeBuffer.Create("T{3f:pos:f:mass:?:alive:3x}", BufferLayout.Contiguous(20, [4]), 0, 80);
        using var records = new MemoryView(exporter);
        using MemoryView<Particle> particles = records.AsTyped<Particle>();   // checked field by field, as Cython does
        particles[1] = new Particle { Position = new Vector3(1, 2, 3), Mass = 0.5f, Alive = true };
        Console.WriteLine(records[1]);

        // The fast path: a lease hands out refs and spans, and keeps the memory alive until it is disposed.
        using (MemoryViewLease<Particle> lease = particles.Lease())
        {
            foreach (ref Particle p in lease.Span)
            {
                p.Mass += 1;
            }
        }
        using MemoryView<float> masses = particles.GetField<float>("mass");   // 20-byte steps, no copy
        Console.WriteLine($"{masses}: {Format(masses.ToArray())}");

        // Byte strides of any sign: a transposed, reversed view of doubles as a strided 2-D span.
        using var native = NativeBuffer.Create<double>([3, 4]);
        using var grid = MemoryView<double>.Create(native);
        using var turned = grid.Transpose()[.., Slice.Reverse];
        using (MemoryViewLease<double> lease = turned.Lease())
        {
            StridedSpan2D<double> span = lease.AsSpan2D();
            span[0, 0] = 7;
            Console.WriteLine($"{span.Height}×{span.Width}: row stride {span.RowStride}, column stride {span.ColumnStride} bytes");
        }
        Console.WriteLine(grid[2, 0]);

        try
        {
            using var wrong = records.AsTyped<double>();
        }
        catch (ArgumentException e)
        {
            Console.WriteLine(e.Message);
        }
        // end-snippet
    }

    public static void Tensors()
    {
        // begin-snippet: Tensors
        // A typed view as a TensorSpan<T>: no copy; valid until the lease ends.
        using var native = NativeBuffer.Create<float>([3, 4]);
        using var grid = MemoryView<float>.Create(native);
        grid.CopyFrom([0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]);
        using (var everyOther = grid[.., Slice.Every(2)])
        using (MemoryViewLease<float> lease = everyOther.Lease())
        {
            TensorSpan<float> t = lease.AsTensorSpan();                 // byte strides (16, 8) -> element strides
            Console.WriteLine($"strides [{string.Join(", ", t.Strides.ToArray())}], sum {Tensor.Sum<float>(t)}");
        }

        // A layout TensorSpan cannot describe is refused with the reason; ToTensor copies any layout.
        using (var reversed = grid[Slice.Reverse, ..])
        {
            using (var lease = reversed.LeaseReadOnly())
            {
                Console.WriteLine(lease.TryAsReadOnlyTensorSpan(out _, out string? reason) ? "converted" : reason);
            }
            Tensor<float> copy = reversed.ToTensor();
            Console.WriteLine($"copy[0, 0] = {copy[0, 0]}");
        }

        // The other way: a Tensor<T> as an exporter (pinned while exported; strides in bytes).
        Tensor<double> tensor = Tensor.Create([1.0, 2, 3, 4, 5, 6], [2, 3]);
        using var exporter = TensorExporter<double>.Create(Tensor.PermuteDimensions(tensor, [1, 0]));
        using var view = new MemoryView(exporter);
        Console.WriteLine($"{view}: {Format(view.ToList())}");
        // end-snippet
    }

    public static void CopyEngine()
    {
        // begin-snippet: CopyEngine
        // The items of any layout, in C or Fortran order (PyBuffer_ToContiguous).
        int[,] grid = { { 1, 2, 3 }, { 4, 5, 6 } };
        using var view = new MemoryView(ArrayExporter.Create<int>(grid));
        using var transposed = view.Transpose();
        using (AcquiredBuffer buffer = transposed.GetBuffer(BufferRequest.FullRO))
        {
            Console.WriteLine(Format(MemoryMarshal.Cast<byte, int>(BufferCopy.ToArray(buffer, ContiguityOrder.C)).ToArray()));
            Console.WriteLine(Format(MemoryMarshal.Cast<byte, int>(BufferCopy.ToArray(buffer, ContiguityOrder.Fortran)).ToArray()));
        }

        // Any layout into any layout of the same shape, overlap-safe: reverse bytes in place.
        byte[] memory = [1, 2, 3, 4, 5, 6, 7, 8];
        BufferCopy.Copy(memory, 0, BufferLayout.Create(1, [8], [1]), memory, 7, BufferLayout.Create(1, [8], [-1]));
        Console.WriteLine(string.Join(" ", memory));

        // Checked before the first byte moves: a failing copy writes nothing.
        try
        {
            BufferCopy.Copy(memory, 0, BufferLayout.Create(1, [4], [2]), memory, 0, BufferLayout.Create(1, [8], [1]));
        }
        catch (ArgumentException e)
        {
            Console.WriteLine(e.Message);
        }
        // end-snippet
    }

    public static void NpyFiles()
    {
        // begin-snippet: NpyFiles
        string path = Path.Combine(Path.GetTempPath(), $"readme-{Guid.NewGuid():N}.npy");
        using (var source = NativeBuffer.Create<double>([2, 3], ContiguityOrder.Fortran))
        using (var m = new MemoryView(source))
        {
            m[1, 2] = 4.5;
            NpyFile.Save(path, source);                  // the bytes np.save writes for the same array
        }
        Console.WriteLine(Encoding.Latin1.GetString(NpyFile.ReadHeader(path).ToBytes()[10..]).TrimEnd());

        using (NpyArray array = NpyFile.Open(path))      // memory-mapped: np.load(path, mmap_mode='r')
        using (var m = new MemoryView(array))
        {
            Console.WriteLine($"{m}: {Format(m.ToList())}");
        }
        File.Delete(path);
        // end-snippet
    }

    public static unsafe void DLPack()
    {
        // begin-snippet: DLPack
        // Export: a DLManagedTensorVersioned that any DLPack consumer (C, C++, Rust, Python) takes over.
        float[] values = [1, 2, 3, 4, 5, 6];
        using var exporter = MemoryExporter.Create<float>(values, [2, 3]);
        using var view = new MemoryView(exporter);
        using var transposed = view.Transpose();
        DLManagedTensorVersioned* tensor = DLPackBuffers.Export(transposed);
        DLTensor t = tensor->dl_tensor;
        Console.WriteLine($"dtype {t.dtype.Code} {t.dtype.bits}, shape ({t.shape[0]}, {t.shape[1]}), strides ({t.strides[0]}, {t.strides[1]}) items");

        // Import: the consumer side. The producer's deleter runs once the tensor and its buffers are released.
        using (DLPackTensor imported = DLPackBuffers.Import(tensor))
        using (var m = new MemoryView(imported))
        {
            Console.WriteLine($"{m}: {Format(m.ToList())}");
        }
        Console.WriteLine($"exports of the view left: {transposed.ExportCount}");
        // end-snippet
    }
}
