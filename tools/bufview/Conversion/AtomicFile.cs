namespace BufferProtocol.Bufview.Conversion;

/// <summary>
/// An output file written under a temporary name in the same folder and renamed over the destination only when
/// complete (<see cref="Commit"/>), so a failure or an interruption never leaves a partial file behind.
/// </summary>
internal sealed class AtomicFile : IDisposable
{
    private bool _committed;

    public AtomicFile(string destination)
    {
        Destination = destination;
        string folder = Path.GetDirectoryName(Path.GetFullPath(destination))!;
        TempPath = Path.Combine(folder, $".{Path.GetFileName(destination)}.bufview-{Guid.NewGuid():N}.tmp");
    }

    /// <summary>The final name.</summary>
    public string Destination { get; }

    /// <summary>Where the data is written until <see cref="Commit"/>.</summary>
    public string TempPath { get; }

    /// <summary>Renames the finished file over the destination (replacing an existing file).</summary>
    public void Commit()
    {
        File.Move(TempPath, Destination, overwrite: true);
        _committed = true;
    }

    /// <summary>Deletes the temporary file unless committed.</summary>
    public void Dispose()
    {
        if (_committed)
        {
            return;
        }
        try
        {
            File.Delete(TempPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing more can be done; the name starts with '.' and ends with .tmp.
        }
    }
}
