using Winnow.Core.Data;

namespace Winnow.Core.Tests.Data;

public sealed class IdAndSpecTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void SameContentSameIdAcrossReadsAndFiles()
    {
        var a = _dir.File("a/x.jsonl", "{\"prompt\":\"p\",\"completion\":\"c\"}\n{\"prompt\":\"q\",\"completion\":\"c\"}\n");
        var b = _dir.File("b/y.json", "[{\"prompt\":\"p\",\"completion\":\"c\"}]");

        var first = DatasetReader.Read([a]).ToList();
        var second = DatasetReader.Read([a]).ToList();
        var other = DatasetReader.Read([b]).Single();

        Assert.Equal(first.Select(e => e.Id), second.Select(e => e.Id));
        Assert.Equal(first[0].Id, other.Id);
        Assert.NotEqual(first[0].Id, first[1].Id);
        Assert.Matches("^[0-9a-f]{16}$", first[0].Id);
        Assert.Equal(ExampleIds.ForInstruction("p", "c"), first[0].Id);
    }

    [Fact]
    public void DuplicatesWithinASourceGetStableSuffixes()
    {
        var path = _dir.File("x.conll", "a O\n\nb O\n\na O\n\na O\n");

        var ids = DatasetReader.Read([path]).Select(e => e.Id).ToList();

        Assert.Equal(ids[0] + "#2", ids[2]);
        Assert.Equal(ids[0] + "#3", ids[3]);
        Assert.Equal(ids, DatasetReader.Read([path]).Select(e => e.Id));
    }

    [Fact]
    public void GivenIdsAreKept()
    {
        var path = _dir.File("x.jsonl", "{\"id\":\"r1\",\"prompt\":\"p\",\"completion\":\"c\"}\n{\"id\":7,\"tokens\":[\"a\"],\"tags\":[\"O\"]}\n");

        var ids = DatasetReader.Read([path], ReadOptions.Default with { SkipInvalid = true }).Select(e => e.Id).ToList();

        Assert.Equal(["r1"], ids); // the NER line is a kind mismatch in an instruction file
    }

    [Fact]
    public void FoldersExpandRecursivelySortedWithReadableSources()
    {
        _dir.File("crossner/music/train.txt", "a O\n");
        _dir.File("crossner/music/dev.txt", "b O\n");
        _dir.File("crossner/ai/train.txt", "c O\n");
        _dir.File("crossner/LICENSE", "MIT\n");
        _dir.File("crossner/README.md", "# hi\n");
        _dir.File("crossner/.hidden/x.txt", "d O\n");
        var single = _dir.File("other/wnut/dev.conll", "e O\n");

        var spec = DatasetSpec.FromPaths([Path.Combine(_dir.Path, "crossner"), single]);

        Assert.Equal(["crossner/ai/train", "crossner/music/dev", "crossner/music/train", "wnut/dev"], spec.Files.Select(f => f.Source));
        Assert.Equal(["c", "b", "a", "e"], DatasetReader.ReadNer([Path.Combine(_dir.Path, "crossner"), single]).Select(s => s.Tokens[0]));
    }

    [Fact]
    public void ExplicitSourceNames()
    {
        var folder = Path.GetDirectoryName(_dir.File("f/a/x.txt", "a O\n"))!;

        var spec = DatasetSpec.FromEntries([(Path.Combine(_dir.Path, "f"), "pool")]);

        Assert.Equal("pool/a/x", spec.Files.Single().Source);
        Assert.True(Directory.Exists(folder));
    }

    [Fact]
    public void FormatDetectionByExtensionAndContent()
    {
        Assert.Equal(DataFormat.Conll, FormatDetector.Detect(_dir.File("noext", "a O\n")));
        Assert.Equal(DataFormat.Jsonl, FormatDetector.Detect(_dir.File("noext2", "{\"a\":1}\n")));
        Assert.Equal(DataFormat.JsonArray, FormatDetector.Detect(_dir.File("x.json", " [ ]")));
        Assert.Equal(DataFormat.QaTsv, FormatDetector.Detect(_dir.File("q.tsv", "Is it so?\tyes\tbecause\n")));
        Assert.Equal(DataFormat.Conll, FormatDetector.Detect(_dir.File("g.tsv", "\nOver\tperson\n")));
        Assert.Equal(DataFormat.QaTsv, FormatDetector.Detect(TestData.Shared("instruct/flan-cot/qasc_train.tsv")));
    }

    [Fact]
    public void ExplicitFormatOverridesDetection()
    {
        var path = _dir.File("x.txt", "{\"prompt\":\"p\",\"completion\":\"c\"}\n");

        Assert.Throws<DataFormatException>(() => DatasetReader.Read([path]).ToList());
        Assert.Single(DatasetReader.Read([path], ReadOptions.Default with { Format = DataFormat.Jsonl }));
    }

    [Fact]
    public void ChatMessagesRenderEarlierTurns()
    {
        var path = _dir.File("c.jsonl", """{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}""" + "\n");

        var example = DatasetReader.ReadInstructions([path]).Single();

        Assert.Equal("system: Be brief.\nuser: Hi", example.Prompt);
        Assert.Equal("Hello", example.Completion);
    }
}
