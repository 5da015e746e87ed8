using Microsoft.AspNetCore.Builder;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// Returned by <c>MapAgUi</c>: every convention added here (<c>RequireAuthorization</c>, <c>RequireCors</c>,
/// <c>RequireRateLimiting</c>, <c>WithTags</c>, …) applies to all of the agent's endpoints — run, cancel and
/// capabilities. Do not give them one name with <c>WithName</c>: endpoint names must be unique, and each endpoint
/// already has its own (<c>AgUiRun_…</c>, <c>AgUiCancel_…</c>, <c>AgUiCapabilities_…</c>).
/// </summary>
public sealed class AgUiEndpointConventionBuilder : IEndpointConventionBuilder
{
    private readonly IEndpointConventionBuilder _endpoints;
    private readonly MappedAgent _agent;

    internal AgUiEndpointConventionBuilder(IEndpointConventionBuilder endpoints, MappedAgent agent)
    {
        _endpoints = endpoints;
        _agent = agent;
    }

    /// <inheritdoc />
    public void Add(Action<EndpointBuilder> convention) => _endpoints.Add(convention);

    /// <inheritdoc />
    public void Finally(Action<EndpointBuilder> finallyConvention) => _endpoints.Finally(finallyConvention);

    /// <summary>
    /// Declares this agent's capabilities, served at <c>GET {agent}/capabilities</c> instead of
    /// <see cref="AgUiOptions.Capabilities"/>. An undeclared transport is still filled in by the library.
    /// </summary>
    /// <param name="capabilities">The agent's capabilities.</param>
    /// <returns>This builder.</returns>
    public AgUiEndpointConventionBuilder WithCapabilities(AgentCapabilities capabilities)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        _agent.Capabilities = capabilities;
        return this;
    }

    /// <summary>
    /// Logs this agent's runs so a client that lost its connection can reconnect without losing an event: every event
    /// of a run streamed by <c>POST {agent}</c> or an SSE resume carries an SSE <c>id:</c> line (1, 2, 3, … within the
    /// run) and is appended to the registered <see cref="EventLog.IRunEventLog"/> (in memory unless a SQLite or Redis
    /// log is added) as it is sent; <c>GET {agent}/threads/{threadId}/runs/{runId}/events</c> replays the run after the
    /// id in <c>Last-Event-ID</c> (or <c>?after=</c>) and tails it to its end; a disconnected run keeps running for
    /// <see cref="AgUiEventLogOptions.KeepRunningAfterDisconnect"/>; <c>GET {agent}/threads/{threadId}/messages</c>
    /// rebuilds the thread; capabilities advertise <c>transport.resumable</c>. Off by default (see docs/reconnecting.md).
    /// </summary>
    /// <param name="configure">Configures the log's options; <see langword="null"/> keeps the defaults.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public AgUiEndpointConventionBuilder WithEventLog(Action<AgUiEventLogOptions>? configure = null)
    {
        var options = new AgUiEventLogOptions();
        configure?.Invoke(options);
        options.Validate();
        _agent.EventLog = options;
        return this;
    }
}
