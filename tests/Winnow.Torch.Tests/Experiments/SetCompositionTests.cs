using Winnow.Core.Data;
using Winnow.Core.IO;
using Winnow.Experiments;
using Winnow.Torch.Experiments;

namespace Winnow.Torch.Tests.Experiments;

/// <summary>The composition of hand-written sets (every number counted by hand), and the report's diagnosis built from them.</summary>
public sealed class SetCompositionTests
{
    private static NerExample Ner(string id, string source, string tags) =>
        new(id, source, tags.Split(' ').Select((_, i) => "w" + i).ToArray(), tags.Split(' '));

    // 4 tokens, 2 entity (PER); 2 tokens, none; 6 tokens, 1 entity (ORG); 5 tokens, 3 entity (2 LOC, 1 PER); 5, none.
    private static NerExample Music(string id) => Ner(id, "pool/music", "B-PER I-PER O O");
    private static readonly NerExample NewsEmpty = Ner("n1", "pool/news", "O O");
    private static readonly NerExample NewsOrg = Ner("n2", "pool/news", "B-ORG O O O O O");
    private static readonly NerExample TestEntities = Ner("t1", "music/test", "B-LOC I-LOC O O B-PER");
    private static readonly NerExample TestEmpty = Ner("t2", "music/test", "O O O O O");

    [Fact]
    public void Ner_subset_counts_entity_tokens_rows_without_entity_lengths_types_and_sources()
    {
        using var dir = new TempDir();
        var subset = Path.Combine(dir.Path, "tov__b3__s0.jsonl");
        // Read back from the file: sources are the stored pool sources (the reader alone would tag every row with the file).
        ExampleJsonl.Write(subset, [Ner("a", "pool/music", "B-PER I-PER O B-LOC"), NewsEmpty, Ner("c", "pool/music", "O B-MISC O O O O")]);
        File.WriteAllText(Path.ChangeExtension(subset, ".summary.json"), """{ "budget": 3, "from_scores": 2, "from_random": 1 }""");

        var c = SetComposition.OfSubset(subset, "tov__b3__s0", TaskKind.Ner);
        Assert.Equal("tov__b3__s0", c.Set);
        Assert.Equal(3, c.Rows);
        Assert.Equal(new Dictionary<string, int> { ["music"] = 2, ["news"] = 1 }, c.BySource);
        Assert.Equal(12, c.Tokens);
        Assert.Equal(4, c.EntityTokens);
        Assert.Equal(1, c.RowsWithoutEntity);
        Assert.Equal(4.0, c.MeanTokens!.Value, 12);
        Assert.Equal(1 / 3.0, c.EntityTokenShare!.Value, 12);
        Assert.Equal(1 / 3.0, c.NoEntityRowShare!.Value, 12);
        Assert.Equal(new Dictionary<string, long> { ["LOC"] = 1, ["MISC"] = 1, ["PER"] = 2 }, c.EntityTokensByType);
        Assert.Equal(0.5, c.EntityTypeShares!["PER"], 12);
        Assert.Equal(0.25, c.EntityTypeShares["LOC"], 12);
        Assert.Equal(2 / 3.0, c.ShareFrom(["music"]), 12);
        Assert.Equal((2, 1), (c.FromScores, c.FromRandom));
        Assert.Null(c.FromNeighbours);
        Assert.Null(c.MeanPromptWords);

        // Written and read back as JSON, it is the same record.
        var path = SetComposition.SubsetFile(dir.Path, c.Set);
        ExperimentResults.Write(path, c);
        var back = ExperimentResults.Read<SetComposition>(path);
        Assert.Equal(c.EntityTokenShare, back.EntityTokenShare);
        Assert.Equal(c.BySource, back.BySource);
        Assert.Equal(c.EntityTypeShares, back.EntityTypeShares);
        Assert.DoesNotContain("mean_prompt_words", File.ReadAllText(path));
    }

