using System.Diagnostics;
using System.Reflection;

namespace Winnow.Cli.Tests;

/// <summary>
/// Winnow installs the .NET way: <c>dotnet pack</c> makes a tool package, <c>dotnet tool install</c> puts it into a tool
/// path from a local folder (no other package source), and the installed <c>winnow</c> runs, libtorch included — its
/// libLibTorchSharp.so carries the build's libstdc++ fix (GLIBCXX_3.4.32 weak).
/// </summary>
public class ToolPackageTests
{
    [Fact]
    public void The_packed_tool_installs_into_a_tool_path_and_runs_with_libtorch()
    {
        string root = Path.Combine(Path.GetTempPath(), "winnow-tool-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            // Pack what the test project built (the same configuration), publishing into the temporary folder.
            string configuration = typeof(WinnowCli).Assembly.Location.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
            string packages = Path.Combine(root, "packages"), tools = Path.Combine(root, "tools");
            Run("dotnet", ["pack", Path.Combine(CliRunner.RepoRoot, "src", "Winnow.Cli", "Winnow.Cli.csproj"), "-c", configuration, "--no-build",
                "-o", packages, $"-p:PublishDir={Path.Combine(root, "publish")}/", "-nologo"], root);
            var package = Assert.Single(Directory.GetFiles(packages, "*.nupkg"));
            Assert.StartsWith("Winnow.", Path.GetFileName(package), StringComparison.Ordinal);
            Directory.Delete(Path.Combine(root, "publish"), recursive: true);

            // Only the local folder as a source: nothing else named Winnow can be picked up.
            string config = Path.Combine(root, "nuget.config");
            File.WriteAllText(config, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources><clear /><add key="local" value="{packages}" /></packageSources>
                </configuration>
                """);
            string install = Run("dotnet", ["tool", "install", "Winnow", "--tool-path", tools, "--add-source", packages, "--configfile", config], root);
            Assert.Contains("'winnow'", install);
            File.Delete(package);

            string winnow = Path.Combine(tools, "winnow");
            Assert.True(File.Exists(winnow), $"no {winnow} after install");
            string expected = typeof(WinnowCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
            Assert.Equal(expected, Run(winnow, ["--version"], root).Trim());

            // `winnow version` asks libtorch for its version and thread count: the native libraries load from the tool's folder.
            string version = Run(winnow, ["version"], root);
            Assert.Matches(@"libtorch \d+\.\d+", version);
            Assert.Contains("threads ", version);

            // One real command on a bundled sample.
            string inspect = Run(winnow, ["inspect", CliRunner.Samples("ner", "pool")], root);
            Assert.Contains("wikigold", inspect);
            Assert.Contains("545", inspect);

            // The installed copy of libLibTorchSharp.so has the libstdc++ fix, whatever the packing machine's libstdc++.
            var lib = Assert.Single(Directory.GetFiles(Path.Combine(tools, ".store"), "libLibTorchSharp.so", SearchOption.AllDirectories));
            Assert.Equal("weak", GlibcxxRequirement(File.ReadAllBytes(lib), "GLIBCXX_3.4.32"));
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>"weak", "strong" or "absent": how an ELF64 library requires a symbol version (its .gnu.version_r entry).</summary>
    private static string GlibcxxRequirement(byte[] b, string version)
    {
        Assert.True(b.Length > 64 && b[0] == 0x7f && b[1] == (byte)'E' && b[4] == 2 && b[5] == 1, "not a 64-bit little-endian ELF file");
        long shoff = BitConverter.ToInt64(b, 0x28);
        int shentsize = BitConverter.ToUInt16(b, 0x3A), shnum = BitConverter.ToUInt16(b, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            if (BitConverter.ToUInt32(b, sh + 4) != 0x6ffffffe) continue; // SHT_GNU_verneed
            int offset = checked((int)BitConverter.ToInt64(b, sh + 0x18));
            int strings = checked((int)BitConverter.ToInt64(b, checked((int)shoff + (int)BitConverter.ToUInt32(b, sh + 0x28) * shentsize) + 0x18));
            int vn = offset;
            for (uint n = 0, count = BitConverter.ToUInt32(b, sh + 0x2C); n < count; n++)
            {
                int aux = vn + (int)BitConverter.ToUInt32(b, vn + 8);
                for (int a = 0, auxCount = BitConverter.ToUInt16(b, vn + 2); a < auxCount; a++)
                {
                    int name = strings + (int)BitConverter.ToUInt32(b, aux + 8), end = Array.IndexOf(b, (byte)0, name);
                    if (System.Text.Encoding.ASCII.GetString(b, name, end - name) == version)
                        return (BitConverter.ToUInt16(b, aux + 4) & 0x2) != 0 ? "weak" : "strong";
                    aux += (int)BitConverter.ToUInt32(b, aux + 12);
                }
                vn += (int)BitConverter.ToUInt32(b, vn + 12);
            }
        }
        return "absent";
    }

    private static string Run(string file, string[] args, string cwd)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = cwd };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(600_000), $"{file} {string.Join(' ', args)} did not finish in 10 minutes");
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)}: exit {process.ExitCode}\n{error.Result}\n{output}");
        return output;
    }
}
