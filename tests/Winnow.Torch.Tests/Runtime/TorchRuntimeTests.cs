using Winnow.Torch.Runtime;
using static TorchSharp.torch;

namespace Winnow.Torch.Tests.Runtime;

public class TorchRuntimeTests
{
    /// <summary>
    /// The allocator setting the CLI applies (issue 15) takes on glibc Linux, can be applied again, and tensors made
    /// and freed after it compute as before (it changes where freed memory goes, never what is computed).
    /// </summary>
    [Fact]
    public void KeepFreedMemoryAppliesOnGlibcAndLeavesResultsAlone()
    {
        using var scope = NewDisposeScope();
        var a = arange(4 * 1024 * 1024, dtype: float32).reshape(1024, 4096).div(1e6); // 16 MiB: above glibc's default mmap threshold
        var before = a.sum().item<float>();
        bool applied = TorchRuntime.KeepFreedMemory();
        if (OperatingSystem.IsLinux() && File.Exists("/usr/lib/x86_64-linux-gnu/libc.so.6")) Assert.True(applied);
        Assert.Equal(applied, TorchRuntime.KeepFreedMemory());
        for (int i = 0; i < 3; i++)
            using (NewDisposeScope())
                Assert.Equal(before, a.clone().sum().item<float>());
    }
}
