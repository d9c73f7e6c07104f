using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text;

namespace BufferProtocol.Tests.Readme;

/// <summary>
/// Runs the README examples: every public static parameterless method of an examples class is one example, its
/// name is the snippet name, and what it writes to <see cref="Console.Out"/> must be the README's output block.
/// </summary>
internal static class ReadmeExampleRunner
{
    /// <summary>The example names of <paramref name="examples"/> (theory data).</summary>
    public static TheoryData<string> Names(Type examples)
    {
        var names = new TheoryData<string>();
        foreach (var method in Methods(examples))
        {
            names.Add(method.Name);
        }
        return names;
    }

    /// <summary>Runs one example and compares its output with the README (or rewrites the README in update mode).</summary>
    public static void RunAndCompare(Type examples, string name)
    {
        var method = Methods(examples).Single(m => m.Name == name);
        var printed = ReadmeSnippets.Normalize(ConsoleCapture.Run(() => Invoke(method)));
        var block = ReadmeSnippets.ReadBlocks(File.ReadAllText(ReadmeSnippets.ReadmePath), out _).FirstOrDefault(b => b.Name == name);
        Assert.True(block is not null, $"README.md has no '<!-- snippet: {name} -->' block. Add one where the example belongs; " + ReadmeSnippets.HowToRefresh);
        var shown = block.Output is null ? "" : ReadmeSnippets.Normalize(block.Output);
        if (shown == printed)
        {
            return;
        }
        if (ReadmeSnippets.UpdateMode)
        {
            ReadmeSnippets.RewriteFile(_ => null, n => n == name ? printed : null);
            return;
        }
        Assert.Fail($"The README shows other output for example '{name}' than it prints.\n--- README:\n{shown}\n--- printed:\n{printed}\n---\n"
            + ReadmeSnippets.HowToRefresh);
    }

    private static IEnumerable<MethodInfo> Methods(Type examples) =>
        examples.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => m.GetParameters().Length == 0 && m.ReturnType == typeof(void))
            .OrderBy(m => m.MetadataToken);

    private static void Invoke(MethodInfo method)
    {
        try
        {
            method.Invoke(null, null);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
    }
}

/// <summary>
/// Captures what code writes to <see cref="Console.Out"/> on the current logical thread of execution only, so
/// examples can print while other tests run in parallel.
/// </summary>
internal static class ConsoleCapture
{
    private static readonly AsyncLocal<StringWriter?> s_current = new();
    private static readonly Lock s_installLock = new();
    private static bool s_installed;

    /// <summary>Runs <paramref name="action"/> and returns what it printed.</summary>
    public static string Run(Action action)
    {
        Install();
        var writer = new StringWriter { NewLine = "\n" };
        s_current.Value = writer;
        try
        {
            action();
        }
        finally
        {
            s_current.Value = null;
        }
        return writer.ToString();
    }

    private static void Install()
    {
        lock (s_installLock)
        {
            if (!s_installed)
            {
                Console.SetOut(new RoutingWriter(Console.Out));
                s_installed = true;
            }
        }
    }

    /// <summary>Writes to the capturing writer of the current flow, or to the original console.</summary>
    private sealed class RoutingWriter(TextWriter original) : TextWriter
    {
        public override Encoding Encoding => original.Encoding;

        private TextWriter Target => s_current.Value ?? original;

        public override void Write(char value) => Target.Write(value);

        public override void Write(string? value) => Target.Write(value);

        public override void WriteLine(string? value) => Target.WriteLine(value);

        public override void WriteLine() => Target.WriteLine();

        public override void Flush() => Target.Flush();
    }
}
