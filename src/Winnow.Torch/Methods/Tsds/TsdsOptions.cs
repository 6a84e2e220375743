using System.Globalization;

namespace Winnow.Torch.Methods.Tsds;

/// <summary>
/// TSDS options; defaults are the reference implementation's (α 0.5, C 5, σ 0.75, 5000 neighbours, 1000 for KDE).
/// Neighbour counts are clamped to the pool size at score time (the reference clamps to N/10, which is only sensible
/// for large pools).
/// </summary>
public sealed record TsdsOptions
{
    /// <summary>Weight of alignment (transport cost) against diversity, in (0,1): larger concentrates mass on fewer candidates.</summary>
    public double Alpha { get; init; } = 0.5;

    /// <summary>Cost scale C of the transport term.</summary>
    public double CostScale { get; init; } = 5.0;

    /// <summary>KDE kernel width σ (on L2 distances between unit vectors); 0 turns the near-duplicate weighting off.</summary>
    public double Sigma { get; init; } = 0.75;

    /// <summary>Largest neighbourhood of a target query (the reference's max_K).</summary>
    public int MaxNeighbours { get; init; } = 5000;

    /// <summary>Pool neighbours summed by the kernel density (the reference's kde_K), counting the point itself.</summary>
    public int KdeNeighbours { get; init; } = 1000;

    public TsdsEmbedderKind Embedder { get; init; } = TsdsEmbedderKind.Model;

    /// <summary>Width of the hashed embedder's vectors.</summary>
    public int HashedDimensions { get; init; } = 1024;

    /// <summary>Longest word n-gram the hashed embedder counts.</summary>
    public int HashedMaxN { get; init; } = 2;

    /// <summary>Tokens the model embedder reads per example (longer text is cut).</summary>
    public int MaxLength { get; init; } = 256;

    public int BatchSize { get; init; } = 32;

    /// <summary>Store embeddings as fp16 on disk (half the bytes; search still runs in fp32).</summary>
    public bool Half { get; init; }

    /// <summary>Rows of queries and of candidates per matmul block in the exact search.</summary>
    public int QueryBlock { get; init; } = 1024;

    public int CandidateBlock { get; init; } = 16384;

    public int Seed { get; init; }

    public TsdsOptions Validate()
    {
        // Named as the user sets them (--set key=value), one line each: .NET's argument exceptions add lines and type names.
        var errors = new List<string>();
        if (!(Alpha > 0 && Alpha < 1)) errors.Add($"alpha must lie in (0, 1) (got {Alpha}).");
        if (!(CostScale > 0) || double.IsInfinity(CostScale)) errors.Add($"c must be positive and finite (got {CostScale}).");
        if (!(Sigma >= 0) || double.IsInfinity(Sigma)) errors.Add($"sigma must be >= 0 and finite (got {Sigma}).");
        foreach (var (value, name, least) in new[]
        {
            (MaxNeighbours, "max_neighbours", 1), (KdeNeighbours, "kde_neighbours", 1), (HashedDimensions, "hashed_dim", 2),
            (HashedMaxN, "hashed_max_n", 1), (MaxLength, "max_length", 2), (BatchSize, "batch_size", 1), (QueryBlock, "query_block", 1),
            (CandidateBlock, "candidate_block", 1),
        })
            if (value < least) errors.Add($"{name} must be >= {least} (got {value}).");
        if (errors.Count > 0) throw new ArgumentException("Invalid TSDS settings: " + string.Join(" ", errors));
        return this;
    }

    /// <summary>Settings keys <see cref="FromSettings"/> reads (CLI <c>--set key=value</c>).</summary>
    public static readonly string[] SettingKeys =
    [
        "alpha", "c", "sigma", "max_neighbours", "kde_neighbours", "embedder", "hashed_dim", "hashed_max_n",
        "max_length", "batch_size", "half", "query_block", "candidate_block",
    ];

    /// <summary>Options from text settings; unknown keys are refused so a typo is not silently ignored.</summary>
    public static TsdsOptions FromSettings(IReadOnlyDictionary<string, string> settings, int seed = 0)
    {
        var o = new TsdsOptions { Seed = seed };
        foreach (var (rawKey, value) in settings)
        {
            string key = rawKey.Trim().ToLowerInvariant().Replace('-', '_');
            o = key switch
            {
                "alpha" => o with { Alpha = Double(key, value) },
                "c" or "cost_scale" => o with { CostScale = Double(key, value) },
                "sigma" => o with { Sigma = Double(key, value) },
                "max_neighbours" or "max_neighbors" or "max_k" => o with { MaxNeighbours = Int(key, value) },
                "kde_neighbours" or "kde_neighbors" or "kde_k" => o with { KdeNeighbours = Int(key, value) },
                "embedder" => o with { Embedder = EmbedderKind(value) },
                "hashed_dim" => o with { HashedDimensions = Int(key, value) },
                "hashed_max_n" => o with { HashedMaxN = Int(key, value) },
                "max_length" => o with { MaxLength = Int(key, value) },
                "batch_size" => o with { BatchSize = Int(key, value) },
                "half" => o with { Half = Bool(key, value) },
                "query_block" => o with { QueryBlock = Int(key, value) },
                "candidate_block" => o with { CandidateBlock = Int(key, value) },
                _ => throw new ArgumentException($"Unknown TSDS setting '{rawKey}': expected one of {string.Join(", ", SettingKeys)}."),
            };
        }
        return o.Validate();
    }

    private static double Double(string key, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw new ArgumentException($"TSDS setting {key}: '{value}' is not a number.");

    private static int Int(string key, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw new ArgumentException($"TSDS setting {key}: '{value}' is not an integer.");

    private static bool Bool(string key, string value) => value.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => throw new ArgumentException($"TSDS setting {key}: '{value}' is not true/false."),
    };

    private static TsdsEmbedderKind EmbedderKind(string value) => value.Trim().ToLowerInvariant() switch
    {
        "model" => TsdsEmbedderKind.Model,
        "hashed" or "ngram" => TsdsEmbedderKind.Hashed,
        _ => throw new ArgumentException($"TSDS setting embedder: '{value}' is neither 'model' nor 'hashed'."),
    };
}
