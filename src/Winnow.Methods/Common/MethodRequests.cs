namespace Winnow.Methods.Common;

/// <summary>Argument checks shared by the methods' fit stages, with messages that name the CLI option.</summary>
public static class MethodRequests
{
    public static void RequirePool(MethodFitRequest request)
    {
        if (request.Pool.Count == 0) throw new ArgumentException("Give at least one pool file or folder (--pool).");
        if (string.IsNullOrWhiteSpace(request.RunDirectory)) throw new ArgumentException("Give the run folder (--out).");
    }

    public static void RequireTarget(MethodFitRequest request, string method)
    {
        if (request.Target.Count == 0) throw new ArgumentException($"Method {method} needs a target (--target).");
    }

    public static string RequireModel(MethodFitRequest request, string method) =>
        string.IsNullOrWhiteSpace(request.Model) ? throw new ArgumentException($"Method {method} needs a base model (--model).") : request.Model;
}
