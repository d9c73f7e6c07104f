using System.CommandLine;
using BufferProtocol.Interop.Npy;

namespace BufferProtocol.Bufview.Common;

/// <summary>Opens the FILE argument of <c>dump</c>, <c>inspect</c> and <c>convert</c>: raw binary, <c>.npy</c>, or a <c>.npz</c> member.</summary>
internal static class InputOpener
{
    public static Option<string?> MemberOption() => new("--member", "-m")
    {
        Description = "The array of a .npz archive to use (also written FILE.npz:NAME)",
        HelpName = "NAME",
    };

    /// <summary>
    /// Opens <paramref name="file"/>: with <c>--format</c> as raw binary; otherwise by its first bytes, a <c>.npy</c>
    /// file, a <c>.npz</c> archive's member (<c>FILE.npz:NAME</c> or <c>--member</c>), or raw binary (which needs
    /// <c>--format</c>).
    /// </summary>
    public static ArrayInput Open(string file, string? member, RawOptions raw, ParseResult result)
    {
        var (path, fromPath) = ArrayInput.SplitMember(file);
        if (member is not null && fromPath is not null && member != fromPath)
        {
            throw UserError.Usage($"two members named: '{Inputs.Shorten(fromPath)}' in the file name and --member '{Inputs.Shorten(member)}'");
        }
        member ??= fromPath;
        if (result.GetValue(raw.Format) is not null)
        {
            if (member is not null)
            {
                throw UserError.Usage("--format reads a file as raw binary; it cannot be combined with a .npz member");
            }
            return ArrayInput.OpenRaw(path, raw.Read(result, path));
        }
        InputKind kind = Inputs.Sniff(path);
        if (kind != InputKind.Raw && raw.AnyGiven(result))
        {
            string given = raw.GivenWithoutFormat(result);
            throw UserError.Usage($"{given} {(given.Contains(',', StringComparison.Ordinal) ? "describe" : "describes")} raw binary, but '{Inputs.Shorten(path)}' is a {(kind == InputKind.Npy ? ".npy file" : ".npz archive")} whose header gives them (add --format to read its bytes as raw binary)");
        }
        if (member is not null && kind != InputKind.NpzMember)
        {
            throw UserError.Usage($"'{Inputs.Shorten(path)}' is not a .npz archive, so it has no member '{Inputs.Shorten(member)}'");
        }
        switch (kind)
        {
            case InputKind.Npy:
                return ArrayInput.OpenNpy(path);
            case InputKind.NpzMember:
                if (member is null)
                {
                    var archive = Inputs.GuardNumPy(path, () => NpzArchive.Open(path));
                    throw UserError.Usage(archive.Names.Length == 0
                        ? $"'{Inputs.Shorten(path)}' is a .npz archive with no arrays"
                        : $"'{Inputs.Shorten(path)}' is a .npz archive: name one of its arrays with {Inputs.Shorten(path)}:NAME or --member NAME ({Inputs.Shorten(string.Join(", ", archive.Names))})");
                }
                return ArrayInput.OpenNpzMember(path, member);
            default:
                return ArrayInput.OpenRaw(path, raw.Read(result, path));
        }
    }
}
