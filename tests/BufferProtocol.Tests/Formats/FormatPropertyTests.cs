using BufferProtocol.Formats;
using BufferProtocol.Formats.Internals;
using CsCheck;

namespace BufferProtocol.Tests.Formats;

/// <summary>
/// Property: random descriptor trees (every node kind, every mode, names with odd characters, empty structs
/// after a prefix, sub-arrays, repeats, pointers, function signatures) written as canonical text parse back to an
/// equal tree, and the text is a fixpoint. Deterministic: the trees come from a fixed PCG seed
/// (BUFFERPROTOCOL_SEED overrides it).
/// </summary>
public class FormatPropertyTests
{
    private static readonly Gen<FormatMode> Mode = Gen.Int[0, 4].Select(i => (FormatMode)i);

    private static readonly Gen<DataType> Leaf = Gen.Frequency(
        (6, Gen.Select(Gen.Char["cbB?hHiIlLqQnNefdgP"], Mode, (c, m) => (DataType)ScalarType.Get(c, m))),
        (1, Gen.Select(Gen.Char["fdg"], Mode, (c, m) => (DataType)ScalarType.Get(c, m, complex: true))),
        (2, Gen.Select(Gen.Char["spuw"], Gen.Int[0, 5], Mode, (c, n, m) => (DataType)FormatLayout.TryCreateString(c, n, m)!)),
        (1, Gen.Select(Gen.Int[0, 5], Mode, (n, m) => (DataType)new PaddingType(n, m))),
        (1, Gen.Select(Gen.Int[0, 17], Mode, (n, m) => (DataType)new BitFieldType(n, m))),
        (1, Mode.Select(m => (DataType)ObjectType.Get(m))));

    private static readonly Gen<string?> Name = Gen.Frequency(
        (2, Gen.Const((string?)null)),
        (3, Gen.String[Gen.Char["ab z{}()T0é\t-><"], 0, 4].Select(s => (string?)s)));

    private static readonly Gen<DataType> Type = Gen.Recursive<DataType>((depth, self) => depth >= 4
        ? Leaf
        : Gen.Frequency(
            (8, Leaf),
            (2, Gen.Select(Mode, Members(self), (entry, members) => (DataType)Record(members, isStruct: true, entry))),
            (1, Gen.Select(self, Gen.Int[0, 3].Array[1, 3], (element, shape) =>
                (DataType)FormatLayout.TryCreateSubArray(element, [.. shape.Select(e => (nint)e)], isRepeat: false)!)),
            (1, Gen.Select(self, Gen.OneOfConst(0, 2, 3, 5), (element, count) => Repeat(element, count))),
            (1, Gen.Select(self, Mode, (target, mode) => (DataType)new PointerType(target, mode))),
            (1, Gen.Select(Members(self), self, Gen.Bool, Mode, (arguments, result, hasResult, mode) =>
                (DataType)new FunctionPointerType(Record(arguments, isStruct: false, mode), hasResult ? result : null, mode)))));

    /// <summary>A whole format: one unnamed item, or an item list with any other shape.</summary>
    private static readonly Gen<DataType> Root = Gen.Frequency(
        (1, Type),
        (1, Members(Type).Where(m => m.Length != 1 || m[0].Name is not null).Select(m => (DataType)Record(m, isStruct: false, FormatMode.Native))));

    [Fact]
    public void Random_descriptors_round_trip_through_canonical_text()
    {
        var pcg = new PCG(1, (ulong)FormatSeeds.Seed);
        for (int i = 0; i < 5000; i++)
        {
            DataType root = Root.Generate(pcg, null!, out _);
            string text = FormatWriter.WriteRoot(root);
            BufferFormat parsed;
            try
            {
                parsed = BufferFormat.Parse(text);
            }
            catch (BufferFormatException e)
            {
                throw new InvalidOperationException($"iteration {i}: the canonical text of a descriptor does not parse: {text}", e);
            }
            Assert.True(root.Equals(parsed.Root), $"iteration {i}: {text} parsed as {parsed.ToCanonicalString()}");
            Assert.Equal(root.GetHashCode(), parsed.Root.GetHashCode());
            Assert.Equal((root.Size, root.Alignment), (parsed.ItemSize, parsed.Alignment));
            Assert.Equal(text, parsed.ToCanonicalString());
        }
    }

    [Fact]
    public void Node_text_is_the_canonical_text_of_the_node_alone()
    {
        var pcg = new PCG(2, (ulong)FormatSeeds.Seed);
        for (int i = 0; i < 2000; i++)
        {
            DataType type = Type.Generate(pcg, null!, out _);
            Assert.Equal(type, BufferFormat.Parse(type.ToString()).Root);
        }
    }

    private static Gen<(string? Name, DataType Type)[]> Members(Gen<DataType> type) =>
        Gen.Select(Name, type, (name, t) => (name, t)).Array[0, 4].Select(members =>
            members.Select((m, i) => (m.name is null ? null : m.name + "_" + i, m.t)).ToArray());

    /// <summary>A record laid out like the parser does; the closing mode is the mode after the last member.</summary>
    private static RecordType Record((string? Name, DataType Type)[] members, bool isStruct, FormatMode entry)
    {
        var builder = new FormatLayout.RecordBuilder();
        foreach ((string? name, DataType type) in members)
        {
            Assert.True(builder.TryAdd(name, type));
        }
        return builder.TryBuild(isStruct, entry, builder.ClosingMode(entry))!;
    }

    /// <summary>A repeat count applies to codes whose count is not a length; others get a shape instead.</summary>
    private static DataType Repeat(DataType element, int count)
    {
        bool repeatable = element is ScalarType or ObjectType or PointerType or FunctionPointerType or RecordType { IsStruct: true };
        return FormatLayout.TryCreateSubArray(element, [count], isRepeat: repeatable)!;
    }
}
