using System.Diagnostics;
using Winnow.Core.Data;
using Winnow.Core.Data.Ner;
using Winnow.Core.Runs;
using Winnow.Core.Selection;
using Winnow.Torch.Methods.Common;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;
using Winnow.Torch.Training;

namespace Winnow.Torch.Methods.Tov;

/// <summary>A finished fit: where it is, what it recorded, and whether it was already there.</summary>
public sealed record TovRun(string RunDirectory, TovManifest Manifest, bool Reused, int ResumedFromEpoch, double Seconds)
{
    public TovRunFolder Folder => new(RunDirectory);
}
