using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AutomagikHello.AgUi.BrowserTests;

/// <summary>
/// The demo page in headless chromium against the demo on Kestrel: approvals (approve, deny, edited arguments, three in
/// parallel), the schema form with inline validation, stopping a run (barge-in), a reload with a pending interrupt, an
/// expired interrupt. Every test also fails on a JavaScript error or a console error in the page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DemoPageTests(BrowserFixture fixture) : IAsyncLifetime
{
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
    public async Task Approval_Approve_SendsTheEmailOnceAndShowsTheToolResult()
    {
        await _demo.StartAsync("approval", "email the team about Friday");

        var card = _demo.Card("Approve sendEmail?");
        await Expect(card).ToBeVisibleAsync();
        await Expect(card).ToBeFocusedAsync();
        await Expect(card).ToContainTextAsync("Send email 1 of 1 to recipient1@example.com?");
        await Expect(card.Locator("dd").First).ToHaveTextAsync("recipient1@example.com");
        await Expect(_demo.Send).ToBeDisabledAsync();
        await _demo.ScreenshotAsync("approval-card");

        // Keyboard only: the focused card's first control is Approve.
        await _demo.Page.Keyboard.PressAsync("Tab");
        await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Approve" })).ToBeFocusedAsync();
        await _demo.Page.Keyboard.PressAsync("Enter");

        await Expect(_demo.Said("Done: the email was sent.")).ToBeVisibleAsync();
        await Expect(_demo.Page.Locator(".tool-result")).ToHaveTextAsync("Result: sent");
        await Expect(card).ToContainTextAsync("Approved.");
        await Expect(card.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Expect(_demo.Send).ToBeEnabledAsync();
        await _demo.ScreenshotAsync("approval-approved");
        var sent = await _demo.SentEmailsAsync();
        sent.Should().ContainSingle();
        ((string?)JsonNode.Parse((string)sent[0]!["arguments"]!)!["to"]).Should().Be("recipient1@example.com");
        ((string?)(await _demo.ThreadViewAsync("approval"))["status"]).Should().Be("idle");
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task Approval_Deny_SendsNothing()
    {
        await _demo.StartAsync("approval", "email the team");

        await _demo.Card("Approve sendEmail?").GetByRole(AriaRole.Button, new() { Name = "Deny" }).ClickAsync();

        await Expect(_demo.Said("OK, I did not send anything.")).ToBeVisibleAsync();
        await Expect(_demo.Page.Locator(".tool-result")).ToHaveTextAsync("Result: not sent: denied");
        (await _demo.SentEmailsAsync()).Should().BeEmpty();
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task Approval_EditedArguments_AreWhatIsSent_AndInvalidJsonIsRefusedInline()
    {
        await _demo.StartAsync("approval", "email the team");
        var card = _demo.Card("Approve sendEmail?");
        await card.GetByRole(AriaRole.Button, new() { Name = "Edit arguments" }).ClickAsync();
        var editor = card.GetByLabel("Arguments (JSON)");
        await Expect(editor).ToBeFocusedAsync();
        await Expect(editor).ToHaveValueAsync(new Regex("\"to\": \"recipient1@example.com\""));

        await editor.FillAsync("{\"to\": \"boss@example.com\",");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve with edits" }).ClickAsync();
        await Expect(card.GetByText(new Regex("^Not valid JSON"))).ToBeVisibleAsync();
        await Expect(editor).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(editor).ToBeFocusedAsync();
        await editor.FillAsync("[\"boss@example.com\"]");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve with edits" }).ClickAsync();
        await Expect(card.GetByText("The arguments must be a JSON object", new() { Exact = false })).ToBeVisibleAsync();
        (await _demo.SentEmailsAsync()).Should().BeEmpty("an invalid edit is refused before anything is sent");
        await _demo.ScreenshotAsync("approval-edit-invalid");

        await editor.FillAsync("""{"to": "boss@example.com", "subject": "Friday", "body": "See you there."}""");
        await Expect(editor).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve with edits" }).ClickAsync();

        await Expect(_demo.Page.Locator(".tool-result")).ToHaveTextAsync("Result: sent (with edited arguments)");
        var sent = await _demo.SentEmailsAsync();
        sent.Should().ContainSingle();
        var arguments = JsonNode.Parse((string)sent[0]!["arguments"]!)!;
        ((string?)arguments["to"]).Should().Be("boss@example.com");
        ((string?)arguments["subject"]).Should().Be("Friday");
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task ApprovalParallel_ThreeCardsAnsweredOneByOne_AreSentInOneResume()
    {
        await _demo.StartAsync("approval-parallel", "invite everyone");
        var cards = _demo.Card("Approve sendEmail?");
        await Expect(cards).ToHaveCountAsync(3);
        await Expect(cards.Nth(0)).ToBeFocusedAsync();
        await _demo.ScreenshotAsync("approval-parallel-cards");

        await cards.Nth(0).GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(cards.Nth(1)).ToBeFocusedAsync();
        await Expect(_demo.Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("1 of 3 answered.");
        (await _demo.SentEmailsAsync()).Should().BeEmpty("nothing is sent before every interrupt is answered");
        await cards.Nth(1).GetByRole(AriaRole.Button, new() { Name = "Deny" }).ClickAsync();
        await cards.Nth(2).GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        await Expect(_demo.Said("Done: 2 of 3 emails sent.")).ToBeVisibleAsync();
        var sent = await _demo.SentEmailsAsync();
        sent.Select(e => (string?)JsonNode.Parse((string)e!["arguments"]!)!["to"]).Should().BeEquivalentTo("recipient1@example.com", "recipient3@example.com");
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task Form_ShowsValidationErrorsInline_ThenSendsTheValidAnswer()
    {
        await _demo.StartAsync("form", "prepare the quarterly report");
        var card = _demo.Card("Quarterly report");
        await Expect(card).ToBeFocusedAsync();
        var quarter = card.GetByRole(AriaRole.Combobox, new() { Name = "Quarter" });
        var year = card.GetByRole(AriaRole.Spinbutton, new() { Name = "Year" });
        var revenue = card.GetByRole(AriaRole.Spinbutton, new() { Name = "Revenue (EUR)" });
        await Expect(year).ToHaveAttributeAsync("min", "2000");
        await Expect(year).ToHaveAttributeAsync("step", "1");

        await year.FillAsync("1999");
        await revenue.FillAsync("12.5");
        await card.GetByRole(AriaRole.Button, new() { Name = "Send answer" }).ClickAsync();

        await Expect(card.GetByText("Quarter is required.")).ToBeVisibleAsync();
        await Expect(card.GetByText("Year must be 2000 or more.")).ToBeVisibleAsync();
        await Expect(quarter).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(year).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(revenue).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(quarter).ToBeFocusedAsync();
        await Expect(year).ToHaveAccessibleDescriptionAsync(new Regex("Year must be 2000 or more\\."));
        await _demo.ScreenshotAsync("form-validation-error");
        await Expect(_demo.Conversation.GetByText(new Regex("^Recorded:"))).ToHaveCountAsync(0);

        await quarter.SelectOptionAsync("Q3");
        await year.FillAsync("2025");
        await Expect(year).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await year.PressAsync("Enter");

        await Expect(_demo.Said("Recorded: Q3 2025 revenue 12.50 EUR.")).ToBeVisibleAsync();
        await Expect(card).ToContainTextAsync("Sent.");
        await _demo.ScreenshotAsync("form-answered");
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task Stop_DuringTheSlowAgentsAnswer_EndsTheRunCancelled_AndNoMoreTextArrives()
    {
        await _demo.StartAsync("slow", "explain barge-in");
        await Expect(_demo.AgentTexts.First).ToContainTextAsync("Let me think about");
        await Expect(_demo.Stop).ToBeEnabledAsync();

        await _demo.Stop.ClickAsync();

        await Expect(_demo.Said("Stopped: the run was cancelled.")).ToBeVisibleAsync();
        await Expect(_demo.Stop).ToBeDisabledAsync();
        await Expect(_demo.Send).ToBeEnabledAsync();
        var text = await _demo.AgentTexts.First.TextContentAsync();
        text.Should().NotContain("rather long answer.", "the answer was cut short");
        // The stream ended with RUN_FINISHED {cancelled}; the thread is idle, and the text stays as it was.
        ((string?)(await _demo.ThreadViewAsync("slow"))["status"]).Should().Be("idle");
        await Expect(_demo.AgentTexts.First).ToHaveTextAsync(text!);
        await Expect(_demo.Page.Locator("#events")).ToContainTextAsync("\"outcome\":{\"type\":\"cancelled\"}");
        await _demo.ScreenshotAsync("stopped");
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task NewChat_DuringARun_DropsItsStream_AndTheNewConversationCanSend()
    {
        await _demo.StartAsync("slow", "explain barge-in");
        await Expect(_demo.AgentTexts.First).ToContainTextAsync("Let me think");
        var oldThread = _demo.ThreadId;

        await _demo.Page.GetByRole(AriaRole.Button, new() { Name = "New chat" }).ClickAsync();

        await Expect(_demo.AgentTexts).ToHaveCountAsync(0);
        await Expect(_demo.Stop).ToBeDisabledAsync();
        await Expect(_demo.Message).ToBeFocusedAsync();
        _demo.ThreadId.Should().NotBe(oldThread);
        await _demo.Agent.SelectOptionAsync("echo");
        await _demo.Message.FillAsync("still here");
        await _demo.Message.PressAsync("Enter");
        await Expect(_demo.AgentTexts).ToHaveTextAsync(["still here"]);
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task Reload_WithAPendingInterrupt_BringsTheCardBack_AndApprovingItSendsTheEmail()
    {
        await _demo.StartAsync("approval", "email the team");
        await Expect(_demo.Card("Approve sendEmail?")).ToBeVisibleAsync();
        var thread = _demo.ThreadId;

        await _demo.Page.ReloadAsync();

        await Expect(_demo.Said("Restored this thread: a request is waiting for you.")).ToBeVisibleAsync();
        _demo.ThreadId.Should().Be(thread);
        await Expect(_demo.Said("email the team")).ToBeVisibleAsync();
        await Expect(_demo.Said("I'd like to send this email. Please approve it.")).ToBeVisibleAsync();
        await Expect(_demo.Message).ToHaveValueAsync("");
        await Expect(_demo.Agent).ToHaveValueAsync("approval");
        var card = _demo.Card("Approve sendEmail?");
        await Expect(card).ToBeFocusedAsync();
        await Expect(card.Locator("dd").First).ToHaveTextAsync("recipient1@example.com");
        await Expect(_demo.Send).ToBeDisabledAsync();
        await _demo.ScreenshotAsync("reload-restored-card");

        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        await Expect(_demo.Said("Done: the email was sent.")).ToBeVisibleAsync();
        (await _demo.SentEmailsAsync()).Should().ContainSingle();
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task Reload_AfterADecisionOutOfBand_ShowsItDecided_AndContinueAppliesIt()
    {
        await _demo.StartAsync("approval", "email the team");
        await Expect(_demo.Card("Approve sendEmail?")).ToBeVisibleAsync();
        var interruptId = (string)(await _demo.ThreadViewAsync("approval"))["pendingInterrupts"]![0]!["interrupt"]!["id"]!;
        using (var decision = await fixture.Server.Http.PostAsync(
            $"/agents/approval/threads/{Uri.EscapeDataString(_demo.ThreadId)}/interrupts/{Uri.EscapeDataString(interruptId)}",
            new StringContent("""{"status":"resolved","payload":{"approved":true}}""", System.Text.Encoding.UTF8, "application/json")))
        {
            decision.IsSuccessStatusCode.Should().BeTrue();
        }

        (await _demo.SentEmailsAsync()).Should().BeEmpty("a recorded decision is applied by the next run, not before");
        await _demo.Page.ReloadAsync();

        var card = _demo.Card("Approve sendEmail?");
        await Expect(card).ToContainTextAsync("Decided elsewhere: approved.");
        await Expect(card.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        var resume = _demo.Conversation.GetByRole(AriaRole.Button, new() { Name = "Continue" });
        await Expect(resume).ToBeFocusedAsync();
        await _demo.ScreenshotAsync("decided-out-of-band");
        await resume.PressAsync("Enter");

        await Expect(_demo.Said("Done: the email was sent.")).ToBeVisibleAsync();
        (await _demo.SentEmailsAsync()).Should().ContainSingle();
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task Reload_OnAThreadWithoutPendingInterrupts_ShowsNoCard()
    {
        await _demo.StartAsync("approval", "email the team");
        await _demo.Card("Approve sendEmail?").GetByRole(AriaRole.Button, new() { Name = "Deny" }).ClickAsync();
        await Expect(_demo.Said("OK, I did not send anything.")).ToBeVisibleAsync();

        await _demo.Page.ReloadAsync();

        await Expect(_demo.Send).ToBeEnabledAsync();
        await Expect(_demo.Conversation.GetByText(new Regex("^Restored this thread"))).ToHaveCountAsync(0);
        await Expect(_demo.Card("Approve sendEmail?")).ToHaveCountAsync(0);
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task Expired_Interrupt_OffersOnlyCancel_AndCancellingSendsNothing()
    {
        await _demo.StartAsync("expiring", "email the team, quickly");
        var card = _demo.Card("Approve sendEmail?");
        await Expect(card.GetByText(new Regex("^Expires in 0:0\\d$"))).ToBeVisibleAsync();
        await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Approve" })).ToBeVisibleAsync();

        await Expect(card.GetByText("Expired: it can no longer be answered, only cancelled.")).ToBeVisibleAsync(new() { Timeout = DemoServer.ExpiringAfterMs + 15_000 });

        await Expect(card.GetByRole(AriaRole.Button)).ToHaveCountAsync(1);
        var cancel = card.GetByRole(AriaRole.Button, new() { Name = "Cancel request" });
        await Expect(cancel).ToBeVisibleAsync();
        await Expect(cancel).ToBeFocusedAsync();
        await _demo.ScreenshotAsync("expired-card");
        await cancel.PressAsync("Enter");

        await Expect(_demo.Said("OK, I did not send anything.")).ToBeVisibleAsync();
        await Expect(_demo.Page.Locator(".tool-result")).ToHaveTextAsync("Result: not sent: cancelled");
        (await _demo.SentEmailsAsync()).Should().BeEmpty();
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task AnswerFromTwoTabs_TheSecondSeesTheRunErrorCode_ItsCardCloses_AndOnlyOneEmailIsSent()
    {
        await _demo.StartAsync("approval", "email the team");
        await Expect(_demo.Card("Approve sendEmail?")).ToBeVisibleAsync();
        var second = await _demo.Page.Context.NewPageAsync();
        await second.GotoAsync(_demo.Page.Url);
        var secondCard = second.GetByRole(AriaRole.Region, new() { Name = "Approve sendEmail?" });
        await Expect(secondCard).ToBeVisibleAsync();

        await _demo.Card("Approve sendEmail?").GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(_demo.Said("Done: the email was sent.")).ToBeVisibleAsync();
        await secondCard.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        var error = second.GetByRole(AriaRole.Alert);
        await Expect(error).ToHaveTextAsync(new Regex("^Run error (RESUME_ALREADY_APPLIED|UNKNOWN_INTERRUPT): .+"));
        await Expect(secondCard).ToContainTextAsync("No longer waiting: this request was answered elsewhere.");
        await Expect(secondCard.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Expect(second.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true })).ToBeEnabledAsync();
        await second.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserEnvironment.ScreenshotDirectory, "run-error.png"), FullPage = true });
        (await _demo.SentEmailsAsync()).Should().ContainSingle();
        _demo.Errors.Should().BeEmpty();
    }
}
