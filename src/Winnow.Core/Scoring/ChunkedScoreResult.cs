namespace Winnow.Core.Scoring;

/// <summary>What a chunked scoring wrote.</summary>
/// <param name="Rows">Rows in the score file (the shard's examples).</param>
/// <param name="Scored">Rows with a finite score.</param>
/// <param name="ResumedChunks">Chunks taken from an interrupted earlier run instead of computed.</param>
/// <param name="InBase">Encodable rows in the method's own training set (ToV's U, LESS's warm-up set), over the whole file.</param>
/// <param name="NotEncodable">Rows that could not be encoded (length 0), over the whole file.</param>
/// <remarks>Counted from the finished file, so a resumed run reports the same numbers as a clean one.</remarks>
public sealed record ChunkedScoreResult(long Rows, long Scored, int Chunks, int ResumedChunks, long InBase = 0, long NotEncodable = 0);
