namespace Winnow.Torch.Modeling.Catalog;

/// <summary>One name that <c>--model</c> accepts besides a folder.</summary>
/// <param name="Name">What users type (<c>minilm-l6</c>).</param>
/// <param name="Task">"ner" (encoder) or "instruct" (causal LM): the task family the model serves.</param>
/// <param name="Description">One line for <c>winnow models</c>.</param>
/// <param name="Origin">Package and version, or the pre-training recipe.</param>
/// <param name="Licence">The weights' licence.</param>
/// <param name="Assembly">For <see cref="BuiltinModelSource.BundledOnnx"/>: the package DLL's file name under the output's models/.</param>
/// <param name="Preset">For <see cref="BuiltinModelSource.PretrainPreset"/>: the preset (tiny, small).</param>
/// <param name="Pretrain">For <see cref="BuiltinModelSource.PretrainPreset"/>: the pre-training options when they are
/// not the pre-trainer's defaults for <paramref name="Preset"/>.</param>
public sealed record BuiltinModel(
    string Name,
    BuiltinModelSource Source,
    string Task,
    string Description,
    string Origin,
    string Licence,
    string? Assembly = null,
    string? Preset = null,
    Winnow.Torch.Pretraining.PretrainOptions? Pretrain = null);
