namespace Winnow.Torch.Methods.Tov;

/// <summary>Progress of scoring: pool rows done so far and the rate.</summary>
public sealed record TovScoreProgress(int Rows, int Scored, double ExamplesPerSecond);
