using Winnow.Core.Data;
using Winnow.Core.Data.Ner;

namespace Winnow.Core.Tests.Data;

public sealed class TagAndLabelTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Iob1IsDetectedAndConverted()
    {
        var path = _dir.File("x.conll", "The I-ORG\nMad I-ORG\nCapsule I-ORG\nand O\nJohn I-PER\nMary B-PER\nsaid O\n");

        var tags = DatasetReader.ReadNer([path]).Single().Tags;

        Assert.Equal(["B-ORG", "I-ORG", "I-ORG", "O", "B-PER", "B-PER", "O"], tags);
    }

    [Fact]
    public void Iob1OptionConvertsEvenAfterBTags()
    {
        var path = _dir.File("x.conll", "A B-PER\n\nsaid O\nJohn I-PER\n");

        var sentences = DatasetReader.ReadNer([path], ReadOptions.Default with { TagScheme = TagScheme.Iob1 }).ToList();

        Assert.Equal(["O", "B-PER"], sentences[1].Tags);
    }

    [Fact]
    public void BioesIsAccepted()
    {
        var path = _dir.File("x.conll", "New B-LOC\nYork E-LOC\nRome S-LOC\n");

        Assert.Equal(["B-LOC", "I-LOC", "B-LOC"], DatasetReader.ReadNer([path]).Single().Tags);
    }

    [Fact]
    public void BilouAndBmesAreAcceptedAsBio()
    {
        var bilou = _dir.File("bilou.conll", "New B-LOC\nYork L-LOC\nRome U-LOC\nand O\nPeter U-PER\n");
        var bmes = _dir.File("bmes.conll", "A B-ORG\nB M-ORG\nC E-ORG\nD S-ORG\n");

        Assert.Equal(["B-LOC", "I-LOC", "B-LOC", "O", "B-PER"], DatasetReader.ReadNer([bilou]).Single().Tags);
        Assert.Equal(["B-ORG", "I-ORG", "I-ORG", "B-ORG"], DatasetReader.ReadNer([bmes]).Single().Tags);
    }

    [Fact]
    public void LabelMapMapsTypesDropsUnmappedAndRepairsOrphans()
    {
        var map = LabelMap.Parse("""
            # global rules
            musicalartist = PER
            band = ORG
            country = LOC
            """);

        var mapped = map.Apply("music/train", ["B-band", "I-band", "O", "B-musicalartist", "B-album", "I-album", "B-country"]);

        Assert.Equal(["B-ORG", "I-ORG", "O", "B-PER", "O", "O", "B-LOC"], mapped);
        Assert.Equal(["O", "B-PER"], map.Apply("x", ["B-album", "I-musicalartist"]));
    }

    [Fact]
    public void LabelMapSectionsApplyPerSourceMostSpecificFirst()
    {
        var map = LabelMap.Parse("""
            person = PER
            [crossner]
            person = PERSON
            [crossner/music]
            person = ARTIST
            [*/wnut*]
            person = O
            """);

        Assert.Equal("ARTIST", map.MapType("crossner/music/train", "person"));
        Assert.Equal("PERSON", map.MapType("crossner/politics/train", "person"));
        Assert.Equal("PER", map.MapType("crossnerx/a", "Person"));
        Assert.Null(map.MapType("pool/wnut17-train", "person"));
        Assert.Null(map.MapType("crossner/music/train", "band"));
    }

    [Fact]
    public void LabelMapSyntaxErrorsNameTheLine()
    {
        var path = _dir.File("map.txt", "a = B\nnonsense\n");

        var e = Assert.Throws<DataFormatException>(() => LabelMap.Load(path));

        Assert.Equal(2, e.Line);
    }

    [Fact]
    public void ReaderAppliesLabelMapButIdsIgnoreIt()
    {
        var path = _dir.File("x.conll", "Queen B-band\nplays O\n");
        var plain = DatasetReader.ReadNer([path]).Single();

        var mapped = DatasetReader.ReadNer([path], ReadOptions.Default with { LabelMap = LabelMap.Parse("band = ORG") }).Single();

        Assert.Equal(["B-ORG", "O"], mapped.Tags);
        Assert.Equal(plain.Id, mapped.Id);
    }
}
