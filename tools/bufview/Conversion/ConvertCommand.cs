using System.CommandLine;
using System.Globalization;
using System.IO.MemoryMappedFiles;
using BufferProtocol.Bufview.Common;
using BufferProtocol.Bufview.Dump;
using BufferProtocol.Bufview.Output;
using BufferProtocol.Bufview.Values;
using BufferProtocol.Copying;
using BufferProtocol.Exporters;
using BufferProtocol.Formats;
using BufferProtocol.Interop.Npy;
using BufferProtocol.Interop.NumPy;
using BufferProtocol.Layout;
using BufferProtocol.Protocol;
using BufferProtocol.Views;

namespace BufferProtocol.Bufview.Conversion;

/// <summary>
/// <c>bufview convert IN OUT</c>: between raw binary and <c>.npy</c>, C and Fortran order, byte orders and formats —
/// through the copy engine, a block at a time from a memory-mapped input into a memory-mapped output, written under a
/// temporary name and renamed when complete. A <c>.npz</c> output is that <c>.npy</c>, staged under a temporary name
/// and then stored (or deflated) by <see cref="NpzWriter"/> as the archive's one member.
/// </summary>
internal static class ConvertCommand
{
    /// <summary>Bytes (of the larger item size) copied per block.</summary>
    public const int BlockBytes = 16 << 20;

    /// <summary>Outputs of at least this many bytes get a progress bar on a terminal.</summary>
    internal static long ProgressThreshold { get; set; } = 64L << 20;

    public static Command Create(ConsoleSink console)
    {
        var input = new Argument<string>("IN") { Description = "The input: raw binary (with --format), .npy, or FILE.npz:NAME" };
        var output = new Argument<string>("OUT") { Description = "The output file (.npy or .npz by its extension or --to; raw binary otherwise); replaced only when complete" };
        var raw = new RawOptions();
        var member = InputOpener.MemberOption();
        var slice = DumpCommand.SliceOption("converting");
        var from = new Option<string?>("--from") { Description = "The input's kind: raw or npy (default: npy when it starts with NumPy's magic, a .npz member when named, raw otherwise)", HelpName = "raw|npy" };
        var to = new Option<string?>("--to") { Description = "The output's kind: raw, npy or npz (default: by OUT's extension, .npy or .npz; raw otherwise)", HelpName = "raw|npy|npz" };
        var name = new Option<string?>("--name", "-n") { Description = "The .npz output's array name (default: the input's member name, or its file name without the extension)", HelpName = "NAME" };
        var compress = new Option<bool>("--compress", "-z") { Description = "Deflate the .npz output's member, as np.savez_compressed (default: stored, as np.savez)" };
        var toFormat = new Option<string?>("--to-format", "-F") { Description = "The output's item format (PEP 3118 or NumPy typestr, e.g. \">d\", \"<f8\", \"i4\"); default: the input's", HelpName = "F" };
        var toOrder = new Option<string?>("--to-order", "-O") { Description = "The output's memory order: C or F; default: the input's (C for a strided slice)", HelpName = "C|F" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress bar and no summary line" };
        var json = new Option<bool>("--json") { Description = "Print a JSON summary of the input and output instead of the summary line" };
        var command = new Command("convert", "Convert between raw binary and .npy, C and Fortran order, byte orders and formats (streamed, memory-mapped, atomic).")
        {
            input,
            output,
        };
        raw.AddTo(command);
        command.Options.Add(member);
        command.Options.Add(slice);
        command.Options.Add(from);
        command.Options.Add(to);
        command.Options.Add(toFormat);
        command.Options.Add(toOrder);
        command.Options.Add(name);
        command.Options.Add(compress);
        command.Options.Add(quiet);
        command.Options.Add(json);
        command.SetAction(result => CommandRunner.Run(console, () =>
        {
            string inText = result.GetValue(input)!, outPath = result.GetValue(output)!;
            string? fromKind = Kind(result.GetValue(from), "--from");
            if (fromKind == "npz")
            {
                throw UserError.Usage("invalid --from \"npz\": name the member as FILE.npz:NAME or with --member");
            }
            string toKind = Kind(result.GetValue(to), "--to") ?? KindOf(outPath);
            if (toKind != "npz" && (result.GetValue(name) is not null || result.GetValue(compress)))
            {
                throw UserError.Usage("--name and --compress describe a .npz output (OUT ending in .npz, or --to npz)");
            }
            CheckOutput(outPath);
            var job = new Job
            {
                OutPath = outPath,
                ToNpy = toKind is "npy" or "npz",
                ToNpz = toKind == "npz",
                MemberName = result.GetValue(name),
                Compression = result.GetValue(compress) ? NpzCompression.Deflated : NpzCompression.Stored,
                TargetFormatText = result.GetValue(toFormat),
                TargetOrder = result.GetValue(toOrder) is { } o ? Inputs.ParseOrder(o, "--to-order") : null,
                Quiet = result.GetValue(quiet),
                Json = result.GetValue(json),
            };
            if (job.TargetFormatText is not null)
            {
                job.TargetFormat = Inputs.ParseFormat(job.TargetFormatText, "--to-format");
            }
            using ArrayInput source = OpenInput(inText, result.GetValue(member), fromKind, raw, result);
            return Run(console, job, source, result.GetValue(slice));
        }));
        return command;
    }

    private sealed class Job
    {
        public required string OutPath { get; init; }
        /// <summary>True for a .npy file, and for the .npy member of a .npz output.</summary>
        public bool ToNpy { get; init; }
        public bool ToNpz { get; init; }
        public string? MemberName { get; init; }
        public NpzCompression Compression { get; init; }
        public string? TargetFormatText { get; init; }
        public BufferFormat? TargetFormat { get; set; }
        public ContiguityOrder? TargetOrder { get; init; }
        public bool Quiet { get; init; }
        public bool Json { get; init; }
    }

    private static string? Kind(string? text, string option) => text?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "raw" or "bin" or "binary" => "raw",
        "npy" => "npy",
        "npz" => "npz",
        _ => throw UserError.Usage($"invalid {option} \"{Inputs.Shorten(text)}\": expected {(option == "--to" ? "raw, npy or npz" : "raw or npy")}"),
    };

