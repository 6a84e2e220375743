namespace Winnow.Core.IO;

/// <summary>A folder or output that another live process holds.</summary>
public sealed class FileLockException(string message) : IOException(message);
