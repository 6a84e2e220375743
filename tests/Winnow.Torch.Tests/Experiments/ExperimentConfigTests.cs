using Winnow.Torch.Experiments;
using Winnow.Torch.Tests.TestSupport;

namespace Winnow.Torch.Tests.Experiments;

public sealed class ExperimentConfigTests
{
    private static string Write(TempDirectory dir, string yaml)
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
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "experiments"), "*.yaml");
        Assert.Contains(files, f => Path.GetFileName(f) == "micro.yaml");
        foreach (var file in files)
        {
            var config = ExperimentConfig.Load(file);
            Assert.NotEmpty(config.Hash);
            Assert.All(config.Target.Paths.Concat(config.Test.Paths).Concat(config.Pool.SelectMany(p => p.Paths)), p => Assert.NotEmpty(p));
        }
    }

    [Fact]
    public void Paths_resolve_against_the_config_folder()
    {
        using var dir = new TempDirectory();
        var config = ExperimentConfig.Load(Write(dir, Minimal));
        Assert.Equal(Path.Combine(dir.Path, "p"), config.Resolve(config.Pool[0].Paths[0]));
        Assert.Equal([10, 20], config.Budgets);
        Assert.Equal(Winnow.Core.Data.TaskKind.Ner, config.Kind);
    }

    [Fact]
    public void An_unknown_key_is_refused_with_file_and_line()
    {
        using var dir = new TempDirectory();
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
        using var dir = new TempDirectory();
        var key = replacement[..replacement.IndexOf(':')];
        var yaml = string.Join('\n', Minimal.Split('\n').Select(l => l.StartsWith(key + ":", StringComparison.Ordinal) ? replacement : l));
        var error = Assert.Throws<ArgumentException>(() => ExperimentConfig.Load(Write(dir, yaml)));
        Assert.Contains(expected, error.Message);
    }
}
