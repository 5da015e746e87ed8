using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AutomagikHello.AgUi.BrowserTests;

/// <summary>
/// The demo page's voice agent (docs/voice.md) in headless chromium: the "Voice turn" panel's scenario and confidence
/// sent as <c>forwardedProps.voice</c>, barge-in with Stop, the low-confidence correction form, Retry after an engine
/// failure, and a hand-off decided by a supervisor over REST while the page polls the thread view. Every test also
/// fails on a JavaScript error or a console error in the page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class VoicePageTests(BrowserFixture fixture) : IAsyncLifetime
{
    private readonly ConcurrentQueue<JsonNode> _runInputs = new();
    private readonly ConcurrentQueue<(string? IfNoneMatch, int Status)> _threadPolls = new();
    private DemoPage _demo = null!;

    public async Task InitializeAsync()
    {
        if (await fixture.OpenDemoAsync() is not { } demo)
        {
            return; // the tests skip
        }

        _demo = demo;
        var page = demo.Page;
        // What the page posts to the agent (the RunAgentInput) and how it polls the thread view.
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.EndsWith("/agents/voice", StringComparison.Ordinal) && request.PostData is { } body)
            {
                _runInputs.Enqueue(JsonNode.Parse(body)!);
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Request.Method == "GET" && response.Url.Contains("/agents/voice/threads/", StringComparison.Ordinal))
            {
                response.Request.Headers.TryGetValue("if-none-match", out var tag);
                _threadPolls.Enqueue((tag, response.Status));
            }
        };
    }

    public async Task DisposeAsync()
    {
        if (_demo is not null)
        {
            await _demo.DisposeAsync();
        }
    }

    /// <summary>The voice agent's long answer (VoiceAgent.LongAnswer), spoken a word every 120 ms by barge-in.</summary>
    internal static string LongAnswer(string transcript) =>
        $"Got it: {transcript}. Let me tell you everything about it, because there is quite a lot to say. " +
        "First, I looked at what you asked and at what I know about you. Second, I checked what is possible today. " +
        "Third, I put it all together so that you do not have to call again. " +
        "If you want me to stop, just start talking, and I will stop at once.";

    [BrowserFact]
    public async Task Panel_IsShownOnlyForTheVoiceAgent_AndAnOutOfRangeConfidenceIsRefusedInline()
    {
        await _demo.OpenAsync("echo");
        await Expect(_demo.VoicePanel).ToBeHiddenAsync();
        await _demo.Agent.SelectOptionAsync("voice");
        await Expect(_demo.VoicePanel).ToBeVisibleAsync();
        await Expect(_demo.VoiceScenario.Locator("option")).ToHaveCountAsync(7);

        await _demo.VoiceScenario.SelectOptionAsync("low-confidence");
        await _demo.VoiceConfidence.FillAsync("1.5");
        await _demo.SayAsync("book a table for two");

        await Expect(_demo.VoicePanel.GetByText("Confidence must be a number from 0 to 1.")).ToBeVisibleAsync();
        await Expect(_demo.VoiceConfidence).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(_demo.VoiceConfidence).ToBeFocusedAsync();
        await Expect(_demo.Said("book a table for two")).ToHaveCountAsync(0);
        _runInputs.Should().BeEmpty("nothing is sent with an invalid confidence");
        await _demo.ScreenshotAsync("voice-panel-invalid");

        await _demo.VoiceConfidence.FillAsync("0.9");
        await Expect(_demo.VoiceConfidence).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await _demo.Message.PressAsync("Enter");

        // At or above the threshold (0.6) the agent trusts the transcript and answers without asking.
        await Expect(_demo.Said("Got it: book a table for two.")).ToBeVisibleAsync();
        var voice = _runInputs.Should().ContainSingle().Subject["forwardedProps"]!["voice"]!;
        ((string?)voice["scenario"]).Should().Be("low-confidence");
        ((string?)voice["transcript"]).Should().Be("book a table for two");
        ((double)voice["confidence"]!).Should().Be(0.9);
        ((int)voice["attempt"]!).Should().Be(1);
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task DrawGate_AHeldRedrawThatThrows_IsReported_AndTheOthersStillRun()
    {
        await _demo.OpenAsync("voice");

        var ran = await _demo.Page.EvaluateAsync<string[]>("""
            async () => {
              const gate = await import('/js/draw-gate.js');
              const ran = [];
              gate.holdDrawing();
              gate.draw(() => ran.push('first'));
              gate.draw(() => { throw new Error('redraw failed on purpose'); });
              gate.draw(() => ran.push('third'));
              const whileHeld = ran.length;
              gate.releaseDrawing();
              return [String(whileHeld), ...ran];
            }
            """);

        ran.Should().Equal("0", "first", "third");
        // reportError reaches the page's error listeners as an uncaught error would; its CDP event may trail the result.
        for (var i = 0; i < 50 && _demo.Errors.Count == 0; i++)
        {
            await Task.Delay(100);
        }

        _demo.Errors.Should().ContainSingle().Which.Should().Contain("redraw failed on purpose");
    }

    [BrowserFact]
    public async Task BargeIn_StopWhileSpeaking_ShowsCancelled_AndTheNextTurnSpeaksFully()
    {
        await _demo.OpenAsync("voice");
        await _demo.VoiceScenario.SelectOptionAsync("barge-in");
        await _demo.SayAsync("tell me everything");
        await Expect(_demo.AgentTexts.First).ToContainTextAsync("Got it: tell me everything.");

        await _demo.Stop.ClickAsync();

        await Expect(_demo.Said("Stopped: the run was cancelled.")).ToBeVisibleAsync();
        await Expect(_demo.Page.Locator(".bubble-assistant.cut")).ToHaveCountAsync(1);
        var cut = await _demo.AgentTexts.First.TextContentAsync();
        LongAnswer("tell me everything").Should().StartWith(cut!).And.NotBe(cut, "the answer was cut short");
        await Expect(_demo.Page.Locator("#events")).ToContainTextAsync("\"outcome\":{\"type\":\"cancelled\"}");
        ((string?)(await _demo.ThreadViewAsync("voice"))["status"]).Should().Be("idle");
        await _demo.ScreenshotAsync("voice-barge-in-stopped");

        await _demo.SayAsync("tell me more");

        await Expect(_demo.AgentTexts.Nth(1)).ToHaveTextAsync(LongAnswer("tell me more"), new() { Timeout = 40_000 });
        await Expect(_demo.Page.Locator(".bubble-assistant.cut")).ToHaveCountAsync(1);
        await Expect(_demo.Stop).ToBeDisabledAsync();
        await Expect(_demo.AgentTexts.First).ToHaveTextAsync(cut!);
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task LowConfidence_AsksWithTheCorrectionForm_AndTheCorrectedTextIsInTheAnswer()
    {
        await _demo.OpenAsync("voice");
        await _demo.VoiceScenario.SelectOptionAsync("low-confidence");
        await _demo.VoiceConfidence.FillAsync("0.42");
        await _demo.SayAsync("book a table for two");

        var card = _demo.Card("Did I hear you right?");
        await Expect(card).ToBeFocusedAsync();
        await Expect(card).ToContainTextAsync("I heard \"book a table for two\" (0.42 confident). Is that right? Confirm it or correct it.");
        await Expect(_demo.Said("Sorry, I am not sure I heard that right.")).ToBeVisibleAsync();
        await Expect(_demo.Send).ToBeDisabledAsync();
        var correction = card.GetByRole(AriaRole.Textbox, new() { Name = "What I actually said" });
        await Expect(card.GetByRole(AriaRole.Checkbox, new() { Name = "That is what I said" })).Not.ToBeCheckedAsync();
        await correction.FillAsync("book a table for four");
        await _demo.ScreenshotAsync("voice-low-confidence-form");

        await correction.PressAsync("Enter");

        await Expect(_demo.Said("Got it: book a table for four.")).ToBeVisibleAsync();
        await Expect(_demo.Conversation.GetByText("Got it: book a table for two.")).ToHaveCountAsync(0);
        await Expect(card).ToContainTextAsync("Sent.");
        await Expect(_demo.Send).ToBeEnabledAsync();
        var inputs = _runInputs.ToArray();
        inputs.Should().HaveCount(2);
        ((double)inputs[0]["forwardedProps"]!["voice"]!["confidence"]!).Should().Be(0.42);
        var resume = inputs[1]["resume"]!.AsArray().Should().ContainSingle().Subject!;
        ((string?)resume["status"]).Should().Be("resolved");
        ((string?)resume["payload"]!["correction"]).Should().Be("book a table for four");
        ((bool)resume["payload"]!["confirmed"]!).Should().BeFalse();
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task SttFailure_ShowsTheCode_AndRetrySendsTheSameTurnAsAttemptTwo()
    {
        await _demo.OpenAsync("voice");
        await _demo.VoiceScenario.SelectOptionAsync("stt-failure");
        await _demo.SayAsync("read my messages");

        await Expect(_demo.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(new Regex("^Run error VOICE_STT_FAILED: Speech recognition failed on attempt 1"));
        var retry = _demo.Conversation.GetByRole(AriaRole.Button, new() { Name = "Retry" });
        await Expect(retry).ToBeFocusedAsync();
        await Expect(_demo.Conversation).ToContainTextAsync("Retry sends the same turn as attempt 2.");
        await Expect(_demo.AgentTexts).ToHaveCountAsync(0);
        await _demo.ScreenshotAsync("voice-stt-failure-retry");

        await retry.PressAsync("Enter");

        await Expect(_demo.Said("Got it: read my messages.")).ToBeVisibleAsync();
        await Expect(retry).ToBeDisabledAsync();
        await Expect(_demo.Conversation.GetByRole(AriaRole.Button, new() { Name = "Retry" })).ToHaveCountAsync(1);
        var turns = _runInputs.Select(input => input["forwardedProps"]!["voice"]!).ToArray();
        turns.Select(t => (int)t["attempt"]!).Should().Equal(1, 2);
        turns.Select(t => (string?)t["transcript"]).Should().Equal("read my messages", "read my messages");
        turns.Select(t => (string?)t["scenario"]).Should().Equal("stt-failure", "stt-failure");
        await Expect(_demo.Said("read my messages")).ToHaveCountAsync(1);
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task TtsFailure_LeavesTheAnswerCut_AndRetrySpeaksItAll()
    {
        await _demo.OpenAsync("voice");
        await _demo.VoiceScenario.SelectOptionAsync("tts-failure");
        await _demo.SayAsync("read my messages");

        await Expect(_demo.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(new Regex("^Run error VOICE_TTS_FAILED: "));
        await Expect(_demo.Page.Locator(".bubble-assistant.cut")).ToHaveCountAsync(1);
        await _demo.Conversation.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();

        await Expect(_demo.AgentTexts.Nth(1)).ToHaveTextAsync(LongAnswer("read my messages"));
        ((int)_runInputs.Last()["forwardedProps"]!["voice"]!["attempt"]!).Should().Be(2);
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task Handoff_DecidedByASupervisorOverRest_WhileThePagePolls_ThenContinueSpeaksTheReply()
    {
        var firstNotModified = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _demo.Page.Response += (_, response) =>
        {
            if (response.Status == 304 && response.Url.Contains("/agents/voice/threads/", StringComparison.Ordinal))
            {
                firstNotModified.TrySetResult();
            }
        };
        await _demo.OpenAsync("voice");
        await _demo.VoiceScenario.SelectOptionAsync("handoff");
        await _demo.SayAsync("I want a person about my refund");

        var card = _demo.Card("Connecting you to a supervisor");
        await Expect(card).ToBeFocusedAsync();
        await Expect(card).ToContainTextAsync("The caller said \"I want a person about my refund\". Please reply to them.");
        await Expect(card).ToContainTextAsync("Waiting for a decision");
        await Expect(card.GetByRole(AriaRole.Button)).ToHaveTextAsync(["Withdraw request"]);
        await Expect(_demo.Send).ToBeDisabledAsync();
        await Expect(_demo.Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "On hold: waiting for a decision from elsewhere." })).ToHaveCountAsync(1);
        // The page polls with the ETag it got: nothing changed yet, so the server answers 304.
        await firstNotModified.Task.WaitAsync(TimeSpan.FromSeconds(15));
        _threadPolls.Should().Contain(p => p.IfNoneMatch != null && p.Status == 304);
        (await _demo.ThreadViewAsync("voice"))["pendingInterrupts"]![0]!["decision"].Should().BeNull();
        await _demo.ScreenshotAsync("voice-handoff-on-hold");

        // The supervisor, another client, replies through the decision endpoint.
        await DecideAsync("""{"status":"resolved","payload":{"reply":"Your refund left today.","supervisor":"Sam"}}""");

        await Expect(card).ToContainTextAsync("Decided elsewhere: Sam replied.");
        await Expect(card.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        var resume = _demo.Conversation.GetByRole(AriaRole.Button, new() { Name = "Continue" });
        await Expect(resume).ToBeFocusedAsync();
        await Expect(_demo.Conversation.GetByText("Sam says: Your refund left today.")).ToHaveCountAsync(0);
        _threadPolls.Should().Contain(p => p.Status == 200 && p.IfNoneMatch != null, "the changed view came back to a conditional poll");
        await _demo.ScreenshotAsync("voice-handoff-decided");

        await resume.PressAsync("Enter");

        await Expect(_demo.Said("Sam says: Your refund left today.")).ToBeVisibleAsync();
        await Expect(_demo.Send).ToBeEnabledAsync();
        ((string?)(await _demo.ThreadViewAsync("voice"))["status"]).Should().Be("idle");
        var last = _runInputs.Last();
        last["resume"]!.AsArray().Should().BeEmpty("the decision was recorded on the server; the resume carries no entry");
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task PolicyHold_ShowsTheRedactedRequestOnHold_AndAfterTheApproversDecisionContinueActsOnIt()
    {
        await _demo.OpenAsync("voice");
        await _demo.VoiceScenario.SelectOptionAsync("policy-hold");
        var viewCheck = _demo.Page.WaitForResponseAsync(r => r.Request.Method == "GET" && r.Url.Contains("/agents/voice/threads/", StringComparison.Ordinal));
        await _demo.SayAsync("transfer 500 euros with card 4111 1111 1111 1111 to Bob");

        var card = _demo.Card("Waiting for an approver");
        await Expect(card).ToBeFocusedAsync();
        // The streamed interrupt does not say who may resolve it: the page looked at the thread view once, and saw.
        var view = JsonNode.Parse(await (await viewCheck).TextAsync())!;
        ((bool?)view["pendingInterrupts"]!.AsArray().Should().ContainSingle().Subject!["requiresApprover"]).Should().BeTrue();
        await Expect(card).ToContainTextAsync("Approve this request? \"transfer 500 euros with card **** 1111 to Bob\"");
        await Expect(card.GetByRole(AriaRole.Checkbox)).ToHaveCountAsync(0, new() { Timeout = 1000 });
        await Expect(card.GetByRole(AriaRole.Button)).ToHaveTextAsync(["Withdraw request"]);
        await _demo.ScreenshotAsync("voice-policy-hold");

        await DecideAsync("""{"status":"resolved","payload":{"approved":true,"note":"identity verified"}}""");

        await Expect(card).ToContainTextAsync("Decided elsewhere: approved.");
        var resume = _demo.Conversation.GetByRole(AriaRole.Button, new() { Name = "Continue" });
        await Expect(resume).ToBeFocusedAsync();
        await resume.PressAsync("Enter");

        await Expect(_demo.Said("A supervisor approved it. Done: transfer 500 euros with card **** 1111 to Bob. Note: identity verified")).ToBeVisibleAsync();
        await Expect(_demo.Page.Locator("#events")).Not.ToContainTextAsync("4111 1111");
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task Handoff_AfterAReload_TheHoldComesBack_AndTheDecisionStillArrives()
    {
        await _demo.OpenAsync("voice");
        await _demo.VoiceScenario.SelectOptionAsync("handoff");
        await _demo.SayAsync("call me back");
        await Expect(_demo.Card("Connecting you to a supervisor")).ToBeVisibleAsync();

        await _demo.Page.ReloadAsync();

        await Expect(_demo.Said("Restored this thread: a request is waiting for you.")).ToBeVisibleAsync();
        var card = _demo.Card("Connecting you to a supervisor");
        await Expect(card).ToBeFocusedAsync();
        await Expect(card).ToContainTextAsync("Waiting for a decision");
        await DecideAsync("""{"status":"resolved","payload":{"reply":"We call you at five."}}""");

        await Expect(card).ToContainTextAsync("Decided elsewhere: A supervisor replied.");
        await _demo.Conversation.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Expect(_demo.Said("A colleague says: We call you at five.")).ToBeVisibleAsync();
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task PolicyHold_AfterAReload_TheThreadViewMarksItApproverOnly_SoItIsAHoldWithOnlyWithdraw_AndTheDecisionArrives()
    {
        await _demo.OpenAsync("voice");
        await _demo.VoiceScenario.SelectOptionAsync("policy-hold");
        await _demo.SayAsync("pay 90 euros with card 4111 1111 1111 1111");
        await Expect(_demo.Card("Waiting for an approver")).ToBeVisibleAsync();

        await _demo.Page.ReloadAsync();

        await Expect(_demo.Said("Restored this thread: a request is waiting for you.")).ToBeVisibleAsync();
        var pending = (await _demo.ThreadViewAsync("voice"))["pendingInterrupts"]!.AsArray().Should().ContainSingle().Subject!;
        ((bool?)pending["requiresApprover"]).Should().BeTrue("the page restores what the thread view says");
        var card = _demo.Card("Waiting for an approver");
        await Expect(card).ToBeFocusedAsync();
        await Expect(card.Locator(".card-badge")).ToHaveTextAsync("On hold");
        await Expect(card).ToContainTextAsync("An approver has to decide this request.");
        await Expect(card).ToContainTextAsync("Waiting for a decision");
        await Expect(card.GetByRole(AriaRole.Button)).ToHaveTextAsync(["Withdraw request"]);
        await Expect(card.GetByRole(AriaRole.Checkbox)).ToHaveCountAsync(0);
        await Expect(_demo.Send).ToBeDisabledAsync();
        var pollsBefore = _threadPolls.Count;

        await DecideAsync("""{"status":"resolved","payload":{"approved":false,"note":"not verified"}}""");

        await Expect(card).ToContainTextAsync("Decided elsewhere: denied.");
        _threadPolls.Count.Should().BeGreaterThan(pollsBefore, "the page polled the thread view for the decision");
        await Expect(card.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Expect(_demo.Conversation.GetByRole(AriaRole.Button, new() { Name = "Continue" })).ToBeFocusedAsync();
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task HoldCards_FollowRequiresApprover_ForAnyReason_AndTheReasonDecidesOnlyWhenItIsUnknown()
    {
        await _demo.OpenAsync("voice");

        // Every demo interrupt that is approver-only has a voice reason, so cards.js is driven directly to show that
        // requiresApprover (not the reason) decides whenever the page knows it.
        var cards = await _demo.Page.EvaluateAsync<System.Text.Json.JsonElement>("""
            async () => {
              const { createInterruptCard } = await import("/js/cards.js");
              const schema = { type: "object", properties: { approved: { type: "boolean" } } };
              const items = [
                { interrupt: { id: "i1", reason: "payments:review", message: "Refund 90 euros?", responseSchema: schema }, requiresApprover: true },
                { interrupt: { id: "i2", reason: "tool_call", toolCallId: "call-1", message: "Send it?" }, toolCallName: "sendEmail", toolCallArguments: "{}", requiresApprover: true },
                { interrupt: { id: "i3", reason: "payments:review", message: "Refund 90 euros?", responseSchema: schema }, requiresApprover: false },
                { interrupt: { id: "i4", reason: "voice:policy_hold", message: "Approve?", responseSchema: schema }, requiresApprover: false },
                { interrupt: { id: "i5", reason: "voice:policy_hold", message: "Approve?", responseSchema: schema } },
                { interrupt: { id: "i6", reason: "payments:review", message: "Refund 90 euros?", responseSchema: schema } },
              ];
              return items.map(item => {
                const card = createInterruptCard(item, () => {});
                return {
                  id: item.interrupt.id,
                  badge: card.element.querySelector(".card-badge").textContent,
                  title: card.element.querySelector("h3").textContent,
                  buttons: [...card.element.querySelectorAll("button")].map(b => b.textContent),
                  waits: card.waitsForDecision,
                };
              });
            }
            """);

        var byId = JsonNode.Parse(cards.GetRawText())!.AsArray().ToDictionary(c => (string)c!["id"]!, c => c!);
        string Summary(string id) =>
            $"{byId[id]["badge"]} | {byId[id]["title"]} | {string.Join(", ", byId[id]["buttons"]!.AsArray().Select(b => (string?)b))} | {(bool)byId[id]["waits"]!}";
        Summary("i1").Should().Be("On hold | Waiting for an approver | Withdraw request | True", "approver-only, whatever the reason");
        Summary("i2").Should().Be("On hold | Waiting for an approver | Withdraw request | True", "an approver-only tool call is not the caller's to approve");
        Summary("i3").Should().Be("Needs your input | Input needed | Send answer, Cancel | False");
        Summary("i4").Should().Be("Needs your input | Input needed | Send answer, Cancel | False", "the view said the caller may answer it");
        Summary("i5").Should().Be("On hold | Waiting for an approver | Withdraw request | True", "unknown: the hold reason stands in");
        Summary("i6").Should().Be("Needs your input | Input needed | Send answer, Cancel | False");
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task Handoff_WithdrawnInAnotherTab_ClosesThePollingTabsCard_AndItsComposerIsFreeAgain()
    {
        await _demo.OpenAsync("voice");
        await _demo.VoiceScenario.SelectOptionAsync("handoff");
        await _demo.SayAsync("I want a person");
        var card = _demo.Card("Connecting you to a supervisor");
        await Expect(card).ToBeVisibleAsync();
        await Expect(_demo.Send).ToBeDisabledAsync();
        var other = await _demo.Page.Context.NewPageAsync();
        await other.GotoAsync(_demo.Page.Url);

        await other.GetByRole(AriaRole.Region, new() { Name = "Connecting you to a supervisor" })
            .GetByRole(AriaRole.Button, new() { Name = "Withdraw request" }).ClickAsync();
        await Expect(other.GetByText("No colleague is free right now. We will call you back.", new() { Exact = true })).ToBeVisibleAsync();

        await Expect(card).ToContainTextAsync("No longer waiting: this request was answered elsewhere.");
        await Expect(card.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Expect(_demo.Conversation.GetByRole(AriaRole.Button, new() { Name = "Continue" })).ToHaveCountAsync(0);
        await _demo.Message.FillAsync("hello again");
        await Expect(_demo.Send).ToBeEnabledAsync();
        _demo.Errors.Should().BeEmpty();
    }

    /// <summary>Records a decision on the page's one pending interrupt, as an approver or supervisor would (REST).</summary>
    private async Task DecideAsync(string decisionJson)
    {
        var interruptId = (string)(await _demo.ThreadViewAsync("voice"))["pendingInterrupts"]![0]!["interrupt"]!["id"]!;
        using var request = new HttpRequestMessage(
            HttpMethod.Post, $"/agents/voice/threads/{Uri.EscapeDataString(_demo.ThreadId)}/interrupts/{Uri.EscapeDataString(interruptId)}")
        {
            Content = new StringContent(decisionJson, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Demo-Role", "approver"); // holds and hand-offs are the approver's to resolve
        using var decision = await fixture.Server.Http.SendAsync(request);
        decision.IsSuccessStatusCode.Should().BeTrue(await decision.Content.ReadAsStringAsync());
    }

    [BrowserFact]
    public async Task Strategy_EnumChoosesTheAnswer_EscalateHoldsForASupervisor_AndWithdrawEndsTheHold()
    {
        await _demo.OpenAsync("voice");
        await _demo.VoiceScenario.SelectOptionAsync("strategy");
        await _demo.SayAsync("change my flight to Friday");
        var strategy = _demo.Card("How should I answer?").GetByRole(AriaRole.Combobox, new() { Name = "Strategy" });
        await Expect(strategy.Locator("option")).ToHaveTextAsync(["Choose…", "concise", "detailed", "escalate"]);
        await strategy.SelectOptionAsync("detailed");
        await _demo.Card("How should I answer?").GetByRole(AriaRole.Button, new() { Name = "Send answer" }).ClickAsync();
        await Expect(_demo.AgentTexts.Last).ToContainTextAsync("Got it: change my flight to Friday. In detail: first, I checked that this is possible.");

        await _demo.SayAsync("change my flight to Monday");
        var second = _demo.Card("How should I answer?").Last;
        await Expect(second).ToBeFocusedAsync();
        await second.GetByRole(AriaRole.Combobox, new() { Name = "Strategy" }).SelectOptionAsync("escalate");
        await second.GetByRole(AriaRole.Button, new() { Name = "Send answer" }).ClickAsync();

        var hold = _demo.Card("Connecting you to a supervisor");
        await Expect(hold).ToBeFocusedAsync();
        await Expect(_demo.Said("I will bring in a person for this.")).ToBeVisibleAsync();
        await hold.GetByRole(AriaRole.Button, new() { Name = "Withdraw request" }).PressAsync("Enter");

        await Expect(_demo.Said("No colleague is free right now. We will call you back.")).ToBeVisibleAsync();
        await Expect(hold).ToContainTextAsync("Withdrawn.");
        await Expect(_demo.Send).ToBeEnabledAsync();
        ((string?)(await _demo.ThreadViewAsync("voice"))["status"]).Should().Be("idle");
        _demo.Errors.Should().BeEmpty();
    }
}
