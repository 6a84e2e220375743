using Winnow.Core.Data;
using Winnow.Core.Data.Ner;

namespace Winnow.Core.Tests.Data;

public class SampleTests
{
    [Fact]
    public void NerSamplesReadAndMapOntoTheTargetsCoarseTagSet()
    {
        var map = LabelMap.Load(TestData.Sample("ner/label-map.txt"));
        var target = DatasetReader.ReadNer([TestData.Sample("ner/target")], ReadOptions.Default with { LabelMap = map }).ToList();
        var report = new ReadReport();

        var pool = DatasetReader.ReadNer([TestData.Sample("ner/pool")], ReadOptions.Default with { LabelMap = map }, report).ToList();

        var targetTypes = target.SelectMany(s => s.Tags).Select(BioTags.TypeOf).OfType<string>().ToHashSet();
        Assert.Equal(100, target.Count);
        Assert.Equal(4, report.ReadBySource.Count);
        Assert.Equal(new HashSet<string> { "PER", "ORG", "LOC", "MISC" }, targetTypes);
        Assert.All(pool.SelectMany(s => s.Tags).Select(BioTags.TypeOf).OfType<string>(), t => Assert.Contains(t, targetTypes));
    }

    [Fact]
    public void InstructionSamplesRead()
    {
        var report = new ReadReport();

        var all = DatasetReader.ReadInstructions([TestData.Sample("instruct")], report: report).ToList();

        Assert.Equal(60 + 150 + 40 + 80 + 80 + 150 + 50, all.Count);
        Assert.Equal(0, report.Skipped);
    }
}