    [Fact]
    public void Instruction_set_counts_prompt_and_completion_words_and_sources()
    {
        var c = SetComposition.Of("s", TaskKind.Instruction,
            [
                new InstructionExample("1", "pool/flan", "What is  2 + 2?", "4"),
                new InstructionExample("2", "pool/flan", "Name a\ncolour.", "Red is a colour"),
                new InstructionExample("3", "pool/dolly", "Hi", "Hello there, how are you ?"),
            ], ExperimentRunner.PoolSourceName);
        Assert.Equal(3, c.Rows);
        Assert.Equal(new Dictionary<string, int> { ["dolly"] = 1, ["flan"] = 2 }, c.BySource);
        Assert.Equal((5 + 3 + 1) / 3.0, c.MeanPromptWords!.Value, 12);
        Assert.Equal((1 + 4 + 6) / 3.0, c.MeanCompletionWords!.Value, 12);
        Assert.Null(c.EntityTokenShare);
        Assert.Null(c.Tokens);
        Assert.Equal(1 / 3.0, c.ShareFrom(["dolly"]), 12);
    }

    [Fact]
    public void An_instruction_studys_diagnosis_shows_prompt_and_completion_words()
    {
        var study = ExperimentReportTests.Study("instruct", "instruction") with { Methods = ["random", "tov"], Budgets = [2], Seeds = [0], SourceFilter = ["flan"] };
        CellResult Cell(string method, double loss) => new(method, 2, 0, 2, new Dictionary<string, int> { ["flan"] = 1, ["web"] = 1 }, loss, 0.1, null, null, null, 0, 1, "");
        SetComposition Of(string set, params InstructionExample[] rows) => SetComposition.Of(set, TaskKind.Instruction, rows, ExperimentRunner.PoolSourceName);
        var results = new ExperimentResults("x", study, [Cell("random", 2.5), Cell("tov", 2.0)], [])
        {
            DataCompositions = [Of("test", new InstructionExample("t", "qa/test", "a b c", "d"))],
            Compositions = new Dictionary<string, SetComposition>
            {
                ["random__b2__s0"] = Of("random__b2__s0", new("1", "pool/flan", "a b", "c"), new("2", "pool/web", "a b c d", "e f g")),
                ["tov__b2__s0"] = Of("tov__b2__s0", new("1", "pool/flan", "a", "b c d e f"), new("2", "pool/flan", "a b c", "d")),
            },
        };
        var md = ExperimentReport.Markdown([results]);
        Assert.Contains("| set / method | seeds | rows | from flan | by score | prompt words | completion words | test log-loss | Δ vs random |", md);
        Assert.Contains("| test set | – | 1 | – | – | 3.0 | 1.0 | – | – |", md);
        Assert.Contains("| random | 1 | 2 | 50.0% | – | 3.0 | 2.0 | 2.5000 | 0.0000 |", md);
        Assert.Contains("| tov | 1 | 2 | 100.0% | – | 2.0 | 3.0 | 2.0000 | -0.5000 |", md);
        Assert.DoesNotContain("entity", md[md.IndexOf("Diagnosis at budget 2:", StringComparison.Ordinal)..]);
    }

    [Fact]
    public void Tags_give_their_entity_type()
    {
        Assert.Equal("PER", SetComposition.EntityType("B-PER"));
        Assert.Equal("MISC", SetComposition.EntityType("I-MISC"));
        Assert.Equal("LOC", SetComposition.EntityType("LOC"));
        Assert.Equal("B-", SetComposition.EntityType("B-"));
    }