    private static string KindOf(string outPath) =>
        outPath.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? "npy" : outPath.EndsWith(".npz", StringComparison.OrdinalIgnoreCase) ? "npz" : "raw";

    private static void CheckOutput(string path)
    {
        if (path.Length == 0)
        {
            throw UserError.Usage("the output file name is empty");
        }
        if (Directory.Exists(path))
        {
            throw new UserError($"cannot write '{Inputs.Shorten(path)}': it is a directory");
        }
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new UserError($"cannot write '{Inputs.Shorten(path)}': the folder '{Inputs.Shorten(folder)}' does not exist");
        }
    }

    private static ArrayInput OpenInput(string text, string? member, string? fromKind, RawOptions raw, ParseResult result)
    {
        if (fromKind == "raw")
        {
            var (path, fromPath) = ArrayInput.SplitMember(text);
            if (member is not null || fromPath is not null)
            {
                throw UserError.Usage("--from raw reads a file as raw binary; it cannot be combined with a .npz member");
            }
            return ArrayInput.OpenRaw(path, raw.Read(result, path));
        }
        if (fromKind == "npy")
        {
            if (result.GetValue(raw.Format) is not null)
            {
                throw UserError.Usage("--from npy reads the format from the file's header; --format describes raw input");
            }
            var (path, fromPath) = ArrayInput.SplitMember(text);
            InputKind kind = Inputs.Sniff(path);
            if (kind == InputKind.Raw)
            {
                throw new UserError($"'{Inputs.Shorten(path)}' is not a .npy file: it does not start with NumPy's magic \\x93NUMPY");
            }
            _ = fromPath;
        }
        return InputOpener.Open(text, member, raw, result);
    }

    private static int Run(ConsoleSink console, Job job, ArrayInput source, string? key)
    {
        using MemoryView view = key is null ? new MemoryView(source.View) : Inputs.ApplySlice(source.View, key);
        BufferFormat sourceFormat = BufferFormat.Parse(view.Format);
        BufferFormat targetFormat = job.TargetFormat ?? sourceFormat;
        if (view.ItemSize != sourceFormat.ItemSize)
        {
            throw new UserError($"the input's items are {view.ItemSize} bytes but its format \"{Inputs.Shorten(view.Format)}\" describes {sourceFormat.ItemSize}");
        }
        ElementConverter? converter = ElementConverter.Create(sourceFormat, targetFormat);
        ContiguityOrder order = job.TargetOrder ?? (view.Layout.IsFContiguous && !view.Layout.IsCContiguous ? ContiguityOrder.Fortran : ContiguityOrder.C);
        BufferLayout outLayout = BufferLayout.Contiguous(targetFormat.ItemSize, view.Shape, order);
        byte[] header = job.ToNpy ? NpyHeaderFor(targetFormat, outLayout, order) : [];
        long dataLength = outLayout.Length;
        string? member = job.ToNpz ? job.MemberName ?? source.Member ?? Path.GetFileNameWithoutExtension(source.Path) : null;

        using (var output = new AtomicFile(job.OutPath))
        using (var staging = job.ToNpz ? new AtomicFile(job.OutPath) : null) // never committed: deleted on dispose
        using (var interrupt = new CancellationTokenSource())
        {
            // Ctrl+C stops the copy at the next block; the temporary file is deleted and OUT is left as it was.
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                interrupt.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                WriteFile(staging?.TempPath ?? output.TempPath, job.OutPath, header, dataLength, pointer =>
                {
                    bool show = !job.Quiet && !job.Json && dataLength >= ProgressThreshold;
                    console.Progress($"{Path.GetFileName(job.OutPath)}", dataLength, show,
                        progress => Copy(view, pointer, targetFormat, converter, order, progress, interrupt.Token));
                });
            }
            catch (OperationCanceledException)
            {
                throw new UserError($"interrupted: '{Inputs.Shorten(job.OutPath)}' was not written", ExitCodes.Interrupted);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
            view.Dispose();
            source.Dispose(); // unmapped before the rename: IN and OUT may be the same file
            if (staging is not null)
            {
                WriteArchive(staging.TempPath, output.TempPath, job, member!);
            }
            Inputs.GuardWrite(job.OutPath, () =>
            {
                output.Commit();
                return 0;
            });
        }

        string orderText = order == ContiguityOrder.Fortran && !outLayout.IsCContiguous ? "F" : "C";
        if (job.Json)
        {
            var w = console.Output;
            w.Write("{\"input\":{\"file\":");
            JsonText.WriteString(w, source.Path);
            w.Write(",\"kind\":\"" + (source.Kind == InputKind.Raw ? "raw" : source.Kind == InputKind.Npy ? "npy" : "npz-member") + "\",\"format\":");
            JsonText.WriteString(w, sourceFormat.Text);
            w.Write(",\"shape\":[" + string.Join(",", outLayout.Shape.ToArray()) + "]},\"output\":{\"file\":");
            JsonText.WriteString(w, job.OutPath);
            w.Write(",\"kind\":\"" + (job.ToNpz ? "npz" : job.ToNpy ? "npy" : "raw") + "\",");
            if (member is not null)
            {
                w.Write("\"member\":");
                JsonText.WriteString(w, member);
                w.Write(",\"compressed\":" + (job.Compression == NpzCompression.Deflated ? "true" : "false") + ",");
            }
            w.Write("\"format\":");
            JsonText.WriteString(w, targetFormat.Text);
            w.Write(",\"shape\":[" + string.Join(",", outLayout.Shape.ToArray()) + "],\"order\":\"" + orderText + "\"");
            w.Write(",\"header_length\":" + header.Length.ToString(CultureInfo.InvariantCulture));
            w.Write(",\"data_length\":" + dataLength.ToString(CultureInfo.InvariantCulture));
            w.WriteLine(",\"conversion\":\"" + (converter?.Description ?? "copy") + "\"}}");
        }
        else if (!job.Quiet)
        {
            console.Output.WriteLine(
                $"{job.OutPath}: {(member is not null ? $".npz member '{Inputs.Shorten(member)}'{(job.Compression == NpzCompression.Deflated ? " (deflated)" : "")}" : job.ToNpy ? ".npy" : "raw")}, \"{Inputs.Shorten(targetFormat.Text)}\", shape {Inputs.ShapeText(outLayout.Shape)}, " +
                $"{(orderText == "F" ? "Fortran" : "C")} order, {ArrayInput.Bytes(dataLength)} of data{(header.Length > 0 ? $" after a {header.Length}-byte header" : "")} " +
                $"(from {source.Path}, \"{Inputs.Shorten(sourceFormat.Text)}\"; {converter?.Description ?? "copy"})");
        }
        return ExitCodes.Success;
    }

    /// <summary>The .npy header of the output, as np.save writes it for the same array.</summary>
    private static byte[] NpyHeaderFor(BufferFormat format, BufferLayout layout, ContiguityOrder order)
    {
        NumPyDType type;
        BufferLayout arrayLayout;
        try
        {
            type = NumPyDType.FromBuffer(format.Text, layout, out arrayLayout);
        }
        catch (Exception e) when (e is NotSupportedException or BufferFormatException)
        {
            throw new UserError($"\"{Inputs.Shorten(format.Text)}\" items cannot be written to a .npy file: {UserError.MessageOf(e)} (write raw binary with --to raw)");
        }
        if (type.HasObjects)
        {
            throw new UserError("object items (O) cannot be written to a .npy file without pickling");
        }
        bool fortran = order == ContiguityOrder.Fortran && !layout.IsCContiguous;
        if (fortran && arrayLayout.Rank != layout.Rank)
        {
            throw new UserError($"\"{Inputs.Shorten(format.Text)}\" items are sub-arrays, which NumPy spreads into trailing axes in C order: they cannot be written in Fortran order (use --to-order C)");
        }
        return NpyHeader.Create(type, arrayLayout.Shape, fortran).ToBytes();
    }

    /// <summary>
    /// Writes the archive <paramref name="path"/> whose one member, <paramref name="member"/>, is the staged .npy file:
    /// mapped and handed to <see cref="NpzWriter"/>, which keeps its order (np.save's rule, as the staged header's), so
    /// the member holds the staged bytes.
    /// </summary>
    private static void WriteArchive(string npyPath, string path, Job job, string member)
    {
        using NpyArray staged = Inputs.GuardWrite(job.OutPath, () => NpyFile.Open(npyPath));
        Inputs.GuardWrite(job.OutPath, () =>
        {
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            using var writer = new NpzWriter(stream, job.Compression);
            try
            {
                writer.Add(member, staged);
            }
            catch (ArgumentException e)
            {
                throw new UserError($"cannot name the array '{Inputs.Shorten(member)}' in '{Inputs.Shorten(job.OutPath)}': {UserError.MessageOf(e)} (choose one with --name)", e);
            }
            return 0;
        });
    }

    /// <summary>Creates the file (header, then room for the data) and maps the data region for <paramref name="fill"/>.</summary>
    private static void WriteFile(string path, string displayPath, byte[] header, long dataLength, Action<nint> fill)
    {
        Inputs.GuardWrite(displayPath, () =>
        {
            // Allocated up front (posix_fallocate on Linux): a full disk is an error here, not a SIGBUS while the
            // mapped output is written.
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                PreallocationSize = header.Length + dataLength,
            };
            using var stream = new FileStream(path, options);
            stream.Write(header);
            stream.SetLength(header.Length + dataLength);
            return 0;
        });
        if (dataLength == 0)
        {
            return;
        }
        using MappedFileExporter mapping = Inputs.GuardWrite(displayPath, () => MappedFileExporter.Open(path, MemoryMappedFileAccess.ReadWrite, header.Length, dataLength));
        using (AcquiredBuffer target = mapping.GetBuffer(BufferRequest.Writable))
        {
            fill(target.Pointer);
        }
        Inputs.GuardWrite(displayPath, () =>
        {
            mapping.Flush();
            return 0;
        });
    }

    /// <summary>
    /// Copies the view's items into <paramref name="destination"/> contiguously in <paramref name="order"/>, a block
    /// of whole slices at a time (converting each block's items when the formats differ), reporting bytes written.
    /// </summary>
    private static unsafe void Copy(MemoryView view, nint destination, BufferFormat target, ElementConverter? converter, ContiguityOrder order,
        Action<long> progress, CancellationToken cancellation)
    {
        using MemoryViewLease lease = view.Lease();
        BufferLayout layout = lease.Layout;
        if (order == ContiguityOrder.Fortran && layout.Rank > 1)
        {
            // The Fortran order of the layout is the C order of its reversed axes.
            int[] axes = [.. Enumerable.Range(0, layout.Rank).Reverse()];
            layout = layout.Permute(axes);
        }
        int rank = layout.Rank;
        nint sourceSize = layout.ItemSize, targetSize = target.ItemSize;
        long itemBytes = Math.Max(Math.Max(sourceSize, targetSize), 1);
        // Axes k.. make up blocks of at most BlockBytes; axis k-1 is cut into groups of such blocks.
        int k = rank;
        long inner = itemBytes;
        while (k > 0 && inner * layout.Shape[k - 1] <= BlockBytes)
        {
            inner *= layout.Shape[k - 1];
            k--;
        }
        byte[]? scratch = converter is null ? null : new byte[checked((int)Math.Min(Math.Max(BlockBytes, itemBytes), (long)layout.ItemCount * sourceSize))];
        long written = 0, items = 0;

        void Block(nint source, in BufferLayout part)
        {
            cancellation.ThrowIfCancellationRequested();
            int count = checked((int)part.ItemCount);
            var output = new Span<byte>((byte*)destination + written, checked((int)(count * targetSize)));
            if (converter is null)
            {
                BufferCopy.ToContiguous(source, part, output, ContiguityOrder.C);
            }
            else
            {
                var input = scratch.AsSpan(0, checked((int)(count * sourceSize)));
                BufferCopy.ToContiguous(source, part, input, ContiguityOrder.C);
                converter.Convert(input, output, count, items);
            }
            written += output.Length;
            items += count;
            progress(output.Length);
        }

        if (k == 0)
        {
            Block(lease.Pointer, layout);
            return;
        }
        int group = k - 1;
        long perGroup = Math.Max(1, BlockBytes / inner);
        var index = new nint[group];
        while (true)
        {
            BufferLayout outer = layout;
            nint delta = 0;
            for (int a = 0; a < group; a++)
            {
                outer = outer.Slice(a, index[a], 1, 1, out nint d);
                delta += d;
            }
            nint extent = layout.Shape[group];
            for (nint start = 0; start < extent; start += (nint)perGroup)
            {
                nint n = (nint)Math.Min(perGroup, extent - start);
                BufferLayout part = outer.Slice(group, start, 1, n, out nint d);
                Block(lease.Pointer + delta + d, part);
            }
            int axis = group - 1;
            while (axis >= 0 && ++index[axis] >= layout.Shape[axis])
            {
                index[axis] = 0;
                axis--;
            }
            if (axis < 0)
            {
                return;
            }
        }
    }
}
