using System.Security.Claims;
using AutomagikHello.AgUi.AspNetCore;
using AutomagikHello.AgUi.Hosting;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.Extensions.AI.Tests.Infrastructure;

/// <summary>Runs agents through the host-neutral <see cref="AgUiRunner"/> with the in-memory store: no server.</summary>
internal sealed class InProcessHost
{
    public const string AgentName = "/agents/assistant";
    public const string Owner = "alice";

    private readonly ServiceProvider _services;

    /// <param name="store">Adds the thread store (in memory when <see langword="null"/>).</param>
    public InProcessHost(Action<IAgUiBuilder>? store = null)
    {
        var services = new ServiceCollection();
        var builder = services.AddAgUi();
        store?.Invoke(builder);
        _services = services.BuildServiceProvider();
    }

    public IServiceProvider Services => _services;

    public IThreadStore Store => _services.GetRequiredService<IThreadStore>();

    public async Task<(RunEnd End, List<AgUiEvent> Events)> RunAsync(IAgUiAgent agent, RunAgentInput input)
    {
        var sink = new ListSink();
        var end = await _services.GetRequiredService<AgUiRunner>().RunAsync(new RunInvocation
        {
            Agent = agent,
            AgentName = AgentName,
            Input = input,
            Owner = Owner,
            User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, Owner)], "test")),
            Services = _services,
            Sink = sink,
        });
        return (end, sink.Snapshot());
    }

    /// <summary>Cancels the thread's active run, as the cancel endpoint does.</summary>
    public IReadOnlyList<string> Cancel(string threadId) =>
        _services.GetRequiredService<ActiveRunRegistry>().Cancel(new ThreadKey(AgentName, Owner, threadId), null);

    public Task<ThreadRecord?> GetThreadAsync(string threadId) => Store.GetAsync(new ThreadKey(AgentName, Owner, threadId)).AsTask();

    /// <summary>Disposes the services (the test class calls it from its IAsyncLifetime.DisposeAsync).</summary>
    public ValueTask StopAsync() => _services.DisposeAsync();

    private sealed class ListSink : IRunEventSink
    {
        private readonly List<AgUiEvent> _events = [];

        public List<AgUiEvent> Snapshot()
        {
            lock (_events)
            {
                return [.. _events];
            }
        }

        public int Write(AgUiEvent agUiEvent)
        {
            lock (_events)
            {
                _events.Add(agUiEvent);
            }

            return 0;
        }

        public int WriteHeartbeat() => 0;

        public ValueTask<bool> FlushAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);

        public void Dispose()
        {
        }
    }
}
