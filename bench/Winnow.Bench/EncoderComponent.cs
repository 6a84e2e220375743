namespace Winnow.Bench;

/// <summary>One component of an evaluation pass timed on its own at the pass's shapes (seconds per pass over the sentences).</summary>
public sealed record EncoderComponent(string Name, int Threads, double SecondsPerPass);
