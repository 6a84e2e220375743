namespace Winnow.Core.Runs;

/// <summary>
/// Raised when a run folder holds a run made by another method or from other inputs, settings or seed: the fit is
/// refused rather than mixed with it or silently replaced. The message names what differs and the way out (another
/// folder, or --force to replace it). The one refusal every method raises (docs/design.md, "Run folders").
/// </summary>
public sealed class RunMismatchException(string message) : Exception(message);
