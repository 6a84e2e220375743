using Winnow.Core.Runs;

namespace Winnow.Core.Tests.Runs;

/// <summary>The one reuse/refuse/force rule every method's fit goes through (docs/design.md, "Run folders").</summary>
public sealed class RunStoreTests
{
    private static readonly RunHeader Planned = new("dsir", "f1")
    {
        Task = "Ner", TargetHash = "t", PoolHash = "p", Options = "ngrams=2", OptionsName = "settings", Seed = 0,
    };

    [Fact]
    public void Nothing_there_is_fresh_and_the_same_fingerprint_is_the_same_run()
    {
        Assert.Equal(RunDecision.Fresh, RunStore.Check("RUN", null, Planned, force: false));
        Assert.Equal(RunDecision.Same, RunStore.Check("RUN", Planned with { Complete = true }, Planned, force: false));
    }

    [Fact]
    public void Another_fingerprint_is_refused_naming_what_differs_unless_forced()
    {
        var existing = Planned with { Fingerprint = "f0", PoolHash = "q", Options = "ngrams=3", Complete = true };
        var error = Assert.Throws<RunMismatchException>(() => RunStore.Check("RUN", existing, Planned, force: false));
        Assert.Equal("RUN holds a dsir run made from other inputs or settings (differs in pool, settings); use another --out or --force to replace it.", error.Message);
        Assert.Equal(RunDecision.Replace, RunStore.Check("RUN", existing, Planned, force: true));
    }

    [Fact]
    public void One_fingerprint_recipe_appends_the_field_mapping_only_when_there_is_one()
    {
        Assert.Equal(ContentHash.OfText("a\nb"), RunFingerprint.Of(["a", "b"], null));
        Assert.Equal(ContentHash.OfText("a\nb\nfields=prompt=q,completion=a"), RunFingerprint.Of(["a", "b"], "prompt=q,completion=a"));
    }
}
