using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AutomagikHello.AgUi.BrowserTests;

/// <summary>The demo page as a user sees it: found by roles and labels (so the tests also check its accessibility).</summary>
public sealed class DemoPage(IPage page, DemoServer server) : IAsyncDisposable
{
    private readonly List<string> _errors = CollectErrors(page);

    public IPage Page => page;

    /// <summary>JavaScript and console errors the page reported so far (every test fails on any).</summary>
    public IReadOnlyList<string> Errors => _errors;

    public ILocator Agent => page.GetByLabel("Agent");

    public ILocator Message => page.GetByRole(AriaRole.Textbox, new() { Name = "Message" });

    public ILocator Send => page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true });

    public ILocator Stop => page.GetByRole(AriaRole.Button, new() { Name = "Stop" });

    public ILocator Conversation => page.GetByRole(AriaRole.Log, new() { Name = "Conversation" });

    /// <summary>A message or note in the conversation with exactly this text.</summary>
    public ILocator Said(string text) => Conversation.GetByText(text, new() { Exact = true });

    /// <summary>The agent's text bubbles.</summary>
    public ILocator AgentTexts => page.Locator(".bubble-assistant .bubble-text");

    /// <summary>The card (a named region) of an interrupt, by its heading.</summary>
    public ILocator Card(string heading) => page.GetByRole(AriaRole.Region, new() { Name = heading });

    /// <summary>The thread the page talks on (kept in the address's hash).</summary>
    public string ThreadId
    {
        get
        {
            var hash = new Uri(page.Url).Fragment.TrimStart('#');
            return hash.Split('&').Select(p => p.Split('=', 2)).Single(p => p[0] == "thread")[1];
        }
    }

    /// <summary>The voice panel's scenario select.</summary>
    public ILocator VoiceScenario => page.GetByRole(AriaRole.Combobox, new() { Name = "Scenario" });

    /// <summary>The voice panel's confidence field (the number input; the slider beside it mirrors it).</summary>
    public ILocator VoiceConfidence => page.GetByRole(AriaRole.Spinbutton, new() { Name = "Confidence" });

    /// <summary>The voice panel itself.</summary>
    public ILocator VoicePanel => page.GetByRole(AriaRole.Group, new() { Name = "Voice turn" });

    /// <summary>Opens the page, picks the agent and sends a message with the Enter key.</summary>
    public async Task StartAsync(string agent, string text)
    {
        await OpenAsync(agent);
        await SayAsync(text);
    }

    /// <summary>
    /// Lists a test agent (mapped with <c>Demo:TestAgents</c>, never in the page's own <c>agents.json</c>) in the agent
    /// select, for this page and its reloads.
    /// </summary>
    public Task OfferTestAgentAsync(string agent, string description) =>
        page.RouteAsync("**/agents.json", async route =>
        {
            var response = await route.FetchAsync();
            var agents = JsonNode.Parse(await response.TextAsync())!.AsArray();
            agents.Add(new JsonObject { ["id"] = agent, ["label"] = agent, ["description"] = description, ["suggestion"] = "email the team" });
            await route.FulfillAsync(new() { Response = response, Body = agents.ToJsonString() });
        });

    /// <summary>Opens the page and picks the agent.</summary>
    public async Task OpenAsync(string agent)
    {
        await page.GotoAsync("/");
        await Expect(Agent).ToBeEnabledAsync();
        await Agent.SelectOptionAsync(agent);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"agent={System.Text.RegularExpressions.Regex.Escape(agent)}&"));
    }

    /// <summary>Types a message and sends it with the Enter key.</summary>
    public async Task SayAsync(string text)
    {
        await Message.FillAsync(text);
        await Message.PressAsync("Enter");
    }

    /// <summary>What the demo's approval agents "sent" on this page's thread.</summary>
    public async Task<JsonArray> SentEmailsAsync() =>
        JsonNode.Parse(await server.Http.GetStringAsync($"/debug/emails/{Uri.EscapeDataString(ThreadId)}"))!.AsArray();

    /// <summary>The thread view of this page's thread.</summary>
    public async Task<JsonNode> ThreadViewAsync(string agent) =>
        JsonNode.Parse(await server.Http.GetStringAsync($"/agents/{agent}/threads/{Uri.EscapeDataString(ThreadId)}"))!;

    /// <summary>Saves a full-page screenshot to artifacts/test-results/screenshots/{name}.png.</summary>
    public async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(BrowserEnvironment.ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(BrowserEnvironment.ScreenshotDirectory, name + ".png"),
            FullPage = true,
            Animations = ScreenshotAnimations.Disabled,
        });
    }

    private static List<string> CollectErrors(IPage page)
    {
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        return errors;
    }

    /// <summary>Closes the page's own browser context.</summary>
    public async ValueTask DisposeAsync() => await page.Context.CloseAsync();
}
