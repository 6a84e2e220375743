using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

/// <summary><c>cls</c>: holds <c>predictions</c>, mirroring Hugging Face's BertOnlyMLMHead.</summary>
public sealed class BertMlmHead : nn.Module<Tensor, Tensor>
{
    private readonly BertLmPrediction predictions;

    public BertMlmHead(BertConfig config, Generator? generator) : base(nameof(BertMlmHead))
    {
        predictions = new BertLmPrediction(config, generator);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden) => throw new NotSupportedException("Use Predict with the tied decoder weight.");

    public Tensor Predict(Tensor hidden, Tensor decoderWeight) => predictions.Predict(hidden, decoderWeight);
}
