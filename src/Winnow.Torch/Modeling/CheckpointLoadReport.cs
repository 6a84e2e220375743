using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace Winnow.Torch.Modeling;

/// <summary>What a load did beyond copying matching tensors.</summary>
public sealed record CheckpointLoadReport(IReadOnlyList<string> FreshlyInitialized, IReadOnlyList<string> Ignored);
