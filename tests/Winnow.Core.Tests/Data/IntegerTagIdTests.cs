using Winnow.Core.Data;
using Winnow.Testing;

namespace Winnow.Core.Tests.Data;

/// <summary>NER rows whose tags are integer class ids (Hugging Face datasets' <c>ner_tags</c>), named through <c>tag_names</c>.</summary>
public sealed class IntegerTagIdTests : IDisposable
{
    private const string Names = "O|B-PER|I-PER|B-ORG|I-ORG|B-LOC|I-LOC|B-MISC|I-MISC";
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void IntegerIdsAreNamedInIdOrderThroughTheMappingsTagNames()
    {
        var path = _dir.File("conll2003.jsonl",
            """{"id":"0","tokens":["EU","rejects","German","call"],"pos_tags":[22,42,16,21],"ner_tags":[3,0,7,0]}""" + "\n" +
            """{"id":"1","tokens":["Peter","Blackburn"],"pos_tags":[22,22],"ner_tags":[1,2]}""" + "\n");
        var options = new ReadOptions { Fields = FieldMapping.Parse($"tokens=tokens,tags=ner_tags,tag_names={Names}") };

        var read = DatasetReader.ReadNer([path], options).ToList();

        Assert.Equal(["B-ORG", "O", "B-MISC", "O"], read[0].Tags);
        Assert.Equal(["B-PER", "I-PER"], read[1].Tags);
        Assert.Equal(["0", "1"], read.Select(s => s.Id));
    }

    [Fact]
    public void IntegerIdsWithoutNamesAreRefusedSayingWhatToPass()
    {
        var path = _dir.File("hf.jsonl", """{"tokens":["EU","rejects"],"ner_tags":[3,0]}""" + "\n");

        var e = Assert.Throws<DataFormatException>(() => DatasetReader.ReadNer([path]).ToList());

        Assert.Equal("ner_tags", e.Field);
        Assert.StartsWith($"{path}:1: 'ner_tags' holds integer tag ids (3 at index 0) and no names for them: pass --fields tokens=COL,tags=COL,tag_names=", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1,9]", "tag id 9 at index 1 is outside tag_names, which names ids 0 to 8")]
    [InlineData("[1,\"O\"]", "expected 'ner_tags' to hold all tag names or all integer tag ids, found a string \"O\" at index 1")]
    [InlineData("[1,1.5]", "found a number 1.5 at index 1")]
    public void BadIdsNameTheLineAndIndex(string tags, string expected)
    {
        var path = _dir.File("bad.jsonl", $$"""{"tokens":["a","b"],"ner_tags":{{tags}}}""" + "\n");
        var options = new ReadOptions { Fields = FieldMapping.Parse($"tokens=tokens,tags=ner_tags,tag_names={Names}") };

        var e = Assert.Throws<DataFormatException>(() => DatasetReader.ReadNer([path], options).ToList());

        Assert.StartsWith($"{path}:1: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("prompt=q,completion=a,tag_names=O|B-X", "tag_names names NER tag ids")]
    [InlineData("tokens=t,tags=g,tag_names=O||B-X", "tag_names: name 1 (counting from 0) is empty")]
    [InlineData("tokens=t,tags=g,tag_names=O|B-X|O", "tag_names: 'O' is given twice")]
    public void BadTagNamesAreRefusedSayingWhy(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => FieldMapping.Parse(text));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TagNamesSurviveTheCanonicalTextARunRecords()
    {
        var mapping = FieldMapping.Parse("tags = ner_tags, tag_names = O | B-PER | I-PER, tokens = tokens");

        var again = FieldMapping.Parse(mapping.ToString());

        Assert.Equal("tokens=tokens,tags=ner_tags,tag_names=O|B-PER|I-PER", mapping.ToString());
        Assert.Equal(mapping, again);
        Assert.Equal(["O", "B-PER", "I-PER"], again.TagNameList);
    }
}
