namespace Winnow.Torch.Tokenization;

/// <summary>Which tokenizer family a <see cref="WinnowTokenizer"/> wraps; decides word-boundary handling and what Save writes.</summary>
public enum TokenizerKind
{
    /// <summary>GPT-2 / RoBERTa style: UTF-8 bytes mapped to printable chars, words carry their leading space.</summary>
    ByteLevelBpe,
    /// <summary>Character BPE (tokenizer.json without byte-level), words split on whitespace.</summary>
    Bpe,
    /// <summary>BERT WordPiece (vocab.txt), or a word-level vocabulary run through WordPiece.</summary>
    WordPiece,
    SentencePiece,
    Tiktoken,
}
