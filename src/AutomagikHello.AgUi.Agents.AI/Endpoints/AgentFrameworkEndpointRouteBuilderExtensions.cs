using System.Diagnostics.CodeAnalysis;
using AutomagikHello.AgUi.AspNetCore;
using Microsoft.Agents.AI;
using Microsoft.AspNetCore.Routing;

namespace AutomagikHello.AgUi.Agents.AI;

/// <summary>Maps a Microsoft Agent Framework agent onto AG-UI endpoints.</summary>
public static class AgentFrameworkEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves <paramref name="agent"/> as an <see cref="AgentFrameworkAgUiAgent"/> at <paramref name="pattern"/>, with the
    /// same endpoints as <see cref="AgUiEndpointRouteBuilderExtensions.MapAgUi(IEndpointRouteBuilder, string, IAgUiAgent)"/>.
    /// </summary>
    /// <param name="endpoints">The route builder (the application, or a route group).</param>
    /// <param name="pattern">The agent's route, e.g. <c>/agents/assistant</c>.</param>
    /// <param name="agent">The Agent Framework agent.</param>
    /// <param name="options">How context and state reach it; defaults when <see langword="null"/>.</param>
    /// <returns>A builder to customize all of the agent's endpoints.</returns>
    public static AgUiEndpointConventionBuilder MapAgUi(
        this IEndpointRouteBuilder endpoints,
        [StringSyntax("Route")] string pattern,
        AIAgent agent,
        AgentFrameworkAgUiAgentOptions? options = null) =>
        endpoints.MapAgUi(pattern, new AgentFrameworkAgUiAgent(agent, options));
}