    /// <summary>
    /// <see cref="ExperimentReportTests.MakeResults"/> (source filter: music) with the row files a run leaves: test and
    /// target, a pool of music 1 + news 2, and the subsets of random and tov at budget 10, seeds 0 and 1.
    /// </summary>
    private static string MakeResultsWithRows(string dir)
    {
        ExperimentReportTests.MakeResults(dir);
        ExperimentResults.Write(Path.Combine(dir, ExperimentResults.StudyFile), ExperimentReportTests.Study("ner-music", "ner") with { SourceFilter = ["music"] });
        ExampleJsonl.Write(Path.Combine(dir, "data", "test", "test.jsonl"), [TestEntities, TestEmpty]);
        ExampleJsonl.Write(Path.Combine(dir, "data", "target", "target.jsonl"), [TestEntities with { Source = "music/dev" }]);
        ExampleJsonl.Write(Path.Combine(dir, "data", "pool", "music.jsonl"), [Music("m1") with { Source = "music/train" }]);
        ExampleJsonl.Write(Path.Combine(dir, "data", "pool", "news.jsonl"), [NewsEmpty with { Source = "news/train" }, NewsOrg with { Source = "news/train" }]);
        void Subset(string key, Example[] rows, int? fromScores = null)
        {
            var path = Path.Combine(dir, "subsets", key + ".jsonl");
            ExampleJsonl.Write(path, rows);
            File.WriteAllText(Path.Combine(dir, "subsets", key + ".scores.jsonl"), "{\"id\":\"x\",\"score\":1}\n");
            if (fromScores is { } f) File.WriteAllText(Path.ChangeExtension(path, ".summary.json"), $"{{ \"from_scores\": {f}, \"from_random\": {rows.Length - f} }}");
        }
        Subset("random__b10__s0", [Music("m1"), NewsEmpty]);              // music 1/2; entity 2/6; no entity 1/2; 3 tokens; PER
        Subset("random__b10__s1", [NewsEmpty, NewsOrg]);                  // music 0;   entity 1/8; no entity 1/2; 4 tokens; ORG
        Subset("tov__b10__s0", [Music("m1"), NewsOrg], fromScores: 1);     // music 1/2; entity 3/10; none 0; 5 tokens; PER 2/3, ORG 1/3
        Subset("tov__b10__s1", [Music("m1"), Music("m2")], fromScores: 2); // music 1;   entity 4/8; none 0; 4 tokens; PER
        return dir;
    }

    [Fact]
    public void Missing_composition_files_are_computed_from_the_subset_and_data_files_and_written_ones_kept()
    {
        using var dir = new TempDir();
        var results = MakeResultsWithRows(dir.Path);
        Assert.Contains("No composition files", ExperimentReport.Markdown([ExperimentResults.Load(results)]));

        Assert.Equal(1 + 4, SetComposition.FillMissing(results));
        var loaded = ExperimentResults.Load(results);
        Assert.Equal(["test", "target", "pool"], loaded.DataCompositions.Select(c => c.Set));
        Assert.Equal(["random__b10__s0", "random__b10__s1", "tov__b10__s0", "tov__b10__s1"], loaded.Compositions.Keys.Order(StringComparer.Ordinal));
        var pool = loaded.DataCompositions.Single(c => c.Set == "pool");
        Assert.Equal(new Dictionary<string, int> { ["music"] = 1, ["news"] = 2 }, pool.BySource);
        Assert.Equal(new Dictionary<string, int> { ["music/test"] = 2 }, loaded.DataCompositions[0].BySource);
        Assert.Equal(new Dictionary<string, int> { ["music"] = 2 }, loaded.Compositions["tov__b10__s1"].BySource);
        Assert.Equal(3 / 10.0, loaded.Compositions["tov__b10__s0"].EntityTokenShare!.Value, 12);

        // A file already there is kept as it is; one removed is computed again, the same.
        var written = SetComposition.SubsetFile(results, "tov__b10__s0");
        var text = File.ReadAllText(written);
        File.WriteAllText(SetComposition.SubsetFile(results, "random__b10__s0"), "kept");
        File.Delete(written);
        Assert.Equal(1, SetComposition.FillMissing(results));
        Assert.Equal(text, File.ReadAllText(written));
        Assert.Equal("kept", File.ReadAllText(SetComposition.SubsetFile(results, "random__b10__s0")));
        Assert.Equal(0, SetComposition.FillMissing(results));
    }

