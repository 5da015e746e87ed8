using System.Net;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

/// <summary>
/// Two servers sharing one thread store and one <see cref="IRunCancellationBus"/> (in memory here; the fault tests run
/// the same over Redis with real processes): a cancel reaching A ends the run streaming from B.
/// </summary>
public sealed class CrossInstanceCancellationTests
{
    private const string Path = "/agents/test";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>Delivers every published cancellation to every subscriber, synchronously.</summary>
    private sealed class LoopbackBus : IRunCancellationBus
    {
        private readonly List<Action<RunCancellation>> _handlers = [];

        public List<RunCancellation> Published { get; } = [];

        public ValueTask PublishAsync(RunCancellation cancellation, CancellationToken cancellationToken = default)
        {
            Action<RunCancellation>[] handlers;
            lock (_handlers)
            {
                Published.Add(cancellation);
                handlers = [.. _handlers];
            }

            foreach (var handler in handlers)
            {
                handler(cancellation);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask<IAsyncDisposable> SubscribeAsync(Action<RunCancellation> handler, CancellationToken cancellationToken = default)
        {
            lock (_handlers)
            {
                _handlers.Add(handler);
            }

            return ValueTask.FromResult<IAsyncDisposable>(new Unsubscribe(this, handler));
        }

        public async Task WaitForSubscribersAsync(int count)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (DateTime.UtcNow < deadline)
            {
                lock (_handlers)
                {
                    if (_handlers.Count >= count)
                    {
                        return;
                    }
                }

                await Task.Delay(10);
            }

            throw new TimeoutException("the servers did not subscribe to the bus");
        }

        private sealed class Unsubscribe(LoopbackBus bus, Action<RunCancellation> handler) : IAsyncDisposable
        {
            public ValueTask DisposeAsync()
            {
                lock (bus._handlers)
                {
                    bus._handlers.Remove(handler);
                }

                return ValueTask.CompletedTask;
            }
        }
    }

    private static async ValueTask<AgentOutcome> TalkUntilCancelled(AgUiRun run, CancellationToken cancellationToken)
    {
        var message = await run.StartTextMessageAsync();
        await message.AppendAsync("talking");
        await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        return AgentOutcome.Success();
    }

    private static Task<TestHost> StartAsync(IThreadStore store, IRunCancellationBus? bus) =>
        TestHost.StartAsync(
            app => app.MapAgUi(Path, TalkUntilCancelled),
            services: services =>
            {
                services.AddSingleton(store);
                if (bus is not null)
                {
                    services.AddSingleton(bus);
                }
            });

    [Fact]
    public async Task CancelThroughA_RunStreamingFromB_Returns202AndBsStreamEndsCancelled()
    {
        var store = new InMemoryThreadStore();
        var bus = new LoopbackBus();
        await using var a = await StartAsync(store, bus);
        await using var b = await StartAsync(store, bus);
        await bus.WaitForSubscribersAsync(2);
        var thread = RunInputs.NewThreadId();
        using var response = await b.Client.SendAsync(Sse.RunRequest(Path, RunInputs.Json(thread, "run-b")), HttpCompletionOption.ResponseHeadersRead);
        var events = Sse.ReadAllAsync(response);
        await WaitForLeaseAsync(store, thread);

        using var cancel = await a.Client.PostAsync($"{Path}/threads/{thread}/cancel", null);

        cancel.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var body = JsonNode.Parse(await cancel.Content.ReadAsStringAsync())!;
        body["runIds"]!.AsArray().Select(r => (string?)r).Should().Equal("run-b");
        var stream = await events.WaitAsync(Patience);
        stream.Types()[^1].Should().Be("RUN_FINISHED");
        ((string?)stream[^1]["outcome"]!["type"]).Should().Be("cancelled");
        bus.Published.Should().ContainSingle().Which.RunId.Should().Be("run-b");
    }

    [Fact]
    public async Task Cancel_WithABus_NoRunAnywhere_Returns404AndPublishesNothing()
    {
        var bus = new LoopbackBus();
        await using var a = await StartAsync(new InMemoryThreadStore(), bus);

        using var cancel = await a.Client.PostAsync($"{Path}/threads/nobody-home/cancel", null);

        cancel.StatusCode.Should().Be(HttpStatusCode.NotFound);
        bus.Published.Should().BeEmpty();
    }

    private static async Task WaitForLeaseAsync(IThreadStore store, string threadId)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            // The agent's name in thread keys is its route; anonymous callers share one owner.
            if (await store.GetAsync(new ThreadKey(Path, ThreadOwnerResolver.Anonymous, threadId)) is { Lease: not null })
            {
                return;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException("the run did not take its lease");
    }
}
