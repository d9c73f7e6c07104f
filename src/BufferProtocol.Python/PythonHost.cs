using System.Runtime.InteropServices;
using Python.Runtime;

namespace BufferProtocol.Python;

/// <summary>
/// Starts CPython inside a .NET process through pythonnet (C# embeds Python), with the interpreter found robustly.
/// When Python hosts .NET (pythonnet's <c>clr</c> module) the interpreter is already running and
/// <see cref="Initialize"/> does nothing.
/// </summary>
/// <remarks>
/// The library is chosen in this order: the <c>pythonLibrary</c> argument of <see cref="Initialize"/>;
/// <c>BUFFERPROTOCOL_PYTHON_DLL</c>; <c>PYTHONNET_PYDLL</c> (pythonnet's own variable); Debian's
/// <c>/usr/lib/&lt;multiarch&gt;/libpython3.11.so.1.0</c>. Python's home (<c>sys.prefix</c>) is <c>PYTHONHOME</c>
/// when set, else derived from the library's location (<c>/usr/lib/x86_64-linux-gnu/…</c> → <c>/usr</c>), so that
/// Debian's <c>dist-packages</c> (NumPy, Pillow) are importable whatever <c>python3</c> comes first on <c>PATH</c>.
/// </remarks>
public static class PythonHost
{
    /// <summary>Environment variable naming the libpython to load; wins over <see cref="PythonNetLibraryVariable"/>.</summary>
    public const string LibraryVariable = "BUFFERPROTOCOL_PYTHON_DLL";

    /// <summary>pythonnet's environment variable naming the libpython to load.</summary>
    public const string PythonNetLibraryVariable = "PYTHONNET_PYDLL";

    private static readonly Lock s_gate = new();

    /// <summary>
    /// Finds the CPython shared library to embed, or null when none is found. Does not load it.
    /// </summary>
    /// <returns>A path (or a bare library name from an environment variable), or null.</returns>
    public static string? LocateLibrary()
    {
        foreach (var variable in (ReadOnlySpan<string>)[LibraryVariable, PythonNetLibraryVariable])
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value;
            }
        }
        if (OperatingSystem.IsLinux())
        {
            foreach (var directory in (ReadOnlySpan<string>)["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"])
            {
                var candidate = Path.Combine(directory, "libpython3.11.so.1.0");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    /// <summary>
    /// The <c>sys.prefix</c> to give an embedded interpreter loaded from <paramref name="pythonLibrary"/>:
    /// <c>PYTHONHOME</c> when set, else the parent of the <c>lib</c> folder holding the library when that folder has
    /// a <c>python3.*</c> standard library, else null (let Python work it out).
    /// </summary>
    /// <param name="pythonLibrary">Path of the libpython shared library.</param>
    public static string? LocateHome(string pythonLibrary)
    {
        ArgumentNullException.ThrowIfNull(pythonLibrary);
        var home = Environment.GetEnvironmentVariable("PYTHONHOME");
        if (!string.IsNullOrWhiteSpace(home))
        {
            return home;
        }
        var directory = Path.GetDirectoryName(Path.GetFullPath(pythonLibrary));
        while (directory is not null && !string.Equals(Path.GetFileName(directory), "lib", StringComparison.Ordinal))
        {
            directory = Path.GetDirectoryName(directory);
        }
        if (directory is null || !Directory.Exists(directory))
        {
            return null;
        }
        return Directory.EnumerateDirectories(directory, "python3*").Any() ? Path.GetDirectoryName(directory) : null;
    }

    /// <summary>
    /// Starts the interpreter through pythonnet unless it is already running (embedded earlier, or Python hosting
    /// .NET), and by default releases the GIL from the calling thread so that any thread can take it.
    /// </summary>
    /// <param name="pythonLibrary">The libpython to load; null to <see cref="LocateLibrary"/>.</param>
    /// <param name="releaseGil">Release the GIL after start-up (<c>PythonEngine.BeginAllowThreads</c>); take it back
    /// with <c>using (Py.GIL())</c>. The methods of <see cref="PythonBuffers"/> take it themselves.</param>
    /// <returns>True when this call started the interpreter; false when it was already running.</returns>
    /// <exception cref="InvalidOperationException">No libpython was found.</exception>
    /// <exception cref="DllNotFoundException">The library could not be loaded.</exception>
    public static bool Initialize(string? pythonLibrary = null, bool releaseGil = true)
    {
        lock (s_gate)
        {
            if (PythonEngine.IsInitialized)
            {
                return false;
            }
            var library = pythonLibrary ?? LocateLibrary()
                ?? throw new InvalidOperationException(
                    $"no Python library found: set {LibraryVariable} (or {PythonNetLibraryVariable}) to the path of libpython3.x.so");
            if (!NativeLibrary.TryLoad(library, out _))
            {
                throw new DllNotFoundException($"the Python library '{library}' could not be loaded");
            }
            Runtime.PythonDLL = library;
            if (LocateHome(library) is { } home)
            {
                PythonEngine.PythonHome = home;
                var program = Path.Combine(home, "bin", "python3");
                if (File.Exists(program))
                {
                    PythonEngine.ProgramName = program;
                }
            }
            PythonEngine.Initialize();
            if (releaseGil)
            {
                PythonEngine.BeginAllowThreads();
            }
            return true;
        }
    }
}
