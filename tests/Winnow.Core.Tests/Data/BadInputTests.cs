using Winnow.Core.Data;

namespace Winnow.Core.Tests.Data;

public sealed class BadInputTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void MalformedJsonLineNamesFileAndLine()
    {
        var path = _dir.File("x.jsonl", "{\"prompt\":\"a\",\"completion\":\"b\"}\n{\"prompt\": \n");

        var e = Assert.Throws<DataFormatException>(() => Read(path));

        Assert.Equal(DataErrorKind.MalformedJson, e.Kind);
        Assert.Equal(2, e.Line);
        Assert.StartsWith(path + ":2: malformed JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedJsonArray()
    {
        var path = _dir.File("x.json", "[{\"prompt\":\"a\",\"completion\":\"b\"}, {\"prompt\": ]");

        Assert.Equal(DataErrorKind.MalformedJson, Assert.Throws<DataFormatException>(() => Read(path)).Kind);
    }

    [Fact]
    public void LineWithoutTagColumn()
    {
        var path = _dir.File("x.conll", "Paris B-LOC\nis O\n\nlonely\n");

        var e = Assert.Throws<DataFormatException>(() => Read(path));

        Assert.Equal(DataErrorKind.ColumnCount, e.Kind);
        Assert.Equal($"{path}:4: expected 'token tag' columns, found 1 column", e.Message);
    }

    [Fact]
    public void TokenTagCountMismatch()
    {
        var path = _dir.File("x.jsonl", "{\"tokens\":[\"a\",\"b\"],\"tags\":[\"O\"]}\n");

        var e = Assert.Throws<DataFormatException>(() => Read(path));

        Assert.Equal(DataErrorKind.LengthMismatch, e.Kind);
        Assert.Equal("tags", e.Field);
    }

    [Fact]
    public void IAfterOInStrictBioFileIsInvalid()
    {
        // The first entity starts with B-, so the file is BIO; the later I-PER after O is then an error.
        var path = _dir.File("x.conll", "Paris B-LOC\n\nhe O\nJohn I-PER\n");

        var e = Assert.Throws<DataFormatException>(() => Read(path));

        Assert.Equal(DataErrorKind.InvalidTags, e.Kind);
        Assert.Equal(4, e.Line);
    }

    [Fact]
    public void ExplicitBioSchemeRejectsIob1File()
    {
        var path = _dir.File("x.conll", "John I-PER\nsaid O\n");

        Assert.Throws<DataFormatException>(() => Read(path, ReadOptions.Default with { TagScheme = TagScheme.Bio }));
    }

    [Fact]
    public void MixedBareAndPrefixedTagsAreInvalid()
    {
        var path = _dir.File("x.tsv", "John\tperson\nParis\tB-LOC\n");

        Assert.Equal(DataErrorKind.InvalidTags, Assert.Throws<DataFormatException>(() => Read(path)).Kind);
    }

    [Theory]
    [InlineData("x.jsonl", "")]
    [InlineData("x.conll", "\n\n-DOCSTART- O\n\n")]
    [InlineData("x.json", "[]")]
    [InlineData("x.tsv", "   \n")]
    public void EmptyFile(string name, string content)
    {
        var path = _dir.File(name, content);

        Assert.Equal(DataErrorKind.EmptyFile, Assert.Throws<DataFormatException>(() => Read(path)).Kind);
    }

    [Theory]
    [InlineData("x.conll")]
    [InlineData("x.jsonl")]
    [InlineData("x.tsv")]
    public void NonUtf8Bytes(string name)
    {
        var first = name.EndsWith(".jsonl", StringComparison.Ordinal) ? "{\"prompt\":\"p\",\"completion\":\"c\"}\n"u8.ToArray() : "ok O\n"u8.ToArray();
        var path = _dir.Bytes(name, [.. first, 0xC3, 0x28, (byte)' ', (byte)'O', (byte)'\n']);

        var e = Assert.Throws<DataFormatException>(() => Read(path));

        Assert.Equal(DataErrorKind.Encoding, e.Kind);
        Assert.Equal(2, e.Line);
    }

    [Fact]
    public void MissingFileOrFolder()
    {
        var missing = Path.Combine(_dir.Path, "nope.conll");

        Assert.Equal(DataErrorKind.MissingFile, Assert.Throws<DataFormatException>(() => Read(missing)).Kind);
        Assert.Equal(DataErrorKind.MissingFile, Assert.Throws<DataFormatException>(() => Read(Path.Combine(_dir.Path, "nofolder"))).Kind);
    }

    [Theory]
    [InlineData("{\"prompt\":\"a\"}", "completion")]
    [InlineData("{\"instruction\":\"a\"}", "output")]
    [InlineData("{\"prompt\":\"a\",\"completion\":3}", "completion")]
    [InlineData("{\"tokens\":[\"a\"]}", "tags")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "messages")]
    [InlineData("{\"text\":\"a\"}", null)]
    public void MissingRequiredFields(string line, string? field)
    {
        var path = _dir.File("x.jsonl", line + "\n");

        var e = Assert.Throws<DataFormatException>(() => Read(path));

        Assert.Equal(DataErrorKind.MissingField, e.Kind);
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void KindMismatchWhenAKindIsRequired()
    {
        var path = _dir.File("x.jsonl", "{\"prompt\":\"a\",\"completion\":\"b\"}\n");

        Assert.Equal(DataErrorKind.KindMismatch, Assert.Throws<DataFormatException>(() => DatasetReader.ReadNer([path]).ToList()).Kind);
    }

    [Fact]
    public void SkipInvalidCountsReasonsAndKeepsGoodExamples()
    {
        var path = _dir.File("x.conll", "Paris B-LOC\n\nlonely\n\nRome B-LOC\n\nJohn B-PER\nx B-\n");
        var report = new ReadReport();

        var read = DatasetReader.Read([path], ReadOptions.Default with { SkipInvalid = true }, report).ToList();

        Assert.Equal(["Paris", "Rome"], read.Cast<NerExample>().Select(s => s.Tokens[0]));
        Assert.Equal(2, report.Skipped);
        Assert.Equal(1, report.SkippedByReason[DataErrorKind.ColumnCount]);
        Assert.Equal(1, report.SkippedByReason[DataErrorKind.InvalidTags]);
        Assert.Equal(3, report.FirstErrors[0].Line);
        Assert.Equal(2, report.Read);
    }

    [Fact]
    public void SkipInvalidStopsAFileWithBrokenEncodingButReadsTheNextFile()
    {
        var bad = _dir.Bytes("a.conll", [.. "ok O\n\n"u8, 0xFF, (byte)'\n']);
        var good = _dir.File("b.conll", "fine O\n");
        var report = new ReadReport();

        var read = DatasetReader.Read([bad, good], ReadOptions.Default with { SkipInvalid = true }, report).ToList();

        Assert.Equal(2, read.Count);
        Assert.Equal(1, report.SkippedByReason[DataErrorKind.Encoding]);
    }

    private static List<Example> Read(string path, ReadOptions? options = null) => DatasetReader.Read([path], options).ToList();
}
