using FsCheck;
using FsCheck.Fluent;
using Winnow.Core.Data;

namespace Winnow.Core.Tests.Data;

/// <summary>Whatever bytes a file holds, readers either produce examples or throw <see cref="DataFormatException"/>.</summary>
public sealed class FuzzTests : IDisposable
{
    private static readonly string[] Extensions = [".jsonl", ".json", ".tsv", ".conll", ".parquet", ""];

    private static readonly string[] JsonPieces =
    [
        "{", "}", "[", "]", ",", ":", "\"prompt\"", "\"completion\"", "\"instruction\"", "\"input\"", "\"output\"",
        "\"tokens\"", "\"tags\"", "\"ner_tags\"", "\"messages\"", "\"role\"", "\"content\"", "\"assistant\"", "\"instances\"",
        "\"id\"", "\"B-PER\"", "\"I-PER\"", "\"O\"", "\"x\"", "1", "null", "true", "\n", " ", "\t", "\\n", "\"\\ud800\"",
    ];

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void RandomBytesOnlyThrowDataFormatException()
    {
        var counter = 0;
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            foreach (var extension in Extensions)
                ReadsOrRejects(_dir.Bytes($"b{counter++}{extension}", bytes));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(150));
    }

    [Fact]
    public void RandomJsonishTextOnlyThrowsDataFormatException()
    {
        var counter = 0;
        var text = Gen.ListOf(Gen.Elements(JsonPieces)).Select(pieces => string.Concat(pieces)).ToArbitrary();
        Prop.ForAll(text, content =>
        {
            foreach (var extension in new[] { ".jsonl", ".json" })
                ReadsOrRejects(_dir.File($"j{counter++}{extension}", content));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void RandomConllishTextOnlyThrowsDataFormatException()
    {
        var counter = 0;
        var pieces = new[] { "a", "B-PER", "I-PER", "I-LOC", "O", "person", "E-X", "S-", "-DOCSTART-", "# id = 3", "1", "#", " ", "\t", "\n", "\n\n", "en:x" };
        var text = Gen.ListOf(Gen.Elements(pieces)).Select(p => string.Concat(p)).ToArbitrary();
        Prop.ForAll(text, content =>
        {
            foreach (var extension in new[] { ".conll", ".tsv" })
            {
                ReadsOrRejects(_dir.File($"c{counter++}{extension}", content));
                ReadsOrRejects(_dir.File($"c{counter++}{extension}", content), ReadOptions.Default with { TagScheme = TagScheme.Bio });
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    private static void ReadsOrRejects(string path, ReadOptions? options = null)
    {
        try
        {
            foreach (var example in DatasetReader.Read([path], options))
                Assert.False(string.IsNullOrEmpty(example.Id));
        }
        catch (DataFormatException)
        {
            // The only acceptable failure.
        }

        var report = new ReadReport();
        try
        {
            _ = DatasetReader.Read([path], (options ?? ReadOptions.Default) with { SkipInvalid = true }, report).Count();
        }
        catch (DataFormatException e) when (e.Kind == DataErrorKind.MissingFile)
        {
        }
    }
}
