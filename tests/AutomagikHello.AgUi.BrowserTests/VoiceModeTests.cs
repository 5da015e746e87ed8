using System.Text.Json.Nodes;
using static Microsoft.Playwright.Assertions;

namespace AutomagikHello.AgUi.BrowserTests;

/// <summary>
/// Voice mode on the demo page (docs/voice.md) with real audio: chromium's fake microphone plays WAV files made by
/// espeak-ng and sox (<see cref="TestAudio"/>), the page's voice-activity detector runs on them in an AudioWorklet.
/// Speech while the agent speaks barges in (the run is cancelled, what was heard is kept, the utterance is the next
/// turn); silence, low noise and a click do not; speech while the agent is silent is a new turn without a cancel.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class VoiceModeTests(BrowserFixture fixture)
{
    private const string FirstTurn = "tell me everything";
    private const string NextTurn = "what about tomorrow";

    [VoiceFact]
    public async Task SpeechWhileTheAgentSpeaks_BargesIn_CancelsTheRun_KeepsWhatWasHeard_AndIsTheNextTurn()
    {
        await using var mic = await MicrophonePage.OpenAsync(fixture, TestAudio.Speech);
        var demo = mic.Demo;
        await demo.StartAsync("voice", FirstTurn);
        await mic.ExpectAgentSpeakingAsync();
        // No recogniser here: the typed message is the transcript of what the caller is about to say.
        await demo.Message.FillAsync(NextTurn);

        await mic.StartListeningAsync();

        await Expect(demo.Said("Stopped: the run was cancelled.")).ToBeVisibleAsync();
        await Expect(demo.Page.Locator("#events")).ToContainTextAsync("\"outcome\":{\"type\":\"cancelled\"}");
        var heardMark = demo.Page.Locator(".bubble-assistant mark.heard");
        await Expect(heardMark).ToHaveCountAsync(1);
        var heard = (await heardMark.TextContentAsync())!;
        heard.Should().NotBeNullOrWhiteSpace("a sentence was being spoken when the caller talked");
        VoicePageTests.LongAnswer(FirstTurn).Should().StartWith(heard).And.NotBe(heard, "the answer was cut short");
        await Expect(demo.Page.Locator(".bubble-heard")).ToHaveTextAsync("Heard before the interruption: the highlighted part.");

        // The utterance, once complete, is the next run; the conversation it carries keeps only what was heard.
        await Expect(demo.Said(NextTurn)).ToBeVisibleAsync();
        await Expect(demo.AgentTexts.Nth(1)).ToContainTextAsync($"Got it: {NextTurn}.");
        await mic.StopListeningAsync();
        mic.RunInputs.Should().HaveCount(2);
        var next = mic.RunInputs[1];
        ((string?)next["forwardedProps"]!["voice"]!["transcript"]).Should().Be(NextTurn);
        var messages = next["messages"]!.AsArray();
        messages.Select(m => ((string?)m!["role"], (string?)m["content"])).Should().Equal(
            ("user", FirstTurn), ("assistant", heard.TrimEnd()), ("user", NextTurn));
        mic.CancelPosts.Should().Be(1, "one barge-in, one cancel");

        var log = await mic.VoiceLogAsync();
        var types = log.Select(e => (string?)e!["type"]).Where(t => t is "barge-in" or "cancel-sent" or "speech-stopped" or "run-finished" or "turn").ToList();
        types.Should().ContainInOrder("barge-in", "cancel-sent", "run-finished", "turn");
        types.Count(t => t == "barge-in").Should().Be(1);
        // The cancel leaves before the page does anything else, the speech stops right after it; the server got it once.
        types.SkipWhile(t => t != "barge-in").Take(3).Should().Equal("barge-in", "cancel-sent", "speech-stopped");
        fixture.Server.Timeline.Count($"/agents/voice/threads/{demo.ThreadId}/cancel").Should().Be(1);
        log.Single(e => (string?)e!["type"] == "run-finished" && (string?)e["outcome"] == "cancelled").Should().NotBeNull();
        await demo.ScreenshotAsync("voice-mode-barge-in");
        demo.Errors.Should().BeEmpty();
    }

    [VoiceFact]
    public async Task BargeIn_HoldsThePagesRedraws_UntilTheCancelledRunHasEnded()
    {
        await using var mic = await MicrophonePage.OpenAsync(fixture, TestAudio.Speech);
        var demo = mic.Demo;
        await demo.StartAsync("voice", FirstTurn);
        await mic.ExpectAgentSpeakingAsync();
        // Every change to what the barge-in redraws (the status line, the Stop button, the voice panel's state), with
        // the page's performance.now() at which it was made (a mutation observer runs at the end of the changing task).
        await demo.Page.EvaluateAsync(@"() => {
            globalThis.redraws = [];
            const observer = new MutationObserver(records => {
              for (const r of records) redraws.push({ at: performance.now(), what: (r.target.id || r.target.parentNode?.id || r.target.nodeName) + ' ' + (r.attributeName || r.type) });
            });
            observer.observe(document.getElementById('status'), { childList: true, characterData: true, subtree: true });
            observer.observe(document.getElementById('stop'), { attributes: true });
            observer.observe(document.getElementById('voice-panel'), { attributes: true, attributeFilter: ['data-agent-speaking', 'data-caller-speaking'] });
          }");

        await mic.StartListeningAsync();
        await Expect(demo.Said("Stopped: the run was cancelled.")).ToBeVisibleAsync();
        await Expect(mic.Microphone).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(demo.Page.Locator(".bubble-assistant mark.heard")).ToHaveCountAsync(1);
        await mic.ExpectAgentSpeakingAsync(false);
        await Expect(demo.Page.Locator("#stop")).ToBeDisabledAsync();

        var log = await mic.VoiceLogAsync();
        double At(string type) => (double)log.First(e => (string?)e!["type"] == type)!["at"]!;
        var cancelSent = At("cancel-sent");
        var runFinished = At("run-finished");
        var holdMax = await demo.Page.EvaluateAsync<double>("async () => (await import('/js/draw-gate.js')).HOLD_MAX_MS");
        var redraws = JsonNode.Parse(await demo.Page.EvaluateAsync<string>("() => JSON.stringify(redraws)"))!.AsArray()
            .Select(r => (At: (double)r!["at"]!, What: (string?)r["what"])).ToList();
        redraws.Should().Contain(r => r.At > cancelSent, "the barge-in redraws the status line, the controls and the panel");
        // Between the cancel leaving and RUN_FINISHED handled nothing was redrawn, unless the terminal event took longer
        // than the hold's limit.
        redraws.Where(r => r.At > cancelSent && r.At < runFinished && r.At < cancelSent + holdMax).Should().BeEmpty();
        demo.Errors.Should().BeEmpty();
    }

    [VoiceFact]
    public async Task SpeechWhileTheAgentIsSilent_IsANewTurn_WithoutACancel()
    {
        await using var mic = await MicrophonePage.OpenAsync(fixture, TestAudio.Speech);
        var demo = mic.Demo;
        await demo.OpenAsync("voice");
        await demo.Message.FillAsync(NextTurn);

        await mic.StartListeningAsync();

        await Expect(demo.Said(NextTurn)).ToBeVisibleAsync();
        await Expect(demo.AgentTexts.First).ToContainTextAsync($"Got it: {NextTurn}.");
        await mic.StopListeningAsync();
        mic.RunInputs.Should().ContainSingle().Which["forwardedProps"]!["voice"]!["transcript"]!.GetValue<string>().Should().Be(NextTurn);
        mic.CancelPosts.Should().Be(0);
        (await mic.VoiceLogAsync("onset")).Should().ContainSingle("the sentence is one utterance");
        (await mic.VoiceLogAsync("barge-in")).Should().BeEmpty();
        demo.Errors.Should().BeEmpty();
    }

    [VoiceFact]
    public Task SilenceForTheWholeFile_DoesNotBargeIn() => NoBargeInAsync(TestAudio.Silence);

    [VoiceFact]
    public Task LowNoiseForTheWholeFile_DoesNotBargeIn() => NoBargeInAsync(TestAudio.LowNoise);

    [VoiceFact]
    public Task AShortClick_DoesNotBargeIn() => NoBargeInAsync(TestAudio.Click);

    /// <summary>The agent speaks while the microphone plays the whole file: nothing in it may interrupt.</summary>
    private async Task NoBargeInAsync(string wav)
    {
        await using var mic = await MicrophonePage.OpenAsync(fixture, wav);
        var demo = mic.Demo;
        await demo.StartAsync("voice", FirstTurn);
        await mic.ExpectAgentSpeakingAsync();

        await mic.StartListeningAsync();
        // The detector starts a little after the file does, so the whole file has been heard once this much is analysed.
        await mic.WaitForAnalysedAsync(TimeSpan.FromSeconds(TestAudio.LengthSeconds(wav)));

        (await mic.VoiceLogAsync("onset")).Should().BeEmpty();
        (await mic.VoiceLogAsync("barge-in")).Should().BeEmpty();
        mic.CancelPosts.Should().Be(0);
        await mic.ExpectAgentSpeakingAsync();
        await Expect(demo.Page.Locator(".bubble-assistant mark.heard")).ToHaveCountAsync(0);
        await Expect(demo.Said("Stopped: the run was cancelled.")).ToHaveCountAsync(0);
        await mic.StopListeningAsync();
        demo.Errors.Should().BeEmpty();
    }
}
