using Winnow.Core.Data;
using Winnow.Core.Scoring;
using Winnow.Torch.Methods.Tov;
using Winnow.Torch.Tasks;
using Xunit.Abstractions;

namespace Winnow.Torch.Tests.Methods.Tov;

/// <summary>
/// φ's sign and scale on a case whose answer is known, and the two φ settings beyond the paper (label-balanced
/// aggregation, leaving out the earliest epochs) checked against a direct computation from the saved adapters.
/// </summary>
[Collection(TovCollection.Name)]
public sealed class TovPhiTests(TovFixture fixture, ITestOutputHelper output)
{
    /// <summary>
    /// The pool holds exact copies of the 30 target rows beside 40 rows each of two unrelated tasks. A step on the
    /// target must lower the loss of its own rows: the copies get φ &gt; 0 on average, above every other source's mean,
    /// and crowd the top of the ranking: among the top k (k = copies left outside U) at least twice as many copies as
    /// a random order gives, and a random copy outranks a random other row more often than not by a wide margin
    /// (AUC ≥ 0.75). A 2-epoch, hidden-32 model is noisy (observed: see the output), so the bounds are loose but far from chance.
    /// Every validation step must pass it: the base trajectory's AdamW and the target's own preconditioned gradient, at its own length and at AdamW's.
    /// </summary>
    [Theory]
    [InlineData(TovValidationStep.Adam)]
    [InlineData(TovValidationStep.Preconditioned)]
    [InlineData(TovValidationStep.Matched)]
    public void Exact_copies_of_the_target_rank_first_with_positive_phi(TovValidationStep step)
    {
        var pool = Path.Combine(fixture.Root, "copies-pool");
        Directory.CreateDirectory(pool);
        File.Copy(Directory.GetFiles(fixture.InstructionTarget).Single(), Path.Combine(pool, "copies.jsonl"), overwrite: true);
        foreach (var other in new[] { "sums.jsonl", "capitals.jsonl" })
            File.Copy(Path.Combine(fixture.InstructionPool, other), Path.Combine(pool, other), overwrite: true);
        var dir = Path.Combine(fixture.Root, $"run-copies-{step}");
        TovFitter.Fit(new TovFitRequest(fixture.LlamaModel, [fixture.InstructionTarget], [pool], dir) { Options = TovFixture.InstructionOptions with { ValidationStep = step } });
        var scores = Path.Combine(dir, "scores.parquet");
        TovScorer.Score(new TovScoreRequest(dir, [pool], scores));

        var rows = ScoreFile.Read(scores).Where(r => !r.InBase).ToList();
        bool Copy(ScoreRow r) => r.Source.EndsWith("copies", StringComparison.Ordinal);
        var bySource = rows.GroupBy(r => r.Source).ToDictionary(g => g.Key, g => g.Average(r => r.PhiIdentity));
        foreach (var (source, mean) in bySource) output.WriteLine($"{source}: mean φ {mean:F4}");
        double copies = bySource.Single(kv => kv.Key.EndsWith("copies", StringComparison.Ordinal)).Value;
        Assert.True(copies > 0, $"copies' mean φ {copies}");
        Assert.All(bySource.Where(kv => !kv.Key.EndsWith("copies", StringComparison.Ordinal)), kv => Assert.True(kv.Value < copies, $"{kv.Key}: {kv.Value} ≥ copies' {copies}"));
        int k = rows.Count(Copy);
        double chance = (double)k * k / rows.Count;
        int hits = rows.OrderByDescending(r => r.Score).Take(k).Count(Copy);
        var copyScores = rows.Where(Copy).Select(r => r.Score).ToList();
        var otherScores = rows.Where(r => !Copy(r)).Select(r => r.Score).ToList();
        double auc = copyScores.Sum(c => otherScores.Count(o => o < c) + 0.5 * otherScores.Count(o => o == c)) / ((double)copyScores.Count * otherScores.Count);
        output.WriteLine($"top-{k} of {rows.Count}: {hits} copies (chance {chance:F1}); AUC {auc:F3}");
        Assert.True(hits >= 2 * chance, $"top-{k}: {hits} copies, chance {chance:F1}");
        Assert.True(auc >= 0.75, $"AUC {auc:F3}");
    }

