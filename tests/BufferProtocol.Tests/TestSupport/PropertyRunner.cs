using CsCheck;

namespace BufferProtocol.Tests.TestSupport;

/// <summary>
/// Runs a CsCheck generator deterministically: sample <c>i</c> comes from <c>PCG(stream, seed + i)</c>, on one
/// thread, so a run is the same every time and a failure names the one sample to replay.
/// </summary>
/// <remarks>
/// <c>Check.Sample</c> seeds only its first iteration and draws the rest from time-seeded generators on many
/// threads; CI must not depend on luck, so the properties use this runner. Environment:
/// <c>BUFFERPROTOCOL_PROPERTY_SEED</c> (a number; default <see cref="DefaultSeed"/>) and
/// <c>BUFFERPROTOCOL_PROPERTY_ITERATIONS</c> (default: the count the test asks for). To replay a failure, set the
/// seed to the one printed and the iterations to 1.
/// </remarks>
public static class PropertyRunner
{
    /// <summary>The seed used when <c>BUFFERPROTOCOL_PROPERTY_SEED</c> is not set.</summary>
    public const ulong DefaultSeed = 3118;

    /// <summary>The base seed of this run.</summary>
    public static ulong Seed { get; } =
        ulong.TryParse(Environment.GetEnvironmentVariable("BUFFERPROTOCOL_PROPERTY_SEED"), out var seed) ? seed : DefaultSeed;

    /// <summary>Checks <paramref name="property"/> on <paramref name="iterations"/> samples of <paramref name="gen"/>.</summary>
    /// <param name="gen">The generator.</param>
    /// <param name="property">Throws when the property does not hold.</param>
    /// <param name="iterations">Samples to check unless <c>BUFFERPROTOCOL_PROPERTY_ITERATIONS</c> says otherwise.</param>
    /// <param name="stream">Separates the sample streams of different properties.</param>
    public static void Check<T>(Gen<T> gen, Action<T> property, int iterations, uint stream)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("BUFFERPROTOCOL_PROPERTY_ITERATIONS"), out var n) && n > 0)
        {
            iterations = n;
        }
        for (var i = 0; i < iterations; i++)
        {
            var seed = Seed + (ulong)i;
            var sample = gen.Generate(new PCG(stream, seed), null!, out _);
            try
            {
                property(sample);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException(
                    $"property failed for sample {i} (replay: BUFFERPROTOCOL_PROPERTY_SEED={seed} BUFFERPROTOCOL_PROPERTY_ITERATIONS=1): {sample}", e);
            }
        }
    }
}
