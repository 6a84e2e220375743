using System.Text.Json;
using System.Text.RegularExpressions;

namespace Winnow.Cli.Tests;

/// <summary><c>--fields</c> on the commands that read data, and the unknown-schema error that points to it.</summary>
[Collection(CliCollection.Name)]
public class FieldsOptionTests
{
    private static string Pool(TempDir dir)
    {
        var path = dir.File("pool.jsonl");
        File.WriteAllLines(path, Enumerable.Range(1, 6).Select(i => JsonSerializer.Serialize(new { key = $"k{i}", ask = $"question {i}", reply = $"answer {i}" })));
        return path;
    }

    [Fact]
    public void Select_reads_the_pool_through_fields_and_the_run_remembers_them()
    {
        using var dir = new TempDir();
        var pool = Pool(dir);
        var subset = dir.File("subset.jsonl");

        var result = CliRunner.Run("select", "--method", "random", "--pool", pool, "--fields", "prompt=ask,completion=reply,id=key",
            "--budget", "3", "--out", subset);

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        var rows = File.ReadAllLines(subset).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r =>
        {
            var i = r.GetProperty("id").GetString()![1..];
            Assert.Equal($"question {i}", r.GetProperty("prompt").GetString());
            Assert.Equal($"answer {i}", r.GetProperty("completion").GetString());
        });
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(subset + ".run", "manifest.json")));
        Assert.Equal("prompt=ask,completion=reply,id=key", manifest.RootElement.GetProperty("fields").GetString());
    }

    [Fact]
    public void Without_fields_an_unknown_schema_names_its_fields_and_the_option()
    {
        using var dir = new TempDir();
        var pool = Pool(dir);

        var result = CliRunner.Run("inspect", pool);

        Assert.NotEqual(0, result.ExitCode);
        // The console wraps long lines at spaces.
        var text = Regex.Replace(result.Out + result.Error, @"\s+", " ");
        Assert.Contains("pool.jsonl:1:", text);
        Assert.Contains("ask, key, reply", text);
        Assert.Contains("--fields prompt=COL,completion=COL", text);
        Assert.Equal(0, CliRunner.Run("inspect", pool, "--fields", "prompt=ask,completion=reply").ExitCode);
    }

    [Fact]
    public void A_bad_mapping_is_a_usage_error_saying_why()
    {
        using var dir = new TempDir();
        var pool = Pool(dir);

        var result = CliRunner.Run("inspect", pool, "--fields", "prompt=ask,answer=reply");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--fields: field mapping 'prompt=ask,answer=reply': unknown key 'answer'", result.Out + result.Error);
    }
}
