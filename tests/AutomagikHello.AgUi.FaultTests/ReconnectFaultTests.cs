using System.Diagnostics;
using System.Net;
using AutomagikHello.AgUi.Redis.Tests;
using Xunit.Abstractions;

namespace AutomagikHello.AgUi.FaultTests;

/// <summary>
/// Reconnecting to a run's event log across processes: through instance B to a run streaming from instance A (one
/// Redis), and after the instance running the run was SIGKILLed (Redis: the other instance; SQLite: a fresh process on
/// the same file).
/// </summary>
public sealed class RedisReconnectFaultTests(TwoInstancesOnRedis demos) : IClassFixture<TwoInstancesOnRedis>
{
    private const string Slow = "/agents/slow";

    [RedisFact]
    public async Task DroppedOnA_ReconnectedThroughB_ConcatenationEqualsTheUninterruptedStream_AndBTailsTheLiveRun()
    {
        var threadId = AgUiCalls.NewThreadId();
        var received = new List<string>();
        using (var onA = await SseFrames.StartRunAsync(demos.A.Client, Slow, threadId, "r1"))
        {
            while (received.Count < 8 && await onA.NextAsync() is { } frame)
            {
                received.Add(frame);
            }
        } // the connection to A drops; the run goes on there

        received.Should().HaveCount(8);
        var lastId = SseFrames.Id(received[^1]);
        List<string> rest;
        using (var onB = await SseFrames.ReconnectAsync(demos.B.Client, Slow, threadId, "r1", lastId))
        {
            var first = await onB.NextAsync();
            first.Should().NotBeNull();
            var view = await AgUiCalls.SlowThreadAsync(demos.B.Client, threadId);
            ((string?)view["status"]).Should().Be("running", "B's reader started while A still runs the run, so what follows is tailed live: {0}", view.ToJsonString());
            rest = [first!, .. await onB.RestAsync()];
        }

        SseFrames.Id(rest[0]).Should().Be(lastId + 1, "no gap and no repeat after the last id seen");
        SseFrames.Type(rest[^1]).Should().Be("RUN_FINISHED", "B's stream closes after the terminal event A appended: {0}", rest[^1]);
        AgUiCalls.Outcome(SseFrames.Event(rest[^1])).Should().Be("success");

        using var whole = await SseFrames.ReconnectAsync(demos.B.Client, Slow, threadId, "r1", lastEventId: null);
        var uninterrupted = await whole.RestAsync();
        uninterrupted.Select(SseFrames.Id).Should().Equal(Enumerable.Range(1, uninterrupted.Count).Select(i => (long)i));
        string.Concat(received.Concat(rest)).Should().Be(string.Concat(uninterrupted), "the bytes from A then B are the whole run's, heartbeats aside");
    }

    [RedisFact]
    public async Task ReaderOnB_OpenedRightAfterRunStartedOnA_GetsEveryLaterEventLive()
    {
        var threadId = AgUiCalls.NewThreadId();
        using var onA = await SseFrames.StartRunAsync(demos.A.Client, Slow, threadId, "r1");
        var started = await onA.NextAsync();
        SseFrames.Type(started!).Should().Be("RUN_STARTED");

        using var onB = await SseFrames.ReconnectAsync(demos.B.Client, Slow, threadId, "r1", SseFrames.Id(started!));
        var fromB = await onB.RestAsync();
        var fromA = await onA.RestAsync();

        SseFrames.Type(fromB[^1]).Should().Be("RUN_FINISHED");
        fromB.Should().Equal(fromA, "a reader on B gets exactly what A's live client gets, as A appends it");
    }

    [RedisFact]
    public async Task ReconnectThroughB_AsAnotherOwner_Is404_AsTheOwner_Streams()
    {
        var threadId = AgUiCalls.NewThreadId();
        await AgUiCalls.RunAsync(demos.A.Client, Slow, threadId, "r1"); // the anonymous owner's run

        using (var other = await SseFrames.SendReconnectAsync(demos.B.Client, Slow, threadId, "r1", 0, owner: "mallory"))
        {
            other.StatusCode.Should().Be(HttpStatusCode.NotFound, await AgUiCalls.ProblemAsync(other));
            var problem = System.Text.Json.Nodes.JsonNode.Parse(await other.Content.ReadAsStringAsync())!;
            ((string?)problem["code"]).Should().Be("RUN_NOT_FOUND", problem.ToJsonString());
        }

        using var owner = await SseFrames.ReconnectAsync(demos.B.Client, Slow, threadId, "r1", 0);
        SseFrames.Type((await owner.RestAsync())[^1]).Should().Be("RUN_FINISHED");
    }
}

/// <summary>The instance running a run is SIGKILLed mid-run; a client reconnects elsewhere (each test starts its own processes).</summary>
public sealed class KilledWriterReconnectFaultTests(ITestOutputHelper output) : IDisposable
{
    private const string Slow = "/agents/slow";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [RedisFact]
    public async Task Redis_OwnerKilledMidRun_ReconnectThroughTheOther_GetsRunWriterGonePromptly_ThreadFreed()
    {
        using (RedisTestEnvironment.Connect())
        {
        }

        var settings = new Dictionary<string, string>
        {
            ["Demo:Store"] = "redis",
            ["Demo:Redis"] = RedisTestEnvironment.Address!,
            ["Demo:RedisKeyPrefix"] = $"agui-reconnect-{Guid.NewGuid():N}:",
        };
        await using var survivor = await DemoProcess.StartReadyAsync(settings, _temp.Path);
        await using var owner = await DemoProcess.StartReadyAsync(settings, _temp.Path);
        await KillMidRunAndReconnectAsync("Redis", owner, () => Task.FromResult(survivor));
    }

