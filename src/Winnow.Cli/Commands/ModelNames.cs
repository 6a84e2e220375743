using Winnow.Torch.Modeling.Catalog;

namespace Winnow.Cli.Commands;

/// <summary>What <c>--model</c> accepts: a model folder, or a built-in name (<c>winnow models</c>) materialised in the cache.</summary>
internal static class ModelNames
{
    public static ModelCatalogContext Context(IProgress<string>? log = null) =>
        new(Path.Combine(WinnowPaths.Cache(), "models"), WinnowPaths.SharedData()) { Log = log ?? new ConsoleProgress("models") };

    public static string Resolve(string nameOrFolder) => ModelCatalog.Resolve(nameOrFolder, Context());

    public const string OptionHelp = "Model folder (Hugging Face layout) or a built-in name (winnow models: minilm-l6, arctic-xs, …)";
}
