namespace Winnow.Core.Data;

/// <summary>
/// What a read produced: examples per source and, when <see cref="ReadOptions.SkipInvalid"/> is on, how many examples
/// were skipped and why. Filled in while the examples are enumerated, so read it after the enumeration ends.
/// </summary>
public sealed class ReadReport
{
    /// <summary>How many skipped-example errors are kept verbatim in <see cref="FirstErrors"/>.</summary>
    public const int MaxKeptErrors = 5;

    private readonly Dictionary<string, long> _readBySource = new(StringComparer.Ordinal);
    private readonly Dictionary<DataErrorKind, long> _skippedByReason = [];
    private readonly List<DataFormatException> _firstErrors = [];

    /// <summary>Examples produced, over all sources.</summary>
    public long Read { get; private set; }

    /// <summary>Examples (or, for unreadable files, whole file remainders) skipped under skip-invalid.</summary>
    public long Skipped { get; private set; }

    /// <summary>Examples produced per source, in the order sources were first seen.</summary>
    public IReadOnlyDictionary<string, long> ReadBySource => _readBySource;

    /// <summary>Skips per reason.</summary>
    public IReadOnlyDictionary<DataErrorKind, long> SkippedByReason => _skippedByReason;

    /// <summary>The first <see cref="MaxKeptErrors"/> errors that caused a skip.</summary>
    public IReadOnlyList<DataFormatException> FirstErrors => _firstErrors;

    internal void CountRead(string source)
    {
        Read++;
        _readBySource[source] = _readBySource.GetValueOrDefault(source) + 1;
    }

    internal void CountSkipped(DataFormatException error)
    {
        Skipped++;
        _skippedByReason[error.Kind] = _skippedByReason.GetValueOrDefault(error.Kind) + 1;
        if (_firstErrors.Count < MaxKeptErrors)
            _firstErrors.Add(error);
    }
}
