namespace Winnow.Torch.Methods.Tov;

/// <summary>Interleaved (the paper's Method A, default) or parallel (Method B) ToV.</summary>
public enum TovVariant
{
    /// <summary>Epoch k+1 continues from θ_val^k: the validation steps are folded into the trajectory.</summary>
    Interleaved,

    /// <summary>Epoch k+1 continues from θ_bas^k (adapter and optimizer state restored); θ_val^k is a side branch.</summary>
    Parallel,
}