    [Fact]
    public void The_report_shows_each_selection_beside_random_test_and_pool_with_its_loss_change()
    {
        using var dir = new TempDir();
        var results = MakeResultsWithRows(dir.Path);
        SetComposition.FillMissing(results);
        var written = ExperimentReport.Write([ExperimentResults.Load(results)], Path.Combine(dir.Path, "report"));

        var md = File.ReadAllText(written.MarkdownPath);
        Assert.Contains("Diagnosis at budget 10:", md);
        Assert.Contains("| set / method | seeds | rows | from music | by score | entity tokens | rows without entity | tokens per row | entity types (% of entity tokens) | test log-loss | Δ vs random |", md);
        Assert.Contains("| test set | – | 2 | – | – | 30.0% | 50.0% | 5.0 | LOC 67 · PER 33 | – | – |", md);
        Assert.Contains("| target set | – | 1 | – | – | 60.0% | 0.0% | 5.0 | LOC 67 · PER 33 | – | – |", md);
        Assert.Contains("| pool set | – | 3 | 33.3% | – | 25.0% | 33.3% | 4.0 | ORG 33 · PER 67 | – | – |", md);
        // Means over seeds 0 and 1 of each cell's value; Δ: mean of (1.89 − 2.0) and (1.89 − 2.2).
        Assert.Contains("| random | 2 | 2 | 25.0% | – | 22.9% | 50.0% | 3.5 | ORG 50 · PER 50 | 2.1000 | 0.0000 |", md);
        Assert.Contains("| tov | 2 | 2 | 75.0% | 75.0% | 40.0% | 0.0% | 4.5 | ORG 17 · PER 83 | 1.8900 | -0.2100 |", md);
        // At budget 20 no subset is here: the study's sets only.
        var at20 = md[md.IndexOf("Diagnosis at budget 20:", StringComparison.Ordinal)..];
        Assert.DoesNotContain("| tov |", at20[..at20.IndexOf("\n\n", at20.IndexOf('|'), StringComparison.Ordinal)]);

        var html = File.ReadAllText(written.HtmlPath);
        Assert.Contains("<h3>Diagnosis</h3>", html);
        Assert.Contains("<table class=\"diagnosis\">", html);
        Assert.Contains("<tr><td>test set</td><td>–</td><td>2</td><td>–</td><td>–</td><td>30.0%</td><td>50.0%</td><td>5.0</td><td>LOC 67 · PER 33</td><td>–</td><td>–</td></tr>", html);
        Assert.Contains("<tr><td>tov</td><td>2</td><td>2</td><td>75.0%</td><td>75.0%</td><td>40.0%</td><td>0.0%</td><td>4.5</td><td>ORG 17 · PER 83</td><td>1.8900</td><td>-0.2100</td></tr>", html);

        // Per cell, with the same-seed difference to random.
        var csv = File.ReadAllLines(written.CsvPath);
        Assert.StartsWith("study,set,method,budget,seed,rows,in_domain_share,", csv[0]);
        Assert.Contains("ner-music,tov__b10__s1,tov,10,1,2,1,2,0,,0.5,0,4,PER=1,,,music=2,1.89,2.2,-0.31", csv);
        Assert.Contains("ner-music,pool,,,,3,0.333333,,,,0.25,0.333333,4,ORG=0.333333;PER=0.666667,,,music=1;news=2,,,", csv);
        Assert.Equal(1 + 3 + 4, csv.Length);
    }

    [Fact]
    public void Without_a_recorded_source_filter_the_in_domain_sources_are_those_the_source_filter_cells_drew_from()
    {
        using var dir = new TempDir();
        var results = ExperimentResults.Load(ExperimentReportTests.MakeResults(dir.Path));
        Assert.Empty(ExperimentReport.InDomainSources(results));
        var control = new CellResult("source-filter", 10, 0, 10, new Dictionary<string, int> { ["music"] = 10, ["news"] = 0 }, 2, 0.1, null, null, null, 0, 1, "");
        Assert.Equal(["music"], ExperimentReport.InDomainSources(results with { Cells = [.. results.Cells, control] }));
        Assert.Equal(["news"], ExperimentReport.InDomainSources(results with { Study = results.Study with { SourceFilter = ["news"] } }));
    }
}
