using Microsoft.Playwright;

namespace AutomagikHello.AgUi.BrowserTests;

/// <summary>
/// One demo server and one headless chromium for every browser test (they run one after the other: a 2-core machine
/// runs one browser well, several badly). Each test gets its own browser context, so nothing leaks between them.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public DemoServer Server { get; private set; } = null!;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser did not start.");

    public async Task InitializeAsync()
    {
        Server = new DemoServer();
        if (BrowserEnvironment.SkipReason is not null)
        {
            return;
        }

        if (!File.Exists(BrowserEnvironment.ChromiumPath))
        {
            throw new InvalidOperationException(
                $"{BrowserEnvironment.ChromiumPath} is missing. The browser tests use Debian's chromium (apt-get install chromium; eng/test.sh does it); "
                + "under CI (CI=true) they fail instead of skipping.");
        }

        // Belt and braces: this process must never fetch a browser.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await LaunchAsync([]);
    }

    /// <summary>
    /// A chromium of its own whose microphone plays <paramref name="wavPath"/> (from its start each time a page opens the
    /// microphone, looping), granted without a prompt. The caller closes it. Chromium takes the file as a launch flag,
    /// so each audio file needs its own browser.
    /// </summary>
    public Task<IBrowser> LaunchWithMicrophoneAsync(string wavPath) => LaunchAsync(
    [
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", $"--use-file-for-fake-audio-capture={wavPath}",
        "--autoplay-policy=no-user-gesture-required",
    ]);

    private Task<IBrowser> LaunchAsync(string[] extraArgs) =>
        (_playwright ?? throw new InvalidOperationException("The browser tests skip on this machine.")).Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserEnvironment.ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-quic", "--disable-sync", .. extraArgs,
            ],
        });

    /// <summary>A new page in a new context, 1100×900, with the demo as its base address.</summary>
    public Task<IPage> NewPageAsync() => NewPageAsync(Browser);

    /// <summary>A new page in a new context of <paramref name="browser"/>, 1100×900, with the demo as its base address.</summary>
    public async Task<IPage> NewPageAsync(IBrowser browser)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1100, Height = 900 },
            Locale = "en-US",
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>The demo page in a new page of its own context, or <see langword="null"/> when the browser tests skip.</summary>
    public async Task<DemoPage?> OpenDemoAsync() =>
        BrowserEnvironment.SkipReason is null ? new DemoPage(await NewPageAsync(), Server) : null;

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        await Server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
