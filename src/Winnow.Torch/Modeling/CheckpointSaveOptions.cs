using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

public sealed record CheckpointSaveOptions
{
    /// <summary>Weights above this many bytes are split into <c>model-0000i-of-0000n.safetensors</c> shards.</summary>
    public long MaxShardBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Dtype to write; null keeps the model's own.</summary>
    public ScalarType? DType { get; init; }

    public void Validate()
    {
        if (MaxShardBytes <= 0) throw new ArgumentOutOfRangeException(nameof(MaxShardBytes), "Shard size must be positive.");
        if (DType is { } d && d is not (ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16))
            throw new ArgumentOutOfRangeException(nameof(DType), "Checkpoints are written as float32, float16 or bfloat16.");
    }
}
