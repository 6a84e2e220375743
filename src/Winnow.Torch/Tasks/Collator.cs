using Winnow.Torch.Modeling;
using Winnow.Torch.Tokenization;
using static TorchSharp.torch;

namespace Winnow.Torch.Tasks;

/// <summary>
/// Turns encoded examples into a <see cref="Batch"/>: int64 tensors [B, T] right-padded to the longest example, attention
/// mask 1 on real tokens, targets 0 and target mask false on padding. The tensors join the caller's dispose scope.
/// </summary>
public sealed class Collator
{
    public Collator(int padId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(padId);
        PadId = padId;
    }

    /// <summary>Pads with the tokenizer's pad token, else eos (GPT-2 has no pad), else 0: padding is masked out either way.</summary>
    public static Collator For(WinnowTokenizer tokenizer) => new(tokenizer.Pad ?? tokenizer.Eos ?? 0);

    public int PadId { get; }

    public Batch Collate(IReadOnlyList<EncodedExample> examples, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("Cannot collate an empty batch.", nameof(examples));
        int rows = examples.Count, cols = examples.Max(e => e.Length);
        var ids = new long[rows * cols];
        var attention = new long[rows * cols];
        var targets = new long[rows * cols];
        var targetMask = new bool[rows * cols];
        Array.Fill(ids, PadId);
        for (int r = 0; r < rows; r++)
        {
            var e = examples[r];
            int offset = r * cols;
            for (int t = 0; t < e.Length; t++)
            {
                ids[offset + t] = e.InputIds[t];
                attention[offset + t] = 1;
                targets[offset + t] = e.Targets[t];
                targetMask[offset + t] = e.TargetMask[t];
            }
        }
        long[] shape = [rows, cols];
        return new Batch(Place(tensor(ids, shape), device), Place(tensor(attention, shape), device),
            Place(tensor(targets, shape), device), Place(tensor(targetMask, shape), device));
    }

    private static Tensor Place(Tensor t, Device? device) => device is null || device.type == TorchSharp.DeviceType.CPU ? t : t.to(device);
}
