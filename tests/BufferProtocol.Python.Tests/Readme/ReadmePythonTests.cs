using BufferProtocol.Tests.Readme;

namespace BufferProtocol.Python.Tests.Readme;

/// <summary>
/// Runs the README's Python examples against the real interpreter and compares what they print with the README
/// (their code is compared with the README by <c>BufferProtocol.Tests</c>'s <c>ReadmeTests</c>).
/// </summary>
[Collection(PythonCollection.Name)]
public sealed class ReadmePythonTests(PythonFixture python)
{
    public static TheoryData<string> Examples => ReadmeExampleRunner.Names(typeof(ReadmePythonExamples));

    [SkippableTheory]
    [MemberData(nameof(Examples))]
    public void Each_example_prints_what_the_README_shows(string name)
    {
        python.EnsureAvailable();
        ReadmeExampleRunner.RunAndCompare(typeof(ReadmePythonExamples), name);
    }
}
