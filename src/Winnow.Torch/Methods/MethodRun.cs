using Winnow.Core.Data;
using Winnow.Core.Selection;
using Winnow.Core.Sharding;

namespace Winnow.Torch.Methods;

/// <summary>A finished (or reused) fit.</summary>
public sealed record MethodRun(string RunDirectory, string Method, bool Reused, double Seconds, long BytesWritten);
