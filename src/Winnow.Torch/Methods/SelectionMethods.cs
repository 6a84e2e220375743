using Winnow.Torch.Methods.Baselines;
using Winnow.Torch.Methods.Dsir;
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
        new TovMethod(),
        new RandomMethod(),
        new UncertaintyMethod(),
        new DsirMethod(),
        new Tsds.TsdsMethod(),
        new Less.LessMethod(),
    ];

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
