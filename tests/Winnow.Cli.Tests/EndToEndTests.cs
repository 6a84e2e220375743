using System.Text.Json;

namespace Winnow.Cli.Tests;

/// <summary>
/// The commands chained as a user would run them, on the bundled NER samples with a deliberately tiny model:
/// pretrain → fit → score → select → finetune → eval. Checks artifacts and their consistency, not quality.
/// </summary>
[Collection(CliCollection.Name)]
public class EndToEndTests
{
    [Fact]
    public void PretrainFitScoreSelectFinetuneEvalOnNerSamples()
    {
        using var dir = new TempDir();
        Environment.SetEnvironmentVariable("WINNOW_CACHE", dir.File("cache"));
        try
        {
            var model = dir.File("base");
            Ok(CliRunner.Run("pretrain", "--family", "ner", "--corpus", CliRunner.Samples("ner", "pool"),
                "--steps", "5", "--vocab-size", "400", "--out", model));
            Assert.True(File.Exists(Path.Combine(model, "model.safetensors")));

            string labelMap = CliRunner.Samples("ner", "label-map.txt"), pool = CliRunner.Samples("ner", "pool"), target = CliRunner.Samples("ner", "target");
            var run = dir.File("run");
            Ok(CliRunner.Run("fit", "--method", "tov", "--model", model, "--target", target, "--pool", pool, "--label-map", labelMap,
                "--task", "ner", "--base-size", "60", "--epochs", "2", "--out", run));
            Assert.True(File.Exists(Path.Combine(run, "manifest.json")));

            var scores = dir.File("scores.parquet");
            Ok(CliRunner.Run("score", "--run", run, "--pool", pool, "--out", scores));
            var subset = dir.File("subset.jsonl");
            Ok(CliRunner.Run("select", "--scores", scores, "--pool", pool, "--label-map", labelMap, "--task", "ner",
                "--budget", "40", "--out", subset, "--strategy", "score+random"));
            var lines = File.ReadAllLines(subset);
            Assert.Equal(40, lines.Length);
            Assert.Equal(40, lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).Distinct().Count());
            // ToV's bins cut on predicted tokens unless told otherwise (the score file names its method).
            string BinBy(string output) => JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(output, null) + ".summary.json"))
                .RootElement.GetProperty("bin_by").GetString()!;
            Assert.Equal("predicted", BinBy(subset));
            var byTokens = dir.File("subset-tokens.jsonl");
            Ok(CliRunner.Run("select", "--scores", scores, "--pool", pool, "--label-map", labelMap, "--task", "ner",
                "--budget", "40", "--out", byTokens, "--bin-by", "tokens"));
            Assert.Equal("tokens", BinBy(byTokens));
            // φ summed over a row's tokens (rescored from the same fit): its file selects from one length bin unless
            // --bins says otherwise; the mean's from ToV's 10.
            int Bins(string output) => JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(output, null) + ".summary.json"))
                .RootElement.GetProperty("bins").GetInt32();
            // The default aggregation, auto, is the sum where the NER fit found the target's kind in the pool.
            bool kin = Winnow.Core.Selection.PoolKinship.HoldsTargetKind(Winnow.Core.Scoring.ScoreFile.PoolNearerShare(scores)!.Value);
            Assert.Equal(kin ? "sum" : "mean", Winnow.Core.Scoring.ScoreFile.ReadMetadata(scores)["winnow.tov.aggregation"]);
            Assert.Equal(kin ? 1 : 10, Bins(subset));
            // Rescored from the same fit with an aggregation asked for, then selected at ToV's default bins.
            (string Scores, int Bins) Rescored(string aggregate)
            {
                var rescored = dir.File($"scores-{aggregate}.parquet");
                Ok(CliRunner.Run("score", "--run", run, "--pool", pool, "--out", rescored, "--set", $"aggregate={aggregate}"));
                Assert.Equal(aggregate, Winnow.Core.Scoring.ScoreFile.ReadMetadata(rescored)["winnow.tov.aggregation"]);
                var picked = dir.File($"subset-{aggregate}.jsonl");
                Ok(CliRunner.Run("select", "--scores", rescored, "--pool", pool, "--label-map", labelMap, "--task", "ner",
                    "--budget", "40", "--out", picked));
                return (rescored, Bins(picked));
            }
            Assert.Equal(10, Rescored("mean").Bins);
            var (summedScores, summedBins) = Rescored("sum");
            Assert.Equal(1, summedBins);
            var tenBins = dir.File("subset-ten-bins.jsonl");
            Ok(CliRunner.Run("select", "--scores", summedScores, "--pool", pool, "--label-map", labelMap, "--task", "ner",
                "--budget", "40", "--out", tenBins, "--bins", "10"));
            Assert.Equal(10, Bins(tenBins));
            // Score+Random's split: a quarter of the budget from the base set instead of the paper's half.
            var quarter = dir.File("subset-quarter.jsonl");
            Ok(CliRunner.Run("select", "--scores", scores, "--pool", pool, "--label-map", labelMap, "--task", "ner",
                "--budget", "40", "--out", quarter, "--random-share", "0.25", "--share-fill", "random"));
            var split = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(quarter, null) + ".summary.json")).RootElement;
            Assert.Equal((10, 30, 0.25), (split.GetProperty("from_random").GetInt32(), split.GetProperty("from_scores").GetInt32(), split.GetProperty("random_share").GetDouble()));
            Assert.Equal(40, File.ReadAllLines(quarter).Length);
            // ToV's default fills the share from the target's nearest pool rows where its NER fit found the target's kind.
            var filled = dir.File("subset-filled.jsonl");
            var filledRun = Ok(CliRunner.Run("select", "--scores", scores, "--pool", pool, "--label-map", labelMap, "--task", "ner",
                "--budget", "40", "--out", filled, "--random-share", "0.25"));
            var fill = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(filled, null) + ".summary.json")).RootElement;
            Assert.Equal(kin ? "auto: neighbours" : "auto: random", fill.GetProperty("share_fill").GetString());
            int fromNeighbours = fill.TryGetProperty("from_neighbours", out var fn) ? fn.GetInt32() : 0;
            Assert.Equal(10, fill.GetProperty("from_random").GetInt32() + fromNeighbours);
            if (fromNeighbours > 0) Assert.Contains($"{fromNeighbours} of the target's nearest pool rows", filledRun.Out);
            var refused = CliRunner.Run("select", "--scores", scores, "--pool", pool, "--label-map", labelMap, "--task", "ner",
                "--budget", "40", "--out", dir.File("subset-refused.jsonl"), "--strategy", "score-only", "--share-fill", "neighbours");
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("--share-fill neighbours", refused.Error);

            var tuned = dir.File("tuned");
            Ok(CliRunner.Run("finetune", "--model", model, "--train", subset, "--out", tuned, "--epochs", "1"));
            var perExample = dir.File("per-example.jsonl");
            var eval = Ok(CliRunner.Run("eval", "--model", tuned, "--data", CliRunner.Samples("ner", "test"), "--label-map", labelMap, "--per-example", perExample));
            Assert.Contains("Mean test log-loss", eval.Out);
            Assert.Equal(200, File.ReadAllLines(perExample).Length);
        }
        finally
        {
            Environment.SetEnvironmentVariable("WINNOW_CACHE", null);
        }
    }

    private static CliResult Ok(CliResult result)
    {
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\nstdout: {result.Out}\nstderr: {result.Error}");
        return result;
    }
}
