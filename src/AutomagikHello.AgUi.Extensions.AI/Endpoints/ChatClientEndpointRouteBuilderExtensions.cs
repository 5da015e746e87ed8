using System.Diagnostics.CodeAnalysis;
using AutomagikHello.AgUi.AspNetCore;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;

namespace AutomagikHello.AgUi.Extensions.AI;

/// <summary>Maps a chat client onto AG-UI endpoints.</summary>
public static class ChatClientEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves <paramref name="chatClient"/> as a <see cref="ChatClientAgUiAgent"/> at <paramref name="pattern"/>, with the
    /// same six endpoints as <see cref="AgUiEndpointRouteBuilderExtensions.MapAgUi(IEndpointRouteBuilder, string, IAgUiAgent)"/>.
    /// </summary>
    /// <param name="endpoints">The route builder (the application, or a route group).</param>
    /// <param name="pattern">The agent's route, e.g. <c>/agents/assistant</c>.</param>
    /// <param name="chatClient">The model.</param>
    /// <param name="options">Instructions, chat options and tools; defaults when <see langword="null"/>.</param>
    /// <returns>A builder to customize all of the agent's endpoints.</returns>
    public static AgUiEndpointConventionBuilder MapAgUi(
        this IEndpointRouteBuilder endpoints,
        [StringSyntax("Route")] string pattern,
        IChatClient chatClient,
        ChatClientAgUiAgentOptions? options = null) =>
        endpoints.MapAgUi(pattern, new ChatClientAgUiAgent(chatClient, options));
}
