using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AutomagikHello.AgUi.BrowserTests;

/// <summary>
/// The demo page in a chromium of its own whose microphone plays a WAV file (<see cref="BrowserFixture.LaunchWithMicrophoneAsync"/>).
/// The page has no Web Speech recognition here (it is removed before the page loads: chromium's recogniser sends the
/// audio to a Google service that Debian's chromium has no key for), so the typed message is the transcript; headless
/// chromium has no speechSynthesis voices, so answers are spoken at the documented fallback rate.
/// </summary>
public sealed class MicrophonePage : IAsyncDisposable
{
    private const string NoRecognition =
        "for (const name of ['SpeechRecognition', 'webkitSpeechRecognition']) { delete window[name]; Object.defineProperty(window, name, { value: undefined, configurable: true }); }";

    private readonly IBrowser _browser;
    private readonly ConcurrentQueue<JsonNode> _runInputs = new();
    private int _cancelPosts;

    private MicrophonePage(IBrowser browser, DemoPage demo)
    {
        _browser = browser;
        Demo = demo;
        demo.Page.Request += (_, request) =>
        {
            if (request.Method != "POST")
            {
                return;
            }

            if (request.Url.EndsWith("/agents/voice", StringComparison.Ordinal) && request.PostData is { } body)
            {
                _runInputs.Enqueue(JsonNode.Parse(body)!);
            }
            else if (request.Url.Contains("/agents/voice/threads/", StringComparison.Ordinal) && request.Url.EndsWith("/cancel", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _cancelPosts);
            }
        };
    }

    public DemoPage Demo { get; }

    public IPage Page => Demo.Page;

    /// <summary>The page's own chromium (the voice latency harness traces it).</summary>
    public IBrowser Browser => _browser;

    /// <summary>The RunAgentInputs the page posted to the voice agent, in order.</summary>
    public IReadOnlyList<JsonNode> RunInputs => [.. _runInputs];

    /// <summary>How many cancel requests the page posted.</summary>
    public int CancelPosts => Volatile.Read(ref _cancelPosts);

    /// <summary>The microphone toggle ("Microphone", "Microphone on" while listening).</summary>
    public ILocator Microphone => Page.GetByRole(AriaRole.Button, new() { Name = "Microphone" });

    public static async Task<MicrophonePage> OpenAsync(BrowserFixture fixture, string wavPath)
    {
        var browser = await fixture.LaunchWithMicrophoneAsync(wavPath);
        try
        {
            var page = await fixture.NewPageAsync(browser);
            await page.AddInitScriptAsync(NoRecognition);
            return new MicrophonePage(browser, new DemoPage(page, fixture.Server));
        }
        catch
        {
            await browser.CloseAsync();
            throw;
        }
    }

    /// <summary>Waits until the page says the agent is speaking (its speaker has a sentence going).</summary>
    public Task ExpectAgentSpeakingAsync(bool speaking = true) =>
        Expect(Demo.VoicePanel).ToHaveAttributeAsync("data-agent-speaking", speaking ? "true" : "false");

    /// <summary>Turns the microphone on: the file plays from its start.</summary>
    public async Task StartListeningAsync()
    {
        await Microphone.ClickAsync();
        await Expect(Microphone).ToHaveAttributeAsync("aria-pressed", "true");
    }

    /// <summary>Turns the microphone off.</summary>
    public async Task StopListeningAsync()
    {
        await Microphone.ClickAsync();
        await Expect(Microphone).ToHaveAttributeAsync("aria-pressed", "false");
    }

    /// <summary>Waits until the detector has analysed at least this much audio.</summary>
    public Task WaitForAnalysedAsync(TimeSpan audio) =>
        Page.WaitForFunctionAsync(
            "ms => Number(document.getElementById('voice-panel').dataset.analysedMs || 0) >= ms",
            audio.TotalMilliseconds,
            new() { Timeout = 30_000, PollingInterval = 50 });

    /// <summary>The page's voice log (voice-mode.js, aguiVoiceLog): what voice mode did and when.</summary>
    public async Task<JsonArray> VoiceLogAsync() =>
        JsonNode.Parse(await Page.EvaluateAsync<string>("() => JSON.stringify(globalThis.aguiVoiceLog)"))!.AsArray();

    /// <summary>The entries of the voice log of one type.</summary>
    public async Task<List<JsonNode>> VoiceLogAsync(string type) =>
        [.. (await VoiceLogAsync()).Where(e => (string?)e!["type"] == type).Select(e => e!)];

    public async ValueTask DisposeAsync()
    {
        await Demo.DisposeAsync();
        await _browser.CloseAsync();
    }
}
