using System.Text.Json;
using Winnow.Core.Data;
using Winnow.Torch.Methods.Tov;

namespace Winnow.Torch.Tests.Methods.Tov;

/// <summary>
/// How ToV sizes a fit it is not told the size of (docs/tov-defaults.md, "The fit's size and step"): the public studies'
/// |U| 200 and L 4 at their pool sizes, the paper's L 4 at its scale; the paper's rule read literally on request; and
/// runs fitted before the change keep their fingerprints.
/// </summary>
public sealed class TovSizesTests
{
    [Theory]
    [InlineData(900, 200)]     // science's pool: |P|/8 = 112, raised to 200
    [InlineData(1540, 200)]    // music's pool
    [InlineData(11024, 1378)]  // the large study's pool: |P|/8
    [InlineData(100000, 4096)] // the paper's scale: capped at 4096
    [InlineData(300, 75)]      // a small pool: never more than a quarter of it
    [InlineData(3, 1)]         // at least one row
    public void By_default_U_is_what_the_studies_measured_and_L_is_four(int pool, int expectedBase)
    {
        var options = new TovFitOptions();

        Assert.Equal(TovSizes.Studies, options.Sizes);
        Assert.Equal(expectedBase, options.ResolveBaseSize(pool));
        Assert.Equal(4, options.ResolveEpochs(options.ResolveBaseSize(pool)));
        Assert.Equal(1e-3, options.LearningRate);
    }

    [Theory]
    [InlineData(11024, 2756, 5)]
    [InlineData(1540, 385, 42)]
    [InlineData(100000, 4096, 4)]
    public void The_papers_rule_read_literally_is_a_setting(int pool, int expectedBase, int expectedEpochs)
    {
        var options = ParseWith(new() { ["sizes"] = "paper" });

        Assert.Equal(expectedBase, options.ResolveBaseSize(pool));
        Assert.Equal(expectedEpochs, options.ResolveEpochs(options.ResolveBaseSize(pool)));
    }

    [Fact]
    public void Given_sizes_win_over_either_rule()
    {
        foreach (var rule in new[] { "studies", "paper" })
        {
            var options = ParseWith(new() { ["sizes"] = rule, ["base_size"] = "150", ["epochs"] = "3" });
            Assert.Equal((150, 3), (options.ResolveBaseSize(1540), options.ResolveEpochs(150)));
        }

        Assert.Contains("expected studies or paper", Assert.Throws<ArgumentException>(() => ParseWith(new() { ["sizes"] = "small" })).Message);
    }

    [Fact]
    public void The_manifest_records_the_rule_only_where_it_decides_and_old_manifests_read_as_the_papers()
    {
        var unsized = ParseWith([]).ForManifest();
        var sized = ParseWith(new() { ["base_size"] = "200", ["epochs"] = "4" }).ForManifest();
        var paper = ParseWith(new() { ["sizes"] = "paper" }).ForManifest();

        // A new unsized run differs from an unsized run of before the change (its manifest has no "sizes").
        Assert.Contains("\"sizes\": \"studies\"", TovRunState.OptionsJson(unsized));
        // Both sizes given, or the paper's rule: written as before the change, so such runs keep their fingerprints.
        Assert.DoesNotContain("sizes", TovRunState.OptionsJson(sized));
        Assert.DoesNotContain("sizes", TovRunState.OptionsJson(paper));
        var old = JsonSerializer.Deserialize<TovFitOptions>(TovRunState.OptionsJson(paper), TovRunState.Json)!;
        Assert.Null(old.Sizes);
        Assert.Equal((2756, 5), (old.ResolveBaseSize(11024), old.ResolveEpochs(old.ResolveBaseSize(11024))));
        var again = JsonSerializer.Deserialize<TovFitOptions>(TovRunState.OptionsJson(unsized), TovRunState.Json)!;
        Assert.Equal(unsized, again);
        Assert.Equal((1378, 4), (again.ResolveBaseSize(11024), again.ResolveEpochs(1378)));
    }

    [Fact]
    public void A_study_that_pins_both_sizes_need_not_restate_the_old_rule()
    {
        var change = Winnow.Torch.Methods.SelectionMethods.Get("tov").DefaultChanges.Single(c => c.Key == "sizes");

        Assert.True(change.AppliesTo(Winnow.Core.Data.TaskKind.Ner, new Dictionary<string, string> { ["lr"] = "0.001" }));
        Assert.True(change.AppliesTo(Winnow.Core.Data.TaskKind.Ner, new Dictionary<string, string> { ["base_size"] = "200" }));
        Assert.False(change.AppliesTo(Winnow.Core.Data.TaskKind.Ner, new Dictionary<string, string> { ["base_size"] = "200", ["epochs"] = "4" }));
        Assert.False(change.AppliesTo(Winnow.Core.Data.TaskKind.Ner, new Dictionary<string, string> { ["sizes"] = "paper" }));
        Assert.Equal(TovSizes.Paper, ParseWith(new() { [change.Key] = change.Previous }).Sizes);
    }

