using System.Text.Json;
using System.Text.Json.Serialization;
using Winnow.Core.Data;
using Winnow.Core.IO;
using Winnow.Core.Sharding;

namespace Winnow.Core.Scoring;

/// <summary>One pool example of the shard being scored, with its position in the whole pool stream.</summary>
public readonly record struct PoolItem(long Row, Example Example);
