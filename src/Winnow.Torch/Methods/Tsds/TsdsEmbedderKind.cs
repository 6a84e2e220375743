namespace Winnow.Torch.Methods.Tsds;

/// <summary>Which encoder turns examples into vectors.</summary>
public enum TsdsEmbedderKind
{
    /// <summary>The base model's last hidden state, mean-pooled over real tokens (the default).</summary>
    Model,

    /// <summary>Signed feature hashing of word 1..n-grams: no model needed, fast, lexical only.</summary>
    Hashed,
}
