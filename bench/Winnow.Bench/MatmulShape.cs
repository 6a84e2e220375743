using System.Diagnostics;
using System.Globalization;
using System.Text;
using TorchSharp;
using Winnow.Core.Data;
using Winnow.Torch.Evaluation;
using Winnow.Torch.Modeling;
using Winnow.Torch.Tasks;
using Winnow.Torch.Tokenization;
using Winnow.Torch.Training;
using static TorchSharp.torch;

namespace Winnow.Bench;

public sealed record MatmulShape(string Name, long M, long K, long N)
{
    public double Flops => 2.0 * M * K * N;
}
