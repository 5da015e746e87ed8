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
}
