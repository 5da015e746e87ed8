using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AutomagikHello.AgUi.BrowserTests;

/// <summary>
/// Not a test of speed: a harness that measures voice barge-in on the demo page and records the timings, run on demand
/// with <c>AGUI_VOICE_TRIALS=N</c> (at least 20 for docs/voice.md). After one warm-up trial, each trial: a new thread, the agent speaking, the
/// microphone on (the speech file plays from its start), until the page receives RUN_FINISHED(cancelled). From the
/// page's voice log: the utterance's sound onset (audio clock) → cancel request sent → terminal frame received. Then the
/// noise files are played as many times each while the agent speaks, counting barge-ins. Results:
/// artifacts/test-results/voice-latency.json.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class VoiceLatencyHarness(BrowserFixture fixture, ITestOutputHelper output)
{
    private static int Trials => int.TryParse(Environment.GetEnvironmentVariable("AGUI_VOICE_TRIALS"), out var n) ? n : 0;

    [HarnessFact]
    public async Task MeasureBargeIn()
    {
        var onsetToCancel = new List<double>();
        var onsetToTerminal = new List<double>();
        var cancelToTerminal = new List<double>();
        var detectorDelay = new List<double>();
        var fileOffset = new List<double>();
        var cancelToAccepted = new List<double>();
        await using (var mic = await MicrophonePage.OpenAsync(fixture, TestAudio.Speech))
        {
            await mic.Demo.OpenAsync("voice");
            // Trial 0 warms up (the server's first cancel, the page's first worklet) and is not counted.
            for (var trial = -1; trial < Trials; trial++)
            {
                await mic.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "New chat" }).ClickAsync();
                await mic.Demo.SayAsync("tell me everything");
                await mic.ExpectAgentSpeakingAsync();
                var before = (await mic.VoiceLogAsync()).Count;
                await mic.StartListeningAsync();
                await Expect(mic.Demo.Said("Stopped: the run was cancelled.")).ToBeVisibleAsync();
                await mic.Page.WaitForFunctionAsync("n => aguiVoiceLog.slice(n).some(e => e.type === 'run-finished' && e.outcome === 'cancelled')", before);
                await mic.StopListeningAsync();
                await mic.Page.WaitForFunctionAsync("n => aguiVoiceLog.slice(n).some(e => e.type === 'cancel-accepted')", before);
                var log = (await mic.VoiceLogAsync()).Skip(before).Select(e => e!).ToList();
                if (trial < 0)
                {
                    continue;
                }

                JsonNode First(string type) => log.First(e => (string?)e["type"] == type);
                var onset = First("onset");
                var sound = (double)onset["soundAt"]!;
                var cancel = (double)First("cancel-sent")["at"]!;
                var terminal = (double)log.First(e => (string?)e["type"] == "run-finished" && (string?)e["outcome"] == "cancelled")["at"]!;
                onsetToCancel.Add(cancel - sound);
                onsetToTerminal.Add(terminal - sound);
                cancelToTerminal.Add(terminal - cancel);
                detectorDelay.Add((double)onset["detectedAt"]! - sound);
                fileOffset.Add(sound - (double)First("listening")["at"]!);
                cancelToAccepted.Add((double)First("cancel-accepted")["at"]! - cancel);
            }
        }

        var falseBargeIns = new Dictionary<string, int>();
        foreach (var (name, wav) in new[] { ("silence", TestAudio.Silence), ("low-noise", TestAudio.LowNoise), ("click", TestAudio.Click) })
        {
            await using var mic = await MicrophonePage.OpenAsync(fixture, wav);
            await mic.Demo.OpenAsync("voice");
            var passes = Math.Max(1, Trials / 4);
            for (var pass = 0; pass < passes; pass++)
            {
                await mic.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "New chat" }).ClickAsync();
                await mic.Demo.SayAsync("tell me everything");
                await mic.ExpectAgentSpeakingAsync();
                await mic.StartListeningAsync();
                await mic.WaitForAnalysedAsync(TimeSpan.FromSeconds(TestAudio.LengthSeconds(wav)));
                await mic.StopListeningAsync();
            }

            falseBargeIns[name + " ×" + passes] = (await mic.VoiceLogAsync("barge-in")).Count;
        }

        var result = new JsonObject
        {
            ["trials"] = Trials,
            ["machineLoad"] = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : null,
            ["processors"] = Environment.ProcessorCount,
            ["onsetToCancelSentMs"] = Summary(onsetToCancel),
            ["onsetToTerminalMs"] = Summary(onsetToTerminal),
            ["cancelSentToTerminalMs"] = Summary(cancelToTerminal),
            ["cancelSentTo202Ms"] = Summary(cancelToAccepted),
            ["onsetToDetectionMs"] = Summary(detectorDelay),
            ["microphoneOnToSoundMs"] = Summary(fileOffset),
            ["falseBargeIns"] = new JsonObject(falseBargeIns.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        };
        var text = result.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        output.WriteLine(text);
        var path = Path.Combine(BrowserEnvironment.RepoRoot.FullName, "artifacts", "test-results", "voice-latency.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, text);
        falseBargeIns.Values.Should().AllBeEquivalentTo(0);
    }

    private static JsonObject Summary(List<double> values)
    {
        var sorted = values.Order().ToList();
        double Percentile(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
        string Ms(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["p50"] = Ms(Percentile(0.50)),
            ["p99"] = Ms(Percentile(0.99)),
            ["min"] = Ms(sorted[0]),
            ["max"] = Ms(sorted[^1]),
            ["all"] = new JsonArray([.. values.Select(v => (JsonNode?)Ms(v))]),
        };
    }

    /// <summary>Runs only when AGUI_VOICE_TRIALS is set (and the voice-mode tests can run).</summary>
    private sealed class HarnessFactAttribute : FactAttribute
    {
        public HarnessFactAttribute()
        {
            Skip = TestAudio.SkipReason ?? (Trials > 0 ? null : "The voice latency harness runs on demand: AGUI_VOICE_TRIALS=20.");
        }
    }
}
