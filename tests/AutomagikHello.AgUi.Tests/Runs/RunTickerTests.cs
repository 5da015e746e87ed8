using System.Security.Claims;
using AutomagikHello.AgUi.Runs;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace AutomagikHello.AgUi.Tests.Runs;

/// <summary>
/// The runner's shared tick: every listed heartbeat is asked for a ping when its stream was silent for its interval
/// (once per interval), a lease is renewed no later than its renewal interval although the tick may come a period
/// late, and an entry taken off is never ticked again. The tick is driven by hand on a clock the test moves; the timer's period is an hour, so it never fires.
/// </summary>
public sealed class RunTickerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private sealed class ManualClock : TimeProvider
    {
        public long Timestamp { get; set; } = 1_000_000;

        public override long TimestampFrequency => 1_000;

        public override long GetTimestamp() => Timestamp;

        public void Advance(TimeSpan span) => Timestamp += (long)span.TotalMilliseconds;
    }

    private static RunEventQueue NewQueue() => new(new CancellationTokenSource());

    [Fact]
    public void Tick_SeveralSilentStreams_AsksEachForOnePingPerInterval()
    {
        var clock = new ManualClock();
        var ticker = new RunTicker(clock, TimeSpan.FromHours(1));
        var queues = new[] { NewQueue(), NewQueue(), NewQueue() };
        var heartbeats = queues.Select(queue => new RunHeartbeat(queue, ticker, Interval)).ToArray();

        clock.Advance(Interval - TimeSpan.FromMilliseconds(1));
        ticker.Tick();
        queues.Should().AllSatisfy(queue => queue.TakeHeartbeatRequest().Should().BeFalse("silent for less than the interval"));

        clock.Advance(TimeSpan.FromMilliseconds(1));
        ticker.Tick();
        queues.Should().AllSatisfy(queue => queue.TakeHeartbeatRequest().Should().BeTrue("every silent stream is asked, not only the first"));

        clock.Advance(TimeSpan.FromSeconds(1));
        ticker.Tick();
        queues.Should().AllSatisfy(queue => queue.TakeHeartbeatRequest().Should().BeFalse("asked once per interval"));

        foreach (var heartbeat in heartbeats)
        {
            heartbeat.Dispose();
        }
    }

    [Fact]
    public void Tick_StreamThatJustWrote_IsNotAskedUntilSilentForAnInterval()
    {
        var clock = new ManualClock();
        var ticker = new RunTicker(clock, TimeSpan.FromHours(1));
        var (busy, silent) = (NewQueue(), NewQueue());
        using var busyHeartbeat = new RunHeartbeat(busy, ticker, Interval);
        using var silentHeartbeat = new RunHeartbeat(silent, ticker, Interval);

        clock.Advance(Interval / 2);
        busyHeartbeat.MarkActivity();
        clock.Advance(Interval / 2);
        ticker.Tick();

        busy.TakeHeartbeatRequest().Should().BeFalse("it wrote half an interval ago");
        silent.TakeHeartbeatRequest().Should().BeTrue();
        clock.Advance(Interval / 2);
        ticker.Tick();
        busy.TakeHeartbeatRequest().Should().BeTrue("now silent for an interval");
    }

    [Fact]
    public void Remove_StoppedRun_IsNotTickedAgainAndTheListEmpties()
    {
        var clock = new ManualClock();
        var ticker = new RunTicker(clock, TimeSpan.FromHours(1));
        var (stopped, live) = (NewQueue(), NewQueue());
        var stoppedHeartbeat = new RunHeartbeat(stopped, ticker, Interval);
        var liveHeartbeat = new RunHeartbeat(live, ticker, Interval);
        ticker.Count.Should().Be(2);

        stoppedHeartbeat.Dispose();
        stoppedHeartbeat.Dispose(); // a second dispose changes nothing
        ticker.Count.Should().Be(1);
        clock.Advance(Interval);
        ticker.Tick();

        stopped.TakeHeartbeatRequest().Should().BeFalse("a stopped run left the tick");
        live.TakeHeartbeatRequest().Should().BeTrue();
        liveHeartbeat.Dispose();
        ticker.Count.Should().Be(0);
    }

    [Fact]
    public void PeriodFor_Options_IsAQuarterOfTheShortestIntervalAtMostASecond()
    {
        RunTicker.PeriodFor(new AgUiRunnerOptions()).Should().Be(TimeSpan.FromSeconds(1), "defaults: 15 s heartbeat, 5 s renewal");
        RunTicker.PeriodFor(new AgUiRunnerOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(150) }).Should().Be(TimeSpan.FromMilliseconds(37.5));
        RunTicker.PeriodFor(new AgUiRunnerOptions { LeaseDuration = TimeSpan.FromMilliseconds(600) }).Should().Be(TimeSpan.FromMilliseconds(50), "renewal every 200 ms");
        RunTicker.PeriodFor(new AgUiRunnerOptions { HeartbeatInterval = TimeSpan.FromTicks(1) }).Should().Be(TimeSpan.FromMilliseconds(1));
    }

    /// <summary>An in-memory store that reports each lease renewal.</summary>
    private sealed class RenewalWatchingStore : IThreadStore
    {
        private readonly InMemoryThreadStore _inner = new();

        public TaskCompletionSource Renewed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask<ThreadRecord?> GetAsync(ThreadKey key, CancellationToken cancellationToken = default) => _inner.GetAsync(key, cancellationToken);

        public ValueTask<BeginRunResult> BeginRunAsync(BeginRunRequest request, CancellationToken cancellationToken = default) => _inner.BeginRunAsync(request, cancellationToken);

        public ValueTask<ThreadStoreWriteResult> CompleteRunAsync(CompleteRunRequest request, CancellationToken cancellationToken = default) => _inner.CompleteRunAsync(request, cancellationToken);

        public ValueTask<ThreadStoreWriteResult> RecordDecisionAsync(RecordDecisionRequest request, CancellationToken cancellationToken = default) => _inner.RecordDecisionAsync(request, cancellationToken);

        public async ValueTask<ThreadStoreWriteResult> UpdateLeaseAsync(UpdateLeaseRequest request, CancellationToken cancellationToken = default)
        {
            var result = await _inner.UpdateLeaseAsync(request, cancellationToken);
            Renewed.TrySetResult();
            return result;
        }
    }

    [Fact]
    public async Task Tick_LeaseRenewer_RenewsOneTickBeforeTheIntervalSoALateTickIsNeverLate()
    {
        var clock = new ManualClock();
        var period = TimeSpan.FromSeconds(1);
        var ticker = new RunTicker(clock, period);
        var options = new AgUiRunnerOptions(); // renewal every 5 s
        var store = new RenewalWatchingStore();
        var key = new ThreadKey("voice", "alice", "t1");
        var begin = await store.BeginRunAsync(new BeginRunRequest { Key = key, RunId = "r1", InstanceId = "here", LeaseDuration = options.LeaseDuration, Now = DateTimeOffset.UtcNow });
        var queue = NewQueue();
        var run = new AgUiRun(new RunAgentInput { ThreadId = "t1", RunId = "r1", Messages = [] }, queue, null, new ClaimsPrincipal(), new ServiceCollection().BuildServiceProvider(), CancellationToken.None);
        var recorder = new ThreadRunRecorder(store, key, run, clock, NullLogger.Instance);
        using var renewer = new RunLeaseRenewer(begin.Record!.Lease!, options, ticker, queue, recorder);

        clock.Advance(options.RenewalInterval - period - TimeSpan.FromMilliseconds(1));
        renewer.Tick(clock.GetTimestamp());
        await Task.Delay(50);
        store.Renewed.Task.IsCompleted.Should().BeFalse("not yet due");

        clock.Advance(TimeSpan.FromMilliseconds(1));
        renewer.Tick(clock.GetTimestamp());
        await store.Renewed.Task.WaitAsync(TimeSpan.FromSeconds(10)); // due a period early: a tick up to a period late still renews by the interval
        ticker.Count.Should().Be(1);
        renewer.Dispose();
        ticker.Count.Should().Be(0, "a stopped run leaves the tick");
    }
}
