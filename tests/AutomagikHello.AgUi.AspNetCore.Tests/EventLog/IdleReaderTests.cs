using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.AspNetCore.Tests.EventLog;

/// <summary>
/// A reconnected reader tailing a run that says nothing costs the log and the thread store next to nothing: it reads
/// when woken, and asks for the writer's lease only when a renewal could be overdue.
/// </summary>
public sealed class IdleReaderTests
{
    private const string Agent = "/agents/test";

    [Fact]
    public async Task An_idle_reader_reads_once_and_asks_for_the_lease_once_until_a_renewal_could_be_overdue()
    {
        var log = new CountingLog(new InMemoryRunEventLog());
        var store = new CountingStore(new InMemoryThreadStore());
        await using var host = await TestHost.StartAsync(
            app => app.MapAgUi(Agent, static (_, _) => ValueTask.FromResult(AgentOutcome.Success())).WithEventLog(),
            options => options.OwnerResolver = _ => "alice",
            services => services.AddSingleton<IRunEventLog>(log).AddSingleton<IThreadStore>(store));
        var thread = new ThreadKey(Agent, "alice", "t1");

        // Another instance began the run just now and renews its lease (every 5 s, overdue after 6 s): it is alive and silent.
        (await store.BeginRunAsync(new BeginRunRequest { Key = thread, RunId = "r1", InstanceId = "elsewhere", LeaseDuration = TimeSpan.FromSeconds(15), Now = DateTimeOffset.UtcNow })).Error.Should().BeNull();
        var key = new RunLogKey(thread, "r1");
        await log.CreateAsync(new RunLogStart { Key = key, StartedAt = DateTimeOffset.UtcNow, Conversation = "{\"messages\":[],\"state\":null}"u8.ToArray() });
        await log.AppendAsync(key, [new RunLogEntry(1, "{\"type\":\"RUN_STARTED\",\"threadId\":\"t1\",\"runId\":\"r1\"}"u8.ToArray(), false)]);
        log.Reset();
        store.Reset();

        // The reader gets the first event, then waits through what used to be three writer checks (one a second).
        using (var leave = new CancellationTokenSource(TimeSpan.FromSeconds(3.5)))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{Agent}/threads/t1/runs/r1/events");
            request.Headers.Accept.ParseAdd("text/event-stream");
            var reading = async () =>
            {
                using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, leave.Token);
                await response.Content.ReadAsByteArrayAsync(leave.Token);
            };
            await reading.Should().ThrowAsync<OperationCanceledException>();
        }

        log.Reads.Should().Be(1, "the reader reads again only when the log wakes it");
        log.Waits.Should().Be(1, "one wait lasts until a check is due");
        store.Gets.Should().Be(1, "the lease is asked for once, then again only when its renewal could be overdue (after 6 s)");
        (await log.ReadAsync(key, 0, 10)).Status.Should().Be(RunLogStatus.Open, "a live writer's run is left alone");
    }

    [Fact]
    public async Task An_idle_reader_of_a_run_whose_writer_stopped_renewing_still_finishes_it_with_run_writer_gone()
    {
        var log = new CountingLog(new InMemoryRunEventLog());
        await using var host = await TestHost.StartAsync(
            app => app.MapAgUi(Agent, static (_, _) => ValueTask.FromResult(AgentOutcome.Success())).WithEventLog(),
            options => options.OwnerResolver = _ => "alice",
            services => services.AddSingleton<IRunEventLog>(log));
        var store = host.Services.GetRequiredService<IThreadStore>();
        var thread = new ThreadKey(Agent, "alice", "t1");

        // Began 4 s ago and never renewed: the renewal becomes overdue about 2 s into the wait.
        var began = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(4);
        (await store.BeginRunAsync(new BeginRunRequest { Key = thread, RunId = "r1", InstanceId = "dead", LeaseDuration = TimeSpan.FromSeconds(15), Now = began })).Error.Should().BeNull();
        var key = new RunLogKey(thread, "r1");
        await log.CreateAsync(new RunLogStart { Key = key, StartedAt = began, Conversation = "{\"messages\":[],\"state\":null}"u8.ToArray() });
        await log.AppendAsync(key, [new RunLogEntry(1, "{\"type\":\"RUN_STARTED\",\"threadId\":\"t1\",\"runId\":\"r1\"}"u8.ToArray(), false)]);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Agent}/threads/t1/runs/r1/events");
        using var response = await host.Client.SendAsync(request);
        var frames = SseBytes.Frames(SseBytes.WithoutHeartbeats(await response.Content.ReadAsByteArrayAsync()));

        frames.Select(SseBytes.IdOf).Should().Equal(1L, 2L);
        System.Text.Encoding.UTF8.GetString(frames[1]).Should().Contain(AgUiErrorCodes.RunWriterGone);
        (await log.ReadAsync(key, 0, 10)).Status.Should().Be(RunLogStatus.Finished);
    }

    /// <summary>Counts what a reader asks of the log.</summary>
    private sealed class CountingLog(IRunEventLog inner) : IRunEventLog
    {
        private int _reads;
        private int _waits;

        public int Reads => Volatile.Read(ref _reads);

        public int Waits => Volatile.Read(ref _waits);

        public void Reset()
        {
            Volatile.Write(ref _reads, 0);
            Volatile.Write(ref _waits, 0);
        }

        public ValueTask<bool> CreateAsync(RunLogStart start, CancellationToken cancellationToken = default) => inner.CreateAsync(start, cancellationToken);

        public ValueTask AppendAsync(RunLogKey key, IReadOnlyList<RunLogEntry> entries, CancellationToken cancellationToken = default) => inner.AppendAsync(key, entries, cancellationToken);

        public ValueTask<RunLogEntry?> FinishAsync(RunLogKey key, ReadOnlyMemory<byte> terminalEvent, CancellationToken cancellationToken = default) => inner.FinishAsync(key, terminalEvent, cancellationToken);

        public ValueTask<RunLogRead> ReadAsync(RunLogKey key, long afterId, int maxEntries, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _reads);
            return inner.ReadAsync(key, afterId, maxEntries, cancellationToken);
        }

        public ValueTask<bool> WaitAsync(RunLogKey key, long afterId, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _waits);
            return inner.WaitAsync(key, afterId, timeout, cancellationToken);
        }

        public ValueTask<RunLogStart?> GetLatestRunAsync(ThreadKey thread, CancellationToken cancellationToken = default) => inner.GetLatestRunAsync(thread, cancellationToken);
    }

    /// <summary>Counts the thread reads a reader makes to check the writer's lease.</summary>
    private sealed class CountingStore(IThreadStore inner) : DelegatingThreadStore(inner)
    {
        private int _gets;

        public int Gets => Volatile.Read(ref _gets);

        public void Reset() => Volatile.Write(ref _gets, 0);

        public override ValueTask<ThreadRecord?> GetAsync(ThreadKey key, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _gets);
            return Inner.GetAsync(key, cancellationToken);
        }
    }
}
