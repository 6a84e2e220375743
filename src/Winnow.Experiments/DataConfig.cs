using System.Security.Cryptography;
using System.Text;
using Winnow.Core.Data;
using Winnow.Core.Selection;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Winnow.Experiments;

public sealed record DataConfig
{
    public List<string> Paths { get; init; } = [];

    /// <summary>At most this many examples, sampled with the study's sample seed; 0 = all.</summary>
    public int Max { get; init; }
}