    /// <summary>
    /// The default aggregation is auto since the eleventh session of 2026-12-03 (the sum where the fit finds the target's
    /// kind in the pool, the mean elsewhere): a default fit writes it to its manifest; the mean, the default before, is
    /// still left out, and a manifest without the field reads as the mean, so runs made before keep their fingerprints
    /// and their meaning. A fit that will not measure the kinship resolves auto to the mean before its fingerprint.
    /// </summary>
    [Fact]
    public void Phi_is_auto_by_default_a_sum_when_asked_for_and_a_summed_file_selects_from_one_bin()
    {
        Assert.Equal(TovAggregation.Auto, ParseWith(new()).Aggregation);
        Assert.Equal(TovAggregation.Mean, ParseWith(new() { ["aggregate"] = "mean" }).Aggregation);
        Assert.Equal(TovAggregation.Sum, ParseWith(new() { ["aggregate"] = "sum" }).Aggregation);
        Assert.Contains("\"sum\"", TovRunState.OptionsJson(ParseWith(new() { ["aggregate"] = "sum" })), StringComparison.Ordinal);
        Assert.Contains("\"auto\"", TovRunState.OptionsJson(ParseWith(new())), StringComparison.Ordinal);
        var mean = ParseWith(new() { ["aggregate"] = "mean" });
        Assert.DoesNotContain("aggregation", TovRunState.OptionsJson(mean), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(TovAggregation.Mean, System.Text.Json.JsonSerializer.Deserialize<TovFitOptions>(TovRunState.OptionsJson(mean), TovRunState.Json)!.Aggregation);
        Assert.Equal(TovAggregation.Auto, System.Text.Json.JsonSerializer.Deserialize<TovFitOptions>(TovRunState.OptionsJson(ParseWith(new())), TovRunState.Json)!.Aggregation);
        Assert.Equal(TovAggregation.Mean, ParseWith(new()).ResolveAggregation(measuresKinship: false).Aggregation);
        Assert.Equal(TovAggregation.Auto, ParseWith(new()).ResolveAggregation(measuresKinship: true).Aggregation);
        Assert.Equal(TovAggregation.Sum, ParseWith(new() { ["aggregate"] = "sum" }).ResolveAggregation(measuresKinship: false).Aggregation);
        // Begun studies pin the mean: the change is recorded for NER only.
        var change = Winnow.Torch.Methods.SelectionMethods.Get("tov").DefaultChanges.Single(c => c.Key == "aggregate");
        Assert.Equal(TovAggregation.Mean, ParseWith(new() { [change.Key] = change.Previous }).Aggregation);
        Assert.True(change.AppliesTo(TaskKind.Ner, new Dictionary<string, string>()));
        Assert.False(change.AppliesTo(TaskKind.Instruction, new Dictionary<string, string>()));

        var tov = Winnow.Torch.Methods.SelectionMethods.Get("tov");
        Assert.Equal(1, tov.DefaultBinsFor(new Dictionary<string, string> { [TovScorer.AggregationKey] = "sum" }));
        Assert.Equal(10, tov.DefaultBinsFor(new Dictionary<string, string> { [TovScorer.AggregationKey] = "mean" }));
        Assert.Equal(10, tov.DefaultBinsFor(new Dictionary<string, string> { [TovScorer.AggregationKey] = "label_balanced" }));
        Assert.Equal(10, tov.DefaultBinsFor(new Dictionary<string, string>()));
        // Another method's file keeps that method's bins (LESS: the global top).
        Assert.Equal(1, Winnow.Torch.Methods.SelectionMethods.Get("less").DefaultBinsFor(new Dictionary<string, string>()));
        Assert.Equal(10, Winnow.Torch.Methods.SelectionMethods.Get("dsir").DefaultBinsFor(new Dictionary<string, string> { [TovScorer.AggregationKey] = "sum" }));
    }

    private static TovFitOptions ParseWith(Dictionary<string, string> settings) =>
        TovMethod.ParseFitOptions(new Winnow.Methods.MethodFitRequest(["t"], ["p"], "run") { Kind = TaskKind.Ner, Settings = settings });
}
