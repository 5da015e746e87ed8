using System.Net;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

/// <summary>
/// Short leases renewed while the run lives: a live run keeps its thread however long it runs, a dead one frees it
/// within the lease, a lost lease or a store that stays unreachable stops the run with a code, and a cancel frees the
/// thread of a run whose owner is gone. Leases here are a few hundred milliseconds so the tests wait little.
/// </summary>
public sealed class LeaseTests
{
    private const string Path = "/agents/test";
    private static readonly TimeSpan ShortLease = TimeSpan.FromMilliseconds(600); // renewed every 200 ms
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static ThreadKey Key(string thread) => new(Path, ThreadOwnerResolver.Anonymous, thread);

    /// <summary>Says one word, then waits until the test releases it (or the run is stopped).</summary>
    private sealed class GatedAgent
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask<AgentOutcome> RunAsync(AgUiRun run, CancellationToken cancellationToken)
        {
            var message = await run.StartTextMessageAsync();
            await message.AppendAsync("talking");
            await Release.Task.WaitAsync(cancellationToken);
            await message.EndAsync();
            return AgentOutcome.Success();
        }
    }

    /// <summary>Delegates to an in-memory store; renewals can be made to fail as if the store were unreachable.</summary>
    private sealed class FlakyRenewalStore : DelegatingThreadStore
    {
        /// <summary>How many renewals fail from now on (int.MaxValue: all of them).</summary>
        public int FailingRenewals;

        public override ValueTask<ThreadStoreWriteResult> UpdateLeaseAsync(UpdateLeaseRequest request, CancellationToken cancellationToken = default)
        {
            if (request.Update == LeaseUpdate.Renew && Interlocked.Decrement(ref FailingRenewals) >= 0)
            {
                throw new ThreadStoreUnavailableException("test: the store is unreachable");
            }

            return Inner.UpdateLeaseAsync(request, cancellationToken);
        }
    }

    /// <summary>
    /// Delegates to an in-memory store; a begin can be held after its lease is written (before the run is set up), and
    /// the store says when a cancel flags a lease.
    /// </summary>
    private sealed class HeldBeginStore : DelegatingThreadStore
    {
        public TaskCompletionSource Begun { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ReleaseBegin { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource CancelFlagged { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<BeginRunResult> BeginRunAsync(BeginRunRequest request, CancellationToken cancellationToken = default)
        {
            var result = await Inner.BeginRunAsync(request, cancellationToken);
            Begun.TrySetResult();
            await ReleaseBegin.Task;
            return result;
        }

        public override async ValueTask<ThreadStoreWriteResult> UpdateLeaseAsync(UpdateLeaseRequest request, CancellationToken cancellationToken = default)
        {
            var result = await Inner.UpdateLeaseAsync(request, cancellationToken);
            if (request.Update == LeaseUpdate.RequestCancel)
            {
                CancelFlagged.TrySetResult();
            }

            return result;
        }
    }

    /// <summary>A bus whose messages never arrive (a slow or partitioned network): only the lease reaches the owner.</summary>
    private sealed class LostMessageBus : IRunCancellationBus
    {
        public ValueTask PublishAsync(RunCancellation cancellation, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask<IAsyncDisposable> SubscribeAsync(Action<RunCancellation> handler, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IAsyncDisposable>(new Nothing());

        private sealed class Nothing : IAsyncDisposable
        {
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    private static Task<TestHost> StartAsync(GatedAgent agent, IThreadStore? store = null, TimeSpan? lease = null) =>
        TestHost.StartAsync(
            app => app.MapAgUi(Path, agent.RunAsync),
            options => options.LeaseDuration = lease ?? ShortLease,
            services =>
            {
                if (store is not null)
                {
                    services.AddSingleton(store);
                }
            });

    [Fact]
    public async Task Run_LastingLongerThanItsLease_RenewsItAndKeepsTheThread()
    {
        var agent = new GatedAgent();
        await using var host = await StartAsync(agent);
        using var running = await StartRunAsync(host);
        var (thread, events) = (running.Thread, running.Events);
        var store = host.Services.GetRequiredService<IThreadStore>();
        var taken = running.Lease.ExpiresAt;

        await Task.Delay(ShortLease * 2.5); // well past the lease it began with
        var view = await ThreadViewAsync(host, thread);
        var second = await Sse.RunAsync(host.Client, Path, RunInputs.Json(thread, "r2"));

        ((string?)view["status"]).Should().Be("running", view.ToJsonString());
        ((string?)view["activeRunId"]).Should().Be("r1");
        (await store.GetAsync(Key(thread)))!.Lease!.ExpiresAt.Should().BeAfter(taken, "the live run renewed its lease");
        second.Types.Should().Equal(["RUN_ERROR"]);
        ((string?)second.Last["code"]).Should().Be(ThreadErrorCodes.ThreadBusy);
        agent.Release.SetResult();
        var stream = await events.WaitAsync(Patience);
        ((string?)stream[^1]["outcome"]!["type"]).Should().Be("success");
    }

    [Fact]
    public async Task Runs_SeveralHeldAtOnce_EachRenewsItsLeaseOnTheSharedTickAndAStoppedOneLeavesIt()
    {
        var agent = new GatedAgent();
        await using var host = await StartAsync(agent);
        var ticker = host.Services.GetRequiredService<AgUiRunner>().Ticker;
        var store = host.Services.GetRequiredService<IThreadStore>();
        using var first = await StartRunAsync(host);
        using var second = await StartRunAsync(host);
        using var third = await StartRunAsync(host);
        ticker.Count.Should().Be(6, "each live run lists its heartbeat and its lease renewal");

        await Task.Delay(ShortLease * 2.5); // well past the leases they began with
        foreach (var running in new[] { first, second, third })
        {
            (await store.GetAsync(Key(running.Thread)))!.Lease!.ExpiresAt.Should().BeAfter(running.Lease.ExpiresAt, "every live run renewed its lease");
        }

        var (status, _) = await CancelAsync(host, second.Thread);
        status.Should().Be(HttpStatusCode.Accepted);
        ((string?)(await second.Events.WaitAsync(Patience))[^1]["outcome"]!["type"]).Should().Be("cancelled");
        (await WaitForTickerCountAsync(ticker, 4)).Should().Be(4, "the cancelled run left the tick");
        var renewed = (await store.GetAsync(Key(first.Thread)))!.Lease!.ExpiresAt;
        await Task.Delay(ShortLease * 1.5);
        (await store.GetAsync(Key(first.Thread)))!.Lease!.ExpiresAt.Should().BeAfter(renewed, "the others still renew after one left");

        agent.Release.SetResult();
        await first.Events.WaitAsync(Patience);
        await third.Events.WaitAsync(Patience);
        (await WaitForTickerCountAsync(ticker, 0)).Should().Be(0, "ended runs leave nothing on the tick");
    }

    private static async Task<int> WaitForTickerCountAsync(RunTicker ticker, int expected)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (ticker.Count != expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        return ticker.Count;
    }

    [Fact]
    public async Task Run_WhoseLeaseAnotherRunTook_EndsWithLeaseLostAndRecordsNothing()
    {
        var agent = new GatedAgent();
        await using var host = await StartAsync(agent);
        using var running = await StartRunAsync(host);
        var (thread, events) = (running.Thread, running.Events);
        var store = host.Services.GetRequiredService<IThreadStore>();

        // As if a cancel had found r1 unresponsive and another run had taken the thread.
        (await store.UpdateLeaseAsync(new UpdateLeaseRequest { Key = Key(thread), RunId = "r1", Update = LeaseUpdate.Expire, Now = DateTimeOffset.UtcNow })).Succeeded.Should().BeTrue();
        (await store.BeginRunAsync(new BeginRunRequest { Key = Key(thread), RunId = "r2", InstanceId = "elsewhere", LeaseDuration = TimeSpan.FromMinutes(1), Now = DateTimeOffset.UtcNow })).Succeeded.Should().BeTrue();
        var stream = await events.WaitAsync(Patience);

        stream.Types()[^1].Should().Be("RUN_ERROR");
        ((string?)stream[^1]["code"]).Should().Be(ThreadErrorCodes.LeaseLost);
        (await store.GetAsync(Key(thread)))!.Lease!.RunId.Should().Be("r2", "the stopped run wrote nothing over the new run's lease");
    }

    [Fact]
    public async Task Run_StoreUnreachableUntilTheLeaseLapses_EndsWithStoreUnavailableAndTheThreadIsFree()
    {
        var agent = new GatedAgent();
        var store = new FlakyRenewalStore { FailingRenewals = int.MaxValue };
        await using var host = await StartAsync(agent, store);
        var thread = RunInputs.NewThreadId();

        var stream = await Sse.RunAsync(host.Client, Path, RunInputs.Json(thread, "r1")).WaitAsync(Patience);
        store.FailingRenewals = 0;
        agent.Release.SetResult();
        var retry = await Sse.RunAsync(host.Client, Path, RunInputs.Json(thread, "r2"));

        stream.Types[^1].Should().Be("RUN_ERROR");
        ((string?)stream.Last["code"]).Should().Be(RunErrorCodes.StoreUnavailable);
        ((string?)stream.Last["message"]).Should().Contain("the thread is free", "what the retry below proves");
        ((string?)retry.Last["outcome"]!["type"]).Should().Be("success", "the lapsed lease left the thread free for the retry");
    }

    [Fact]
    public async Task Run_StoreUnreachableForOneRenewal_KeepsRunning()
    {
        var agent = new GatedAgent();
        var store = new FlakyRenewalStore { FailingRenewals = 1 };
        await using var host = await StartAsync(agent, store);
        using var running = await StartRunAsync(host);
        var (thread, events) = (running.Thread, running.Events);

        await Task.Delay(ShortLease * 2.5);
        agent.Release.SetResult();
        var stream = await events.WaitAsync(Patience);

        ((string?)stream[^1]["outcome"]!["type"]).Should().Be("success", "one failed renewal is retried before the lease lapses");
    }

    [Fact]
    public async Task Cancel_RunOfAnInstanceThatDied_ReleasesTheThreadAndAnswersReleased()
    {
        var agent = new GatedAgent();
        agent.Release.SetResult();
        await using var host = await StartAsync(agent);
        var thread = RunInputs.NewThreadId();
        var store = host.Services.GetRequiredService<IThreadStore>();
        // Another process took the thread for a minute, half a minute ago, then died: it never renewed.
        await store.BeginRunAsync(new BeginRunRequest { Key = Key(thread), RunId = "crashed", InstanceId = "dead-host", LeaseDuration = TimeSpan.FromMinutes(1), Now = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(30) });

        using var cancel = await host.Client.PostAsync($"{Path}/threads/{thread}/cancel", null);
        var view = await ThreadViewAsync(host, thread);
        using var again = await host.Client.PostAsync($"{Path}/threads/{thread}/cancel", null);
        var next = await Sse.RunAsync(host.Client, Path, RunInputs.Json(thread, "r2"));

        cancel.StatusCode.Should().Be(HttpStatusCode.Accepted, await cancel.Content.ReadAsStringAsync());
        var body = JsonNode.Parse(await cancel.Content.ReadAsStringAsync())!;
        ((string?)body["status"]).Should().Be("released");
        body["runIds"]!.AsArray().Select(r => (string?)r).Should().Equal("crashed");
        ((string?)view["status"]).Should().Be("idle", view.ToJsonString());
        again.StatusCode.Should().Be(HttpStatusCode.NotFound, "the dead run is not named again");
        ((string?)next.Last["outcome"]!["type"]).Should().Be("success", "the next run got the thread at once");
    }

    [Fact]
    public async Task Cancel_RunOfThisInstanceWhoseEndWasNotRecorded_ReleasesTheThread()
    {
        var agent = new GatedAgent();
        await using var host = await StartAsync(agent);
        var thread = RunInputs.NewThreadId();
        var store = host.Services.GetRequiredService<IThreadStore>();
        var instance = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AgUiOptions>>().Value.InstanceId;
        // A run of this instance ended while the store was down: its lease is still there (last renewed half a minute
        // ago), and no local run has it.
        await store.BeginRunAsync(new BeginRunRequest { Key = Key(thread), RunId = "unrecorded", InstanceId = instance, LeaseDuration = TimeSpan.FromMinutes(1), Now = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(30) });

        var (status, body) = await CancelAsync(host, thread);

        status.Should().Be(HttpStatusCode.Accepted, body?.ToJsonString());
        ((string?)body!["status"]).Should().Be("released");
        (await store.GetAsync(Key(thread)))!.StatusAt(DateTimeOffset.UtcNow).Should().NotBe(ThreadStatus.Running);
    }

    [Fact]
    public async Task Cancel_WithoutABus_RunOfALiveInstance_IsCancelledAtItsNextRenewal()
    {
        var store = new InMemoryThreadStore();
        var agentB = new GatedAgent();
        await using var a = await StartAsync(new GatedAgent(), store);
        await using var b = await StartAsync(agentB, store);
        using var running = await StartRunAsync(b, "run-b");
        var (thread, events) = (running.Thread, running.Events);

        using var cancel = await a.Client.PostAsync($"{Path}/threads/{thread}/cancel", null);

        cancel.StatusCode.Should().Be(HttpStatusCode.Accepted, await cancel.Content.ReadAsStringAsync());
        var body = JsonNode.Parse(await cancel.Content.ReadAsStringAsync())!;
        ((string?)body["status"]).Should().Be("cancelled", "B saw the request at its renewal and ended the run");
        var stream = await events.WaitAsync(Patience);
        ((string?)stream[^1]["outcome"]!["type"]).Should().Be("cancelled");
        (await store.GetAsync(Key(thread)))!.Lease.Should().BeNull("B recorded the cancelled end");
    }

    [Fact]
    public async Task Cancel_BetweenTheRunsBeginAndItsSetUp_CancelsTheRunAndNeverEndsItsLiveLease()
    {
        var agent = new GatedAgent();
        var store = new HeldBeginStore();
        await using var host = await StartAsync(agent, store, TimeSpan.FromSeconds(15));
        var thread = RunInputs.NewThreadId();
        var starting = StreamingAsync(host.Client, thread, "r1");
        await store.Begun.Task.WaitAsync(Patience); // the lease is written; the run is not yet registered or renewing

        var cancelling = CancelAsync(host, thread);
        await store.CancelFlagged.Task.WaitAsync(Patience);
        store.ReleaseBegin.SetResult();
        var (status, body) = await cancelling.WaitAsync(Patience);
        using var running = await starting.WaitAsync(Patience);
        var stream = await running.Events.WaitAsync(Patience);

        status.Should().Be(HttpStatusCode.Accepted, body?.ToJsonString());
        ((string?)body!["status"]).Should().Be("cancelled", "the run was alive: its lease must not be ended under it");
        stream.Types()[^1].Should().Be("RUN_FINISHED", string.Join(' ', stream.Types()));
        ((string?)stream[^1]["outcome"]!["type"]).Should().Be("cancelled");
        (await store.GetAsync(Key(thread)))!.Lease.Should().BeNull("the run recorded its cancelled end");
    }

    [Fact]
    public async Task Cancel_WithABusWhoseMessageIsLost_RunOfALiveRenewingInstance_IsCancelledNotReleased()
    {
        var store = new InMemoryThreadStore();
        var agentB = new GatedAgent();
        // B renews every 3 s: far longer than a bus answer takes, so only its renewal can answer the cancel.
        await using var a = await TestHost.StartAsync(
            app => app.MapAgUi(Path, new GatedAgent().RunAsync),
            options => options.LeaseDuration = TimeSpan.FromSeconds(9),
            services => services.AddSingleton<IThreadStore>(store).AddSingleton<IRunCancellationBus>(new LostMessageBus()));
        await using var b = await StartAsync(agentB, store, TimeSpan.FromSeconds(9));
        using var running = await StartRunAsync(b, "run-b");
        var (thread, events) = (running.Thread, running.Events);

        var (status, body) = await CancelAsync(a, thread);

        status.Should().Be(HttpStatusCode.Accepted, body?.ToJsonString());
        ((string?)body!["status"]).Should().Be("cancelled", "B renews: it is alive, and answered at its renewal");
        var stream = await events.WaitAsync(Patience);
        ((string?)stream[^1]["outcome"]!["type"]).Should().Be("cancelled");
        (await store.GetAsync(Key(thread)))!.Lease.Should().BeNull("B recorded the cancelled end");
    }

    [Fact]
    public async Task Cancel_WhenNoRunHoldsTheThread_Is404()
    {
        await using var host = await StartAsync(new GatedAgent());

        using var cancel = await host.Client.PostAsync($"{Path}/threads/{RunInputs.NewThreadId()}/cancel", null);

        cancel.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    /// <summary>A run's response (disposing it closes the stream) and its events, read to the end in the background.</summary>
    private sealed class Streaming(HttpResponseMessage response, string thread) : IDisposable
    {
        public string Thread => thread;

        public Task<IReadOnlyList<JsonObject>> Events { get; } = Sse.ReadAllAsync(response);

        /// <summary>The lease the run took (set by <see cref="StartRunAsync"/>).</summary>
        public RunLease Lease { get; set; } = null!;

        public void Dispose() => response.Dispose();
    }

    private static async Task<Streaming> StreamingAsync(HttpClient client, string thread, string runId) =>
        new(await client.SendAsync(Sse.RunRequest(Path, RunInputs.Json(thread, runId)), HttpCompletionOption.ResponseHeadersRead), thread);

    /// <summary>Starts run <paramref name="runId"/> of <paramref name="host"/> on a new thread, streaming, once it holds its lease.</summary>
    private static async Task<Streaming> StartRunAsync(TestHost host, string runId = "r1")
    {
        var running = await StreamingAsync(host.Client, RunInputs.NewThreadId(), runId);
        running.Lease = await WaitForLeaseAsync(host.Services.GetRequiredService<IThreadStore>(), running.Thread);
        return running;
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> CancelAsync(TestHost host, string thread)
    {
        using var response = await host.Client.PostAsync($"{Path}/threads/{thread}/cancel", null);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static async Task<JsonObject> ThreadViewAsync(TestHost host, string thread)
    {
        using var response = await host.Client.GetAsync($"{Path}/threads/{thread}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static async Task<RunLease> WaitForLeaseAsync(IThreadStore store, string thread)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (await store.GetAsync(Key(thread)) is { Lease: { } lease })
            {
                return lease;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException("the run did not take its lease");
    }
}
