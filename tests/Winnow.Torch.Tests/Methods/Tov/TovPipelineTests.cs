using Winnow.Core.Runs;
using Winnow.Core.Data;
using Winnow.Methods;
using Xunit.Abstractions;
using Winnow.Core.Scoring;
using Winnow.Core.Selection;
using Winnow.Torch.Methods;
using Winnow.Torch.Methods.Tov;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;
using Winnow.Torch.Tests.TestSupport;

namespace Winnow.Torch.Tests.Methods.Tov;

[Collection(TovCollection.Name)]
public sealed class TovPipelineTests(TovFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void Fit_writes_every_epochs_adapters_and_a_complete_manifest()
    {
        var run = fixture.InstructionRun;
        var folder = run.Layout;
        Assert.True(run.Manifest.Complete);
        Assert.Equal(2, run.State.Epochs);
        Assert.Equal(2, run.State.CompletedEpochs.Count);
        Assert.All(Enumerable.Range(0, 2), k => Assert.True(folder.EpochComplete(k)));
        Assert.Equal(30, folder.ReadBaseSet().Count);
        Assert.All(run.State.CompletedEpochs, e => Assert.Equal(0.1 * e.LearningRate, e.ValidationLearningRate, 12));
        Assert.All(run.State.CompletedEpochs, e => Assert.True(e.LearningRate > 0));
    }

    [Fact]
    public void Fit_again_with_the_same_inputs_reuses_the_run_and_refuses_changed_options()
    {
        var first = fixture.InstructionRun;
        var again = TovFitter.Fit(new TovFitRequest(fixture.LlamaModel, [fixture.InstructionTarget], [fixture.InstructionPool], first.RunDirectory)
        {
            Options = TovFixture.InstructionOptions,
        });
        Assert.True(again.Reused);
        Assert.True(again.Seconds < 5, $"reuse took {again.Seconds:F1}s");

        var changed = new TovFitRequest(fixture.LlamaModel, [fixture.InstructionTarget], [fixture.InstructionPool], first.RunDirectory)
        {
            Options = TovFixture.InstructionOptions with { Epsilon = 0.2 },
        };
        var error = Assert.Throws<RunMismatchException>(() => TovFitter.Fit(changed));
        Assert.Contains("options", error.Message);
    }

    [Fact]
    public void Fit_resumes_after_the_last_finished_epoch()
    {
        var dir = Path.Combine(fixture.Root, "run-resume");
        var request = new TovFitRequest(fixture.LlamaModel, [fixture.InstructionTarget], [fixture.InstructionPool], dir)
        {
            Options = TovFixture.InstructionOptions with { BaseSize = 16 },
        };
        // Stop the run as soon as epoch 1 is reported finished, as a kill during epoch 2 would.
        using var stop = new CancellationTokenSource();
        var stopAfterFirst = new SyncProgress(line => { if (line.StartsWith("epoch 1/", StringComparison.Ordinal)) stop.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => TovFitter.Fit(request, stopAfterFirst, stop.Token));
        var folder = new TovRunLayout(dir);
        Assert.True(folder.EpochComplete(0));
        Assert.False(folder.EpochComplete(1));

        var resumed = TovFitter.Fit(request);
        Assert.False(resumed.Reused);
        Assert.Equal(1, resumed.ResumedFromEpoch);
        Assert.True(resumed.Manifest.Complete);
        Assert.True(folder.EpochComplete(1));
    }

    [Fact]
    public void Force_replaces_a_run_made_with_other_options()
    {
        var dir = Path.Combine(fixture.Root, "run-force");
        var options = TovFixture.InstructionOptions with { BaseSize = 8, Epochs = 1 };
        TovFitter.Fit(new TovFitRequest(fixture.LlamaModel, [fixture.InstructionTarget], [fixture.InstructionPool], dir) { Options = options });
        File.WriteAllText(Path.Combine(dir, "keep.txt"), "not ToV's");

        var replaced = TovFitter.Fit(new TovFitRequest(fixture.LlamaModel, [fixture.InstructionTarget], [fixture.InstructionPool], dir)
        {
            Options = options with { Epsilon = 0.5 },
            Force = true,
        });
        Assert.False(replaced.Reused);
        Assert.Equal(0.5, TovRunModel.LoadComplete(replaced.RunDirectory).Options.Epsilon);
        Assert.True(File.Exists(Path.Combine(dir, "keep.txt")));
    }

    [Fact]
    public void Pipeline_reuses_a_finished_fit_and_a_current_score_file()
    {
        _ = fixture.InstructionScores;
        var messages = new RecordingProgress<string>();
        // The fixture's run, fitted by TovFitter with InstructionOptions, is found again through the generic pipeline.
        var fit = new MethodFitRequest([fixture.InstructionTarget], [fixture.InstructionPool], fixture.InstructionRun.RunDirectory)
        {
            Model = fixture.LlamaModel, Kind = TaskKind.Instruction, Seed = TovFixture.InstructionOptions.Seed,
            Settings = new Dictionary<string, string>
            {
                ["base_size"] = "30", ["epochs"] = "2", ["lr"] = "0.01", ["batch_size"] = "8", ["lora_rank"] = "4", ["lora_dropout"] = "0", ["max_length"] = "64",
            },
        };
        var result = MethodPipeline.Run(new PipelineRequest("tov", fit, 12, Path.Combine(fixture.Root, "pipeline", "subset.jsonl"))
        {
            Strategy = SelectionStrategy.ScoreOnly,
            Bins = 2,
            Column = TovFixture.InstructionOptions.Transform.ColumnName(),
        }, messages);
        Assert.True(result.Run.Reused);
        Assert.Null(result.Scores);
        Assert.Equal(12, result.Subset.Selected);
        Assert.Equal(12, DatasetReader.Read([result.Subset.OutputPath]).Count());
        Assert.Contains(messages.Reports, m => m.Contains("reusing"));
    }

    [Fact]
    public void Parallel_and_interleaved_both_run_and_differ()
    {
        var dir = Path.Combine(fixture.Root, "run-parallel");
        var parallel = TovFitter.Fit(new TovFitRequest(fixture.LlamaModel, [fixture.InstructionTarget], [fixture.InstructionPool], dir)
        {
            Options = TovFixture.InstructionOptions with { Variant = TovVariant.Parallel },
        });
        var interleaved = fixture.InstructionRun;
        Assert.True(parallel.Manifest.Complete);
        // Epoch 1's base adapters are equal up to the validation pass (same seed, same U), then the trajectories part.
        Assert.Equal(AdapterBytes(interleaved.Layout.BaseAdapter(0)), AdapterBytes(parallel.Layout.BaseAdapter(0)));
        Assert.NotEqual(AdapterBytes(interleaved.Layout.BaseAdapter(1)), AdapterBytes(parallel.Layout.BaseAdapter(1)));

        var scores = Path.Combine(dir, "scores.parquet");
        TovScorer.Score(new TovScoreRequest(dir, [fixture.InstructionPool], scores));
        var a = TovFixture.ReadScores(fixture.InstructionScores).Select(r => r.PhiIdentity).ToArray();
        var b = TovFixture.ReadScores(scores).Select(r => r.PhiIdentity).ToArray();
        Assert.Equal(a.Length, b.Length);
        Assert.Contains(Enumerable.Range(0, a.Length), i => double.IsFinite(a[i]) && Math.Abs(a[i] - b[i]) > 1e-6);
    }

    private static byte[] AdapterBytes(string dir) => File.ReadAllBytes(Path.Combine(dir, Lora.AdapterWeightsFile));

    [Fact]
    public void Score_file_has_a_row_per_pool_example_and_no_score_for_the_base_set()
    {
        var rows = TovFixture.ReadScores(fixture.InstructionScores);
        Assert.Equal(TovFixture.InDomainInPool + 2 * TovFixture.PerOtherTemplate, rows.Count);
        Assert.Equal(Enumerable.Range(0, rows.Count).Select(i => (long)i), rows.Select(r => r.Row));
        Assert.Equal(30, rows.Count(r => r.InBase));
        Assert.All(rows.Where(r => r.InBase), r => Assert.True(double.IsNaN(r.Score)));
        Assert.All(rows.Where(r => !r.InBase), r =>
        {
            Assert.True(double.IsFinite(r.Score));
            Assert.Equal(r.PhiIdentity, r.Score);
            Assert.Equal(2, r.PhiIdentityEpochs.Count);
            Assert.Equal(r.PhiIdentityEpochs.Average(), r.PhiIdentity, 12);
            Assert.True(r.PhiAbs >= Math.Abs(r.PhiIdentity) - 1e-12);
            Assert.True(r.PhiPositive >= r.PhiIdentity - 1e-12 && r.PhiPositive <= r.PhiAbs + 1e-12);
            Assert.True(r.Predicted > 0 && r.Length > r.Predicted);
        });
    }

    [Fact]
    public void Score_refuses_a_pool_other_than_the_fitted_one()
    {
        var run = fixture.InstructionRun;
        var error = Assert.Throws<InvalidDataException>(() =>
            TovScorer.Score(new TovScoreRequest(run.RunDirectory, [fixture.InstructionTarget], Path.Combine(fixture.Root, "other.parquet"))));
        Assert.Contains("pool differs", error.Message);
    }

    /// <summary>
    /// The target is the "repeat" template; the pool holds 40 of it and 40 each of two unrelated templates. Of the
    /// 90 scored (non-U) pool rows about a third are in-domain, so a random top-k has about k/3 in-domain. We assert
    /// at least 1.75× that among the top k = |in-domain scored|: a clear margin over chance, yet loose enough for a
    /// 2-epoch tiny model. Measured on 2026-12-01 over fit seeds 0–9 with shuffled and with length-bucketed fit batches
    /// (20 fits): 1.93× to 3.3× chance, 79% of the top in-domain with shuffled batches and 81% with bucketed ones; the
    /// earlier bound of 2× failed at seed 0 with shuffled batches and at this fixture's seed 3 with bucketed ones.
    /// </summary>
    [Fact]
    public void Top_scores_are_dominated_by_the_targets_source()
    {
        var rows = TovFixture.ReadScores(fixture.InstructionScores).Where(r => !r.InBase).ToList();
        bool InDomain(ScoreRow r) => r.Source.EndsWith("repeat", StringComparison.Ordinal);
        int k = rows.Count(InDomain);
        double expected = (double)k * k / rows.Count;
        int hits = rows.OrderByDescending(r => r.Score).Take(k).Count(InDomain);
        output.WriteLine($"top-{k} of {rows.Count} scored: {hits} in-domain (random expectation {expected:F1})");
        Assert.True(hits >= 1.75 * expected, $"top-{k}: {hits} in-domain, random expectation {expected:F1}");
    }

    [Fact]
    public void Score_random_gives_exactly_n_distinct_examples_tovs_share_from_the_base_set_and_repeats_for_a_seed()
    {
        var run = fixture.InstructionRun;
        SubsetResult Select(string name, int seed) => TovPipeline.Select(TovPipeline.SelectRequest(run, fixture.InstructionScores,
            [fixture.InstructionPool], 20, Path.Combine(fixture.Root, name), SelectionStrategy.ScoreRandom, null, 4, seed));

        var first = Select("subset-a.jsonl", 7);
        var second = Select("subset-b.jsonl", 7);
        Assert.Equal(20, first.Selected);
        // ToV's default split of the budget (rounded down), as every selection path resolves it.
        int fromBase = (int)Math.Floor(20 * ((Winnow.Methods.ISelectionMethod)new TovMethod()).DefaultRandomShare + 1e-9);
        Assert.Equal(fromBase, first.FromRandom);
        Assert.Equal(20 - fromBase, first.FromScores);
        var examples = DatasetReader.Read([first.OutputPath]).ToList();
        Assert.Equal(20, examples.Count);
        var side = File.ReadAllLines(first.ScoresSidePath);
        Assert.Equal(20, side.Length);
        var keys = side.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Select(e => (Source: e.GetProperty("source").GetString()!, Id: e.GetProperty("id").GetString()!, InBase: e.GetProperty("in_base").GetBoolean()))
            .ToList();
        Assert.Equal(20, keys.Select(k => (k.Source, k.Id)).Distinct().Count());
        Assert.Equal(fromBase, keys.Count(k => k.InBase));
        Assert.Equal(File.ReadAllText(first.ScoresSidePath), File.ReadAllText(second.ScoresSidePath));
        Assert.True(File.Exists(first.SummaryPath));
    }

    /// <summary>φ from the pipeline equals φ computed directly: load θ_bas^k and θ_val^k into a fresh model, evaluate, subtract.</summary>
    [Fact]
    public void Ner_phi_through_the_pipeline_equals_a_direct_computation_from_the_saved_adapters()
    {
        var dir = Path.Combine(fixture.Root, "run-ner");
        var run = TovFitter.Fit(new TovFitRequest(fixture.BertModel, [fixture.NerTarget], [fixture.NerPool], dir) { Options = TovFixture.NerOptions });
        var scoresPath = Path.Combine(dir, "scores.parquet");
        var result = TovScorer.Score(new TovScoreRequest(dir, [fixture.NerPool], scoresPath) { ChunkSize = 10, BatchSize = 4 });
        var rows = TovFixture.ReadScores(scoresPath);
        Assert.Equal(48, result.Rows);
        Assert.Equal(36, result.Scored);

        // The default aggregation, auto, is the sum where the fit found the target's kind in the pool, the mean elsewhere.
        string used = ScoreFile.ReadMetadata(scoresPath)[TovScorer.AggregationKey];
        Assert.Equal(TovScorer.AggregationName(TovScorer.ResolveAggregation(TovAggregation.Auto, run.State.PoolNearerShare)), used);
        bool summed = used == "sum";
        var pool = DatasetReader.Read([fixture.NerPool]).ToList();
        var scored = rows.Where(r => !r.InBase).Take(6).ToList();
        var examples = scored.Select(r => pool[(int)r.Row]).ToList();
        var direct = new double[scored.Count];
        var perEpoch = new double[scored.Count, run.State.Epochs];
        for (int k = 0; k < run.State.Epochs; k++)
        {
            var before = TovFixture.NerTokenLogProbs(fixture.BertModel, run.Layout.LabelsFile, TovFixture.NerOptions.MaxLength, run.Layout.BaseAdapter(k), examples);
            var after = TovFixture.NerTokenLogProbs(fixture.BertModel, run.Layout.LabelsFile, TovFixture.NerOptions.MaxLength, run.Layout.ValAdapter(k), examples);
            for (int i = 0; i < examples.Count; i++)
            {
                var deltas = after[i].Zip(before[i], (a, b) => (double)a - b).ToList();
                double phi = summed ? deltas.Sum() : deltas.Average();
                perEpoch[i, k] = phi;
                direct[i] += phi / run.State.Epochs;
            }
        }
        for (int i = 0; i < scored.Count; i++)
        {
            Assert.True(Math.Abs(direct[i] - scored[i].PhiIdentity) < 1e-5, $"row {scored[i].Row}: direct {direct[i]}, pipeline {scored[i].PhiIdentity}");
            for (int k = 0; k < run.State.Epochs; k++)
                Assert.True(Math.Abs(perEpoch[i, k] - scored[i].PhiIdentityEpochs[k]) < 1e-5);
            // NER predicts each word's first sub-token: one Δ per word.
            Assert.Equal(((NerExample)examples[i]).Tokens.Count, scored[i].Predicted);
        }
    }


    /// <summary>
    /// lora_layers = 1 on the two-block fixture: only the top block is adapted, the scorer runs the bottom block once for
    /// all four states, and φ still equals the mean Δ of whole forward passes under each saved adapter.
    /// </summary>
    [Fact]
    public void Lora_on_the_top_layer_shares_the_bottom_layer_in_scoring_and_gives_the_direct_phi()
    {
        var dir = Path.Combine(fixture.Root, "run-top-layer");
        var options = TovFixture.InstructionOptions with { LoraLayers = 1 };
        var run = TovFitter.Fit(new TovFitRequest(fixture.LlamaModel, [fixture.InstructionTarget], [fixture.InstructionPool], dir) { Options = options });
        Assert.Equal(1, run.Options.LoraLayers);
        Assert.Contains("\"lora_layers\": 1", File.ReadAllText(Path.Combine(dir, "manifest.json")));
        Assert.DoesNotContain("lora_layers", File.ReadAllText(Path.Combine(fixture.InstructionRun.RunDirectory, "manifest.json")));
        Assert.Equal([1], Lora.ReadAdapterOptions(run.Layout.ValAdapter(0)).LayersToTransform!);
        using (var loaded = TovRunModel.Load(dir))
        {
            Assert.Equal(1, loaded.Scorer.SharedLayers);
            Assert.All(Lora.Layers(loaded.Task.Model), l => Assert.Equal(1, Lora.LayerIndex(l.Name)));
        }

        var scoresPath = Path.Combine(dir, "scores.parquet");
        TovScorer.Score(new TovScoreRequest(dir, [fixture.InstructionPool], scoresPath) { ChunkSize = 16, BatchSize = 4 });
        var scored = TovFixture.ReadScores(scoresPath).Where(r => !r.InBase).Take(5).ToList();
        var pool = DatasetReader.Read([fixture.InstructionPool]).ToList();
        var examples = scored.Select(r => pool[(int)r.Row]).ToList();
        var direct = new double[examples.Count];
        for (int k = 0; k < run.State.Epochs; k++)
        {
            var before = InstructionTokenLogProbs(run.Layout.BaseAdapter(k), examples, options.MaxLength);
            var after = InstructionTokenLogProbs(run.Layout.ValAdapter(k), examples, options.MaxLength);
            for (int i = 0; i < examples.Count; i++) direct[i] += after[i].Zip(before[i], (a, b) => (double)a - b).Average() / run.State.Epochs;
        }
        Assert.Contains(direct, d => Math.Abs(d) > 1e-4); // the states moved the scores
        for (int i = 0; i < examples.Count; i++)
            Assert.True(Math.Abs(direct[i] - scored[i].PhiIdentity) < 1e-5, $"row {scored[i].Row}: direct {direct[i]}, pipeline {scored[i].PhiIdentity}");
    }

    private float[][] InstructionTokenLogProbs(string adapter, IReadOnlyList<Example> examples, int maxLength)
    {
        using var task = TaskModel.Load(fixture.LlamaModel, TaskKind.Instruction, null, new TaskModelOptions { MaxLength = maxLength, Seed = 99 });
        Lora.LoadAdapter(task.Model, adapter);
        var encoded = task.EncodeAll(examples);
        var batches = encoded.Encoded.Select((e, i) => new Winnow.Torch.Evaluation.IndexedBatch(task.Collator.Collate([e]), [i]));
        var result = new Winnow.Torch.Evaluation.Evaluator(task.Model.Module, task.Model).Evaluate(batches, encoded.Count, includeTokenLogProbs: true);
        return result.TokenLogProbs!.Select(t => t.LogProbs).ToArray();
    }
}

/// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class SyncProgress(Action<string> report) : IProgress<string>
{
    public void Report(string value) => report(value);
}
