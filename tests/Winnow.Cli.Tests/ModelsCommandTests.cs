using Winnow.Torch.Modeling.Catalog;
using Winnow.Torch.Pretraining;

namespace Winnow.Cli.Tests;

/// <summary><c>winnow models</c>, <c>models get</c>, <c>import onnx</c> and model names in <c>--model</c>, as a user meets them.</summary>
[Collection(CliCollection.Name)]
public sealed class ModelsCommandTests
{
    /// <summary>Points WINNOW_CACHE at a temporary folder for one test (CLI tests run serially).</summary>
    private sealed class TempCache : IDisposable
    {
        private readonly string? _old = Environment.GetEnvironmentVariable("WINNOW_CACHE");
        public TempCache() => Environment.SetEnvironmentVariable("WINNOW_CACHE", Dir.Path);
        public TempDir Dir { get; } = new();
        public void Dispose()
        {
            Environment.SetEnvironmentVariable("WINNOW_CACHE", _old);
            Dir.Dispose();
        }
    }

    [Fact]
    public void Models_lists_every_built_in_name()
    {
        var result = CliRunner.Run("models");
        Assert.Equal(0, result.ExitCode);
        foreach (var m in ModelCatalog.All) Assert.Contains(m.Name, result.Out);
    }

    [Fact]
    public void Models_get_materialises_a_hugging_face_folder_and_copies_it()
    {
        using var cache = new TempCache();
        var copy = cache.Dir.File("copy");
        var result = CliRunner.Run("models", "get", "minilm-l6", "--out", copy);
        Assert.Equal(0, result.ExitCode);
        foreach (var file in new[] { "config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json" })
            Assert.True(File.Exists(Path.Combine(copy, file)), file);
        Assert.Contains("minilm-l6-", result.Out);
        var again = CliRunner.Run("models", "get", "minilm-l6");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("(cached)", again.Out);
    }

    [Fact]
    public void Lm_base_is_the_committed_model_copied_into_the_cache_not_pretrained_again()
    {
        // The committed folder's name is the pre-trainer's cache key for ModelCatalog.LmBase on the shared corpus: if
        // either changed, a fresh clone would silently pre-train for hours. This fails fast instead.
        var corpus = Pretrainer.DefaultCorpus(PretrainFamily.Lm, Path.GetFullPath(Path.Combine(CliRunner.RepoRoot, "..", "shared", "data")));
        Assert.NotEmpty(corpus);
        var name = Path.GetFileName(Pretrainer.ModelDirectory(corpus, "cache", ModelCatalog.LmBase));
        var committed = Path.Combine(CliRunner.RepoRoot, "models", "pretrained", name);
        Assert.True(File.Exists(Path.Combine(committed, Pretrainer.ReportFile)), $"no committed model {committed} for lm-base's options");

        using var cache = new TempCache();
        var result = CliRunner.Run("models", "get", "lm-base");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("committed with Winnow", result.Out + result.Error);
        var copy = Directory.GetDirectories(Path.Combine(cache.Dir.Path, "models"), name).Single();
        Assert.Equal(File.ReadAllBytes(Path.Combine(committed, "model.safetensors")), File.ReadAllBytes(Path.Combine(copy, "model.safetensors")));
    }

    [Theory]
    [InlineData("models", "get", "bert-large")]
    [InlineData("finetune", "--model", "bert-large", "--train", "x", "--out", "y")]
    public void Unknown_model_name_is_one_line_listing_the_names(params string[] args)
    {
        using var cache = new TempCache();
        var result = CliRunner.Run(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.Contains("bert-large", result.Error);
        Assert.Contains("minilm-l6", result.Error);
        Assert.Contains("arctic-xs", result.Error);
    }

    [Fact]
    public void Import_of_a_file_that_is_not_onnx_is_one_line_and_leaves_nothing()
    {
        using var dir = new TempDir();
        var fake = dir.File("model.onnx");
        File.WriteAllBytes(fake, [.. Enumerable.Range(0, 5000).Select(i => (byte)(i * 7))]);
        File.WriteAllText(dir.File("vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\n");
        var result = CliRunner.Run("import", "onnx", fake, "--vocab", dir.File("vocab.txt"), "--out", dir.File("out"));
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.Contains("model.onnx", result.Error);
        Assert.Equal(2, Directory.EnumerateFileSystemEntries(dir.Path).Count());
    }
}