    [Fact]
    public async Task Sqlite_ProcessKilledMidRun_ReconnectToAFreshProcessOnTheFile_GetsRunWriterGonePromptly_ThreadFreed()
    {
        var settings = new Dictionary<string, string>
        {
            ["Demo:Store"] = "sqlite",
            ["Demo:Sqlite"] = $"Data Source={_temp.File("threads.db")}",
        };
        DemoProcess? fresh = null;
        try
        {
            await using var owner = await DemoProcess.StartReadyAsync(settings, _temp.Path);
            await KillMidRunAndReconnectAsync("SQLite", owner, async () => fresh = await DemoProcess.StartReadyAsync(settings, _temp.Path));
        }
        finally
        {
            if (fresh is not null)
            {
                await fresh.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Runs the slow agent on <paramref name="owner"/>, reads a few events, SIGKILLs it, reconnects through the process
    /// <paramref name="reconnectTo"/> gives with the last id seen, and checks the terminal event, a second reconnect and
    /// the thread.
    /// </summary>
    private async Task KillMidRunAndReconnectAsync(string store, DemoProcess owner, Func<Task<DemoProcess>> reconnectTo)
    {
        var threadId = AgUiCalls.NewThreadId();
        var received = new List<string>();
        using (var live = await SseFrames.StartRunAsync(owner.Client, Slow, threadId, "r1"))
        {
            while (received.Count < 6 && await live.NextAsync() is { } frame)
            {
                received.Add(frame);
            }

            owner.Kill();
        }

        var killedAt = Stopwatch.GetTimestamp();
        received.Should().HaveCount(6);
        var lastId = SseFrames.Id(received[^1]);
        var other = await reconnectTo();
        var reconnectedAt = Stopwatch.GetTimestamp();
        using var reconnect = await SseFrames.ReconnectAsync(other.Client, Slow, threadId, "r1", lastId);
        var rest = await reconnect.RestAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var sinceKill = Stopwatch.GetElapsedTime(killedAt).TotalSeconds;
        var sinceReconnect = Stopwatch.GetElapsedTime(reconnectedAt).TotalSeconds;

        rest.Should().NotBeEmpty();
        rest.Select(SseFrames.Id).Should().Equal(Enumerable.Range(1, rest.Count).Select(i => lastId + i), "what the dead writer logged after the last id seen, then the terminal, without a gap");
        var terminal = SseFrames.Event(rest[^1]);
        ((string?)terminal["type"]).Should().Be("RUN_ERROR", terminal.ToJsonString());
        ((string?)terminal["code"]).Should().Be("RUN_WRITER_GONE", terminal.ToJsonString());
        rest.Take(rest.Count - 1).Select(SseFrames.Type).Should().NotContain(["RUN_FINISHED", "RUN_ERROR"]);
        sinceKill.Should().BeLessThan(30, "a reader of a dead run gets its terminal event promptly, not a hang");

        // RUN_WRITER_GONE says the thread is free again: it is, at once (the reader ended the dead lease, as a cancel does).
        var atTerminal = await AgUiCalls.SlowThreadAsync(other.Client, threadId);
        ((string?)atTerminal["status"]).Should().Be("idle", "the thread is free when the client is told so: {0}", atTerminal.ToJsonString());

        // The terminal event is in the log now: a second reconnect gets the same bytes at once, and so does a whole replay.
        using (var again = await SseFrames.ReconnectAsync(other.Client, Slow, threadId, "r1", lastId))
        {
            (await again.RestAsync()).Should().Equal(rest, "a second reconnect replays the same frames, byte for byte");
        }

        using (var whole = await SseFrames.ReconnectAsync(other.Client, Slow, threadId, "r1", lastEventId: null))
        {
            string.Concat(await whole.RestAsync()).Should().Be(string.Concat(received.Concat(rest)));
        }

        // The thread: as after any dead instance, its lease lapses and it is free (SqliteFaultTests, RedisLeaseFaultTests).
        var freeAfter = await AgUiCalls.WaitUntilNotRunningAsync(other.Client, threadId, killedAt, TimeSpan.FromSeconds(60));
        var view = await AgUiCalls.SlowThreadAsync(other.Client, threadId);
        ((string?)view["status"]).Should().Be("idle", view.ToJsonString());
        view["pendingInterrupts"]!.AsArray().Should().BeEmpty();
        using var next = await AgUiCalls.StartSlowRunAsync(other.Client, threadId, "r2");

        var message = $"{store}: RUN_WRITER_GONE reached the reconnected client {sinceKill:F1} s after the SIGKILL ({sinceReconnect:F1} s after the reconnect request); thread free {freeAfter:F1} s after the kill";
        output.WriteLine(message);
        Console.WriteLine(message);
        freeAfter.Should().BeLessThan(15 + 5, "the dead run's lease lapses within LeaseDuration of its last renewal");
    }
}
