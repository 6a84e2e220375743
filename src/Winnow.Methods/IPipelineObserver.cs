namespace Winnow.Methods;

/// <summary>
/// Told when each stage of <c>MethodPipeline.FitAndScore</c> (Winnow.Torch) starts and ends, so a caller can measure a stage
/// (the cost bench: wall time, CPU time, bytes on disk) without running its own copy of the pipeline. A stage that is
/// reused (a current score file) is neither started nor finished.
/// </summary>
public interface IPipelineObserver
{
    void Starting(PipelineStage stage);

    void Finished(PipelineStage stage);
}
