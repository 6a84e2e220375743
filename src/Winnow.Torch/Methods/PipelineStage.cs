namespace Winnow.Torch.Methods;

/// <summary>The stages of <see cref="MethodPipeline"/> an <see cref="IPipelineObserver"/> is told about.</summary>
public enum PipelineStage
{
    Fit,
    Score,
}
