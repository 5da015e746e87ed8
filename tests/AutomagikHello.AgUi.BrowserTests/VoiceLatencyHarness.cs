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
/// noise files are played as many times each while the agent speaks, counting barge-ins. Each trial's cancel sent →
/// terminal received is also taken apart (<see cref="ServerTimeline"/>, the page's resource timing, the reader's chunk)
/// and repeated from .NET's HttpClient on the same server. Results: artifacts/test-results/voice-latency.json.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class VoiceLatencyHarness(BrowserFixture fixture, ITestOutputHelper output)
{
    private static int Trials => int.TryParse(Environment.GetEnvironmentVariable("AGUI_VOICE_TRIALS"), out var n) ? n : 0;

    [HarnessFact]
    public async Task MeasureBargeIn()
    {
        // The server runs inside the test host, whose test framework keeps three of the process's pool threads blocked
        // for the whole run (xunit's runner and message bus, vstest's socket loop: seen with dotnet-stack). On a busy
        // machine the pool then sometimes has no free thread for the cancel and adds one only after about 500 ms
        // (docs/voice.md). A server process of its own has no such threads; enough spare ones stand in for that.
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), completionPorts);
        try
        {
            await MeasureAsync();
        }
        finally
        {
            ThreadPool.SetMinThreads(workers, completionPorts);
        }
    }

    private async Task MeasureAsync()
    {
        var onsetToCancel = new List<double>();
        var onsetToTerminal = new List<double>();
        var cancelToTerminal = new List<double>();
        var detectorDelay = new List<double>();
        var fileOffset = new List<double>();
        var cancelToAccepted = new List<double>();
        var parts = new Dictionary<string, List<double>>();
        void Part(string name, double value) => (parts.TryGetValue(name, out var list) ? list : parts[name] = []).Add(value);
        var newConnections = 0;
        // After each trial, the same barge-in without a browser (the browser still open, the same server, the same
        // moment): what the machine, loopback TCP, Kestrel and the library cost.
        var withoutBrowser = new List<double>();
        await HttpClientBargeInAsync(fixture.Server.Http); // warm-up, not counted
        JsonObject clock;
        var timeline = fixture.Server.Timeline;
        await using (var mic = await MicrophonePage.OpenAsync(fixture, TestAudio.Speech))
        {
            // When the page's stream reader got the chunk holding RUN_FINISHED (before the page parses it).
            await mic.Page.AddInitScriptAsync(TerminalChunkProbe);
            await mic.Demo.OpenAsync("voice");
            clock = await CalibrateClockAsync(mic.Page);
            var offset = (double)clock["offsetMs"]!;
            var timeOrigin = await mic.Page.EvaluateAsync<double>("() => performance.timeOrigin");
            double PageTime(double serverMs) => serverMs - offset - timeOrigin;
            // AGUI_VOICE_TRACE=FILE: a chromium performance trace of the counted trials (the renderer's main thread, its
            // network loading and IPC), to see what the page does between cancel sent and terminal received.
            var tracePath = Environment.GetEnvironmentVariable("AGUI_VOICE_TRACE");
            Microsoft.Playwright.ICDPSession? trace = null;
            var traceDone = new TaskCompletionSource<string>();
            // Trial 0 warms up (the server's first cancel, the page's first worklet) and is not counted.
            for (var trial = -1; trial < Trials; trial++)
            {
                await mic.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "New chat" }).ClickAsync();
                await mic.Demo.SayAsync("tell me everything");
                await mic.ExpectAgentSpeakingAsync();
                var before = (await mic.VoiceLogAsync()).Count;
                await mic.StartListeningAsync();
                // While a barge-in is measured the harness only polls the page's log, a cheap script on a 100 ms timer:
                // a locator's visibility check forces style and layout on the page's main thread (Playwright retries it
                // every 100-1000 ms), work a real page never does, which landed inside the measured interval.
                await mic.Page.WaitForFunctionAsync(
                    "n => aguiVoiceLog.slice(n).some(e => e.type === 'run-finished' && e.outcome === 'cancelled')",
                    before,
                    new() { PollingInterval = 100, Timeout = 30_000 });
                await Expect(mic.Demo.Said("Stopped: the run was cancelled.")).ToBeVisibleAsync();
                await mic.StopListeningAsync();
                await mic.Page.WaitForFunctionAsync("n => aguiVoiceLog.slice(n).some(e => e.type === 'cancel-accepted')", before);
                var log = (await mic.VoiceLogAsync()).Skip(before).Select(e => e!).ToList();
                if (trial < 0)
                {
                    if (!string.IsNullOrEmpty(tracePath))
                    {
                        await mic.Page.EvaluateAsync(TraceMarks);
                        trace = await mic.Browser.NewBrowserCDPSessionAsync();
                        trace.Event("Tracing.tracingComplete").OnEvent += (_, e) => traceDone.TrySetResult(e!.Value.GetProperty("stream").GetString()!);
                        await trace.SendAsync("Tracing.start", new()
                        {
                            ["transferMode"] = "ReturnAsStream",
                            ["traceConfig"] = new Dictionary<string, object> { ["includedCategories"] = TraceCategories },
                        });
                    }

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

                // Where the time between cancel sent and terminal received goes (page clock, from the cancel sent).
                var threadId = mic.Demo.ThreadId;
                var server = timeline.Cancel(threadId) ?? throw new InvalidOperationException("The server saw no cancel.");
                var end = timeline.Terminal(threadId) ?? throw new InvalidOperationException("The server sent no RUN_FINISHED.");
                var entry = JsonNode.Parse(await mic.Page.EvaluateAsync<string>(
                    "() => { const e = performance.getEntriesByType('resource').filter(r => r.name.endsWith('/cancel')).pop(); return JSON.stringify(e.toJSON()); }"))!;
                double Rt(string name) => (double)entry[name]! - cancel;
                Part("detector's message reached the page → cancel sent", cancel - (double)onset["receivedAt"]!);
                Part("sent → fetch start (resource timing)", Rt("fetchStart"));
                Part("sent → request on the socket (requestStart)", Rt("requestStart"));
                Part("sent → server: request reached the pipeline", PageTime(server.ArrivedMs) - cancel);
                Part("requestStart → server arrival", PageTime(server.ArrivedMs) - (double)entry["requestStart"]!);
                Part("server: cancel arrival → handled (202 written)", server.HandledMs - server.ArrivedMs);
                Part("server: cancel arrival → RUN_FINISHED flush begins", end.WrittenMs - server.ArrivedMs);
                Part("server: RUN_FINISHED flush", end.FlushedMs - end.WrittenMs);
                Part("server: RUN_FINISHED flushed → page received it", terminal - PageTime(end.FlushedMs));
                var stream = JsonNode.Parse(await mic.Page.EvaluateAsync<string>(
                    "() => JSON.stringify({ end: performance.getEntriesByType('resource').filter(r => r.name.endsWith('/agents/voice')).pop()?.responseEnd ?? null, chunk: globalThis.aguiTerminalChunks.pop(), cleared: performance.clearResourceTimings() })"))!;
                var chunk = (double)stream["chunk"]!;
                Part("server: RUN_FINISHED flushed → page's reader got the chunk", chunk - PageTime(end.FlushedMs));
                Part("page's reader got the chunk → RUN_FINISHED handled", terminal - chunk);
                if (stream["end"] is { } streamEnd)
                {
                    Part("server: RUN_FINISHED flushed → stream's responseEnd (network service)", (double)streamEnd - PageTime(end.FlushedMs));
                }
                Part("server: 202 handled → responseStart (resource timing)", (double)entry["responseStart"]! - PageTime(server.HandledMs));
                Part("responseStart → 202 seen by the script", (double)First("cancel-accepted")["at"]! - (double)entry["responseStart"]!);
                Part("thread pool threads at the cancel's arrival", server.PoolThreads);
                Part("thread pool work items waiting at the cancel's arrival", server.PoolPending);
                withoutBrowser.Add(await HttpClientBargeInAsync(fixture.Server.Http));
                if (server.RequestOnConnection == 1 || (double)entry["connectEnd"]! > (double)entry["connectStart"]!)
                {
                    newConnections++;
                }
            }

            if (trace is not null)
            {
                await trace.SendAsync("Tracing.end");
                var handle = await traceDone.Task;
                await using var file = File.Create(tracePath!);
                for (;;)
                {
                    var read = (await trace.SendAsync("IO.read", new() { ["handle"] = handle, ["size"] = 1 << 20 }))!.Value;
                    var data = read.GetProperty("data").GetString()!;
                    var bytes = read.TryGetProperty("base64Encoded", out var b64) && b64.GetBoolean() ? Convert.FromBase64String(data) : System.Text.Encoding.UTF8.GetBytes(data);
                    await file.WriteAsync(bytes);
                    if (read.GetProperty("eof").GetBoolean())
                    {
                        break;
                    }
                }

                await trace.SendAsync("IO.close", new() { ["handle"] = handle });
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
            ["cancelOnNewConnection"] = newConnections,
            ["httpClientCancelSentToTerminalMs"] = Summary(withoutBrowser),
            ["clock"] = clock,
            ["decomposition"] = new JsonObject(parts.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)Summary(p.Value)))),
            ["falseBargeIns"] = new JsonObject(falseBargeIns.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        };
        var text = result.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        output.WriteLine(text);
        var path = Path.Combine(BrowserEnvironment.RepoRoot.FullName, "artifacts", "test-results", "voice-latency.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, text);
        falseBargeIns.Values.Should().AllBeEquivalentTo(0);
    }

    /// <summary>
    /// One barge-in from .NET's HttpClient (the SSE stream on one connection, the cancel on another): the voice agent
    /// speaking, the cancel posted at its first word, timed until RUN_FINISHED(cancelled) is read.
    /// </summary>
    private static async Task<double> HttpClientBargeInAsync(HttpClient http)
    {
        var threadId = "harness-" + Guid.NewGuid().ToString("N");
        var body = "{\"threadId\":\"" + threadId + "\",\"runId\":\"r1\",\"messages\":[],\"forwardedProps\":{\"voice\":{\"scenario\":\"barge-in\",\"transcript\":\"tell me everything\"}}}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/agents/voice") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var sent = 0L;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (sent == 0 && line.Contains("\"TEXT_MESSAGE_CONTENT\"", StringComparison.Ordinal))
            {
                sent = System.Diagnostics.Stopwatch.GetTimestamp();
                (await http.PostAsync(new Uri($"/agents/voice/threads/{threadId}/cancel", UriKind.Relative), null)).StatusCode.Should().Be(System.Net.HttpStatusCode.Accepted);
            }
            else if (line.Contains("\"RUN_FINISHED\"", StringComparison.Ordinal))
            {
                line.Should().Contain("cancelled");
                return System.Diagnostics.Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            }
        }

        throw new InvalidOperationException("The stream ended without RUN_FINISHED.");
    }

    private static readonly string[] TraceCategories =
    [
        "toplevel", "devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "blink.user_timing",
        "loading", "mojom", "ipc", "net", "netlog", "renderer.scheduler", "disabled-by-default-devtools.timeline.frame",
    ];

    // Only when tracing: a user-timing mark for each voice log entry and each chunk the stream reader gets.
    private const string TraceMarks = @"() => {
        const push = aguiVoiceLog.push;
        aguiVoiceLog.push = function (entry) { performance.mark('voice:' + entry.type); return push.call(this, entry); };
        const chunks = aguiTerminalChunks.push;
        aguiTerminalChunks.push = function (at) { performance.mark('voice:terminal-chunk'); return chunks.call(this, at); };
      }";

    private const string TerminalChunkProbe = @"
        globalThis.aguiTerminalChunks = [];
        const read = ReadableStreamDefaultReader.prototype.read;
        ReadableStreamDefaultReader.prototype.read = function () {
          return read.call(this).then(result => {
            if (typeof result.value === 'string' && result.value.includes('""RUN_FINISHED""')) globalThis.aguiTerminalChunks.push(performance.now());
            return result;
          });
        };";

    /// <summary>
    /// The server's clock against the page's (<c>performance.timeOrigin + performance.now()</c>): pings of
    /// <see cref="ServerTimeline.ClockPath"/>; the offset from the fastest round trip (the server read its clock between
    /// the page's two readings, so the error is at most half that round trip).
    /// </summary>
    private static async Task<JsonObject> CalibrateClockAsync(Microsoft.Playwright.IPage page)
    {
        var pings = JsonNode.Parse(await page.EvaluateAsync<string>(
            @"async path => {
                const pings = [];
                for (let i = 0; i < 40; i++) {
                  const sent = performance.timeOrigin + performance.now();
                  const server = Number(await (await fetch(path, { cache: 'no-store' })).text());
                  const received = performance.timeOrigin + performance.now();
                  pings.push({ sent, server, received });
                }
                return JSON.stringify(pings);
            }", ServerTimeline.ClockPath))!.AsArray();
        var samples = pings.Select(p => (Sent: (double)p!["sent"]!, Server: (double)p["server"]!, Received: (double)p["received"]!)).ToList();
        var best = samples.MinBy(p => p.Received - p.Sent);
        string Ms(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["offsetMs"] = best.Server - ((best.Sent + best.Received) / 2),
            ["errorBoundMs"] = Ms((best.Received - best.Sent) / 2),
            ["pingRoundTripMs"] = Summary(samples.Select(p => p.Received - p.Sent).ToList()),
        };
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
