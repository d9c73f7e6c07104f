using BufferProtocol.Tests.Oracle;

namespace BufferProtocol.Tests.Architecture;

/// <summary>
/// The engineering standard: <c>unsafe</c> code (and <c>fixed</c> pinning) lives only in interop folders, next to the C
/// ABI mirrors, so that every pointer in the product is in a folder reviewed as such (docs/architecture.md).
/// </summary>
public class UnsafeCodeTests
{
    [Fact]
    public void Unsafe_code_under_src_is_only_in_Interop_folders()
    {
        var src = Path.Combine(OracleCases.RepoRoot, "src");
        var violations = new List<string>();
        var interopFilesWithUnsafe = 0;
        foreach (var file in SourceFiles(src))
        {
            var relative = Path.GetRelativePath(OracleCases.RepoRoot, file).Replace('\\', '/');
            var hits = UnsafeCodeScanner.Find(File.ReadAllText(file));
            if (UnsafeCodeScanner.IsInInterop(relative))
            {
                interopFilesWithUnsafe += hits.Count > 0 ? 1 : 0;
                continue;
            }
            violations.AddRange(hits.Select(h => $"{relative}:{h.Line}: {h.Construct}"));
        }
        Assert.True(violations.Count == 0,
            "unsafe code outside an Interop folder (move the pointer work into a helper under an Interop/ folder):\n" +
            string.Join('\n', violations));
        // The scan saw real unsafe code (Interop/Memory/RawMemory.cs at least): it reads the files it should.
        Assert.True(interopFilesWithUnsafe > 0, "the scan found no unsafe code at all under " + src);
    }

    [Fact]
    public void Scanner_finds_the_unsafe_keyword_and_fixed_statements_with_their_lines()
    {
        const string source = """
            namespace N;

            internal static unsafe class A
            {
                static void F(byte[] a)
                {
                    fixed (byte* p = a) { }
                    unsafe { }
                    fixed(byte* q = a) { } var u = 1; unsafe { }
                }
            }
            """;
        Assert.Equal([(3, "unsafe"), (7, "fixed ("), (8, "unsafe"), (9, "fixed ("), (9, "unsafe")], UnsafeCodeScanner.Find(source));
    }

    [Fact]
    public void Scanner_ignores_comments_strings_characters_and_other_words()
    {
        const string source = """
            // unsafe in a line comment; fixed (x)
            /* unsafe
               fixed (y) */
            /// <summary>The <c>unsafe</c> keyword.</summary>
            var a = "unsafe fixed (z)";
            var b = @"say ""unsafe""
            fixed (w)";
            var c = $"{x} unsafe {y}";
            var d = $@"unsafe {x}";
            var e = '"'; var f = "\" unsafe";
            var g = Unsafe.As<int, uint>(ref h); var unsafeCount = 0; var @unsafe = 1; var fixedSize = 2;
            var r = ""
            ;
            """;
        var raw = "var r = \"\"\"\n unsafe \"\" fixed (x)\n \"\"\";\n";
        Assert.Empty(UnsafeCodeScanner.Find(source));
        Assert.Empty(UnsafeCodeScanner.Find(raw));
        // After each literal the scanner is back in code: the keyword on the last line is found.
        Assert.Equal([(5, "unsafe")], UnsafeCodeScanner.Find(raw + "var s = '\\''; var t = \"\";\nunsafe { }"));
    }

    [Theory]
    [InlineData("src/BufferProtocol/Interop/Memory/RawMemory.cs", true)]
    [InlineData("src/BufferProtocol.Python/Interop/CPython.cs", true)]
    [InlineData(@"src\BufferProtocol\Interop\Npy\NpyFile.cs", true)]
    [InlineData("src/BufferProtocol/Views/MemoryView.cs", false)]
    [InlineData("src/BufferProtocol/InteropHelpers/X.cs", false)]
    [InlineData("src/BufferProtocol/Views/Interop.cs", false)]
    public void Only_a_whole_Interop_path_segment_counts(string path, bool allowed) =>
        Assert.Equal(allowed, UnsafeCodeScanner.IsInInterop(path));

    private static IEnumerable<string> SourceFiles(string src) =>
        Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Replace('\\', '/').Contains("/bin/", StringComparison.Ordinal) &&
                        !f.Replace('\\', '/').Contains("/obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
}
