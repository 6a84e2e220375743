using TorchSharp;
using Winnow.Core.Data;
using Winnow.Torch.Methods.Less;
using Winnow.Torch.Methods.Tov;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;
using Winnow.Torch.Tests.Methods.Tov;
using Winnow.Torch.Training;
using static TorchSharp.torch;

namespace Winnow.Torch.Tests.Methods.Less;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LessCollection : ICollectionFixture<TovFixture>
{
    public const string Name = "LESS";
}
