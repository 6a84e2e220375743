using System.IO.Compression;
using System.Text;
using Winnow.Core.Data;
using Winnow.Testing;

namespace Winnow.Core.Tests.Data;

/// <summary>CSV tables (CsvHelper, strict RFC 4180) and gzip-compressed files of every text format.</summary>
public sealed class CsvAndGzipTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void CsvRowsKeepQuotedCommasNewlinesAndDoubledQuotesAndReadLikeJsonShapes()
    {
        var path = _dir.File("alpaca.csv",
            "instruction,input,output\n" +
            "\"Add, then answer.\",\"2 + 2\",\"He said \"\"4\"\".\"\n" +
            "Name a colour.,,\"Blue\nand green\"\n");

        var read = DatasetReader.ReadInstructions([path]).ToList();

        Assert.Equal(["Add, then answer.\n\n2 + 2", "Name a colour."], read.Select(e => e.Prompt));
        Assert.Equal(["He said \"4\".", "Blue\nand green"], read.Select(e => e.Completion));
        Assert.All(read, e => Assert.Equal(Path.GetFileName(_dir.Path) + "/alpaca", e.Source));
    }

    [Fact]
    public void CsvColumnsAreMappedAndStayTextSoIdsKeepTheirLeadingZeros()
    {
        var path = _dir.File("qa.csv", "key,ask,reply,score\n007,What is red?,A colour.,0.5\n010,What is Rome?,A city.,1\n");
        var options = new ReadOptions { Fields = FieldMapping.Parse("prompt=ask,completion=reply,id=key") };

        var read = DatasetReader.ReadInstructions([path], options).ToList();

        Assert.Equal(["007", "010"], read.Select(e => e.Id));
        Assert.Equal(["What is Rome?", "A city."], new[] { read[1].Prompt, read[1].Completion });
    }

    [Fact]
    public void CsvNerRowsHoldTokensAndTagsAsJsonArrays()
    {
        var path = _dir.File("ner.csv", "tokens,tags\n\"[\"\"Rome\"\", \"\"wins\"\"]\",\"[\"\"B-LOC\"\",\"\"O\"\"]\"\n");

        var sentence = DatasetReader.ReadNer([path]).Single();

        Assert.Equal(["Rome", "wins"], sentence.Tokens);
        Assert.Equal(["B-LOC", "O"], sentence.Tags);
    }

    [Theory]
    [InlineData("prompt,completion\nx,y\nz,w,extra\nu,v\n", 3L, "has 3 fields but 2 were expected")]
    [InlineData("prompt,completion\nx,y\n\"z,w\nu,v\n", 3L, "never closed")]
    [InlineData("prompt,completion\nx,\"y\"z\n", 2L, "after the closing quote")]
    [InlineData("prompt,,c\nx,y,z\n", 1L, "header: column 2 has no name")]
    [InlineData("prompt,prompt\nx,y\n", 1L, "header: column 'prompt' is named twice")]
    public void ABadCsvRowIsRefusedNamingTheFileAndLine(string content, long line, string expected)
    {
        var path = _dir.File("bad.csv", content);

        var e = Assert.Throws<DataFormatException>(() => DatasetReader.ReadInstructions([path]).ToList());

        Assert.Equal(DataErrorKind.MalformedCsv, e.Kind);
        Assert.Equal(path, e.File);
        Assert.Equal(line, e.Line);
        Assert.StartsWith($"{path}:{line}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMalformedRowDeepInALargeFileIsFoundAndNamed()
    {
        var text = new System.Text.StringBuilder("prompt,completion\n");
        for (var i = 0; i < 150_000; i++)
            text.Append("q ").Append(i).Append(",a ").Append(i).Append('\n');
        text.Append("x,y,z\nlast,row\n");
        var path = _dir.File("large.csv", text.ToString());
        var read = 0;

        var e = Assert.Throws<DataFormatException>(() =>
        {
            foreach (var _ in DatasetReader.ReadInstructions([path]))
                read++;
        });

        Assert.Equal(150_002L, e.Line);
        Assert.Equal(150_000, read);
    }

    [Fact]
    public void ACsvRowOfNoKnownShapeNamesItsRowAndColumns()
    {
        var path = _dir.File("other.csv", "q,a\nx,y\n");

        var e = Assert.Throws<DataFormatException>(() => DatasetReader.ReadInstructions([path]).ToList());

        Assert.StartsWith($"{path}:2: row 1: unrecognised row with fields a, q;", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATsvWithAHeaderOfFieldNamesIsATableAndOtherTsvsKeepTheirFormats()
    {
        var table = _dir.File("alpaca.tsv", "instruction\tinput\toutput\tcategory\nSay \"hi\".\t\tHi, \"you\".\tchat\nAdd.\t2 + 2\t4\tmath\n");
        var mapped = _dir.File("custom.tsv", "ask\treply\nWhat?\tThat.\n");
        var conll = _dir.File("ner.tsv", "EU\tB-ORG\nrejects\tO\n");
        var qa = _dir.File("cot.tsv", "Is it so?\tyes\tIt is.\n");
        var fields = FieldMapping.Parse("prompt=ask,completion=reply");

        var read = DatasetReader.ReadInstructions([table]).ToList();
        var custom = DatasetReader.ReadInstructions([mapped], new ReadOptions { Fields = fields }).Single();

        Assert.Equal(["Say \"hi\".", "Add.\n\n2 + 2"], read.Select(e => e.Prompt));
        Assert.Equal(["Hi, \"you\".", "4"], read.Select(e => e.Completion));
        Assert.Equal(("What?", "That."), (custom.Prompt, custom.Completion));
        Assert.Equal(DataFormat.TsvTable, FormatDetector.Detect(mapped, fields));
        Assert.Equal(DataFormat.Conll, FormatDetector.Detect(mapped));
        Assert.Equal(DataFormat.Conll, FormatDetector.Detect(conll));
        Assert.Equal(DataFormat.QaTsv, FormatDetector.Detect(qa));
    }

    [Fact]
    public void ATsvTableRowOfAnotherWidthNamesItsLine()
    {
        var path = _dir.File("t.tsv", "prompt\tcompletion\na\tb\nc\td\te\n");

        var e = Assert.Throws<DataFormatException>(() => DatasetReader.ReadInstructions([path]).ToList());

        Assert.StartsWith($"{path}:3: not a readable TSV row", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GzipFilesReadAsTheirUncompressedSelvesAndFoldersIncludeThem()
    {
        var jsonl = "{\"prompt\":\"p1\",\"completion\":\"c1\"}\n{\"prompt\":\"p2\",\"completion\":\"c2\"}\n";
        var plain = _dir.File("plain/train.jsonl", jsonl);
        var folder = _dir.Sub("packed");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "train.jsonl.gz"), Gzip(jsonl));
        File.WriteAllBytes(Path.Combine(folder, "extra.csv.gz"), Gzip("prompt,completion\np3,c3\n"));
        File.WriteAllBytes(Path.Combine(folder, "LICENSE.txt.gz"), Gzip("not data"));

        var expected = DatasetReader.ReadInstructions([plain]).ToList();
        var read = DatasetReader.ReadInstructions([folder]).ToList();

        Assert.Equal(["packed/extra", "packed/train", "packed/train"], read.Select(e => e.Source).Order());
        Assert.Equal(expected.Select(e => (e.Prompt, e.Completion, e.Id)), read.Where(e => e.Source == "packed/train").Select(e => (e.Prompt, e.Completion, e.Id)));
        Assert.Equal(("p3", "c3"), read.Where(e => e.Source == "packed/extra").Select(e => (e.Prompt, e.Completion)).Single());
        Assert.Equal(DataFormat.Conll, FormatDetector.Detect(_dir.Bytes("x.conll.gz", Gzip("Rome B-LOC\n"))));
        Assert.Equal(DataFormat.JsonArray, FormatDetector.Detect(_dir.Bytes("x.json.gz", Gzip("[{\"prompt\":\"a\",\"completion\":\"b\"}]"))));
    }

    [Fact]
    public void DamagedGzipAndCompressedParquetAreRefusedNamingTheFile()
    {
        var good = Gzip(string.Concat(Enumerable.Repeat("{\"prompt\":\"p\",\"completion\":\"c\"}\n", 200)));
        var damaged = good.ToArray();
        for (var i = 20; i < damaged.Length - 20; i++)
            damaged[i] ^= 0x5A;
        var path = _dir.Bytes("damaged.jsonl.gz", damaged);
        var parquet = _dir.Bytes("table.parquet.gz", Gzip("PAR1"));

        var e = Assert.Throws<DataFormatException>(() => DatasetReader.ReadInstructions([path]).ToList());
        var p = Assert.Throws<DataFormatException>(() => DatasetReader.ReadInstructions([parquet]).ToList());

        Assert.Equal(DataErrorKind.Compression, e.Kind);
        Assert.StartsWith($"{path}: damaged or truncated gzip data", e.Message, StringComparison.Ordinal);
        Assert.Equal(DataErrorKind.UnknownFormat, p.Kind);
        Assert.Contains("gzip-compressed Parquet", p.Message, StringComparison.Ordinal);
    }

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal))
            gzip.Write(Encoding.UTF8.GetBytes(text));
        return buffer.ToArray();
    }
}
