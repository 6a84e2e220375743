namespace Winnow.Core.Data;

/// <summary>
/// One training, target or pool example. <see cref="Id"/> is stable (given by the data, or a hash of the content) and
/// <see cref="Source"/> names the file or folder it came from; both travel through scoring and selection.
/// </summary>
public abstract record Example(string Id, string Source)
{
    public abstract TaskKind Kind { get; }
}
