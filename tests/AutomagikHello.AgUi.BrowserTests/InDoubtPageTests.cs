using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AutomagikHello.AgUi.BrowserTests;

/// <summary>
/// An interrupt in doubt on the demo page: the <c>approval-fails</c> test agent sends the approved email and then fails,
/// so the approval may have been acted on. The card says so and offers only a re-approval (recorded through the
/// decision endpoint with <c>"reapprove": true</c>, then a resume) or a cancel; a plain resume is refused.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class InDoubtPageTests(BrowserFixture fixture) : IAsyncLifetime
{
    private const string Agent = "approval-fails";
    private const string InDoubtText = "In doubt — the previous attempt may have acted.";
    private DemoPage _demo = null!;

    public async Task InitializeAsync()
    {
        _demo = (await fixture.OpenDemoAsync())!; // null only when the tests skip
        if (_demo is not null)
        {
            await _demo.OfferTestAgentAsync(Agent, "Sends the approved email, then fails.");
        }
    }

    public async Task DisposeAsync()
    {
        if (_demo is not null)
        {
            await _demo.DisposeAsync();
        }
    }

    [BrowserFact]
    public async Task FailedRun_LeavesTheCardInDoubt_AndReapprovingRunsOnceWithoutASecondEmail()
    {
        var card = await ApproveUntilInDoubtAsync();
        var view = await _demo.ThreadViewAsync(Agent);
        var pending = view["pendingInterrupts"]!.AsArray().Single()!;
        ((bool?)pending["inDoubt"]).Should().BeTrue();
        ((string?)pending["inDoubtRunId"]).Should().NotBeNullOrEmpty();

        // Negative: the same approval again as a plain resume is refused, and nothing runs.
        using (var refused = await ResumeAsync((string)pending["interrupt"]!["id"]!, """{"status":"resolved","payload":{"approved":true}}"""))
        {
            refused.StatusCode.Should().Be(HttpStatusCode.Conflict);
            ((string?)JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["code"]).Should().Be("RESUME_IN_DOUBT");
        }

        await card.GetByRole(AriaRole.Button, new() { Name = "Re-approve" }).ClickAsync();

        await Expect(_demo.Said("OK, I did not send anything.")).ToBeVisibleAsync();
        await Expect(_demo.Page.Locator(".tool-result")).ToHaveTextAsync("Result: already sent before the interruption (re-approval: not sent again)");
        await Expect(card).ToContainTextAsync("Re-approved.");
        await Expect(card.Locator(".card-doubt")).ToBeHiddenAsync();
        await Expect(card.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Expect(_demo.Send).ToBeEnabledAsync();
        (await _demo.SentEmailsAsync()).Should().ContainSingle("the email went out once, in the attempt that failed");
        view = await _demo.ThreadViewAsync(Agent);
        ((string?)view["status"]).Should().Be("idle");
        view["pendingInterrupts"]!.AsArray().Should().BeEmpty();
        var decided = await _demo.Page.EvaluateAsync<int>("() => performance.getEntriesByType('resource').filter(e => /\\/interrupts\\//.test(e.name)).length");
        decided.Should().Be(1, "the re-approval is recorded through the decision endpoint once");
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task FailedRun_InDoubtAfterAReload_CancelFinishesWithoutSending()
    {
        await ApproveUntilInDoubtAsync();

        await _demo.Page.ReloadAsync();

        var card = _demo.Card("Approve sendEmail?");
        await Expect(card).ToContainTextAsync(InDoubtText);
        await Expect(card.Locator(".card-badge")).ToHaveTextAsync("In doubt");
        await Expect(card.GetByRole(AriaRole.Button)).ToHaveTextAsync(["Re-approve", "Cancel"]);
        await _demo.ScreenshotAsync("in-doubt-restored");

        await card.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await Expect(_demo.Said("OK, I did not send anything.")).ToBeVisibleAsync();
        await Expect(_demo.Page.Locator(".tool-result")).ToHaveTextAsync("Result: not sent: cancelled");
        await Expect(card).ToContainTextAsync("Cancelled.");
        (await _demo.SentEmailsAsync()).Should().ContainSingle("only the failed attempt sent");
        ((string?)(await _demo.ThreadViewAsync(Agent))["status"]).Should().Be("idle");
        _demo.Errors.Should().BeEmpty();
    }

    /// <summary>Asks for an email, approves it; the run sends it and fails; the card turns in doubt.</summary>
    private async Task<ILocator> ApproveUntilInDoubtAsync()
    {
        await _demo.StartAsync(Agent, "email the team");
        var card = _demo.Card("Approve sendEmail?");
        await Expect(card.Locator(".card-doubt")).ToBeHiddenAsync();

        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        await Expect(_demo.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(new Regex("^Run error"));
        await Expect(card).ToContainTextAsync(InDoubtText);
        await Expect(card.Locator(".card-badge")).ToHaveTextAsync("In doubt");
        await Expect(card.GetByRole(AriaRole.Button)).ToHaveTextAsync(["Re-approve", "Cancel"]);
        await _demo.ScreenshotAsync("in-doubt");
        (await _demo.SentEmailsAsync()).Should().ContainSingle();
        return card;
    }

    private async Task<HttpResponseMessage> ResumeAsync(string interruptId, string entry)
    {
        var body = $$"""{"runId":"run-plain-{{Guid.NewGuid():N}}","messages":[],"resume":[{"interruptId":"{{interruptId}}",{{entry[1..^1]}}}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/agents/{Agent}/threads/{Uri.EscapeDataString(_demo.ThreadId)}/resume")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await fixture.Server.Http.SendAsync(request);
    }
}
