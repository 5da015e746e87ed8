using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>Maps agents onto AG-UI endpoints.</summary>
public static class AgUiEndpointRouteBuilderExtensions
{
    private const string EventStream = "text/event-stream";
    private const string Json = "application/json";

    /// <summary>
    /// Serves <paramref name="agent"/> at <paramref name="pattern"/>:
    /// <list type="bullet">
    /// <item><c>POST {pattern}</c>: runs the agent for a <see cref="RunAgentInput"/> body and streams the events (SSE;
    /// each event's <c>data</c> is one <see cref="AgUiEvent"/>);</item>
    /// <item><c>POST {pattern}/threads/{threadId}/cancel</c>: stops the thread's active runs (202; 404 when none);</item>
    /// <item><c>GET {pattern}/capabilities</c>: the agent's <see cref="AgentCapabilities"/>.</item>
    /// </list>
    /// Requires <see cref="AgUiServiceCollectionExtensions.AddAgUi"/>. Conventions added to the returned builder
    /// (authorization, CORS, rate limiting, OpenAPI metadata) apply to all three endpoints.
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

        RequestDelegate run = new RunEndpoint(mapped).HandleAsync;
        var runEndpoint = group.MapPost(string.Empty, run);
        runEndpoint.Add(Describe("Run", run.Method, "Run the agent",
            "Runs the agent for a RunAgentInput and streams its AG-UI events as Server-Sent Events: RUN_STARTED first, exactly one RUN_FINISHED or RUN_ERROR last. Errors before the stream opens are application/problem+json with a stable code."));
        runEndpoint
            .WithMetadata(
                // The request type without content types: routing would otherwise answer a wrong Content-Type with a
                // bare 415 before the endpoint can send its problem+json. API explorers default a JSON body to application/json.
                new AcceptsMetadata([], typeof(RunAgentInput)),
                new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(AgUiEvent), [EventStream]))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status406NotAcceptable)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        RequestDelegate cancel = new CancelEndpoint(mapped).HandleAsync;
        var cancelEndpoint = group.MapPost($"/threads/{{{CancelEndpoint.ThreadIdRouteValue}}}/cancel", cancel);
        cancelEndpoint.Add(Describe("Cancel", CancelEndpoint.ApiShape, "Cancel the thread's active run",
            "Stops every active run of this agent on the thread (barge-in). Each stream closes its open items and ends with RUN_FINISHED outcome cancelled."));
        cancelEndpoint
            .WithMetadata(
                CancelEndpoint.ThreadIdParameter,
                new ProducesResponseTypeMetadata(StatusCodes.Status202Accepted, typeof(CancelRunResponse), [Json]))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        var threads = new ThreadEndpoints(mapped);
        const string threadRoute = $"/threads/{{{ThreadEndpoints.ThreadIdRouteValue}}}";

        RequestDelegate view = threads.GetAsync;
        var viewEndpoint = group.MapGet(threadRoute, view);
        viewEndpoint.Add(Describe("Thread", CancelEndpoint.ApiShape, "Get a thread",
            "The thread's status (idle, running, interrupted), its pending interrupts with any recorded decisions, the last run id and a version (also the ETag). Another owner's thread is not found."));
        viewEndpoint
            .WithMetadata(CancelEndpoint.ThreadIdParameter, new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(ThreadView), [Json]))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        RequestDelegate decide = threads.DecideAsync;
        var decideEndpoint = group.MapPost($"{threadRoute}/interrupts/{{{ThreadEndpoints.InterruptIdRouteValue}}}", decide);
        decideEndpoint.Add(Describe("Decide", DecisionShape, "Record a decision on an interrupt",
            "Records one decision ({status, payload?, metadata?}) out of band, validated like a resume entry; the same decision again is a no-op. Recorded decisions count toward the next resume's coverage."));
        decideEndpoint
            .WithMetadata(
                // As for the run: no content types, so a wrong Content-Type reaches the endpoint's 415 problem+json.
                new AcceptsMetadata([], typeof(DecisionRequest)),
                new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(ThreadView), [Json]))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        RequestDelegate resume = threads.ResumeAsync;
        var resumeEndpoint = group.MapPost($"{threadRoute}/resume", resume);
        resumeEndpoint.Add(Describe("Resume", CancelEndpoint.ApiShape, "Resume the thread",
            "Runs the agent with a RunAgentInput body without threadId (runId optional). With Accept: text/event-stream it streams (a refused resume is a stream holding one RUN_ERROR); otherwise it answers a JSON run summary, or problem+json 409/422 with the code when the resume is refused before the run begins."));
        resumeEndpoint
            .WithMetadata(
                CancelEndpoint.ThreadIdParameter,
                new AcceptsMetadata([], typeof(RunAgentInput)),
                new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(RunSummary), [Json, EventStream]))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        RequestDelegate capabilities = new CapabilitiesEndpoint(mapped).HandleAsync;
        var capabilitiesEndpoint = group.MapGet("/capabilities", capabilities);
        capabilitiesEndpoint.Add(Describe("Capabilities", capabilities.Method, "Get the agent's capabilities",
            "The agent's AG-UI AgentCapabilities (1.0 shape). Informative only: a run never depends on it."));
        capabilitiesEndpoint
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(AgentCapabilities), [Json]));

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
    /// handler method so API explorers (OpenAPI) list it like a minimal-API endpoint.
    /// </summary>
    private static Action<EndpointBuilder> Describe(string operation, MethodInfo shape, string summary, string description) => builder =>
    {
        var agentRoute = AgentRoute((builder as RouteEndpointBuilder)?.RoutePattern.RawText ?? string.Empty, operation);
        builder.Metadata.Add(shape);
        builder.Metadata.Add(new EndpointNameMetadata($"AgUi{operation}_{Identifier(agentRoute)}"));
        builder.Metadata.Add(new EndpointSummaryAttribute(summary));
        builder.Metadata.Add(new EndpointDescriptionAttribute(description));
        builder.Metadata.Add(new TagsAttribute(agentRoute));
    };

    /// <summary>The shape API explorers read for the decision endpoint: the route's thread and interrupt ids.</summary>
    private static readonly MethodInfo DecisionShape = ((Func<string, string, Task>)DescribeDecision).Method;

    private static Task DescribeDecision(string threadId, string interruptId) => Task.CompletedTask;

    /// <summary>The agent's own route: the endpoint's route without the suffix this library adds.</summary>
    private static string AgentRoute(string route, string operation)
    {
        const string thread = $"/threads/{{{CancelEndpoint.ThreadIdRouteValue}}}";
        var suffix = operation switch
        {
            "Cancel" => $"{thread}/cancel",
            "Thread" => thread,
            "Decide" => $"{thread}/interrupts/{{{ThreadEndpoints.InterruptIdRouteValue}}}",
            "Resume" => $"{thread}/resume",
            "Capabilities" => "/capabilities",
            _ => string.Empty,
        };
        var agentRoute = (suffix.Length > 0 && route.EndsWith(suffix, StringComparison.Ordinal) ? route[..^suffix.Length] : route).TrimEnd('/');
        return agentRoute.Length == 0 ? "/" : agentRoute;
    }

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
