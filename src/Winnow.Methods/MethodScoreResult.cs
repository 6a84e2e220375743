namespace Winnow.Methods;

/// <summary>A written score file.</summary>
public sealed record MethodScoreResult(string OutputPath, int Rows, int Scored, double Seconds, long BytesWritten);
