using Winnow.Core.Data;

namespace Winnow.Methods;

/// <summary>A fitted (or reused) run and its current score file; <see cref="Scores"/> is null when the file was reused. <see cref="ReadOptions"/> reads the pool as the run did.</summary>
public sealed record FitAndScoreResult(MethodRun Run, string ScoresPath, MethodScoreResult? Scores, ReadOptions ReadOptions);
