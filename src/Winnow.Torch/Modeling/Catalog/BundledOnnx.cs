using System.Reflection;
using System.Runtime.Loader;

namespace Winnow.Torch.Modeling.Catalog;

/// <summary>
/// Reads the ONNX model and vocab.txt that a SentenceTransformers.* package embeds as assembly resources
/// (<c>….Resources.model.onnx</c>, <c>….Resources.vocab.txt</c>). The DLL is copied beside Winnow's own under
/// <c>models/</c> by the build (Winnow.Torch.csproj). It is loaded into a collectible context only to read its
/// resources: none of its code runs.
/// </summary>
public static class BundledOnnx
{
    /// <summary>The package DLL's path beside the running binaries.</summary>
    public static string AssemblyPath(string fileName) => Path.Combine(AppContext.BaseDirectory, "models", fileName);

    /// <summary>The ONNX bytes and the vocabulary bytes of <paramref name="assemblyFile"/>.</summary>
    public static (byte[] Onnx, byte[] Vocab) Read(string assemblyFile)
    {
        var path = AssemblyPath(assemblyFile);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} is missing: the build copies it from its NuGet package (a `dotnet build` of Winnow restores it).", path);
        var context = new AssemblyLoadContext("winnow-bundled-" + assemblyFile, isCollectible: true);
        try
        {
            Assembly assembly;
            try
            {
                assembly = context.LoadFromAssemblyPath(path);
            }
            catch (BadImageFormatException e)
            {
                throw new InvalidDataException($"{path}: not a .NET assembly ({e.Message}).", e);
            }
            return (Resource(assembly, path, ".model.onnx"), Resource(assembly, path, ".vocab.txt"));
        }
        finally
        {
            context.Unload();
        }
    }

    private static byte[] Resource(Assembly assembly, string path, string suffix)
    {
        var names = assembly.GetManifestResourceNames();
        var name = names.SingleOrDefault(n => n.EndsWith(suffix, StringComparison.Ordinal))
            ?? throw new InvalidDataException($"{path}: no resource ending in '{suffix}' (it has: {string.Join(", ", names)}).");
        using var stream = assembly.GetManifestResourceStream(name)!;
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
