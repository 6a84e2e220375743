namespace Winnow.Torch.Tasks;

/// <summary>
/// One example as token ids, in the shape of <see cref="Modeling.Batch"/>: position t reads <see cref="InputIds"/>[t]
/// and, where <see cref="TargetMask"/>[t], must predict <see cref="Targets"/>[t]. All three arrays have the same length.
/// </summary>
public sealed record EncodedExample(string Id, int[] InputIds, int[] Targets, bool[] TargetMask)
{
    /// <summary>Number of positions that count in the loss.</summary>
    public int PredictedCount { get; } = Validate(InputIds, Targets, TargetMask);

    public int Length => InputIds.Length;

    private static int Validate(int[] inputIds, int[] targets, bool[] targetMask)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(targetMask);
        if (targets.Length != inputIds.Length || targetMask.Length != inputIds.Length)
            throw new ArgumentException(
                $"InputIds ({inputIds.Length}), Targets ({targets.Length}) and TargetMask ({targetMask.Length}) must have the same length.");
        return targetMask.Count(m => m);
    }
}
