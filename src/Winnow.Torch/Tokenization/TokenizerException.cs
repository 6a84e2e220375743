namespace Winnow.Torch.Tokenization;

/// <summary>A tokenizer folder could not be read or understood; the message names the folder and what was looked for.</summary>
public sealed class TokenizerException : Exception
{
    public TokenizerException(string message) : base(message) { }
    public TokenizerException(string message, Exception inner) : base(message, inner) { }
}
