// Compiled by MSBuild's RoslynCodeTaskFactory (see LibTorchSharpCompat.targets); not part of any project.
using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WinnowPatchLibTorchSharp : Task
{
    private const string Version = "GLIBCXX_3.4.32";
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    [Required]
    public string Directory { get; set; } = "";

    /// <summary>Patch whatever the build machine's libstdc++ has (a tool package is installed on other machines); the weak
    /// version requirement changes nothing where the version exists.</summary>
    public bool Always { get; set; }

    private static readonly string[] SystemLibStdCxx =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6",
        "/usr/lib/libstdc++.so.6",
    };

    public override bool Execute()
    {
        if (!System.IO.Directory.Exists(Directory)) return true;
        var libs = System.IO.Directory.GetFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories);
        if (libs.Length == 0) return true;

        if (Always) return PatchAll(libs, "for machines whose libstdc++ lacks it");
        var system = SystemLibStdCxx.FirstOrDefault(File.Exists);
        if (system == null)
        {
            Log.LogMessage(MessageImportance.Low, "Winnow: no system libstdc++ found; libLibTorchSharp.so left as is.");
            return true;
        }
        if (Contains(File.ReadAllBytes(system), Encoding.ASCII.GetBytes(Version + "\0")))
        {
            Log.LogMessage(MessageImportance.Low, "Winnow: " + system + " provides " + Version + "; no patch needed.");
            return true;
        }

        return PatchAll(libs, "system libstdc++ lacks it");
    }

    private bool PatchAll(string[] libs, string why)
    {
        foreach (var lib in libs)
        {
            try
            {
                var bytes = File.ReadAllBytes(lib);
                var result = MarkVersionWeak(bytes, Version);
                if (result == PatchResult.Patched)
                {
                    var tmp = lib + ".winnow-tmp";
                    File.WriteAllBytes(tmp, bytes);
                    File.Delete(lib);
                    File.Move(tmp, lib);
                    Log.LogMessage(MessageImportance.High, "Winnow: marked " + Version + " weak in " + lib + " (" + why + ").");
                }
                else if (result == PatchResult.NotFound)
                {
                    Log.LogMessage(MessageImportance.Low, "Winnow: " + lib + " does not require " + Version + ".");
                }
            }
            catch (Exception e)
            {
                Log.LogError("Winnow: could not patch " + lib + ": " + e.Message);
                return false;
            }
        }
        return true;
    }

    private enum PatchResult { Patched, AlreadyWeak, NotFound }

    // Walks .gnu.version_r (Elf64_Verneed / Elf64_Vernaux) and sets VER_FLG_WEAK on the named version.
    private static PatchResult MarkVersionWeak(byte[] b, string version)
    {
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (b[4] != 2 || b[5] != 1) throw new InvalidDataException("only 64-bit little-endian ELF is supported");

        ulong shoff = BitConverter.ToUInt64(b, 0x28);
        int shentsize = BitConverter.ToUInt16(b, 0x3A);
        int shnum = BitConverter.ToUInt16(b, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            if (BitConverter.ToUInt32(b, sh + 4) != ShtGnuVerneed) continue;
            int offset = checked((int)BitConverter.ToUInt64(b, sh + 0x18));
            uint link = BitConverter.ToUInt32(b, sh + 0x28);
            uint count = BitConverter.ToUInt32(b, sh + 0x2C);
            int strSh = checked((int)shoff + (int)link * shentsize);
            int strOff = checked((int)BitConverter.ToUInt64(b, strSh + 0x18));

            int vn = offset;
            for (uint n = 0; n < count; n++)
            {
                int auxCount = BitConverter.ToUInt16(b, vn + 2);
                int aux = vn + (int)BitConverter.ToUInt32(b, vn + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    uint name = BitConverter.ToUInt32(b, aux + 8);
                    if (ReadCString(b, strOff + (int)name) == version)
                    {
                        ushort flags = BitConverter.ToUInt16(b, aux + 4);
                        if ((flags & VerFlgWeak) != 0) return PatchResult.AlreadyWeak;
                        flags |= VerFlgWeak;
                        b[aux + 4] = (byte)(flags & 0xff);
                        b[aux + 5] = (byte)(flags >> 8);
                        return PatchResult.Patched;
                    }
                    aux += (int)BitConverter.ToUInt32(b, aux + 12);
                }
                vn += (int)BitConverter.ToUInt32(b, vn + 12);
            }
        }
        return PatchResult.NotFound;
    }

    private static string ReadCString(byte[] b, int start)
    {
        int end = Array.IndexOf(b, (byte)0, start);
        return Encoding.ASCII.GetString(b, start, end - start);
    }

    private static bool Contains(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }
}
