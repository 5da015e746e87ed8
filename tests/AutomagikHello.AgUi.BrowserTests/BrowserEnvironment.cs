namespace AutomagikHello.AgUi.BrowserTests;

/// <summary>
/// Where the browser tests find their browser: Debian's chromium at <see cref="ChromiumPath"/> (eng/test.sh installs it
/// with apt; Playwright never downloads one). Under CI (<c>CI=true</c>) the tests always run, so a missing chromium fails
/// them; elsewhere they are skipped with the reason.
/// </summary>
internal static class BrowserEnvironment
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static bool IsCI => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the browser tests are skipped on this machine, or <see langword="null"/> when they run.</summary>
    public static string? SkipReason => IsCI || File.Exists(ChromiumPath)
        ? null
        : $"Browser tests skipped: {ChromiumPath} is missing (apt-get install chromium, or run eng/test.sh).";

    /// <summary>The repository root: the nearest folder above the test binaries holding AutomagikHello.sln.</summary>
    public static DirectoryInfo RepoRoot { get; } = FindRepoRoot();

    /// <summary>Where screenshots go: artifacts/test-results/screenshots under the repository root.</summary>
    public static string ScreenshotDirectory => Path.Combine(RepoRoot.FullName, "artifacts", "test-results", "screenshots");

    private static DirectoryInfo FindRepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AutomagikHello.sln")))
            {
                return directory;
            }
        }

        throw new InvalidOperationException($"No AutomagikHello.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>A fact that needs chromium: skipped with the reason on a machine without it, never under CI.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (BrowserEnvironment.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
