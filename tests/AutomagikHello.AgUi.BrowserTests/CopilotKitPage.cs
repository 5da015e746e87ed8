using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AutomagikHello.AgUi.BrowserTests;

/// <summary>
/// The CopilotKit sample's page as a user sees it: react-ui's chat, served under <c>/copilotkit/</c> on the demo's
/// origin (<see cref="DemoServer"/>). Records every AG-UI run the page posts.
/// </summary>
public sealed class CopilotKitPage : IAsyncDisposable
{
    private readonly List<string> _errors = [];
    private readonly List<JsonNode> _runs = [];

    private CopilotKitPage(IPage page)
    {
        Page = page;
        page.PageError += (_, error) => _errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _errors.Add(message.Text);
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                _errors.Add($"{response.Status} {response.Request.Method} {response.Url}");
            }
        };
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && new Uri(request.Url).AbsolutePath.StartsWith("/agents/", StringComparison.Ordinal)
                && request.PostData is { } body)
            {
                lock (_runs)
                {
                    _runs.Add(JsonNode.Parse(body)!);
                }
            }
        };
    }

    /// <summary>Where eng/test.sh builds the sample (npm ci and npm run build in samples/copilotkit).</summary>
    public static string BundleDirectory => Path.Combine(BrowserEnvironment.RepoRoot.FullName, "samples", "copilotkit", "dist");

    public IPage Page { get; }

    /// <summary>JavaScript and console errors the page reported so far, and every HTTP error response it got.</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>The <c>RunAgentInput</c> bodies the page posted, in order.</summary>
    public IReadOnlyList<JsonNode> Runs
    {
        get
        {
            lock (_runs)
            {
                return [.. _runs];
            }
        }
    }

    public ILocator Input => Page.GetByTestId("copilot-chat-textarea");

    public ILocator AssistantMessages => Page.Locator(".copilotKitAssistantMessage");

    public ILocator UserMessages => Page.Locator(".copilotKitUserMessage");

    /// <summary>Opens the sample on <paramref name="agent"/> (a demo agent the page registers: echo or approval).</summary>
    public static async Task<CopilotKitPage> OpenAsync(BrowserFixture fixture, string agent)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var page = await fixture.NewPageAsync();
        var chat = new CopilotKitPage(page);
        await page.GotoAsync($"/copilotkit/index.html?agent={Uri.EscapeDataString(agent)}");
        await Expect(chat.Input).ToBeEditableAsync();
        return chat;
    }

    /// <summary>Types a message and sends it with the Enter key.</summary>
    public async Task SayAsync(string text)
    {
        await Input.FillAsync(text);
        await Input.PressAsync("Enter");
    }

    /// <summary>Closes the page's own browser context.</summary>
    public async ValueTask DisposeAsync() => await Page.Context.CloseAsync();
}

/// <summary>Why the CopilotKit tests are skipped on this machine, or <see langword="null"/> when they run.</summary>
internal static class CopilotKitEnvironment
{
    public static string? SkipReason => BrowserEnvironment.SkipReason
        ?? (BrowserEnvironment.IsCI || File.Exists(Path.Combine(CopilotKitPage.BundleDirectory, "main.js"))
            ? null
            : $"CopilotKit tests skipped: {CopilotKitPage.BundleDirectory} is not built (cd samples/copilotkit && npm ci && npm run build, or run eng/test.sh).");
}

/// <summary>
/// A browser fact that also needs the CopilotKit sample's bundle: skipped with the reason on a machine without it (or
/// without chromium), never under CI, where a missing bundle fails the test.
/// </summary>
public sealed class CopilotKitFactAttribute : FactAttribute
{
    public CopilotKitFactAttribute() => Skip = CopilotKitEnvironment.SkipReason;
}

/// <summary>A browser theory that needs the CopilotKit sample's bundle (see <see cref="CopilotKitFactAttribute"/>).</summary>
public sealed class CopilotKitTheoryAttribute : TheoryAttribute
{
    public CopilotKitTheoryAttribute() => Skip = CopilotKitEnvironment.SkipReason;
}
