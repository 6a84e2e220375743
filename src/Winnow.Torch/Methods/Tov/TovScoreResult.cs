namespace Winnow.Torch.Methods.Tov;

/// <summary>A written score file.</summary>
public sealed record TovScoreResult(string OutputPath, int Rows, int Scored, int InBase, int NotEncodable, double Seconds)
{
    public double ExamplesPerSecond => Seconds > 0 ? Rows / Seconds : 0;
}
