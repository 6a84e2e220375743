using System.Text.Json.Serialization;
using Winnow.Core.Data;
using Winnow.Core.IO;

namespace Winnow.Core.Tests.Data;

/// <summary>The instruction schemas people download, read without flags; the field mapping for the rest; and the error in between.</summary>
public sealed class SchemaTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void DollyJoinsInstructionAndContextLikeAlpacaInput()
    {
        var path = _dir.File("dolly.jsonl",
            """{"instruction":"Summarise this.","context":"Dolly is a sheep.","response":"A sheep.","category":"summarization"}""" + "\n" +
            """{"instruction":"Name a colour.","context":"","response":"Blue"}""" + "\n");

        var read = Instructions(path);

        Assert.Equal("Summarise this.\n\nDolly is a sheep.", read[0].Prompt);
        Assert.Equal("A sheep.", read[0].Completion);
        Assert.Equal("Name a colour.", read[1].Prompt);
        Assert.Equal("Blue", read[1].Completion);
    }

    [Fact]
    public void PromptResponseAndTheHuggingFacePairsAreReadWithoutAMapping()
    {
        var path = _dir.File("pairs.jsonl",
            """{"prompt":"P1","response":"R1"}""" + "\n" +
            """{"inputs":"Translate: chat","targets":"cat","task":"t"}""" + "\n" +
            """{"source":"S3","target":"T3"}""" + "\n" +
            """{"prompt":"P4","completion":"C4","response":"not this"}""" + "\n");

        var read = Instructions(path);

        Assert.Equal(["P1", "Translate: chat", "S3", "P4"], read.Select(e => e.Prompt));
        Assert.Equal(["R1", "cat", "T3", "C4"], read.Select(e => e.Completion));
    }

    [Fact]
    public void ShareGptConversationReadsLikeChatWithMappedRoles()
    {
        var path = _dir.File("sharegpt.json", """
            [{"id":"sg-1","conversations":[
              {"from":"system","value":"Be brief."},
              {"from":"human","value":"Hi"},
              {"from":"gpt","value":"Hello"},
              {"from":"Human","value":"Bye?"},
              {"from":"chatgpt","value":"Goodbye<|endoftext|>"}]}]
            """);

        var example = Instructions(path).Single();

        Assert.Equal("sg-1", example.Id);
        Assert.Equal("system: Be brief.\nuser: Hi\nassistant: Hello\nuser: Bye?", example.Prompt);
        Assert.Equal("Goodbye", example.Completion);
    }

    [Fact]
    public void ShareGptConversationMustEndWithTheAssistant()
    {
        var path = _dir.File("sharegpt.jsonl",
            """{"conversations":[{"from":"human","value":"Hi"},{"from":"gpt","value":"Hello"},{"from":"human","value":"and?"}]}""" + "\n");

        var e = Assert.Throws<DataFormatException>(() => Instructions(path));

        Assert.Equal(DataErrorKind.MissingField, e.Kind);
        Assert.Equal("conversations", e.Field);
        Assert.Equal(1, e.Line);
        Assert.Contains("found 'human'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"id":3,"question":"What is 2+2?","answer":"4"}""", "3", "What is 2+2?", "4")]
    [InlineData("""{"input":"Translate: chat","output":"cat","meta":1}""", null, "Translate: chat", "cat")]
    [InlineData("""{"query":"capital of France","response":"Paris"}""", null, "capital of France", "Paris")]
    public void PlainPairsAreReadAsPromptAndCompletion(string line, string? id, string prompt, string completion)
    {
        var path = _dir.File("pairs.jsonl", line + "\n");

        var example = Instructions(path).Single();

        Assert.Equal(prompt, example.Prompt);
        Assert.Equal(completion, example.Completion);
        Assert.Equal(id ?? ExampleIds.ForInstruction(prompt, completion), example.Id);
    }

    [Theory]
    // Today's shapes win over the new ones: instruction before question/answer and before conversations, prompt before all.
    [InlineData("""{"instruction":"I","output":"O","question":"Q","answer":"A"}""", "I", "O")]
    [InlineData("""{"instruction":"I","input":"In","context":"C","response":"R"}""", "I\n\nIn", "R")]
    [InlineData("""{"prompt":"P","completion":"C","conversations":[{"from":"gpt","value":"x"}]}""", "P", "C")]
    [InlineData("""{"conversations":[{"from":"human","value":"H"},{"from":"gpt","value":"G"}],"question":"Q","answer":"A"}""", "user: H", "G")]
    [InlineData("""{"question":"Q","answer":"A","input":"In","output":"Out","query":"Qu","response":"R"}""", "Q", "A")]
    [InlineData("""{"input":"In","output":"Out","query":"Qu","response":"R"}""", "In", "Out")]
    public void DetectionOrderIsFixed(string line, string prompt, string completion)
    {
        var path = _dir.File("mixed.jsonl", line + "\n");

        var example = Instructions(path).Single();

        Assert.Equal(prompt, example.Prompt);
        Assert.Equal(completion, example.Completion);
    }

    [Fact]
    public void UnknownSchemaErrorListsTheRowsFieldsAndTheMappingOption()
    {
        var path = _dir.File("squad.jsonl",
            """{"prompt":"p","completion":"c"}""" + "\n" +
            """{"title":"T","context":"C","question":"Q","answers":{"text":["A"]}}""" + "\n");

        var e = Assert.Throws<DataFormatException>(() => Instructions(path));

        Assert.Equal(DataErrorKind.MissingField, e.Kind);
        Assert.Equal(2, e.Line);
        Assert.StartsWith(path + ":2: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("fields answers, context, question, title;", e.Message, StringComparison.Ordinal);
        Assert.Contains("pass --fields prompt=COL,completion=COL (or `fields:` in a study config)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownSchemaErrorCapsTheListAndNamesNerMappingForNerReads()
    {
        var fields = string.Join(",", Enumerable.Range(0, 15).Select(i => $"\"f{i:D2}\":{i}"));
        var path = _dir.File("wide.jsonl", "{" + fields + "}\n");

        var e = Assert.Throws<DataFormatException>(() => DatasetReader.ReadNer([path]).ToList());

        Assert.Contains("fields f00, f01, f02, f03, f04, f05, f06, f07, f08, f09, f10, f11 and 3 more;", e.Message, StringComparison.Ordinal);
        Assert.Contains("pass --fields tokens=COL,tags=COL", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FieldMappingReadsNamedColumnsAndOverridesDetection()
    {
        var path = _dir.File("custom.jsonl",
            """{"uid":"r-7","instruction":"ignored","q":"Why is the sky blue?","a":"Rayleigh scattering."}""" + "\n" +
            """{"uid":8,"q":"2+2","a":"4"}""" + "\n");
        var options = new ReadOptions { Fields = FieldMapping.Parse("prompt=q, completion=a, id=uid") };

        var read = Instructions(path, options);

        Assert.Equal(["r-7", "8"], read.Select(e => e.Id));
        Assert.Equal("Why is the sky blue?", read[0].Prompt);
        Assert.Equal("Rayleigh scattering.", read[0].Completion);
        Assert.Equal("2+2", read[1].Prompt);
    }

    [Fact]
    public void FieldMappingRequiresItsColumnsInEveryRow()
    {
        var path = _dir.File("custom.jsonl",
            """{"q":"one","a":"1"}""" + "\n" + """{"q":"two","answer":"2"}""" + "\n");
        var options = new ReadOptions { Fields = FieldMapping.Parse("prompt=q,completion=a") };

        var e = Assert.Throws<DataFormatException>(() => Instructions(path, options));

        Assert.Equal(DataErrorKind.MissingField, e.Kind);
        Assert.Equal(2, e.Line);
        Assert.Equal("a", e.Field);
        Assert.Equal($"{path}:2: missing field 'a' (the field mapping's completion)", e.Message);
    }

    [Fact]
    public void FieldMappingForNerReadsTokensAndTags()
    {
        var path = _dir.File("ner.jsonl", """{"words":["John","lives","in","Paris"],"labels":["B-PER","O","O","B-LOC"],"tokens":"not a list"}""" + "\n");
        var options = new ReadOptions { Fields = FieldMapping.Parse("tokens=words,tags=labels") };

        var sentence = DatasetReader.ReadNer([path], options).Single();

        Assert.Equal(["John", "lives", "in", "Paris"], sentence.Tokens);
        Assert.Equal(["B-PER", "O", "O", "B-LOC"], sentence.Tags);
    }

    [Theory]
    [InlineData("prompt=q,completion=a", "prompt=q,completion=a")]
    [InlineData(" id = n , completion=a,PROMPT=q ", "prompt=q,completion=a,id=n")]
    [InlineData("tags=labels,tokens=words", "tokens=words,tags=labels")]
    public void FieldMappingParsesToCanonicalText(string text, string canonical)
    {
        var mapping = FieldMapping.Parse(text);

        Assert.Equal(canonical, mapping.ToString());
        Assert.Equal(mapping, FieldMapping.Parse(mapping.ToString()));
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("prompt:q,completion=a", "'prompt:q' has no '='")]
    [InlineData("prompt=q=r,completion=a", "'prompt=q=r' has more than one '='")]
    [InlineData("prompt=q,completion", "'completion' has no '='")]
    [InlineData("prompt=q,answer=a", "unknown key 'answer': expected one of prompt, completion, tokens, tags, id")]
    [InlineData("prompt=q,prompt=r,completion=a", "'prompt' is given twice")]
    [InlineData("prompt=q,completion=", "'completion=' names no column")]
    [InlineData("prompt=q", "prompt and completion go together: add completion=COLUMN")]
    [InlineData("tokens=w,completion=a,prompt=q", "mixes instruction keys")]
    [InlineData("id=n", "maps no example")]
    [InlineData("prompt=q,,completion=a", "empty entry")]
    public void BadFieldMappingsAreRefusedSayingWhy(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => FieldMapping.Parse(text));

        Assert.StartsWith($"field mapping '{text}': ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenericParquetIsReadThroughAFieldMappingAcrossRowGroups()
    {
        var path = Path.Combine(_dir.Path, "table.parquet");
        var rows = Enumerable.Range(1, 5).Select(i => new QaRow { Key = 100 + i, Ask = $"question {i}", Reply = $"answer {i}", Score = i / 2.0 }).ToList();
        await ParquetRows.WriteAsync(path, rows, rowGroupSize: 2);
        var options = new ReadOptions { Fields = FieldMapping.Parse("prompt=ask,completion=reply,id=key") };

        var read = Instructions(path, options);

        Assert.Equal(["101", "102", "103", "104", "105"], read.Select(e => e.Id));
        Assert.Equal(rows.Select(r => r.Ask), read.Select(e => e.Prompt));
        Assert.Equal(rows.Select(r => r.Reply), read.Select(e => e.Completion));
        Assert.All(read, e => Assert.Equal(Path.GetFileName(_dir.Path) + "/table", e.Source));
    }

    [Fact]
    public async Task GenericParquetNamesTheRowAndColumnAMappedValueIsMissingFrom()
    {
        var path = Path.Combine(_dir.Path, "table.parquet");
        await ParquetRows.WriteAsync(path, new[]
        {
            new QaRow { Key = 1, Ask = "a", Reply = "b" },
            new QaRow { Key = 2, Ask = "c", Reply = null },
        }, rowGroupSize: 1);
        var options = new ReadOptions { Fields = FieldMapping.Parse("prompt=ask,completion=reply") };

        var e = Assert.Throws<DataFormatException>(() => Instructions(path, options));

        Assert.Equal("reply", e.Field);
        Assert.Equal($"{path}: row 2: missing field 'reply' (the field mapping's completion)", e.Message);
    }

    [Fact]
    public async Task GenericParquetShapesAreDetectedLikeJsonIncludingListsAndStructs()
    {
        var chat = Path.Combine(_dir.Path, "chat.parquet");
        await ParquetRows.WriteAsync(chat, new[]
        {
            new ShareGptRow { Conversations = [new Turn { From = "human", Value = "Hi" }, new Turn { From = "gpt", Value = "Hello" }] },
        });
        var ner = Path.Combine(_dir.Path, "ner.parquet");
        await ParquetRows.WriteAsync(ner, new[] { new NerRow { Tokens = ["Rome", "wins"], Tags = ["B-LOC", "O"] } });
        var unknown = Path.Combine(_dir.Path, "unknown.parquet");
        await ParquetRows.WriteAsync(unknown, new[] { new QaRow { Key = 1, Ask = "a", Reply = "b", Score = 0.5 } });

        var turn = Instructions(chat).Single();
        var sentence = DatasetReader.ReadNer([ner]).Single();
        var e = Assert.Throws<DataFormatException>(() => Instructions(unknown));

        Assert.Equal(("user: Hi", "Hello"), (turn.Prompt, turn.Completion));
        Assert.Equal(["Rome", "wins"], sentence.Tokens);
        Assert.Equal(["B-LOC", "O"], sentence.Tags);
        Assert.StartsWith($"{unknown}: row 1: unrecognised row with fields ask, key, reply, score;", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WinnowsOwnParquetIsStillReadAsItsSchema()
    {
        var path = Path.Combine(_dir.Path, "own.parquet");
        await ExampleParquet.WriteAsync(path, [new InstructionExample("x1", "somewhere/else", "p", "c")]);

        var example = Instructions(path).Single();

        Assert.Equal(("x1", "somewhere/else", "p", "c"), (example.Id, example.Source, example.Prompt, example.Completion));
    }

    private static List<InstructionExample> Instructions(string path, ReadOptions? options = null) =>
        DatasetReader.ReadInstructions([path], options).ToList();

    public sealed class QaRow
    {
        [JsonPropertyName("key")] public long Key { get; set; }
        [JsonPropertyName("ask")] public string? Ask { get; set; }
        [JsonPropertyName("reply")] public string? Reply { get; set; }
        [JsonPropertyName("score")] public double? Score { get; set; }
    }

    public sealed class ShareGptRow
    {
        [JsonPropertyName("conversations")] public List<Turn>? Conversations { get; set; }
    }

    public sealed class Turn
    {
        [JsonPropertyName("from")] public string? From { get; set; }
        [JsonPropertyName("value")] public string? Value { get; set; }
    }

    public sealed class NerRow
    {
        [JsonPropertyName("tokens")] public List<string>? Tokens { get; set; }
        [JsonPropertyName("tags")] public List<string>? Tags { get; set; }
    }
}
