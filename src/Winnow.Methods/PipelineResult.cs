using Winnow.Core.Selection;

namespace Winnow.Methods;

/// <summary>What <c>MethodPipeline.Run</c> (Winnow.Torch) produced, stage by stage; <see cref="Scores"/> is null when the score file was reused.</summary>
public sealed record PipelineResult(MethodRun Run, string ScoresPath, MethodScoreResult? Scores, SubsetResult Subset, double Seconds);
