using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AutomagikHello.AgUi.BrowserTests;

/// <summary>
/// The demo's assistant (Microsoft.Extensions.AI, on the offline scripted chat client) on the page, where it is the
/// first agent: approving and denying its <c>sendEmail</c>, an edit the tool's schema refuses, and the two approvals
/// of "send two emails" answered together. The demo's outbox (<c>/debug/emails</c>) says what was really sent.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AssistantPageTests(BrowserFixture fixture) : IAsyncLifetime
{
    private const string Agent = "assistant";

    private DemoPage _demo = null!;

    public async Task InitializeAsync() => _demo = (await fixture.OpenDemoAsync())!; // null only when the tests skip

    public async Task DisposeAsync()
    {
        if (_demo is not null)
        {
            await _demo.DisposeAsync();
        }
    }

    [BrowserFact]
    public async Task TheAssistantIsTheDefault_AndApprovingItsEmailSendsItOnce()
    {
        await _demo.Page.GotoAsync("/");

        // Nothing picked: the page opens on the assistant with its suggestion in the message box.
        await Expect(_demo.Agent).ToHaveValueAsync(Agent);
        await Expect(_demo.Message).ToHaveValueAsync("please send the email");
        await Expect(_demo.Page.Locator("#agent-description")).ToContainTextAsync("Microsoft.Extensions.AI");
        await _demo.Message.PressAsync("Enter");

        var card = _demo.Card("Approve sendEmail?");
        await Expect(card).ToBeFocusedAsync();
        await Expect(card).ToContainTextAsync("Approve the call to sendEmail?");
        await Expect(card.Locator("dd")).ToHaveTextAsync(["alice@example.com", "Hello from the assistant"]);
        await Expect(_demo.Send).ToBeDisabledAsync();
        (await _demo.SentEmailsAsync()).Should().BeEmpty("nothing is sent before the approval");
        await _demo.ScreenshotAsync("assistant-approval-card");

        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        await Expect(_demo.Said("Done. Sent to alice@example.com.")).ToBeVisibleAsync();
        await Expect(_demo.Page.Locator(".tool-result")).ToHaveTextAsync("Result: Sent to alice@example.com.");
        await Expect(card).ToContainTextAsync("Approved.");
        await Expect(card.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Expect(_demo.Send).ToBeEnabledAsync();
        await _demo.ScreenshotAsync("assistant-approved");
        var sent = await _demo.SentEmailsAsync();
        sent.Should().ContainSingle();
        var arguments = JsonNode.Parse((string)sent[0]!["arguments"]!)!;
        ((string?)arguments["to"]).Should().Be("alice@example.com");
        ((string?)arguments["subject"]).Should().Be("Hello from the assistant");
        ((string?)(await _demo.ThreadViewAsync(Agent))["status"]).Should().Be("idle");

        // The conversation goes on, and a plain message sends nothing more.
        await _demo.SayAsync("Hello");
        await Expect(_demo.AgentTexts.Last).ToHaveTextAsync(new Regex("^Hello! I am the demo's offline assistant\\."));
        (await _demo.SentEmailsAsync()).Should().ContainSingle();
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task Deny_SendsNothing_AndTheModelSaysSo()
    {
        await _demo.StartAsync(Agent, "please send the email");

        await _demo.Card("Approve sendEmail?").GetByRole(AriaRole.Button, new() { Name = "Deny" }).ClickAsync();

        await Expect(_demo.Page.Locator(".tool-result")).ToHaveTextAsync(new Regex("^Result: .*denied"));
        await Expect(_demo.AgentTexts.Last).ToHaveTextAsync(new Regex("^Done\\. .*denied"));
        await Expect(_demo.Card("Approve sendEmail?")).ToContainTextAsync("Denied.");
        await Expect(_demo.Send).ToBeEnabledAsync();
        await _demo.ScreenshotAsync("assistant-denied");
        (await _demo.SentEmailsAsync()).Should().BeEmpty();
        ((string?)(await _demo.ThreadViewAsync(Agent))["status"]).Should().Be("idle");
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task AnEditTheToolsSchemaRefuses_IsARunError_TheCardReopens_AndAValidEditIsSent()
    {
        await _demo.StartAsync(Agent, "please send the email");
        var card = _demo.Card("Approve sendEmail?");
        await card.GetByRole(AriaRole.Button, new() { Name = "Edit arguments" }).ClickAsync();
        var editor = card.GetByLabel("Arguments (JSON)");

        // Valid JSON, but sendEmail requires a subject: the server refuses it before anything runs.
        await editor.FillAsync("""{"to": "boss@example.com"}""");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve with edits" }).ClickAsync();

        await Expect(_demo.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(new Regex("^Run error INVALID_RESUME_PAYLOAD: .*subject"));
        var approve = card.GetByRole(AriaRole.Button, new() { Name = "Approve" });
        await Expect(approve).ToBeVisibleAsync();
        // Reopened, the card shows the call as recorded (what Approve would send), not the refused edit.
        await Expect(card.Locator("dd")).ToHaveTextAsync(["alice@example.com", "Hello from the assistant"]);
        (await _demo.SentEmailsAsync()).Should().BeEmpty("a refused edit sends nothing");
        ((string?)(await _demo.ThreadViewAsync(Agent))["status"]).Should().Be("interrupted");
        await _demo.ScreenshotAsync("assistant-edit-refused");

        await card.GetByRole(AriaRole.Button, new() { Name = "Edit arguments" }).ClickAsync();
        await editor.FillAsync("""{"to": "boss@example.com", "subject": "Friday"}""");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve with edits" }).ClickAsync();

        await Expect(_demo.Said("Done. Sent to boss@example.com.")).ToBeVisibleAsync();
        var sent = await _demo.SentEmailsAsync();
        sent.Should().ContainSingle();
        var arguments = JsonNode.Parse((string)sent[0]!["arguments"]!)!;
        ((string?)arguments["to"]).Should().Be("boss@example.com");
        ((string?)arguments["subject"]).Should().Be("Friday");
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task SendTwoEmails_TwoCardsAnsweredOneByOne_AreSentInOneResume()
    {
        await _demo.StartAsync(Agent, "send two emails");
        var cards = _demo.Card("Approve sendEmail?");
        await Expect(cards).ToHaveCountAsync(2);
        await Expect(cards.Nth(0)).ToBeFocusedAsync();
        await Expect(cards.Nth(0).Locator("dd").First).ToHaveTextAsync("alice@example.com");
        await Expect(cards.Nth(1).Locator("dd").First).ToHaveTextAsync("bob@example.com");
        await _demo.ScreenshotAsync("assistant-two-cards");

        await cards.Nth(0).GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(cards.Nth(1)).ToBeFocusedAsync();
        await Expect(_demo.Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("1 of 2 answered.");
        (await _demo.SentEmailsAsync()).Should().BeEmpty("nothing is sent before every interrupt is answered");
        await cards.Nth(1).GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        await Expect(_demo.Said("Done. Sent to alice@example.com. Sent to bob@example.com.")).ToBeVisibleAsync();
        await Expect(_demo.Page.Locator(".tool-result")).ToHaveTextAsync(["Result: Sent to alice@example.com.", "Result: Sent to bob@example.com."]);
        var sent = await _demo.SentEmailsAsync();
        sent.Select(e => (string?)JsonNode.Parse((string)e!["arguments"]!)!["to"]).Should().Equal("alice@example.com", "bob@example.com");
        ((string?)(await _demo.ThreadViewAsync(Agent))["status"]).Should().Be("idle");
        _demo.Errors.Should().BeEmpty();
    }
}
