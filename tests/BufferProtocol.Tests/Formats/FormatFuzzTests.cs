using System.Text;
using BufferProtocol.Formats;
using BufferProtocol.Tests.Oracle;

namespace BufferProtocol.Tests.Formats;

/// <summary>
/// 100,000 random and mutated format strings (fixed seed; set BUFFERPROTOCOL_SEED to explore): each one parses
/// or fails with <see cref="BufferFormatException"/> — never another exception, a hang or a stack overflow — and
/// whatever parses formats back to text that parses to an equal format.
/// </summary>
public class FormatFuzzTests
{
    private const string Alphabet = "xcbB?hHiIlLqQnNefdspPgwuOtZT{}()&X:,-> @=<>!^0123456789\t\n\0é";

    [Fact]
    public void Random_and_mutated_strings_parse_or_fail_with_BufferFormatException()
    {
        var random = new Random(FormatSeeds.Seed);
        string[] seeds = [.. OracleCases.Load("formats").Values.Select(c => c.GetProperty("format").GetString()!)];
        var sb = new StringBuilder();
        int parsed = 0;
        for (int i = 0; i < 100_000; i++)
        {
            sb.Clear();
            if (i % 2 == 0)
            {
                int length = random.Next(0, 24);
                for (int k = 0; k < length; k++)
                {
                    sb.Append(Alphabet[random.Next(Alphabet.Length)]);
                }
            }
            else
            {
                sb.Append(seeds[random.Next(seeds.Length)]);
                for (int m = random.Next(1, 4); m > 0; m--)
                {
                    int at = random.Next(sb.Length + 1);
                    switch (random.Next(3))
                    {
                        case 0 when sb.Length > 0 && at < sb.Length:
                            sb.Remove(at, 1);
                            break;
                        case 1:
                            sb.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                            break;
                        default:
                            sb.Insert(at, random.Next(3) == 0 ? "99999999999999999999" : random.Next(2) == 0 ? "T{" : "(2,3)");
                            break;
                    }
                }
            }
            string text = sb.ToString();
            try
            {
                BufferFormat format = BufferFormat.Parse(text);
                parsed++;
                Assert.True(format.ItemSize >= 0);
                BufferFormat again = BufferFormat.Parse(format.ToCanonicalString());
                Assert.True(format.Equals(again), $"round trip of {Escape(text)} via {Escape(format.ToCanonicalString())}");
                _ = format.TryToNumPyString(out _, out _);
                _ = format.Fields;
            }
            catch (BufferFormatException e)
            {
                Assert.InRange(e.Position, 0, text.Length);
            }
            catch (Exception e)
            {
                Assert.Fail($"{Escape(text)}: {e}");
            }
        }
        Assert.InRange(parsed, 10_000, 90_000); // both outcomes are exercised
    }

    private static string Escape(string s) => string.Concat(s.Select(c => c < ' ' || c > '~' ? $"\\u{(int)c:x4}" : c.ToString()));
}

/// <summary>The seed of the randomized format tests: BUFFERPROTOCOL_SEED when set, else a constant (CI is deterministic).</summary>
internal static class FormatSeeds
{
    public static int Seed { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("BUFFERPROTOCOL_SEED"), out int seed) ? seed : 3118;
}
