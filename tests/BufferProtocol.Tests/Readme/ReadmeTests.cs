namespace BufferProtocol.Tests.Readme;

/// <summary>
/// The README's C# blocks are the example snippets verbatim, and each example prints what the README shows after it.
/// The examples that need Python run in <c>BufferProtocol.Python.Tests</c>; their code is checked here too.
/// </summary>
public sealed class ReadmeTests
{
    public static TheoryData<string> Examples => ReadmeExampleRunner.Names(typeof(ReadmeExamples));

    [Fact]
    public void Every_csharp_block_of_the_README_is_an_example_snippet_verbatim()
    {
        var snippets = ReadmeSnippets.AllSnippets();
        var blocks = ReadmeSnippets.ReadBlocks(File.ReadAllText(ReadmeSnippets.ReadmePath), out var unmarked);
        var problems = new List<string>();
        problems.AddRange(unmarked.Select(u => $"{u}: a ```csharp block without a '<!-- snippet: name -->' marker"));
        foreach (var block in blocks)
        {
            if (!snippets.TryGetValue(block.Name, out var code))
            {
                problems.Add($"README block '{block.Name}' has no snippet of that name in the example files");
            }
            else if (ReadmeSnippets.Normalize(block.Code) != code && !ReadmeSnippets.UpdateMode)
            {
                problems.Add($"README block '{block.Name}' differs from its snippet:\n--- README:\n{block.Code}\n--- snippet:\n{code}\n---");
            }
        }
        problems.AddRange(snippets.Keys.Where(name => blocks.All(b => b.Name != name))
            .Select(name => $"snippet '{name}' is not in README.md: add '<!-- snippet: {name} -->' and an empty ```csharp block where it belongs"));
        if (ReadmeSnippets.UpdateMode)
        {
            ReadmeSnippets.RewriteFile(name => snippets.GetValueOrDefault(name), _ => null);
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n" + ReadmeSnippets.HowToRefresh);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Each_example_prints_what_the_README_shows(string name) =>
        ReadmeExampleRunner.RunAndCompare(typeof(ReadmeExamples), name);

    [Fact]
    public void Snippets_are_cut_at_their_markers_dedented_and_joined_per_name()
    {
        const string source = """
            // begin-snippet: A
            public struct S { }
            // end-snippet
            void M()
            {
                // begin-snippet: A
                if (x)
                {
                    y();
                }
                // end-snippet
            }
            """;
        var snippets = ReadmeSnippets.Extract(source, "test.cs");
        Assert.Equal("public struct S { }\n\nif (x)\n{\n    y();\n}", snippets["A"]);
        Assert.Throws<InvalidDataException>(() => ReadmeSnippets.Extract("// begin-snippet: A\n", "test.cs"));
    }

    [Fact]
    public void Rewriting_replaces_code_and_adds_replaces_or_removes_output()
    {
        const string readme = "intro\n<!-- snippet: A -->\n```csharp\nold\n```\n\ntext\n<!-- snippet: B -->\n```csharp\nb\n```\n\n```text\nold output\n```\nend";
        var rewritten = ReadmeSnippets.Rewrite(readme, n => n == "A" ? "new\ncode" : null, n => n == "A" ? "printed" : "");
        Assert.Equal("intro\n<!-- snippet: A -->\n```csharp\nnew\ncode\n```\n\n```text\nprinted\n```\n\ntext\n<!-- snippet: B -->\n```csharp\nb\n```\nend", rewritten);
        var blocks = ReadmeSnippets.ReadBlocks(rewritten, out var unmarked);
        Assert.Empty(unmarked);
        Assert.Equal(["A", "B"], blocks.Select(b => b.Name));
        Assert.Equal("printed", blocks[0].Output);
        Assert.Null(blocks[1].Output);
    }
}
