using System.Diagnostics.CodeAnalysis;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>Maps agents onto AG-UI endpoints.</summary>
public static class AgUiEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves <paramref name="agent"/> at <paramref name="pattern"/>:
    /// <list type="bullet">
    /// <item><c>POST {pattern}</c>: runs the agent for a <see cref="RunAgentInput"/> body and streams the events (SSE;
    /// each event's <c>data</c> is one <see cref="AgUiEvent"/>);</item>
    /// <item><c>POST {pattern}/threads/{threadId}/cancel</c>: stops the thread's active runs (202; 404 when none);</item>
    /// <item><c>GET {pattern}/threads/{threadId}</c>: the thread's status, pending interrupts and version (ETag);</item>
    /// <item><c>POST {pattern}/threads/{threadId}/interrupts/{interruptId}</c>: records a decision on an interrupt out
    /// of band;</item>
    /// <item><c>POST {pattern}/threads/{threadId}/resume</c>: runs the agent to resume the thread, streaming with
    /// <c>Accept: text/event-stream</c>, else answering a JSON run summary;</item>
    /// <item><c>GET {pattern}/capabilities</c>: the agent's <see cref="AgentCapabilities"/>;</item>
    /// <item><c>GET {pattern}/threads/{threadId}/runs/{runId}/events</c>: a reconnect to a run's events, and
    /// <c>GET {pattern}/threads/{threadId}/messages</c>: a thread reloaded, both for an agent mapped with an event log
    /// (<see cref="AgUiEndpointConventionBuilder.WithEventLog"/>; 404 otherwise).</item>
    /// </list>
    /// Requires <see cref="AgUiServiceCollectionExtensions.AddAgUi"/>. Conventions added to the returned builder
    /// (authorization, CORS, rate limiting, OpenAPI metadata) apply to all eight endpoints.
    /// </summary>
    /// <param name="endpoints">The route builder (the application, or a route group).</param>
    /// <param name="pattern">The agent's route, e.g. <c>/agents/echo</c>.</param>
    /// <param name="agent">The agent; one instance serves every run.</param>
    /// <returns>A builder to customize all of the agent's endpoints.</returns>
    public static AgUiEndpointConventionBuilder MapAgUi(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern, IAgUiAgent agent)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(agent);
        if (endpoints.ServiceProvider.GetService<IServiceProviderIsService>()?.IsService(typeof(RunPipeline)) != true)
        {
            throw new InvalidOperationException(
                "Unable to find the required services. Add them by calling 'services.AddAgUi()' in the application's start-up code.");
        }

        var mapped = new MappedAgent(agent, AgentName(pattern));
        var group = endpoints.MapGroup(pattern);
        foreach (var descriptor in AgUiEndpointDescriptors.For(mapped, endpoints.ServiceProvider))
        {
            var endpoint = group.MapMethods(descriptor.Route, [descriptor.Method], descriptor.Handler);
            endpoint.Add(Describe(descriptor));
            descriptor.Metadata(endpoint);
        }

        return new AgUiEndpointConventionBuilder(group, mapped);
    }

    /// <summary>
    /// Serves the agent written as <paramref name="agent"/> at <paramref name="pattern"/>; see
    /// <see cref="MapAgUi(IEndpointRouteBuilder, string, IAgUiAgent)"/>.
    /// </summary>
    /// <param name="endpoints">The route builder (the application, or a route group).</param>
    /// <param name="pattern">The agent's route, e.g. <c>/agents/echo</c>.</param>
    /// <param name="agent">The agent's run: emits through the <see cref="AgUiRun"/> and returns the outcome.</param>
    /// <returns>A builder to customize all of the agent's endpoints.</returns>
    public static AgUiEndpointConventionBuilder MapAgUi(
        this IEndpointRouteBuilder endpoints,
        [StringSyntax("Route")] string pattern,
        Func<AgUiRun, CancellationToken, ValueTask<AgentOutcome>> agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return endpoints.MapAgUi(pattern, new DelegateAgent(agent));
    }

    /// <summary>
    /// Names, tags and documents one endpoint once its full route is known (after any group prefix), and exposes its
    /// shape so API explorers (OpenAPI) list it like a minimal-API endpoint.
    /// </summary>
    private static Action<EndpointBuilder> Describe(AgUiEndpointDescriptor descriptor) => builder =>
    {
        var route = (builder as RouteEndpointBuilder)?.RoutePattern.RawText ?? string.Empty;
        var agentRoute = (descriptor.Route.Length > 0 && route.EndsWith(descriptor.Route, StringComparison.Ordinal) ? route[..^descriptor.Route.Length] : route).TrimEnd('/');
        agentRoute = agentRoute.Length == 0 ? "/" : agentRoute;
        builder.Metadata.Add(descriptor.Shape);
        builder.Metadata.Add(new EndpointNameMetadata($"AgUi{descriptor.Operation}_{Identifier(agentRoute)}"));
        builder.Metadata.Add(new EndpointSummaryAttribute(descriptor.Summary));
        builder.Metadata.Add(new EndpointDescriptionAttribute(descriptor.Description));
        builder.Metadata.Add(new TagsAttribute(agentRoute));
    };

    /// <summary>
    /// The agent's key in thread stores: the pattern it was mapped with, normalised. It is stable across restarts and
    /// instances; map different agents with different patterns (group prefixes are not part of it).
    /// </summary>
    private static string AgentName(string pattern) => "/" + pattern.Trim('/');

    private static string Identifier(string route)
    {
        var name = new StringBuilder(route.Length);
        foreach (var c in route)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                name.Append(c);
            }
            else if (name.Length > 0 && name[^1] != '_')
            {
                name.Append('_');
            }
        }

        return name.ToString().TrimEnd('_');
    }
}
