namespace Winnow.Methods;

/// <summary>The stages of <c>MethodPipeline</c> (Winnow.Torch) an <see cref="IPipelineObserver"/> is told about.</summary>
public enum PipelineStage
{
    Fit,
    Score,
}
