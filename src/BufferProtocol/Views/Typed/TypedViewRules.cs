using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using BufferProtocol.Formats;

namespace BufferProtocol.Views;

/// <summary>
/// Whether a view's format and item size describe <c>T</c>: the check every typed view is made with (Cython's
/// typed-memoryview check through <see cref="ClrFormat.IsCompatible{T}(BufferFormat, nint, out string?, FormatCompatibilityOptions?)"/>).
/// Results under the default policy are cached per type, format text and item size.
/// </summary>
internal static class TypedViewRules
{
    private const int CacheCapacity = 256;

    public static bool IsCompatible<T>(string format, nint itemSize, FormatCompatibilityOptions? options, [NotNullWhen(false)] out string? reason)
        where T : unmanaged
    {
        if (options is null || options == FormatCompatibilityOptions.Default)
        {
            var cache = Cache<T>.Results;
            var key = (format, itemSize);
            if (!cache.TryGetValue(key, out reason))
            {
                reason = Check<T>(format, itemSize, null);
                if (cache.Count >= CacheCapacity)
                {
                    cache.Clear();
                }
                cache.TryAdd(key, reason);
            }
            return reason is null;
        }
        reason = Check<T>(format, itemSize, options);
        return reason is null;
    }

    private static string? Check<T>(string format, nint itemSize, FormatCompatibilityOptions? options) where T : unmanaged
    {
        if (!BufferFormat.TryParse(format, out var parsed))
        {
            return $"the view's format '{format}' is not a PEP 3118 format, so it cannot describe {typeof(T).Name}";
        }
        if (ClrFormat.IsCompatible<T>(parsed, itemSize, out var reason, options))
        {
            return null;
        }
        return $"format '{format}' (item size {itemSize}) does not describe {TypeName<T>()} ({Unsafe.SizeOf<T>()} bytes): {reason}";
    }

    private static string TypeName<T>() => typeof(T).FullName ?? typeof(T).Name;

    private static class Cache<T>
    {
        public static readonly ConcurrentDictionary<(string, nint), string?> Results = new();
    }
}
