using Winnow.Core.IO;
using Winnow.Core.Runs;
using Winnow.Core.Selection;
using Winnow.Methods;
using Winnow.Methods.Baselines;
using Winnow.Methods.Dsir;
using Winnow.Torch.Methods.Baselines;
using Winnow.Torch.Methods.Tov;

namespace Winnow.Torch.Methods;

/// <summary>
/// The registry of selection methods: the one place a method is added, and what <c>winnow fit/score/select --method</c>
/// look names up in. Methods are stateless, so one instance each is shared.
/// </summary>
public static class SelectionMethods
{
    private static readonly ISelectionMethod[] All =
    [
        .. new ISelectionMethod[]
        {
            new TovMethod(),
            new RandomMethod(),
            new UncertaintyMethod(),
            new DsirMethod(),
            new Tsds.TsdsMethod(),
            new Less.LessMethod(),
        }.Select(m => new OneProcessAtATime(m)),
    ];

    /// <summary>
    /// Every registered method fits into a locked run folder and scores into a locked output, so a second process on
    /// the same folder or file is refused at once with the holder's pid (<see cref="FileLock"/>) instead of racing.
    /// Scoring does not lock the run folder: shards of one run are scored side by side.
    /// </summary>
    private sealed class OneProcessAtATime(ISelectionMethod inner) : ISelectionMethod
    {
        public string Name => inner.Name;
        public bool NeedsModel => inner.NeedsModel;
        public Core.Selection.SelectionStrategy DefaultStrategy => inner.DefaultStrategy;
        public int DefaultBins => inner.DefaultBins;
        public int DefaultBinsFor(IReadOnlyDictionary<string, string> scoreFooter) => inner.DefaultBinsFor(scoreFooter);
        public BinLength DefaultBinBy => inner.DefaultBinBy;
        public BinWeights DefaultBinWeights => inner.DefaultBinWeights;
        public ShareFill DefaultShareFill => inner.DefaultShareFill;
        public double DefaultRandomShare => inner.DefaultRandomShare;
        public double? RandomShareFor(Core.Selection.SelectionStrategy strategy, double? given = null, double? pinned = null) => inner.RandomShareFor(strategy, given, pinned);
        public bool SeedFree => inner.SeedFree;
        public bool Shardable => inner.Shardable;
        public IReadOnlySet<string> ScoreTimeSettings => inner.ScoreTimeSettings;
        public bool CanResume(string runDirectory) => inner.CanResume(runDirectory);
        public IReadOnlyList<string> RunFiles => inner.RunFiles;
        public IReadOnlyList<Core.Runs.DefaultChange> DefaultChanges => inner.DefaultChanges;
        public string ScoreFingerprintKey => inner.ScoreFingerprintKey;
        public string ScorePoolHashKey => inner.ScorePoolHashKey;

        public MethodRun Fit(MethodFitRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(request);
            bool existed = Directory.Exists(request.RunDirectory);
            using var held = FileLock.AcquireFolder(request.RunDirectory, progress);
            ClaimRunFolder(request, progress);
            try
            {
                return inner.Fit(request, progress, cancellationToken);
            }
            catch when (!existed && !inner.CanResume(request.RunDirectory))
            {
                // A fit refused or stopped before it made anything a rerun could continue from leaves no folder behind
                // (no complete:false stub that looks like a run).
                try { Directory.Delete(request.RunDirectory, recursive: true); } catch (IOException) { }
                throw;
            }
        }

        /// <summary>
        /// Another method's run in the folder is refused, or with Force replaced (only the files that method writes are
        /// removed) before this method fits, whichever two methods they are; the run folder decides. A run of this
        /// method is left to it.
        /// </summary>
        private void ClaimRunFolder(MethodFitRequest request, IProgress<string>? progress) =>
            new RunFolder(request.RunDirectory).ClaimFor(inner.Name, request.Force, holder => Get(holder).RunFiles, progress);

        public MethodScoreResult Score(MethodScoreRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(request);
            using var held = FileLock.AcquireFile(request.OutputPath, progress);
            return inner.Score(request, progress, cancellationToken);
        }
    }

    /// <summary>Registered names, in registration order.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(m => m.Name).ToArray();

    /// <summary>The method called <paramref name="name"/> (case-insensitive), or an error listing the registered ones.</summary>
    public static ISelectionMethod Get(string? name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown method '{name}': expected one of {string.Join(", ", Names)}.");

    public static bool TryGet(string? name, out ISelectionMethod method)
    {
        method = All.FirstOrDefault(m => string.Equals(m.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))!;
        return method is not null;
    }
}
