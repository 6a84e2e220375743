using Winnow.Experiments;
using Winnow.Torch.Tests.TestSupport;

namespace Winnow.Torch.Tests.Experiments;

public sealed class ExperimentConfigTests
{
    private static string Write(TempDir dir, string yaml)
    {
        var path = Path.Combine(dir.Path, "study.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private const string Minimal = """
        name: t
        task: ner
        base_model: { model: m }
        target: { paths: [t] }
        test: { paths: [x] }
        pool:
          - { name: a, paths: [p] }
        methods: [random, source-filter]
        source_filter: [a]
        budgets: [10, 20]
        seeds: [0]
        """;

    [Fact]
    public void Every_versioned_config_loads_and_validates()
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "experiments"), "*.yaml", SearchOption.AllDirectories);
        Assert.Contains(files, f => Path.GetFileName(f) == "micro.yaml");
        foreach (var file in files)
        {
            var config = ExperimentConfig.Load(file);
            Assert.NotEmpty(config.Hash);
            Assert.All(config.Target.Paths.Concat(config.Test.Paths).Concat(config.Pool.SelectMany(p => p.Paths)), p => Assert.NotEmpty(p));
        }
    }

    [Fact]
    public void The_cells_hash_ignores_which_cells_run_and_follows_what_a_cell_depends_on()
    {
        using var dir = new TempDir();
        ExperimentConfig Load(string yaml) => ExperimentConfig.Load(Write(dir, yaml));
        var plain = Load(Minimal);
        var more = Load(Minimal.Replace("methods: [random, source-filter]", "methods: [random, source-filter, tov]")
            .Replace("budgets: [10, 20]", "budgets: [10, 20, 40]").Replace("seeds: [0]", "seeds: [0, 1]")
            + "\nablation:\n  tov-abs: { settings: { transform: abs } }\nbaseline_budgets: [80, 160]\n");
        Assert.NotEqual(plain.Hash, more.Hash);
        Assert.Equal(plain.CellsHash, more.CellsHash);

        Assert.NotEqual(plain.CellsHash, Load(Minimal + "\nfinetune: { lr: 0.5 }\n").CellsHash);
        Assert.NotEqual(plain.CellsHash, Load(Minimal.Replace("paths: [p]", "paths: [q]")).CellsHash);
        Assert.NotEqual(plain.CellsHash, Load(Minimal + "\nmethod_settings:\n  tov: { epochs: \"3\" }\n").CellsHash);
        Assert.NotEqual(plain.CellsHash, Load(Minimal + "\nsample_seed: 7\n").CellsHash);
    }

    [Fact]
    public void Baseline_budgets_need_random_and_new_budgets()
    {
        using var dir = new TempDir();
        ExperimentConfig Load(string yaml) => ExperimentConfig.Load(Write(dir, yaml));
        Assert.Equal(new[] { 40 }, Load(Minimal + "\nbaseline_budgets: [40]\n").BaselineBudgets!);
        Assert.Null(Load(Minimal).BaselineBudgets);
        Assert.Contains("not among budgets", Assert.Throws<ArgumentException>(() => Load(Minimal + "\nbaseline_budgets: [20]\n")).Message);
        Assert.Contains("positive", Assert.Throws<ArgumentException>(() => Load(Minimal + "\nbaseline_budgets: [0]\n")).Message);
        Assert.Contains("needs random", Assert.Throws<ArgumentException>(
            () => Load(Minimal.Replace("methods: [random, source-filter]", "methods: [source-filter]") + "\nbaseline_budgets: [40]\n")).Message);
    }

    [Fact]
    public void The_cells_hash_without_a_pin_is_that_of_the_config_without_it()
    {
        using var dir = new TempDir();
        ExperimentConfig Load(string yaml) => ExperimentConfig.Load(Write(dir, yaml));
        var plain = Load(Minimal);
        var epochs = Load(Minimal + "\nmethod_settings:\n  tov: { epochs: \"3\" }\n");
        var pinned = Load(Minimal + "\nmethod_settings:\n  tov: { epochs: \"3\", batches: random }\n");
        var onlyPin = Load(Minimal + "\nmethod_settings:\n  tov: { batches: random }\n");

        Assert.Equal(pinned.CellsHash, pinned.CellsHashWithout([]));
        Assert.NotEqual(epochs.CellsHash, pinned.CellsHash);
        Assert.Equal(epochs.CellsHash, pinned.CellsHashWithout([("tov", "batches", "random")]));
        Assert.Equal(plain.CellsHash, onlyPin.CellsHashWithout([("tov", "batches", "random")]));
        // A pin to another value, or of another method, is a real change and stays in the hash.
        Assert.Equal(pinned.CellsHash, pinned.CellsHashWithout([("tov", "batches", "bucketed")]));
        Assert.Equal(pinned.CellsHash, pinned.CellsHashWithout([("less", "batches", "random")]));
        // The config itself is not changed by asking.
        Assert.Equal("random", pinned.MethodSettings["tov"]["batches"]);
    }

    [Fact]
    public void Paths_resolve_against_the_config_folder()
    {
        using var dir = new TempDir();
        var config = ExperimentConfig.Load(Write(dir, Minimal));
        Assert.Equal(Path.Combine(dir.Path, "p"), config.Resolve(config.Pool[0].Paths[0]));
        Assert.Equal([10, 20], config.Budgets);
        Assert.Equal(Winnow.Core.Data.TaskKind.Ner, config.Kind);
    }

    [Fact]
    public void An_unknown_key_is_refused_with_file_and_line()
    {
        using var dir = new TempDir();
        var path = Write(dir, Minimal + "\nfinetune: { lora_rank: 0, learning_rate: 1 }\n");
        var error = Assert.Throws<ArgumentException>(() => ExperimentConfig.Load(path));
        Assert.StartsWith($"{path}:12:", error.Message, StringComparison.Ordinal);
        Assert.Contains("learning_rate", error.Message);
    }

    [Theory]
    [InlineData("methods: [random, magic]", "unknown method 'magic'")]
    [InlineData("source_filter: [zzz]", "no pool source")]
    [InlineData("budgets: [0]", "budgets")]
    [InlineData("task: vision", "task must be")]
    public void Invalid_values_are_refused(string replacement, string expected)
    {
        using var dir = new TempDir();
        var key = replacement[..replacement.IndexOf(':')];
        var yaml = string.Join('\n', Minimal.Split('\n').Select(l => l.StartsWith(key + ":", StringComparison.Ordinal) ? replacement : l));
        var error = Assert.Throws<ArgumentException>(() => ExperimentConfig.Load(Write(dir, yaml)));
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("ablation:\n  tov: { settings: { epsilon: \"0.01\" } }\n", "has the name of a method")]
    [InlineData("ablation:\n  tov-x: { method: random, bins: 1 }\n", "is no scored method")]
    [InlineData("ablation:\n  only-a: { method: source-filter, sources: [a], bins: 1 }\n", "a source-filter row draws at random from its sources")]
    [InlineData("ablation:\n  only-a: { method: source-filter }\n", "needs exactly one of sources (pool source names) or paths")]
    [InlineData("ablation:\n  only-a: { method: source-filter, sources: [a], paths: [q] }\n", "needs exactly one of sources")]
    [InlineData("ablation:\n  only-z: { method: source-filter, sources: [z] }\n", "sources names 'z', which is no pool source (a)")]
    [InlineData("ablation:\n  only-a: { method: source-filter, sources: [a], max: 5 }\n", "max goes with paths")]
    [InlineData("ablation:\n  more: { method: source-filter, paths: [q], max: -1 }\n", "max must be 0 (all) or more")]
    [InlineData("ablation:\n  tov-x: { sources: [a] }\n", "sources, paths and max belong to source-filter rows")]
    [InlineData("ablation:\n  tov-x: { }\n", "changes nothing")]
    [InlineData("ablation:\n  tov-x: { strategy: best }\n", "Unknown")]
    [InlineData("ablation:\n  tov-x: { bins: 0 }\n", "bins must be at least 1")]
    [InlineData("ablation:\n  tov-x: { bin_by: words }\n", "Unknown bin_by 'words'")]
    [InlineData("ablation:\n  tov-x: { settings: { bin_by: predicted } }\n", "give it as the row's own key")]
    [InlineData("ablation:\n  tov-x: { settings: { random_share: \"0.2\" } }\n", "random_share is a selection setting: give it as the row's own key")]
    [InlineData("ablation:\n  tov-x: { random_share: 1.5 }\n", "random_share must be between 0 and 1")]
    [InlineData("ablation:\n  tov-x: { random_share: 0.25, strategy: score-only }\n", "random_share is Score+Random's split")]
    [InlineData("ablation_budgets: [10]\n", "there is no ablation")]
    public void A_bad_ablation_is_refused_naming_the_variant(string yaml, string expected)
    {
        using var dir = new TempDir();
        var error = Assert.Throws<ArgumentException>(() => ExperimentConfig.Load(Write(dir, Minimal + "\n" + yaml)));
        Assert.Contains(expected, error.Message);
        Assert.StartsWith(Path.Combine(dir.Path, "study.yaml"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_source_row_is_a_control_column_that_says_what_it_draws_from()
    {
        using var dir = new TempDir();
        var config = ExperimentConfig.Load(Write(dir, Minimal + """

            ablation:
              only-a: { method: source-filter, sources: [a] }
              more: { method: source-filter, paths: [q, r], max: 40 }
            """));
        var only = config.Column("only-a");
        Assert.False(only.IsScored);
        Assert.Equal(StudyRole.Control, only.Role);
        Assert.Equal("sources=a", config.Ablation["only-a"].Describe());
        Assert.Equal("paths=q+r, max=40", config.Ablation["more"].Describe());
        Assert.Equal(Path.Combine(dir.Path, "q"), config.Resolve(config.Ablation["more"].Paths![0]));
    }

    [Fact]
    public void An_ablation_variant_overrides_only_its_own_settings()
    {
        using var dir = new TempDir();
        var config = ExperimentConfig.Load(Write(dir, Minimal.Replace("methods: [random, source-filter]", "methods: [random, tov]", StringComparison.Ordinal) + """

            method_settings:
              tov: { epochs: "4", epsilon: "0.1" }
            ablation:
              tov-eps: { settings: { epsilon: "0.01" } }
              tov-no-bins: { bins: 1 }
              tov-bin-predicted: { bin_by: predicted }
              tov-mix: { random_share: 0.25 }
            ablation_budgets: [20]
            """));
        Assert.Equal([20], config.EffectiveAblationBudgets);
        var variant = config.Ablation["tov-eps"];
        Assert.Equal("tov", variant.Method);
        Assert.Equal(new Dictionary<string, string> { ["epochs"] = "4", ["epsilon"] = "0.01" }, config.SettingsFor("tov", variant));
        Assert.Equal(new Dictionary<string, string> { ["epochs"] = "4", ["epsilon"] = "0.1" }, config.SettingsFor("tov"));
        Assert.Equal("bins=1", config.Ablation["tov-no-bins"].Describe());
        Assert.Equal("bin_by=predicted", config.Ablation["tov-bin-predicted"].Describe());
        Assert.Equal(Winnow.Core.Selection.BinLength.Predicted, config.Ablation["tov-bin-predicted"].AsStudyMethod("tov-bin-predicted").BinBy);
        Assert.Equal(0.25, config.Ablation["tov-mix"].AsStudyMethod("tov-mix").RandomShare);
        Assert.Null(config.Ablation["tov-eps"].AsStudyMethod("tov-eps").RandomShare);
    }

    [Fact]
    public void Selection_settings_in_method_settings_reach_the_selection_and_not_the_fit()
    {
        using var dir = new TempDir();
        var config = ExperimentConfig.Load(Write(dir, Minimal.Replace("methods: [random, source-filter]", "methods: [random, tov]", StringComparison.Ordinal)
            + "\nmethod_settings:\n  tov: { epochs: \"4\", bin_by: tokens, random_share: \"0.5\" }\n"));
        Assert.Equal(Winnow.Core.Selection.BinLength.Tokens, config.BinByFor("tov"));
        Assert.Null(config.BinByFor("less"));
        Assert.Equal(0.5, config.RandomShareFor("tov"));
        Assert.Null(config.RandomShareFor("less"));
        Assert.Equal(new Dictionary<string, string> { ["epochs"] = "4" }, config.FitSettingsFor("tov"));
        Assert.Equal("tokens", config.SettingsFor("tov")["bin_by"]);
    }

    [Theory]
    [InlineData("bin_by: words", "method_settings for 'tov': Unknown bin_by 'words'")]
    [InlineData("random_share: \"half\"", "method_settings for 'tov': random_share must be a number between 0 and 1 (got 'half')")]
    [InlineData("random_share: \"2\"", "method_settings for 'tov': random_share must be between 0 and 1")]
    public void A_bad_selection_setting_in_method_settings_is_refused_naming_the_method(string setting, string expected)
    {
        using var dir = new TempDir();
        var error = Assert.Throws<ArgumentException>(() => ExperimentConfig.Load(Write(dir, Minimal + $"\nmethod_settings:\n  tov: {{ {setting} }}\n")));
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("fields: prompt=question, completion=answer", "prompt=question,completion=answer")]
    [InlineData("fields: { prompt: q, completion: a, id: n }", "prompt=q,completion=a,id=n")]
    [InlineData("fields:\n  completion: a\n  prompt: q", "prompt=q,completion=a")]
    public void Fields_are_read_in_the_option_syntax_or_as_a_mapping_and_reach_the_read_options(string yaml, string canonical)
    {
        using var dir = new TempDir();
        var config = ExperimentConfig.Load(Write(dir, Minimal.Replace("task: ner", "task: instruction", StringComparison.Ordinal) + "\n" + yaml + "\n"));
        Assert.Equal(canonical, config.Fields?.ToString());
        var read = config.SourceReadOptions();
        Assert.Equal(config.Fields, read.Fields);
        Assert.Equal(Winnow.Core.Data.TaskKind.Instruction, read.Kind);
    }

    [Theory]
    [InlineData("fields: tokens=words, tags=ner_tags, tag_names=O|B-PER|I-PER")]
    [InlineData("fields: { tokens: words, tags: ner_tags, tag_names: \"O|B-PER|I-PER\" }")]
    [InlineData("fields:\n  tokens: words\n  tags: ner_tags\n  tag_names: [O, B-PER, I-PER]")]
    public void A_ner_studys_integer_tag_ids_are_named_by_tag_names_in_any_of_the_three_spellings(string yaml)
    {
        using var dir = new TempDir();
        var config = ExperimentConfig.Load(Write(dir, Minimal + "\n" + yaml + "\n"));
        Assert.Equal("tokens=words,tags=ner_tags,tag_names=O|B-PER|I-PER", config.Fields?.ToString());
        Assert.Equal(["O", "B-PER", "I-PER"], config.SourceReadOptions().Fields!.TagNameList);
    }

    [Theory]
    [InlineData("task: ner", "fields: { tokens: w, tags: t, tag_names: [O, [B-X]] }", "tag_names must be a list of plain names")]
    [InlineData("task: instruction", "fields: prompt=q", "prompt and completion go together")]
    [InlineData("task: instruction", "fields: { prompt: q, answer: a }", "unknown key 'answer'")]
    [InlineData("task: instruction", "fields: [prompt, q]", "expected prompt=COL,completion=COL or a mapping")]
    [InlineData("task: ner", "fields: prompt=q,completion=a", "a NER study maps tokens and tags")]
    [InlineData("task: instruction", "fields: tokens=w,tags=t", "an instruction study maps prompt and completion")]
    public void A_bad_field_mapping_is_refused_with_the_file_and_why(string task, string yaml, string expected)
    {
        using var dir = new TempDir();
        var path = Write(dir, Minimal.Replace("task: ner", task, StringComparison.Ordinal) + "\n" + yaml + "\n");
        var error = Assert.Throws<ArgumentException>(() => ExperimentConfig.Load(path));
        Assert.StartsWith(path + ":", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_study_pre_trains_with_the_pre_trainers_own_defaults_unless_it_says_otherwise()
    {
        var config = new BaseModelConfig();
        var pretrainer = new Winnow.Torch.Pretraining.PretrainOptions();
        Assert.Equal(pretrainer.MaxTexts, config.PretrainMaxTexts);
        Assert.Equal(pretrainer.LearningRate, config.PretrainLr);
        Assert.Equal(pretrainer.SequenceLength, config.PretrainSeqLen);
    }

    [Fact]
    public void Every_committed_study_still_resumes_under_its_config()
    {
        // A committed results folder resumes only while its config's cells hash is the one it recorded: a new config
        // key that changed every hash (or a pin that is not a restated earlier default) would strand them all.
        var restated = Winnow.Torch.Methods.SelectionMethods.Names
            .SelectMany(n => Winnow.Torch.Methods.SelectionMethods.Get(n).DefaultChanges).Select(c => (c.Method, c.Key, c.Previous)).ToList();
        int checkedStudies = 0;
        foreach (var path in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "bench", "results"), "study.json", SearchOption.AllDirectories))
        {
            var study = ExperimentResults.Read<StudyInfo>(path);
            var configPath = Path.Combine(RepoPaths.Root, study.ConfigPath);
            if (study.CellsHash is null || !File.Exists(configPath)) continue;
            var config = ExperimentConfig.Load(configPath);
            Assert.True(config.MatchesCellsHash(study.CellsHash, restated),
                $"{path}: recorded cells hash {study.CellsHash}, its config {study.ConfigPath} now {config.CellsHash}");
            checkedStudies++;
        }
        Assert.True(checkedStudies >= 3, $"only {checkedStudies} committed studies had a cells hash and a config");
    }
}
