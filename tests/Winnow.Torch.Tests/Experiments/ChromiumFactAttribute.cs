namespace Winnow.Torch.Tests.Experiments;

/// <summary>A fact that needs Debian's chromium; skipped, with the reason, where it is not installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public static readonly string? Chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    public ChromiumFactAttribute()
    {
        if (Chromium is null)
            Skip = "chromium is not installed (test.sh installs Debian's chromium when run as root with apt); the report is checked structurally by the other tests.";
    }
}
