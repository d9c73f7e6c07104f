using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using BufferProtocol.Exporters;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;

namespace BufferProtocol.Python.Tests;

/// <summary>Exports a byte array the way CPython's byte exporters do (<c>PyBuffer_FillInfo</c>): the .NET twin of <c>bytearray</c>/<c>bytes</c>.</summary>
internal sealed class ByteBlockExporter(byte[] bytes, bool readOnly = false) : BufferExporter
{
    private readonly byte[] _bytes = bytes;
    private GCHandle _pin;

    protected override void OnFirstExport() => _pin = GCHandle.Alloc(_bytes, GCHandleType.Pinned);

    protected override void OnLastRelease()
    {
        if (_pin.IsAllocated)
        {
            _pin.Free();
        }
    }

    protected override ExportSource Describe() =>
        new(_pin.AddrOfPinnedObject(), BufferLayout.Contiguous(1, [_bytes.Length]), "B", readOnly);

    protected override AcquiredBuffer Answer(in ExportSource source, BufferRequest request) =>
        BufferRequestRules.FillInfo(source.Pointer, source.Layout.Length, source.IsReadOnly, request, this, this);
}

/// <summary>Native memory with any layout (strides of any sign, Fortran order, PIL suboffsets, rank 0).</summary>
internal sealed unsafe class NativeLayoutExporter : BufferExporter
{
    private readonly void* _block;
    private readonly ExportSource _source;

    /// <summary>Allocates <paramref name="blockSize"/> zeroed bytes, lets <paramref name="fill"/> write them and return the offset of item (0, …, 0).</summary>
    public NativeLayoutExporter(nint blockSize, Func<nint, nint> fill, BufferLayout layout, string format, bool readOnly)
    {
        _block = NativeMemory.AllocZeroed((nuint)blockSize);
        var offset = fill((nint)_block);
        _source = new ExportSource((nint)_block + offset, layout, format, readOnly);
    }

    public nint Block => (nint)_block;

    protected override ExportSource Describe() => _source;

    protected override void FreeResources() => NativeMemory.Free(_block);

    /// <summary>(rows, cols) int32 in Fortran order whose memory holds 0..n-1, as <c>ND_FORTRAN</c> stores a list.</summary>
    public static NativeLayoutExporter Fortran(int rows, int cols, bool readOnly) =>
        new(rows * cols * 4, p =>
        {
            for (var k = 0; k < rows * cols; k++)
            {
                ((int*)p)[k] = k;
            }
            return 0;
        }, BufferLayout.Create(4, [rows, cols], [4, 4 * rows]), "i", readOnly);

    /// <summary>int64 0..n-1 seen backwards with the given step (negative strides).</summary>
    public static NativeLayoutExporter Reversed(int n, int step) =>
        new(n * 8, p =>
        {
            for (var i = 0; i < n; i++)
            {
                ((long*)p)[i] = i;
            }
            return (n - 1) * 8;
        }, BufferLayout.Create(8, [(n + step - 1) / step], [-8 * step]), "q", false);

    /// <summary>PIL layout of <c>_testbuffer</c>'s <c>ND_PIL</c>: rows pointers then rows of int32 0..n-1.</summary>
    public static NativeLayoutExporter Pil(int rows, int cols) =>
        new(rows * sizeof(nint) + rows * cols * 4, p =>
        {
            var data = p + rows * sizeof(nint);
            for (var i = 0; i < rows; i++)
            {
                ((nint*)p)[i] = data + i * cols * 4;
                for (var j = 0; j < cols; j++)
                {
                    ((int*)data)[i * cols + j] = i * cols + j;
                }
            }
            return 0;
        }, BufferLayout.Create(4, [rows, cols], [sizeof(nint), 4], [0, -1]), "i", false);

    /// <summary>A 0-dimensional int32 holding <paramref name="value"/>.</summary>
    public static NativeLayoutExporter Scalar(int value) =>
        new(4, p => { *(int*)p = value; return 0; }, BufferLayout.Scalar(4), "i", false);
}

/// <summary>Formats an <see cref="AcquiredBuffer"/> exactly as the Python helper <c>describe</c> formats what <c>_testbuffer.ndarray</c> received.</summary>
internal static class BufferText
{
    public static string Describe(AcquiredBuffer buffer)
    {
        var data = new StringBuilder();
        var layout = buffer.Layout;
        var item = (int)buffer.ItemSize;
        if (layout.Rank == 0)
        {
            AppendHex(data, buffer.Pointer, item);
        }
        else if (!layout.IsEmpty)
        {
            var index = new nint[layout.Rank];
            var shape = layout.Shape;
            while (true)
            {
                AppendHex(data, buffer.GetPointer(index), item);
                var d = index.Length - 1;
                while (d >= 0 && ++index[d] == shape[d])
                {
                    index[d] = 0;
                    d--;
                }
                if (d < 0)
                {
                    break;
                }
            }
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"format='{buffer.Format ?? ""}' itemsize={buffer.ItemSize} ndim={buffer.Rank} shape={Tuple(buffer.Shape)} " +
            $"strides={Tuple(buffer.Strides)} suboffsets={Tuple(buffer.SubOffsets)} readonly={(buffer.IsReadOnly ? "True" : "False")} " +
            $"len={buffer.Length} data={data}");
    }

    public static string Tuple(ReadOnlySpan<nint> values) => values.Length switch
    {
        0 => "()",
        1 => $"({values[0]},)",
        _ => "(" + string.Join(", ", values.ToArray()) + ")",
    };

    private static unsafe void AppendHex(StringBuilder text, nint pointer, int count)
    {
        foreach (var b in new ReadOnlySpan<byte>((void*)pointer, count))
        {
            text.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }
    }
}
