using System.Text.Json;
using Winnow.Core.Scoring;

namespace Winnow.Cli.Tests;

/// <summary><c>winnow explain</c> as a user meets it: tables, JSON, and one-line errors.</summary>
[Collection(CliCollection.Name)]
public sealed class ExplainCommandTests(ExplainFixture fixture) : IClassFixture<ExplainFixture>
{
    private ScoreRow Scored(string source) => fixture.Rows.First(r => !r.InBase && double.IsFinite(r.Score) && r.Source.EndsWith(source, StringComparison.Ordinal));

    [Fact]
    public void Explain_prints_the_words_with_their_changes_per_epoch_and_the_tokens_that_moved_phi()
    {
        var row = Scored("people");
        var result = Ok(CliRunner.Run("explain", "--run", fixture.Run, "--scores", fixture.Scores, "--id", row.Id, "--source", row.Source));
        var example = fixture.Pool[(int)row.Row];
        foreach (var word in example.Tokens) Assert.Contains(word, result.Out);
        Assert.Contains("B-PER", result.Out);
        Assert.Contains("Δ ep 1", result.Out);
        Assert.Contains("Δ ep 2", result.Out);
        Assert.Contains("mean Δ", result.Out);
        Assert.Contains("matches the file", result.Out);
        Assert.Contains("raised φ most:", result.Out);
        Assert.Contains("lowered φ most:", result.Out);
        // The score line shows the file's score, rounded to the decimals printed.
        var plain = System.Text.RegularExpressions.Regex.Replace(result.Out, @"\x1b\[[0-9;]*m", "");
        var shown = System.Text.RegularExpressions.Regex.Match(plain, @"^score ([+-]?\d+\.(\d+))", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(shown.Success, result.Out);
        double printed = double.Parse(shown.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(printed - row.Score) <= 0.5 * Math.Pow(10, -shown.Groups[2].Length) + 1e-12, $"printed {printed}, file {row.Score}");
    }

    [Fact]
    public void Json_parses_and_its_phi_is_the_files()
    {
        var row = Scored("places");
        var result = Ok(CliRunner.Run("explain", "--run", fixture.Run, "--scores", fixture.Scores, "--row", row.Row.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json"));
        using var doc = JsonDocument.Parse(result.Out);
        var root = doc.RootElement;
        Assert.Equal(row.Id, root.GetProperty("id").GetString());
        Assert.Equal(row.Source, root.GetProperty("source").GetString());
        var tokens = root.GetProperty("tokens");
        Assert.Equal(row.Predicted, tokens.GetArrayLength());
        Assert.Equal(fixture.Pool[(int)row.Row].Tokens, tokens.EnumerateArray().Select(t => t.GetProperty("text").GetString()!));
        Assert.Equal(2, tokens[0].GetProperty("deltas").GetArrayLength());
        Assert.Equal(row.Score, root.GetProperty("file").GetProperty("score").GetDouble(), 12);
        Assert.Equal(row.Score, root.GetProperty("recomputed").GetProperty("score").GetDouble(), 5);

        var top = Ok(CliRunner.Run("explain", "--run", fixture.Run, "--scores", fixture.Scores, "--top", "3", "--json"));
        using var many = JsonDocument.Parse(top.Out);
        var scores = many.RootElement.EnumerateArray().Select(e => e.GetProperty("file").GetProperty("score").GetDouble()).ToList();
        Assert.Equal(fixture.Rows.Where(r => !r.InBase && double.IsFinite(r.Score)).Select(r => r.Score).OrderDescending().Take(3), scores);
    }

    [Fact]
    public void A_row_of_the_base_set_says_it_has_no_score()
    {
        var row = fixture.Rows.First(r => r.InBase);
        var result = Ok(CliRunner.Run("explain", "--run", fixture.Run, "--scores", fixture.Scores, "--id", row.Id, "--source", row.Source));
        Assert.Contains("base set U", result.Out);
        Assert.Contains("in_base: yes", result.Out);
    }

    [Fact]
    public void Bad_ids_runs_and_options_are_one_line_with_exit_code_2()
    {
        var unknown = CliRunner.Run("explain", "--run", fixture.Run, "--scores", fixture.Scores, "--id", "no-such-id");
        AssertOneLine(unknown, "'no-such-id'");

        // Both sources number their rows s0, s1, …
        var ambiguous = CliRunner.Run("explain", "--run", fixture.Run, "--scores", fixture.Scores, "--id", "s1");
        AssertOneLine(ambiguous, "--source");
        Assert.Contains("people", ambiguous.Error);
        Assert.Contains("places", ambiguous.Error);

        AssertOneLine(CliRunner.Run("explain", "--run", fixture.Run, "--scores", fixture.Scores), "exactly one of");
        AssertOneLine(CliRunner.Run("explain", "--run", fixture.Run, "--scores", fixture.Scores, "--top", "2", "--row", "1"), "exactly one of");
        using var dir = new TempDir();
        AssertOneLine(CliRunner.Run("explain", "--run", dir.Path, "--scores", fixture.Scores, "--row", "1"), "not a ToV run");
        AssertOneLine(CliRunner.Run("explain", "--run", fixture.Run, "--scores", dir.File("none.parquet"), "--row", "1"), "none.parquet");
    }

    private static void AssertOneLine(CliResult result, string expected)
    {
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}\nstdout: {result.Out}\nstderr: {result.Error}");
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.Contains(expected, result.Error);
    }

    private static CliResult Ok(CliResult result)
    {
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\nstdout: {result.Out}\nstderr: {result.Error}");
        return result;
    }
}