    /// <summary>
    /// val_step parses (default, adam, preconditioned, matched; anything else refused); the task's default resolves to the
    /// matched step for instruction tuning and to AdamW for NER; AdamW is never written to the manifest (runs fitted
    /// before the setting existed keep their fingerprints), and a matched fit is a run of its own.
    /// </summary>
    [Fact]
    public void The_validation_step_setting_parses_and_only_a_changed_step_enters_the_manifest()
    {
        var request = new Winnow.Methods.MethodFitRequest([fixture.InstructionTarget], [fixture.InstructionPool], Path.Combine(fixture.Root, "valstep-parse")) { Model = fixture.LlamaModel };
        TovValidationStep? Parsed(string value) => TovMethod.ParseFitOptions(request with { Settings = new Dictionary<string, string> { ["val_step"] = value } }).ValidationStep;
        Assert.Equal(TovValidationStep.FamilyDefault, TovMethod.ParseFitOptions(request).ValidationStep);
        Assert.Equal(TovValidationStep.Adam, Parsed("adam"));
        Assert.Equal(TovValidationStep.Preconditioned, Parsed("preconditioned"));
        Assert.Equal(TovValidationStep.Matched, Parsed("matched"));
        Assert.Equal(TovValidationStep.FamilyDefault, Parsed("default"));
        Assert.Contains("expected default, adam, preconditioned or matched", Assert.Throws<ArgumentException>(() => Parsed("sgd")).Message);
        // The task's default: the target's own step for instruction tuning, AdamW (written as nothing) for NER.
        Assert.Equal(TovValidationStep.Matched, new TovFitOptions { Kind = Winnow.Core.Data.TaskKind.Instruction }.ResolveValidationStep().ValidationStep);
        Assert.Null(new TovFitOptions { Kind = Winnow.Core.Data.TaskKind.Ner }.ResolveValidationStep().ValidationStep);
        Assert.Null(new TovFitOptions { ValidationStep = TovValidationStep.Adam }.ResolveValidationStep().ValidationStep);

        var plain = TovFitter.Fit(new TovFitRequest(fixture.LlamaModel, [fixture.InstructionTarget], [fixture.InstructionPool], Path.Combine(fixture.Root, "valstep-adam"))
        {
            Options = TovFixture.InstructionOptions with { Epochs = 1, ValidationStep = TovValidationStep.Adam },
        });
        var matched = TovFitter.Fit(new TovFitRequest(fixture.LlamaModel, [fixture.InstructionTarget], [fixture.InstructionPool], Path.Combine(fixture.Root, "valstep-matched"))
        {
            Options = TovFixture.InstructionOptions with { Epochs = 1 },
        });
        Assert.Equal(TovValidationStep.Matched, matched.Options.ValidationStep);
        Assert.DoesNotContain("validation_step", File.ReadAllText(Path.Combine(plain.RunDirectory, "manifest.json")));
        Assert.Contains("\"validation_step\"", File.ReadAllText(Path.Combine(matched.RunDirectory, "manifest.json")));
        Assert.NotEqual(plain.Manifest.Fingerprint, matched.Manifest.Fingerprint);
        // The same U and the same base epoch, different validation steps: θ_val differs, θ_bas does not.
        Assert.Equal(File.ReadAllBytes(Path.Combine(plain.Layout.BaseAdapter(0), Winnow.Torch.Modeling.Lora.AdapterWeightsFile)),
            File.ReadAllBytes(Path.Combine(matched.Layout.BaseAdapter(0), Winnow.Torch.Modeling.Lora.AdapterWeightsFile)));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(plain.Layout.ValAdapter(0), Winnow.Torch.Modeling.Lora.AdapterWeightsFile)),
            File.ReadAllBytes(Path.Combine(matched.Layout.ValAdapter(0), Winnow.Torch.Modeling.Lora.AdapterWeightsFile)));
    }

    /// <summary>
    /// Label-balanced φ and skip_epochs, scored from one NER run, equal φ computed by hand from the adapters' token
    /// log-probabilities and the rows' gold tags: per epoch, the mean Δ within O and within each entity type, then
    /// the mean over the classes present; epochs before skip_epochs left out of the average.
    /// </summary>
    [Fact]
    public void Label_balanced_and_skipped_epoch_phi_equal_a_direct_computation()
    {
        var options = TovFixture.NerOptions with { Epochs = 3 };
        var dir = Path.Combine(fixture.Root, "run-ner-balanced");
        var run = TovFitter.Fit(new TovFitRequest(fixture.BertModel, [fixture.NerTarget], [fixture.NerPool], dir) { Options = options });
        var balancedPath = Path.Combine(dir, "balanced.parquet");
        TovScorer.Score(new TovScoreRequest(dir, [fixture.NerPool], balancedPath) { Aggregation = TovAggregation.LabelBalanced, SkipEpochs = 1 });
        var meanPath = Path.Combine(dir, "mean.parquet");
        TovScorer.Score(new TovScoreRequest(dir, [fixture.NerPool], meanPath));
        Assert.Equal("label_balanced", ScoreFile.ReadMetadata(balancedPath)["winnow.tov.aggregation"]);

        var pool = DatasetReader.Read([fixture.NerPool]).ToList();
        var balanced = ScoreFile.Read(balancedPath).Where(r => !r.InBase).Take(8).ToList();
        var plain = ScoreFile.Read(meanPath).ToDictionary(r => r.Row);
        var examples = balanced.Select(r => (NerExample)pool[(int)r.Row]).ToList();
        var labels = LabelSet.Load(run.Layout.LabelsFile);
        var expected = new double[examples.Count];
        for (int k = 1; k < run.State.Epochs; k++)
        {
            var before = TovFixture.NerTokenLogProbs(run.Manifest.Model!, run.Layout.LabelsFile, run.Options.MaxLength, run.Layout.BaseAdapter(k), examples);
            var after = TovFixture.NerTokenLogProbs(run.Manifest.Model!, run.Layout.LabelsFile, run.Options.MaxLength, run.Layout.ValAdapter(k), examples);
            for (int i = 0; i < examples.Count; i++)
            {
                // Classes by hand from the gold tags: O (also for a type the target does not have), or the entity
                // type without its B-/I- prefix.
                var classes = examples[i].Tags.Select(t => t == "O" || !labels.TryGetId(t, out _) ? "O" : t[2..]).ToArray();
                var deltas = after[i].Zip(before[i], (a, b) => (double)a - b).ToArray();
                Assert.Equal(classes.Length, deltas.Length);
                expected[i] += classes.Select((c, t) => (c, d: deltas[t])).GroupBy(x => x.c).Average(g => g.Average(x => x.d))
                    / (run.State.Epochs - 1);
            }
        }
        bool anyDiffers = false;
        for (int i = 0; i < balanced.Count; i++)
        {
            Assert.True(Math.Abs(expected[i] - balanced[i].PhiIdentity) < 1e-5, $"row {balanced[i].Row}: direct {expected[i]}, scorer {balanced[i].PhiIdentity}");
            // The per-epoch column keeps every epoch (label-balanced per epoch), the skipped one included.
            Assert.Equal(run.State.Epochs, balanced[i].PhiIdentityEpochs.Count);
            anyDiffers |= Math.Abs(plain[balanced[i].Row].PhiIdentity - balanced[i].PhiIdentity) > 1e-6;
        }
        Assert.True(anyDiffers, "label-balanced φ equals the plain mean on every row: the setting did nothing");
    }

    [Fact]
    public void Aggregation_and_skip_epochs_are_fit_settings_with_clear_errors()
    {
        var request = new Winnow.Methods.MethodFitRequest(["t"], ["p"], "run")
        {
            Kind = TaskKind.Ner,
            Settings = new Dictionary<string, string> { ["aggregate"] = "label-balanced", ["skip_epochs"] = "1", ["batches"] = "bucketed" },
        };
        var options = TovMethod.ParseFitOptions(request);
        Assert.True(options.BucketedBatches);
        Assert.Equal(TovAggregation.LabelBalanced, options.Aggregation);
        Assert.Equal(1, options.SkipEpochs);
        // Defaults stay out of the manifest's options, so runs made before these settings keep their fingerprints.
        var json = TovRunState.OptionsJson(options with { Aggregation = TovAggregation.Mean, SkipEpochs = 0, BucketedBatches = false });
        Assert.DoesNotContain("bucketed", json);
        Assert.DoesNotContain("aggregation", json);
        Assert.DoesNotContain("skip_epochs", json);
        Assert.Contains("label_balanced", TovRunState.OptionsJson(options));
        // Bucketed fit batches are the default; a manifest written without the field (shuffled batches, before the
        // change) still reads as shuffled, and a default run's options round-trip as bucketed.
        var defaults = TovMethod.ParseFitOptions(request with { Settings = new Dictionary<string, string>() });
        Assert.True(defaults.BucketedBatches);
        Assert.False(TovMethod.ParseFitOptions(request with { Settings = new Dictionary<string, string> { ["batches"] = "random" } }).BucketedBatches);
        var readBack = System.Text.Json.JsonSerializer.Deserialize<TovFitOptions>(TovRunState.OptionsJson(defaults), TovRunState.Json)!;
        Assert.True(readBack.BucketedBatches);
        Assert.Equal(defaults, readBack);
        var shuffled = defaults with { BucketedBatches = false };
        Assert.DoesNotContain("bucketed", TovRunState.OptionsJson(shuffled));
        Assert.False(System.Text.Json.JsonSerializer.Deserialize<TovFitOptions>(TovRunState.OptionsJson(shuffled), TovRunState.Json)!.BucketedBatches);
        var bad = Assert.Throws<ArgumentException>(() => TovMethod.ParseFitOptions(request with
        {
            Settings = new Dictionary<string, string> { ["aggregate"] = "median" },
        }));
        Assert.Contains("label_balanced", bad.Message);
        Assert.Throws<ArgumentException>(() => (options with { Epochs = 2, SkipEpochs = 2 }).Validate());
    }

    /// <summary>
    /// lora_layers: the task's default (the top third of the blocks for NER, every block for instruction tuning since
    /// 2026-12-01) becomes a number before a run's fingerprint; a manifest without the field is a run with every block.
    /// </summary>
    [Fact]
    public void Lora_layers_default_is_a_third_of_the_blocks_for_ner_and_every_block_for_instruction_tuning()
    {
        var ner = new TovFitOptions { Kind = TaskKind.Ner };
        Assert.Equal(TovFitOptions.FamilyDefault, ner.LoraLayers);
        Assert.Equal(2, ner.ResolveLoraLayers(() => 6).LoraLayers);
        Assert.Equal(4, ner.ResolveLoraLayers(() => 12).LoraLayers);
        Assert.Equal(1, ner.ResolveLoraLayers(() => 1).LoraLayers);
        Assert.Equal(3, ner.ResolveLoraLayers(() => 7).LoraLayers);
        // Instruction tuning never reads the model for it.
        Assert.Null(new TovFitOptions { Kind = TaskKind.Instruction }.ResolveLoraLayers(() => throw new InvalidOperationException("read")).LoraLayers);
        Assert.Null((ner with { LoraLayers = null }).ResolveLoraLayers(() => 6).LoraLayers);
        Assert.Equal(5, (ner with { LoraLayers = 5 }).ResolveLoraLayers(() => 6).LoraLayers);

        var request = new Winnow.Methods.MethodFitRequest(["t"], ["p"], "run") { Kind = TaskKind.Ner };
        int? Parsed(string value) => TovMethod.ParseFitOptions(request with { Settings = new Dictionary<string, string> { ["lora_layers"] = value } }).LoraLayers;
        Assert.Null(Parsed("all"));
        Assert.Equal(TovFitOptions.FamilyDefault, Parsed("default"));
        Assert.Equal(3, Parsed("3"));
        Assert.Equal(TovFitOptions.FamilyDefault, TovMethod.ParseFitOptions(request).LoraLayers);
        foreach (var bad in new[] { "0", "-1", "two" })
            Assert.Contains("lora_layers", Assert.Throws<ArgumentException>(() => Parsed(bad)).Message);

        // Every block stays out of the manifest (runs from before keep their fingerprints) and a manifest without the
        // field reads as every block, not as the new default.
        var resolved = ner.ResolveLoraLayers(() => 6);
        Assert.Contains("\"lora_layers\": 2", TovRunState.OptionsJson(resolved));
        var everyBlock = resolved with { LoraLayers = null };
        Assert.DoesNotContain("lora_layers", TovRunState.OptionsJson(everyBlock));
        Assert.Null(System.Text.Json.JsonSerializer.Deserialize<TovFitOptions>(TovRunState.OptionsJson(everyBlock), TovRunState.Json)!.LoraLayers);
        Assert.Equal(2, System.Text.Json.JsonSerializer.Deserialize<TovFitOptions>(TovRunState.OptionsJson(resolved), TovRunState.Json)!.LoraLayers);
        Assert.Throws<ArgumentException>(() => TovFitter.LoraOptionsOf(ner, null!));
    }

    [Fact]
    public void Grouped_phi_averages_within_classes_then_over_them()
    {
        float[] before = [-1f, -1f, -1f, -1f, -2f];
        float[] after = [-0.9f, -0.9f, -0.9f, -0.9f, -3f];
        int[] classes = [0, 0, 0, 0, 1];
        // Δ: four O tokens +0.1, one entity token −1.0. Mean: (0.4 − 1)/5 = −0.12; balanced: (0.1 + (−1))/2 = −0.45.
        Assert.Equal(-0.12, ScoreTransforms.Phi(before, after)[0], 5);
        var phi = ScoreTransforms.Phi(before, after, classes);
        Assert.Equal(-0.45, phi[0], 5);
        Assert.Equal((0.1 + 1.0) / 2, phi[1], 5);
        Assert.Equal(0.05, phi[2], 5);
        Assert.Throws<ArgumentException>(() => ScoreTransforms.Phi(before, after, [0, 1]));
    }

}
