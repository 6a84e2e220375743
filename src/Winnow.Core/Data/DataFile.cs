namespace Winnow.Core.Data;

/// <summary>One file to read and the source tag its examples get.</summary>
public sealed record DataFile(string Path, string Source);
