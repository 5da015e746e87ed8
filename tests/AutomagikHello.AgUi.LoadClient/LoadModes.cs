using System.Diagnostics;
using System.Net;

namespace AutomagikHello.AgUi.LoadClient;

/// <summary>
/// A server under test and its bench endpoints; <paramref name="StorePid"/> is its store's own process (redis-server),
/// whose CPU is reported beside the server's.
/// </summary>
internal sealed record Target(string Name, ServerProcess Server, int? StorePid = null)
{
    /// <summary>The suffix of a target whose runs go to the demo's logged bench agent (the same agent, event log on).</summary>
    public const string LoggedSuffix = "-log";

    /// <summary>Whether the runs go to /agents/bench-logged: the reconnect endpoint answers for them.</summary>
    public bool Logged => Name.EndsWith(LoggedSuffix, StringComparison.Ordinal);

    /// <summary>The demo's thread store of this target: its name without <see cref="LoggedSuffix"/>.</summary>
    public static string Store(string name) => name.EndsWith(LoggedSuffix, StringComparison.Ordinal) ? name[..^LoggedSuffix.Length] : name;

    public Uri Bench => new(Server.BaseAddress, Logged ? "/agents/bench-logged" : "/agents/bench");

    public Uri Cancel(string threadId) => new(Bench + $"/threads/{threadId}/cancel");

    /// <summary>The reconnect endpoint of one run of the logged bench agent.</summary>
    public Uri Events(string threadId, string runId) => new(Bench + $"/threads/{threadId}/runs/{runId}/events");

    /// <summary>The demo's voice agent (ours only: the baseline server has none).</summary>
    public Uri Voice { get; } = new(Server.BaseAddress, "/agents/voice");

    public Uri VoiceCancel(string threadId) => new(Server.BaseAddress, $"/agents/voice/threads/{threadId}/cancel");
}

/// <summary>
/// The six measurements. Server CPU is the server process's utime + stime (<c>/proc/PID/stat</c>) across the mode,
/// memory its VmRSS; latencies are measured by the client with <see cref="Stopwatch"/>. Every run is checked: it
/// must start with RUN_STARTED, carry the expected number of events and end with the expected outcome.
/// </summary>
internal sealed class LoadModes(HttpClient http, Results results, long clockTicksPerSecond)
{
    private const int BenchEvents = 100; // the bench agent's default deltas: a 100-event run
    private const int FramesAround = 4;  // RUN_STARTED, TEXT_MESSAGE_START, TEXT_MESSAGE_END, RUN_FINISHED

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private double CpuMicroseconds(long clockTicks) => clockTicks * 1_000_000.0 / clockTicksPerSecond;

    private static double ClientCpuMs() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;

    /// <summary>(a) <paramref name="streams"/> streams of <paramref name="events"/> content events, one after another.</summary>
    public async Task LongStreamAsync(Target target, int streams, int events, bool record, CancellationToken cancellationToken)
    {
        var logged = new List<(string ThreadId, string RunId)>();
        var clientCpu = ClientCpuMs();
        var storeCpu = StoreCpuTicks(target);
        var cpu = target.Server.ReadCpuTicks();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < streams; i++)
        {
            var chat = new Chat($"long-{Guid.NewGuid():N}");
            var runId = Guid.NewGuid().ToString();
            await using var run = await RunStream.OpenAsync(http, target.Bench, chat.NextRun(events, 0, runId), 256 * 1024, cancellationToken).ConfigureAwait(false);
            await run.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            Check(target, run.IsValid(events + FramesAround, Terminal.Success), run);
            logged.Add((chat.ThreadId, runId));
        }

        var elapsed = Stopwatch.GetTimestamp() - started;
        var cpuTicks = target.Server.ReadCpuTicks() - cpu;
        if (target.Logged)
        {
            // Outside the measured span: each stream's log holds every event up to its terminal (a log that failed
            // half-way, past the log's per-run bound, would flatter the logged server's CPU per event).
            foreach (var (threadId, runId) in logged)
            {
                await CheckLoggedToTheEndAsync(target, threadId, runId, events + FramesAround, cancellationToken).ConfigureAwait(false);
            }
        }

