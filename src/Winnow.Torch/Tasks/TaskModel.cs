using Winnow.Core.Data;
using Winnow.Core.Data.Ner;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tokenization;

namespace Winnow.Torch.Tasks;

/// <summary>
/// A base model ready for one task family: the module, its tokenizer, the label set (NER) and the encoder that turns
/// <see cref="Example"/>s into the shared <see cref="Batch"/> shape. Owns and disposes the model.
/// </summary>
public sealed class TaskModel : IDisposable
{
    private readonly InstructionEncoder? _instruction;
    private readonly NerEncoder? _ner;

    private TaskModel(string directory, IPretrainedModel model, WinnowTokenizer tokenizer, TaskKind kind, LabelSet? labels, int maxLength)
    {
        Directory = directory;
        Model = model;
        Tokenizer = tokenizer;
        Kind = kind;
        Labels = labels;
        Collator = Collator.For(tokenizer);
        if (kind == TaskKind.Instruction) _instruction = new InstructionEncoder(tokenizer, new InstructionEncodingOptions { MaxLength = maxLength });
        else _ner = new NerEncoder(tokenizer, labels!, new NerEncodingOptions { MaxLength = maxLength });
    }

    public string Directory { get; }
    public IPretrainedModel Model { get; }
    public WinnowTokenizer Tokenizer { get; }
    public TaskKind Kind { get; }
    public LabelSet? Labels { get; }
    public Collator Collator { get; }

    /// <summary>
    /// Loads a Hugging Face model folder for <paramref name="kind"/>. Instruction tasks need a causal LM. NER needs
    /// an encoder: a masked-LM checkpoint gets a fresh token-classification head over <paramref name="labels"/>, a
    /// token classifier keeps its head unless other labels are given.
    /// </summary>
    public static TaskModel Load(string directory, TaskKind kind, LabelSet? labels = null, TaskModelOptions? options = null)
    {
        options = (options ?? new TaskModelOptions()).Validate();
        if (!System.IO.Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Model folder not found: {directory}");
        var tokenizer = TokenizerLoader.Load(directory);
        if (kind == TaskKind.Instruction)
        {
            var lm = ModelCheckpoint.Load(directory);
            if (lm.Family != ModelFamily.CausalLm)
            {
                lm.Dispose();
                throw new ArgumentException($"{directory} holds a {lm.Family} model; instruction tuning needs a causal LM (e.g. `winnow pretrain --family lm`).");
            }
            return new TaskModel(directory, lm, tokenizer, kind, null, options.MaxLength);
        }

        labels ??= LabelsOfCheckpoint(directory)
            ?? throw new ArgumentException($"{directory} is an encoder without a token-classification head (no NER labels in its config.json): evaluate or predict with a fine-tuned NER model (`winnow finetune` writes one).");
        var model = ModelCheckpoint.Load(directory, new CheckpointLoadOptions
        {
            Head = ModelFamily.TokenClassifier,
            Labels = labels.Labels,
            Seed = options.Seed,
        });
        return new TaskModel(directory, model, tokenizer, kind, labels, options.MaxLength);
    }

    /// <summary>The token classifier's labels from config.json's id2label, or null for a masked-LM checkpoint.</summary>
    private static LabelSet? LabelsOfCheckpoint(string directory)
    {
        var config = Path.Combine(directory, ModelCheckpoint.ConfigFile);
        if (!File.Exists(config)) return null;
        var text = File.ReadAllText(config);
        if (!text.Contains("ForTokenClassification", StringComparison.Ordinal)) return null;
        return LabelSet.Load(config);
    }

    /// <summary>Encodes every example; the ones that cannot be encoded are listed with their reason, never dropped silently.</summary>
    public EncodedSet EncodeAll(IEnumerable<Example> examples)
    {
        var encoded = new List<EncodedExample>();
        var kept = new List<Example>();
        var skipped = new List<(string, string)>();
        int mapped = 0;
        foreach (var example in examples)
        {
            var result = Encode(example, ref mapped);
            if (result.Example is { } e)
            {
                encoded.Add(e);
                kept.Add(example);
            }
            else skipped.Add((example.Id, result.SkipReason ?? "not encodable"));
        }
        return new EncodedSet(encoded, kept, skipped, mapped);
    }

    public EncodingResult Encode(Example example)
    {
        int mapped = 0;
        return Encode(example, ref mapped);
    }

    private EncodingResult Encode(Example example, ref int tagsMappedToOutside)
    {
        switch (example)
        {
            case InstructionExample instruction when _instruction is not null:
                return _instruction.Encode(instruction);
            case NerExample ner when _ner is not null:
                return _ner.Encode(WithKnownTypes(ner, ref tagsMappedToOutside));
            default:
                throw new ArgumentException(
                    $"Example '{example.Id}' from {example.Source} is {example.Kind} data, but the model was loaded for {Kind}.");
        }
    }

    /// <summary>
    /// What each predicted position of <paramref name="encoded"/> (<paramref name="example"/>'s encoding) stands for, in
    /// order: for NER the word whose label is predicted, for instruction data the completion token predicted there, decoded
    /// on its own (eos and other special tokens by name).
    /// </summary>
    public IReadOnlyList<string> PredictedTexts(Example example, EncodedExample encoded)
    {
        ArgumentNullException.ThrowIfNull(example);
        ArgumentNullException.ThrowIfNull(encoded);
        IReadOnlyList<string> texts;
        if (example is NerExample ner && _ner is not null)
        {
            int mapped = 0;
            var words = _ner.PredictedWords(WithKnownTypes(ner, ref mapped));
            texts = words.Select(w => ner.Tokens[w]).ToArray();
        }
        else
        {
            var list = new List<string>(encoded.PredictedCount);
            for (int t = 0; t < encoded.Length; t++)
                if (encoded.TargetMask[t]) list.Add(TokenText(encoded.Targets[t]));
            texts = list;
        }
        if (texts.Count != encoded.PredictedCount)
            throw new InvalidDataException($"Example '{example.Id}' from {example.Source}: {texts.Count} texts for {encoded.PredictedCount} predicted positions.");
        return texts;
    }

    // One token on its own: a special token by its name (decoders may drop it), anything else decoded.
    private string TokenText(int id)
    {
        var names = Tokenizer.SpecialTokenNames;
        if (Tokenizer.SpecialIds.Contains(id))
        {
            var name = id == Tokenizer.Eos ? names.Eos : id == Tokenizer.Bos ? names.Bos : id == Tokenizer.Unk ? names.Unk
                : id == Tokenizer.Sep ? names.Sep : id == Tokenizer.Cls ? names.Cls : id == Tokenizer.Pad ? names.Pad : names.Mask;
            if (name is not null) return name;
        }
        return Tokenizer.Decode([id]);
    }

    /// <summary>
    /// Entity types the label set does not know become O (counted, and reported by the caller): a pool source with
    /// extra types should be label-mapped, and the count tells the user when it was not.
    /// </summary>
    private NerExample WithKnownTypes(NerExample example, ref int mappedCount)
    {
        var labels = Labels!;
        if (example.Tags.All(t => labels.TryGetId(t, out _))) return example;
        var tags = new string[example.Tags.Count];
        for (int i = 0; i < tags.Length; i++)
        {
            var tag = example.Tags[i];
            if (labels.TryGetId(tag, out _)) tags[i] = tag;
            else
            {
                tags[i] = LabelSet.Outside;
                mappedCount++;
            }
        }
        return example with { Tags = BioTags.Repair(tags) };
    }

    public void Dispose() => Model.Dispose();
}
