using System.Text.Json;
using Winnow.Core.Data;
using Winnow.Core.Scoring;
using Winnow.Torch.Methods.Tov;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tests.TestSupport;
using Winnow.Torch.Tokenization;
using Winnow.Torch.Evaluation;
using Winnow.Torch.Tasks;

namespace Winnow.Torch.Tests.Methods.Tov;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TovCollection : ICollectionFixture<TovFixture>
{
    public const string Name = "ToV";
}
