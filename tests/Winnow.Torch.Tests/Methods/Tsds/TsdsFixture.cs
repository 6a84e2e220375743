using Winnow.Core.Data;
using Winnow.Core.Data.Ner;
using Winnow.Methods.Common;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tests.TestSupport;
using Winnow.Torch.Tokenization;

namespace Winnow.Torch.Tests.Methods.Tsds;

/// <summary>Tiny models (a 2-layer Llama and a 1-layer BERT, hidden 32) with tokenizers trained on the bundled samples.</summary>
public sealed class TsdsFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public TsdsFixture()
    {
        Root = _dir.Path;
        var texts = DatasetReader.Read([InstructPool, InstructTarget], new ReadOptions { Kind = TaskKind.Instruction })
            .Concat(DatasetReader.Read([NerPool, NerTarget], NerReadOptions))
            .Select(ExampleText.Of).ToList();
        Llama = BuildLlama(texts);
        Bert = BuildBert(texts);
    }

    public string Root { get; }
    public string Llama { get; }
    public string Bert { get; }
    public static string InstructTarget => RepoPaths.Samples("instruct", "target");
    public static string InstructPool => RepoPaths.Samples("instruct", "pool");
    public static string NerTarget => RepoPaths.Samples("ner", "target");
    public static string NerPool => RepoPaths.Samples("ner", "pool", "crossner-music-train.txt");
    public static string NerLabelMap => RepoPaths.Samples("ner", "label-map.txt");
    public static ReadOptions NerReadOptions => new() { Kind = TaskKind.Ner, LabelMap = LabelMap.Load(NerLabelMap) };

    private string BuildLlama(IEnumerable<string> texts)
    {
        var dir = Path.Combine(Root, "llama");
        var tokenizer = TokenizerTrainer.TrainAndSave(texts, dir, new TokenizerTrainerOptions { VocabSize = 400, Specials = SpecialTokens.Gpt2 });
        using var model = ModelFactory.Create(new LlamaConfig
        {
            VocabSize = tokenizer.VocabSize, HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4,
            NumKeyValueHeads = 2, MaxPositionEmbeddings = 128, TieWordEmbeddings = true, InitializerRange = 0.2,
        }, seed: 11);
        ModelCheckpoint.Save(model, dir);
        return dir;
    }

    private string BuildBert(IEnumerable<string> texts)
    {
        var dir = Path.Combine(Root, "bert");
        var tokenizer = TokenizerTrainer.TrainAndSave(texts, dir, new TokenizerTrainerOptions { VocabSize = 400, Specials = SpecialTokens.Roberta });
        using var model = ModelFactory.Create(new BertConfig
        {
            ModelType = "roberta", Head = ModelFamily.MaskedLm, VocabSize = tokenizer.VocabSize, HiddenSize = 32, IntermediateSize = 64,
            NumHiddenLayers = 1, NumAttentionHeads = 4, MaxPositionEmbeddings = 80, TypeVocabSize = 1, PadTokenId = tokenizer.Pad ?? 1,
            Labels = ["LABEL_0", "LABEL_1"], InitializerRange = 0.2,
        }, seed: 13);
        ModelCheckpoint.Save(model, dir);
        return dir;
    }

    public void Dispose() => _dir.Dispose();
}
