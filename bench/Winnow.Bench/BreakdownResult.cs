namespace Winnow.Bench;

/// <summary>
/// Where an evaluation pass's time goes: inside the model's linear layers (hooked matmuls) and outside them (attention
/// scores and softmax, norms, activations, embeddings, a tied LM head, log-softmax and gather). FLOPs per pass.
/// </summary>
public sealed record BreakdownResult(string Family, int Threads, double TotalSeconds, double LinearSeconds, double LinearFlops, double AllFlops)
{
    public double LinearTimeShare => LinearSeconds / TotalSeconds;
    public double LinearGflopsPerSecond => LinearFlops / LinearSeconds / 1e9;
    public double OutsideFlopShare => Math.Max(0, AllFlops - LinearFlops) / AllFlops;
    public double OutsideGflopsPerSecond => Math.Max(0, AllFlops - LinearFlops) / (TotalSeconds - LinearSeconds) / 1e9;
}
