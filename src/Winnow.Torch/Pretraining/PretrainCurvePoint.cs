namespace Winnow.Torch.Pretraining;

/// <summary>One point of the held-out curve: loss on the fixed held-out probe after <paramref name="Step"/> steps.</summary>
/// <param name="Seconds">Training seconds spent up to this point, summed over every resumed part of the run.</param>
/// <param name="Tokens">Input tokens trained on up to this point.</param>
/// <param name="CpuSeconds">Process CPU time (all threads) spent training up to this point, over every resumed part.</param>
public sealed record PretrainCurvePoint(int Step, double Seconds, long Tokens, double HeldOutLoss, double CpuSeconds = 0);
