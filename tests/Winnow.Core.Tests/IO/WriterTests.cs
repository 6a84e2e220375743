using Winnow.Core.Data;
using Winnow.Core.IO;

namespace Winnow.Core.Tests.IO;

public sealed class WriterTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ParquetRoundTripKeepsEverythingAcrossRowGroups()
    {
        var ner = DatasetReader.ReadNer([TestData.Shared("ner/crossner/music/dev.txt")]).Take(250).ToList();
        var path = Path.Combine(_dir.Path, "pool.parquet");

        var written = await ExampleParquet.WriteAsync(path, ner, rowGroupSize: 100);
        var back = await ExampleParquet.ReadAsync(path).ToListAsync();

        Assert.Equal(250, written);
        Assert.Equal(ner.Select(Key), back.Select(Key));
        Assert.Equal(ExampleParquet.SchemaName, (await ParquetRows.ReadMetadataAsync(path))[ExampleParquet.SchemaKey]);
        Assert.Equal(ner.Select(Key), DatasetReader.Read([path]).Select(Key));
    }

    [Fact]
    public async Task ParquetRoundTripForInstructionsAndColumnNames()
    {
        var rows = DatasetReader.ReadInstructions([TestData.Shared("instruct/self-instruct/seed_tasks.jsonl")]).Take(30).ToList();
        var path = Path.Combine(_dir.Path, "i.parquet");

        await ExampleParquet.WriteAsync(path, rows, rowGroupSize: 7);
        var back = await ExampleParquet.ReadAsync(path).ToListAsync();

        Assert.Equal(rows, back.Cast<InstructionExample>());
        await using var reader = await Parquet.ParquetReader.CreateAsync(path);
        Assert.Equal(5, reader.RowGroupCount);
        Assert.Equal(["id", "source", "kind", "prompt", "completion", "tokens", "tags"], reader.Schema.Fields.Select(f => f.Name));
    }

    [Fact]
    public async Task ParquetRowsHelperIsGeneric()
    {
        var path = Path.Combine(_dir.Path, "scores.parquet");
        var scores = Enumerable.Range(0, 25).Select(i => new ScoreRow { Id = $"e{i}", Score = i / 2.0 }).ToList();

        await ParquetRows.WriteAsync(path, scores, rowGroupSize: 10, new Dictionary<string, string> { ["method"] = "tov" });

        Assert.Equal(scores.Select(s => (s.Id, s.Score)), (await ParquetRows.ReadAsync<ScoreRow>(path).ToListAsync()).Select(s => (s.Id, s.Score)));
        Assert.Equal("tov", (await ParquetRows.ReadMetadataAsync(path))["method"]);
    }

    [Fact]
    public async Task EmptyParquetIsValidButReadsAsEmptyFile()
    {
        var path = Path.Combine(_dir.Path, "empty.parquet");

        await ExampleParquet.WriteAsync(path, []);

        Assert.Empty(await ExampleParquet.ReadAsync(path).ToListAsync());
        Assert.Equal(DataErrorKind.EmptyFile, Assert.Throws<DataFormatException>(() => DatasetReader.Read([path]).ToList()).Kind);
    }

    [Fact]
    public void JsonlRoundTripKeepsIdsForBothFamilies()
    {
        var ner = DatasetReader.ReadNer([TestData.Shared("ner/wnut17/dev.conll")]).Take(40).ToList();
        var instr = DatasetReader.ReadInstructions([TestData.Shared("instruct/flan-cot/creak_train.tsv")]).Take(40).ToList();
        var nerPath = Path.Combine(_dir.Path, "ner.jsonl");
        var instrPath = Path.Combine(_dir.Path, "instr.jsonl");

        ExampleJsonl.Write(nerPath, ner);
        ExampleJsonl.Write(instrPath, instr);

        Assert.Equal(ner.Select(Key), DatasetReader.ReadNer([nerPath]).Select(e => Key(e with { Source = "wnut17/dev" })));
        Assert.Equal(instr.Select(e => (e.Id, e.Prompt, e.Completion)), DatasetReader.ReadInstructions([instrPath]).Select(e => (e.Id, e.Prompt, e.Completion)));
    }

    [Fact]
    public void ConllRoundTripKeepsIdsAndTags()
    {
        var ner = DatasetReader.ReadNer([TestData.Shared("ner/uner-ewt/en_ewt-ud-test.iob2")]).Take(40).ToList();
        var path = Path.Combine(_dir.Path, "out.conll");

        ExampleConll.Write(path, ner);

        Assert.Equal(ner.Select(e => (e.Id, string.Join(' ', e.Tokens), string.Join(' ', e.Tags))),
            DatasetReader.ReadNer([path]).Select(e => (e.Id, string.Join(' ', e.Tokens), string.Join(' ', e.Tags))));
    }

    [Fact]
    public void WriterThatThrowsLeavesNoFinalFileAndKeepsTheOldOne()
    {
        var path = Path.Combine(_dir.Path, "out.jsonl");

        Assert.Throws<InvalidOperationException>(() => ExampleJsonl.Write(path, Failing()));
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_dir.Path));

        File.WriteAllText(path, "old");
        Assert.Throws<InvalidOperationException>(() => ExampleJsonl.Write(path, Failing()));
        Assert.Equal("old", File.ReadAllText(path));
    }

    [Fact]
    public async Task ParquetWriterThatThrowsLeavesNoFile()
    {
        var path = Path.Combine(_dir.Path, "out.parquet");

        await Assert.ThrowsAsync<InvalidOperationException>(() => ExampleParquet.WriteAsync(path, Failing(), rowGroupSize: 1));

        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    private static IEnumerable<Example> Failing()
    {
        yield return new InstructionExample("a", "s", "p", "c");
        yield return new InstructionExample("b", "s", "p", "c");
        throw new InvalidOperationException("boom");
    }

    private static string Key(Example e) => e switch
    {
        NerExample n => $"{n.Id}|{n.Source}|{string.Join(' ', n.Tokens)}|{string.Join(' ', n.Tags)}",
        InstructionExample i => $"{i.Id}|{i.Source}|{i.Prompt}|{i.Completion}",
        _ => "",
    };

    public sealed class ScoreRow
    {
        public string Id { get; set; } = "";

        public double Score { get; set; }
    }
}
