using System.Globalization;
using DuckDB.NET.Data;
using Parquet;
using Winnow.Core.IO;
using Winnow.Core.Scoring;

namespace Winnow.Core.Sharding;

/// <summary>What a merge produced.</summary>
public sealed record MergeResult(string OutputPath, int Shards, long Rows);
