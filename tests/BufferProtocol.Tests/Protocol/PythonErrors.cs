using System.Text.Json;
using BufferProtocol.Protocol;

namespace BufferProtocol.Tests.Protocol;

/// <summary>The Python → .NET exception map the protocol replays assert with (error kinds, not messages).</summary>
internal static class PythonErrors
{
    /// <summary>The .NET exception type a Python exception kind corresponds to.</summary>
    public static Type For(string pythonKind) => pythonKind switch
    {
        "BufferError" => typeof(BufferException),
        // Constructor validation: bad values and bad combinations of arguments.
        "ValueError" or "TypeError" => typeof(ArgumentException),
        "IndexError" => typeof(ArgumentOutOfRangeException),
        _ => throw new InvalidDataException($"no .NET counterpart is defined for Python's {pythonKind}"),
    };

    /// <summary>Runs <paramref name="action"/> and asserts it fails as the oracle's outcome says (or succeeds).</summary>
    public static void AssertOutcome(JsonElement outcome, Action action, string context)
    {
        Exception? error = null;
        try
        {
            action();
        }
        catch (Exception e)
        {
            error = e;
        }
        if (outcome.TryGetProperty("error", out var kind))
        {
            var expected = For(kind.GetString()!);
            Assert.True(error is not null && expected.IsInstanceOfType(error),
                $"{context}: CPython raised {kind.GetString()} ({outcome.GetProperty("message").GetString()}), .NET {Describe(error)}");
        }
        else
        {
            Assert.True(error is null, $"{context}: CPython succeeded, .NET {Describe(error)}");
        }
    }

    private static string Describe(Exception? e) => e is null ? "succeeded" : $"threw {e.GetType().Name}: {e.Message}";
}
