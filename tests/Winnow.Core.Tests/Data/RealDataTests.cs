using Winnow.Core.Data;

namespace Winnow.Core.Tests.Data;

public class RealDataTests
{
    [Theory]
    [InlineData("ner/crossner/music/train.txt", 100)]
    [InlineData("ner/wnut17/dev.conll", 1000)]
    [InlineData("ner/wikigold/wikigold.conll", 1000)]
    [InlineData("ner/btc/a.conll", 500)]
    [InlineData("ner/sec-filings/train/FIN5.txt", 100)]
    [InlineData("ner/wikiann-en/dev", 1000)]
    [InlineData("ner/uner-ewt/en_ewt-ud-dev.iob2", 1000)]
    [InlineData("ner/gum/news", 100)]
    public void NerFilesReadAsValidBio(string relative, int atLeast)
    {
        var sentences = DatasetReader.ReadNer([TestData.Shared(relative)]).ToList();

        Assert.True(sentences.Count >= atLeast, $"{sentences.Count} sentences");
        Assert.All(sentences, s =>
        {
            Assert.Equal(s.Tokens.Count, s.Tags.Count);
            Assert.Equal(s.Tags, Winnow.Core.Data.Ner.BioTags.Repair(s.Tags));
        });
        Assert.Equal(sentences.Count, sentences.Select(s => s.Id).Distinct().Count());
    }

    [Fact]
    public void CrossNerMusicFirstSentenceMatchesTheFile()
    {
        var first = DatasetReader.ReadNer([TestData.Shared("ner/crossner/music/train.txt")]).First();

        Assert.Equal("music/train", first.Source);
        Assert.Equal(["In", "2003", ",", "the", "Stade", "de", "France"], first.Tokens.Take(7));
        Assert.Equal(["O", "O", "O", "O", "B-location", "I-location", "I-location"], first.Tags.Take(7));
    }

    [Fact]
    public void WikigoldIob1BecomesBio()
    {
        var first = DatasetReader.ReadNer([TestData.Shared("ner/wikigold/wikigold.conll")]).First();

        Assert.Equal("010", first.Tokens[0]);
        Assert.Equal("B-MISC", first.Tags[0]);
        Assert.Equal(["B-ORG", "I-ORG", "I-ORG", "I-ORG"], first.Tags.Skip(10).Take(4));
    }

    [Fact]
    public void WikiannLanguagePrefixIsStripped()
    {
        var first = DatasetReader.ReadNer([TestData.Shared("ner/wikiann-en/train")]).First();

        Assert.Equal("R.H.", first.Tokens[0]);
        Assert.DoesNotContain(first.Tokens, t => t.StartsWith("en:", StringComparison.Ordinal));
    }

    [Fact]
    public void UnerTakesColumnsTwoAndThreeAndItsSentenceIds()
    {
        var first = DatasetReader.ReadNer([TestData.Shared("ner/uner-ewt/en_ewt-ud-dev.iob2")]).First();

        Assert.Equal("answers-20070404104007AAY1Chs_ans-0001", first.Id);
        Assert.Equal(["where", "can", "I"], first.Tokens.Take(3));
        Assert.Equal(["B-LOC", "I-LOC"], first.Tags.Skip(6).Take(2));
    }

    [Fact]
    public void GumBareTypesBecomeBioRuns()
    {
        var first = DatasetReader.ReadNer([TestData.Shared("ner/gum/news/GUM_news_asylum.tsv")]).First();

        Assert.Equal(["Over", "900", "asylum", "seekers", "rescued", "off"], first.Tokens.Take(6));
        Assert.Equal(["B-person", "I-person", "I-person", "I-person", "O", "B-place"], first.Tags.Take(6));
    }

    [Fact]
    public void T0TemplatesStripEndOfText()
    {
        var rows = DatasetReader.ReadInstructions([TestData.Shared("instruct/t0-templates/glue_qqp_answer.jsonl")]).Take(50).ToList();

        Assert.Equal(50, rows.Count);
        Assert.Equal("no", rows[0].Completion);
        Assert.All(rows, r => Assert.DoesNotContain("<|endoftext|>", r.Completion, StringComparison.Ordinal));
    }

    [Fact]
    public void FlanCotTsvComposesRationaleAndAnswer()
    {
        var first = DatasetReader.ReadInstructions([TestData.Shared("instruct/flan-cot/aqua_train.tsv")]).First();

        Assert.StartsWith("Rs. 5600 is divided into three parts", first.Prompt, StringComparison.Ordinal);
        Assert.Contains("\nOptions:\n(A) 300", first.Prompt, StringComparison.Ordinal);
        Assert.EndsWith("= 1120 So the answer is (C)", first.Completion, StringComparison.Ordinal);
    }

    [Fact]
    public void GpteacherArrayJoinsInstructionAndInput()
    {
        var first = DatasetReader.ReadInstructions([TestData.Shared("instruct/gpteacher/codegen.json")]).First();

        Assert.Equal("Write a C++ program that calculates the area of a rectangle, given its width and height.\n\nwidth: 5, height: 8", first.Prompt);
        Assert.StartsWith("#include <iostream>", first.Completion, StringComparison.Ordinal);
    }

    [Fact]
    public void SelfInstructSeedTasksGiveOneExamplePerInstance()
    {
        var rows = DatasetReader.ReadInstructions([TestData.Shared("instruct/self-instruct/seed_tasks.jsonl")]).ToList();

        Assert.Equal("seed_task_0", rows[0].Id);
        Assert.True(rows.Count >= 175);
        Assert.Equal(rows.Count, rows.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public void AlpacaEvalArrayReads()
    {
        var rows = DatasetReader.ReadInstructions([TestData.Shared("instruct/alpaca-eval/gpt4.json")]).ToList();

        Assert.Equal(805, rows.Count);
        Assert.Equal("What are the names of some famous actors that started their careers on Broadway?", rows[0].Prompt);
    }
}
