using System.Text.RegularExpressions;
using AutomagikHello.Demo.Agents;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AutomagikHello.AgUi.BrowserTests;

/// <summary>
/// The page and a run that outlives its connection (docs/reconnecting.md): the network goes away mid-answer and the page
/// reconnects with the last event id it saw, so the answer shows whole and once; a reconnect the server refuses is an
/// error, not a hang. An outage is chromium's offline mode (new requests fail, navigator.onLine is false) together with
/// the open stream's connection dropped by the server (<see cref="StreamCutter"/>): offline mode alone lets a response
/// already streaming go on.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ReconnectPageTests(BrowserFixture fixture) : IAsyncLifetime
{
    private const string Slow = "slow";

    private DemoPage _demo = null!;

    public async Task InitializeAsync() => _demo = (await fixture.OpenDemoAsync())!; // null only when the tests skip

    public async Task DisposeAsync()
    {
        if (_demo is not null)
        {
            await _demo.DisposeAsync();
        }
    }

    /// <summary>The page's status line (role status).</summary>
    private ILocator Status => _demo.Page.GetByRole(AriaRole.Status);

    [BrowserFact]
    public async Task OfflineMidAnswer_TheStreamIsCut_AndAfterComingBackTheWholeAnswerShowsOnce()
    {
        await _demo.StartAsync(Slow, "tell me everything");
        var answer = _demo.AgentTexts.Last;
        await Expect(answer).ToContainTextAsync("First,", new() { Timeout = 20_000 });

        await GoOfflineAsync();

        // The page stops receiving and says it is reconnecting.
        await Expect(Status).ToHaveTextAsync(new Regex("^(Offline|Reconnecting)"));
        var seen = await answer.TextContentAsync();
        await Task.Delay(SlowAgent.WordDelay * 12); // the run goes on on the server meanwhile
        (await answer.TextContentAsync()).Should().Be(seen, "nothing reaches the page while it is offline");
        seen.Should().NotBe(SlowAgent.Answer);
        await Expect(_demo.Stop).ToBeEnabledAsync();
        await _demo.ScreenshotAsync("reconnect-offline");

        await _demo.Page.Context.SetOfflineAsync(false);

        // Once back, the rest arrives: one bubble, exactly the uninterrupted answer (no gap, nothing twice).
        await Expect(_demo.AgentTexts).ToHaveTextAsync([SlowAgent.Answer], new() { Timeout = 60_000 });
        await Expect(Status).ToHaveTextAsync("");
        await Expect(_demo.Send).ToBeEnabledAsync();
        await Expect(_demo.Stop).ToBeDisabledAsync();
        var raw = (await _demo.Page.Locator("#events").TextContentAsync())!;
        Regex.Count(raw, "\"type\":\"TEXT_MESSAGE_CONTENT\"").Should().Be(SlowAgent.Answer.Split(' ').Length, "each word is rendered once");
        Regex.Count(raw, "\"type\":\"RUN_STARTED\"").Should().Be(1);
        Regex.Count(raw, "\"type\":\"RUN_FINISHED\"").Should().Be(1);
        await Expect(_demo.Page.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);
        await _demo.ScreenshotAsync("reconnect-whole-answer");
        OutsideTheOutage(_demo.Errors).Should().BeEmpty();
    }

    [BrowserFact]
    public async Task ReloadMidAnswer_FollowsTheRunningRun_AndShowsTheWholeAnswerOnce()
    {
        await _demo.StartAsync(Slow, "tell me everything");
        await Expect(_demo.AgentTexts.Last).ToContainTextAsync("First,", new() { Timeout = 20_000 });

        await _demo.Page.ReloadAsync();

        await Expect(_demo.Said("A run is still active on this thread: following it.")).ToBeVisibleAsync();
        await Expect(_demo.Stop).ToBeEnabledAsync();
        await Expect(_demo.AgentTexts).ToHaveTextAsync([SlowAgent.Answer], new() { Timeout = 60_000 });
        await Expect(_demo.Said("tell me everything")).ToHaveCountAsync(1);
        await Expect(_demo.Send).ToBeEnabledAsync();
        await Expect(Status).ToHaveTextAsync("");
        var raw = (await _demo.Page.Locator("#events").TextContentAsync())!;
        Regex.Count(raw, "\"type\":\"TEXT_MESSAGE_CONTENT\"").Should().Be(SlowAgent.Answer.Split(' ').Length);
        await _demo.ScreenshotAsync("reconnect-after-reload");
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task ReloadMidConversation_RestoresTheMessagesToolCallAndApprovalCard_FromTheServer_AndApprovingSendsOneEmail()
    {
        await _demo.StartAsync("assistant", "Hello");
        await Expect(_demo.AgentTexts.Last).ToHaveTextAsync(new Regex("^Hello! I am the demo's offline assistant\\."));
        await _demo.SayAsync("please send the email");
        var card = _demo.Card("Approve sendEmail?");
        await Expect(card).ToBeFocusedAsync();
        var bubbles = _demo.Page.Locator(".bubble .bubble-text");
        var before = await bubbles.AllTextContentsAsync();
        before.Should().HaveCountGreaterThanOrEqualTo(3);

        // The tab's own saved text is gone: what comes back is the server's (GET …/threads/{id}/messages).
        await _demo.Page.EvaluateAsync("sessionStorage.clear()");
        await _demo.Page.ReloadAsync();

        await Expect(_demo.Said("Restored this thread: a request is waiting for you.")).ToBeVisibleAsync();
        await Expect(bubbles).ToHaveTextAsync(before.ToArray());
        var tool = _demo.Page.Locator(".tool");
        await Expect(tool).ToHaveCountAsync(1);
        await Expect(tool.Locator(".tool-name code")).ToHaveTextAsync("sendEmail");
        await Expect(tool.Locator(".tool-waiting")).ToHaveTextAsync("Waiting for your approval below.");
        await Expect(card).ToBeFocusedAsync();
        await Expect(card.Locator("dd")).ToHaveTextAsync(["alice@example.com", "Hello from the assistant"]);
        await Expect(_demo.Send).ToBeDisabledAsync();
        await _demo.ScreenshotAsync("reload-restored-conversation");
        (await _demo.SentEmailsAsync()).Should().BeEmpty();

        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        await Expect(_demo.Said("Done. Sent to alice@example.com.")).ToBeVisibleAsync();
        await Expect(tool.Locator(".tool-result")).ToHaveTextAsync("Result: Sent to alice@example.com.");
        (await _demo.SentEmailsAsync()).Should().ContainSingle();
        await Expect(_demo.Send).ToBeEnabledAsync();
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task StopWhileReconnecting_CancelsTheRun_AndTheReconnectedStreamEndsCancelled()
    {
        await _demo.StartAsync(Slow, "tell me everything");
        await Expect(_demo.AgentTexts.Last).ToContainTextAsync("First,", new() { Timeout = 20_000 });
        await GoOfflineAsync();
        await Expect(Status).ToHaveTextAsync(new Regex("^(Offline|Reconnecting)"));

        await _demo.Page.Context.SetOfflineAsync(false);
        await _demo.Stop.ClickAsync();

        await Expect(_demo.Said("Stopped: the run was cancelled.")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(_demo.AgentTexts).ToHaveCountAsync(1);
        (await _demo.AgentTexts.Last.TextContentAsync()).Should().NotBe(SlowAgent.Answer).And.Match(t => SlowAgent.Answer.StartsWith(t!, StringComparison.Ordinal));
        await Expect(_demo.Send).ToBeEnabledAsync();
        ((string?)(await _demo.ThreadViewAsync(Slow))["status"]).Should().Be("idle");
        OutsideTheOutage(_demo.Errors).Should().BeEmpty();
    }

    [BrowserFact]
    public async Task AReconnectToAnUnknownRun_IsAnErrorOnThePage_NotAHang()
    {
        // The reconnect reaches a server that does not know the run (as after a restart of an in-memory log, or at an
        // instance without the run's log): the request is sent on with a run id the server never saw, and the real
        // server answers 404 RUN_NOT_FOUND.
        await _demo.Page.RouteAsync("**/runs/*/events", route =>
            route.ContinueAsync(new() { Url = Regex.Replace(route.Request.Url, "/runs/[^/]+/events", "/runs/run-unknown/events") }));
        await _demo.StartAsync(Slow, "tell me everything");
        await Expect(_demo.AgentTexts.Last).ToContainTextAsync("First,", new() { Timeout = 20_000 });
        await GoOfflineAsync();
        await Expect(Status).ToHaveTextAsync(new Regex("^(Offline|Reconnecting)"));

        await _demo.Page.Context.SetOfflineAsync(false);

        await Expect(_demo.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(new Regex("^Could not reconnect to the run: RUN_NOT_FOUND"), new() { Timeout = 30_000 });
        await Expect(Status).ToHaveTextAsync(new Regex("^The run's events are lost"));
        await Expect(_demo.Stop).ToBeEnabledAsync(); // the run is still going on the server: Stop can end it
        await _demo.ScreenshotAsync("reconnect-refused");

        await _demo.Stop.ClickAsync();
        await Expect(_demo.Send).ToBeEnabledAsync(new() { Timeout = 30_000 });
        ((string?)(await _demo.ThreadViewAsync(Slow))["status"]).Should().Be("idle");
        OutsideTheOutage(_demo.Errors, refusedReconnect: true).Should().BeEmpty();
    }

    /// <summary>The network goes away: new requests fail (offline) and the open event stream is cut.</summary>
    private async Task GoOfflineAsync()
    {
        await _demo.Page.Context.SetOfflineAsync(true);
        fixture.Server.Streams.CutAll().Should().Be(1, "the page had one stream open");
    }

    /// <summary>
    /// The page's errors but chromium's own lines about the requests the outage failed (the cut stream, the reconnects
    /// tried while offline) and, where expected, about a refused reconnect.
    /// </summary>
    private static List<string> OutsideTheOutage(IReadOnlyList<string> errors, bool refusedReconnect = false) =>
        errors.Where(e => !(e.StartsWith("Failed to load resource: ", StringComparison.Ordinal)
            && (e.EndsWith("net::ERR_CONNECTION_RESET", StringComparison.Ordinal) || e.EndsWith("net::ERR_INTERNET_DISCONNECTED", StringComparison.Ordinal)
                || (refusedReconnect && e.EndsWith("status of 404 (Not Found)", StringComparison.Ordinal))))).ToList();
}