        if (record)
        {
            double total = (double)streams * events;
            results.Add(target.Name, Metrics.LongCpuPerEvent, CpuMicroseconds(cpuTicks) / total);
            results.Add(target.Name, Metrics.LongEventsPerSecond, total / (Ms(elapsed) / 1000));
            results.Add(target.Name, Metrics.LongClientCpuPerEvent, (ClientCpuMs() - clientCpu) * 1000 / total);
            if (target.StorePid is not null)
            {
                results.Add(target.Name, Metrics.LongStoreCpuPerEvent, CpuMicroseconds(StoreCpuTicks(target) - storeCpu) / total);
            }
            Report(target, $"a: {streams} x {events} events in {Ms(elapsed):F0} ms, server CPU {cpuTicks} ticks = {CpuMicroseconds(cpuTicks) / total:F3} µs/event");
        }
    }

    /// <summary>(b) <paramref name="runs"/> 100-event runs from <paramref name="concurrency"/> workers.</summary>
    public async Task ShortRunsAsync(Target target, int runs, int concurrency, bool record, CancellationToken cancellationToken)
    {
        var firstEvent = new double[runs];
        var latency = new double[runs];
        var next = -1;
        var clientCpu = ClientCpuMs();
        var storeCpu = StoreCpuTicks(target);
        var cpu = target.Server.ReadCpuTicks();
        var started = Stopwatch.GetTimestamp();
        var workers = new Task[concurrency];
        for (var w = 0; w < concurrency; w++)
        {
            var worker = w;
            workers[w] = Task.Run(async () =>
            {
                // Each worker is one chat: its runs follow one another on one thread, each carrying the history.
                var chat = new Chat($"chat-{worker}-{Guid.NewGuid():N}");
                int i;
                while ((i = Interlocked.Increment(ref next)) < runs)
                {
                    var body = chat.NextRun(BenchEvents, 0);
                    await using var run = await RunStream.OpenAsync(http, target.Bench, body, 8 * 1024, cancellationToken).ConfigureAwait(false);
                    await run.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                    Check(target, run.IsValid(BenchEvents + FramesAround, Terminal.Success), run);
                    chat.Answered(run);
                    firstEvent[i] = Ms(run.FirstFrameAt - run.SentAt);
                    latency[i] = Ms(run.TerminalAt - run.SentAt);
                }
            }, cancellationToken);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        var elapsed = Stopwatch.GetTimestamp() - started;
        var cpuTicks = target.Server.ReadCpuTicks() - cpu;
        if (record)
        {
            results.Add(target.Name, Metrics.ShortCpuPerRun, CpuMicroseconds(cpuTicks) / runs);
            results.Add(target.Name, Metrics.ShortRunsPerSecond, runs / (Ms(elapsed) / 1000));
            results.Add(target.Name, Metrics.ShortClientCpuPerRun, (ClientCpuMs() - clientCpu) * 1000 / runs);
            if (target.StorePid is not null)
            {
                var storeTicks = StoreCpuTicks(target) - storeCpu;
                results.Add(target.Name, Metrics.ShortStoreCpuPerRun, CpuMicroseconds(storeTicks) / runs);
                results.Add(target.Name, Metrics.ShortCpuPerRunWithStore, CpuMicroseconds(cpuTicks + storeTicks) / runs);
            }
            results.AddSamples(target.Name, Metrics.ShortFirstEvent, firstEvent);
            results.AddSamples(target.Name, Metrics.ShortRunLatency, latency);
            results.Add(target.Name, Metrics.ShortRunLatencyP99, P99(latency));
            Report(target, $"b: {runs} runs x {concurrency} workers in {Ms(elapsed):F0} ms, server CPU {cpuTicks} ticks = {CpuMicroseconds(cpuTicks) / runs:F1} µs/run");
        }
    }

    /// <summary>
    /// (c) <paramref name="count"/> streams held open (holdMs 10 min) past RUN_STARTED, in a fresh server process (a
    /// server warmed by the other modes has a grown heap with room to spare, which hides what streams cost): its paths
    /// are warmed with a few streams and runs first (once: a second pass grows the heap's spare room, which then hides
    /// what the streams cost), then VmRSS is read before and after.
    /// </summary>
    public async Task IdleStreamsAsync(Target target, int count, bool record, CancellationToken cancellationToken)
    {
        using var server = await target.Server.StartAnotherAsync(http).ConfigureAwait(false);
        var fresh = new Target(target.Name, server, target.StorePid); // not `with`: it would copy the old server's URIs
        await CloseAsync(await OpenIdleAsync(fresh, Math.Min(count, 200), cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        await ShortRunsAsync(fresh, 200, 8, false, cancellationToken).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);

        var rssBefore = server.ReadRssKib();
        var partsBefore = server.ReadRssPartsKib();
        var cpu = server.ReadCpuTicks();
        var started = Stopwatch.GetTimestamp();
        var streams = await OpenIdleAsync(fresh, count, cancellationToken).ConfigureAwait(false);
        try
        {
            var opened = Stopwatch.GetTimestamp() - started;

            // Let the server settle (timers armed, nothing in flight), then read its memory twice and keep the larger.
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            var rssAfter = server.ReadRssKib();
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            rssAfter = Math.Max(rssAfter, server.ReadRssKib());
            var partsAfter = server.ReadRssPartsKib();
            var cpuTicks = server.ReadCpuTicks() - cpu;
            if (record)
            {
                results.Add(target.Name, Metrics.IdleKibPerStream, (double)(rssAfter - rssBefore) / count);
                results.Add(target.Name, Metrics.IdleRssBefore, rssBefore / 1024.0);
                results.Add(target.Name, Metrics.IdleRssAfter, rssAfter / 1024.0);
                results.Add(target.Name, Metrics.IdleCpuPerStream, CpuMicroseconds(cpuTicks) / count);
                var anon = (double)(partsAfter.Anon - partsBefore.Anon) / count;
                var file = (double)(partsAfter.File - partsBefore.File) / count;
                var shmem = (double)(partsAfter.Shmem - partsBefore.Shmem) / count;
                results.Add(target.Name, Metrics.IdleAnonKibPerStream, anon);
                results.Add(target.Name, Metrics.IdleFileKibPerStream, file);
                results.Add(target.Name, Metrics.IdleShmemKibPerStream, shmem);
                Report(target, $"c: {count} streams open in {Ms(opened):F0} ms (fresh pid {server.Pid}), RSS {rssBefore / 1024.0:F1} -> {rssAfter / 1024.0:F1} MiB = {(double)(rssAfter - rssBefore) / count:F1} KiB/stream (anon {anon:F1}, file {file:F1}, shmem {shmem:F1})");
            }
        }
        finally
        {
            await CloseAsync(streams).ConfigureAwait(false);
        }
    }

    /// <summary>Opens <paramref name="count"/> held runs, 64 at a time, each read up to RUN_STARTED.</summary>
    private async Task<RunStream[]> OpenIdleAsync(Target target, int count, CancellationToken cancellationToken)
    {
        var streams = new RunStream?[count];
        try
        {
            using var gate = new SemaphoreSlim(64);
            var opening = new Task[count];
            for (var i = 0; i < count; i++)
            {
                var index = i;
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                opening[i] = Task.Run(async () =>
                {
                    try
                    {
                        var body = Chat.FirstRun("idle", 1, 600_000);
                        streams[index] = await RunStream.OpenAsync(http, target.Bench, body, 1024, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }, cancellationToken);
            }

            await Task.WhenAll(opening).ConfigureAwait(false);
            foreach (var stream in streams)
            {
                Check(target, stream is { StartedFirst: true, Frames: 1 }, stream);
            }

            return streams!;
        }
        catch
        {
            await CloseAsync(streams).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Disconnects the streams (the server cancels their runs) and gives the server a moment.</summary>
    private static async Task CloseAsync(RunStream?[] streams)
    {
        await Task.WhenAll(streams.Where(s => s is not null).Select(s => s!.DisposeAsync().AsTask())).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>(d) <paramref name="runs"/> 100-event runs one after another: request sent → first frame.</summary>
    public async Task FirstEventAsync(Target target, int runs, bool record, CancellationToken cancellationToken)
    {
        var firstEvent = new double[runs];
        var chat = new Chat($"first-{Guid.NewGuid():N}");
        var cpu = target.Server.ReadCpuTicks();
        for (var i = 0; i < runs; i++)
        {
            var body = chat.NextRun(BenchEvents, 0);
            await using var run = await RunStream.OpenAsync(http, target.Bench, body, 8 * 1024, cancellationToken).ConfigureAwait(false);
            firstEvent[i] = Ms(run.FirstFrameAt - run.SentAt);
            await run.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            Check(target, run.IsValid(BenchEvents + FramesAround, Terminal.Success), run);
            chat.Answered(run);
        }

        var cpuTicks = target.Server.ReadCpuTicks() - cpu;
        if (record)
        {
            results.AddSamples(target.Name, Metrics.FirstEvent, firstEvent);
            results.Add(target.Name, Metrics.FirstEventP99, P99(firstEvent));
            results.Add(target.Name, Metrics.FirstEventCpuPerRun, CpuMicroseconds(cpuTicks) / runs);
            Array.Sort(firstEvent);
            Report(target, $"d: {runs} runs, first event p50 {Results.Percentile(firstEvent, 50):F3} ms, p99 {Results.Percentile(firstEvent, 99):F3} ms, p99.9 {Results.Percentile(firstEvent, 99.9):F3} ms, max {firstEvent[^1]:F3} ms");
        }
    }

    /// <summary>(e) <paramref name="runs"/> held runs, one after another: cancel sent on RUN_STARTED → terminal frame.</summary>
    public async Task CancelAsync(Target target, int runs, bool record, CancellationToken cancellationToken)
    {
        var latency = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var chat = new Chat($"cancel-{Guid.NewGuid():N}");
            var threadId = chat.ThreadId;
            await using var run = await RunStream.OpenAsync(http, target.Bench, chat.NextRun(BenchEvents, 60_000), 8 * 1024, cancellationToken).ConfigureAwait(false);
            var cancelledAt = Stopwatch.GetTimestamp();
            var cancel = http.PostAsync(target.Cancel(threadId), content: null, cancellationToken);
            await run.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            using (var answer = await cancel.ConfigureAwait(false))
            {
                Check(target, answer.StatusCode == HttpStatusCode.Accepted, run, $"cancel answered {(int)answer.StatusCode}");
            }

            Check(target, run.IsValid(2, Terminal.Cancelled), run);
            latency[i] = Ms(run.TerminalAt - cancelledAt);
        }

        if (record)
        {
            results.AddSamples(target.Name, Metrics.CancelToTerminal, latency);
            Array.Sort(latency);
            Report(target, $"e: {runs} cancels, cancel -> terminal frame p50 {Results.Percentile(latency, 50):F3} ms, p99 {Results.Percentile(latency, 99):F3} ms, max {latency[^1]:F3} ms");
        }
    }

    /// <summary>
    /// (g) <paramref name="reconnects"/> reconnects, one after another, to finished 100-event runs of the logged bench
    /// agent (a target with the log on only): a run is streamed to its end, then reconnected to
    /// <see cref="ReconnectsPerRun"/> times with Last-Event-ID N (N = 0, 12, 25, … 90: from the whole run to its last
    /// 14 events); timed from the request sent to the first replayed frame. Each replay is checked: every event after N,
    /// the terminal one last.
    /// </summary>
    public async Task ReconnectAsync(Target target, int reconnects, bool record, CancellationToken cancellationToken)
    {
        if (!target.Logged)
        {
            return;
        }

        const int total = BenchEvents + FramesAround;
        var latency = new double[reconnects];
        var chat = new Chat($"reconnect-{Guid.NewGuid():N}");
        var cpu = target.Server.ReadCpuTicks();
        for (var i = 0; i < reconnects; i += ReconnectsPerRun)
        {
            var runId = Guid.NewGuid().ToString();
            await using (var run = await RunStream.OpenAsync(http, target.Bench, chat.NextRun(BenchEvents, 0, runId), 8 * 1024, cancellationToken).ConfigureAwait(false))
            {
                await run.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                Check(target, run.IsValid(total, Terminal.Success), run);
                chat.Answered(run);
            }

            for (var k = 0; k < ReconnectsPerRun && i + k < reconnects; k++)
            {
                var after = k * (total - 1) / ReconnectsPerRun;
                await using var replay = await RunStream.ReconnectAsync(http, target.Events(chat.ThreadId, runId), after, 8 * 1024, cancellationToken).ConfigureAwait(false);
                latency[i + k] = Ms(replay.FirstFrameAt - replay.SentAt);
                await replay.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                Check(target, replay.Frames == total - after && replay.Terminal == Terminal.Success && !replay.FramesAfterTerminal, replay, $"after {after}");
            }
        }

        var cpuTicks = target.Server.ReadCpuTicks() - cpu;
        if (record)
        {
            results.AddSamples(target.Name, Metrics.ReconnectFirstFrame, latency);
            Array.Sort(latency);
            Report(target, $"g: {reconnects} reconnects, request -> first replayed frame p50 {Results.Percentile(latency, 50):F3} ms, p99 {Results.Percentile(latency, 99):F3} ms, max {latency[^1]:F3} ms, server CPU {cpuTicks} ticks");
        }
    }

    private const int ReconnectsPerRun = 8;

    /// <summary>
    /// Checks that a logged run's log holds all its <paramref name="total"/> events: a reconnect after event
    /// <paramref name="total"/> - 1 replays exactly one, the run's RUN_FINISHED (a log that failed ends in RUN_ERROR
    /// EVENT_LOG_FAILED at a lower id instead).
    /// </summary>
    private async Task CheckLoggedToTheEndAsync(Target target, string threadId, string runId, int total, CancellationToken cancellationToken)
    {
        await using var replay = await RunStream.ReconnectAsync(http, target.Events(threadId, runId), total - 1, 8 * 1024, cancellationToken).ConfigureAwait(false);
        await replay.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        Check(target, replay.Frames == 1 && replay.Terminal == Terminal.Success && !replay.FramesAfterTerminal, replay, $"the log of run {runId} does not hold its {total} events");
    }

    /// <summary>
    /// (f) <paramref name="runs"/> voice barge-ins, one after another: the voice agent speaks (a word a second), and on
    /// its first TEXT_MESSAGE_CONTENT frame the client cancels; timed from the cancel request sent to the terminal
    /// RUN_FINISHED(cancelled) frame received. Mode e on the same server is its baseline (cancel while nothing speaks).
    /// </summary>
    public async Task VoiceBargeInAsync(Target target, int runs, bool record, CancellationToken cancellationToken)
    {
        var latency = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var threadId = $"barge-{Guid.NewGuid():N}";
            await using var run = await RunStream.OpenAsync(http, target.Voice, RunStream.VoiceBody(threadId, "r1", wordDelayMs: 1_000), 8 * 1024, cancellationToken).ConfigureAwait(false);
            await run.ReadUntilSpeakingAsync(cancellationToken).ConfigureAwait(false);
            var cancelledAt = Stopwatch.GetTimestamp();
            var cancel = http.PostAsync(target.VoiceCancel(threadId), content: null, cancellationToken);
            await run.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            using (var answer = await cancel.ConfigureAwait(false))
            {
                Check(target, answer.StatusCode == HttpStatusCode.Accepted, run, $"cancel answered {(int)answer.StatusCode}");
            }

            Check(target, run.StartedFirst && run.Terminal == Terminal.Cancelled && !run.FramesAfterTerminal, run);
            latency[i] = Ms(run.TerminalAt - cancelledAt);
        }

        if (record)
        {
            results.AddSamples(target.Name, Metrics.VoiceBargeIn, latency);
            Array.Sort(latency);
            Report(target, $"f: {runs} barge-ins, cancel -> RUN_FINISHED(cancelled) p50 {Results.Percentile(latency, 50):F3} ms, p95 {Results.Percentile(latency, 95):F3} ms, p99 {Results.Percentile(latency, 99):F3} ms, max {latency[^1]:F3} ms");
        }
    }

    private static long StoreCpuTicks(Target target) => target.StorePid is { } pid ? ServerProcess.ReadCpuTicks(pid) : 0;

    private static double P99(double[] samples)
    {
        var sorted = (double[])samples.Clone();
        Array.Sort(sorted);
        return Results.Percentile(sorted, 99);
    }

    private static void Check(Target target, bool condition, RunStream? run, string? detail = null)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"{target.Name}: unexpected stream ({run?.Describe() ?? "not opened"}) {detail}");
        }
    }

    private static void Report(Target target, string line) => Console.WriteLine($"  [{target.Name,-8}] {line}");
}
