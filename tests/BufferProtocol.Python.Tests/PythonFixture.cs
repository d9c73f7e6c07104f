using Python.Runtime;

namespace BufferProtocol.Python.Tests;

/// <summary>
/// Starts the embedded interpreter once per test run (Debian's CPython 3.11, or the library named by
/// <c>BUFFERPROTOCOL_PYTHON_DLL</c>/<c>PYTHONNET_PYDLL</c>) and loads the helper module. Tests call
/// <see cref="EnsureAvailable"/> first: without an interpreter they are skipped locally with the reason, and fail
/// when <c>CI=true</c>.
/// </summary>
public sealed class PythonFixture
{
    private readonly string? _unavailable;
    private readonly PyObject? _helpers;

    public PythonFixture()
    {
        try
        {
            PythonHost.Initialize();
            using (Py.GIL())
            {
                _helpers = PyModule.FromString("bp_test_helpers", PythonHelpers.Source);
            }
        }
        catch (Exception e)
        {
            _unavailable = $"{e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>True when running under CI (<c>CI=true</c>), where a missing interpreter is a failure.</summary>
    public static bool IsCI => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The helper module (see <see cref="PythonHelpers"/>); use with the GIL held.</summary>
    public PyObject Helpers => _helpers ?? throw new InvalidOperationException(_unavailable);

    /// <summary>Skips the test (locally) or fails it (CI) when Python with NumPy is not available.</summary>
    public void EnsureAvailable()
    {
        if (_unavailable is null)
        {
            return;
        }
        if (IsCI)
        {
            throw new InvalidOperationException("CI=true requires Python 3.11 with NumPy, Pillow and _testbuffer: " + _unavailable);
        }
        Skip.If(true, "Python is not available: " + _unavailable);
    }
}

[CollectionDefinition(Name)]
public sealed class PythonCollection : ICollectionFixture<PythonFixture>
{
    public const string Name = "Python";
}
