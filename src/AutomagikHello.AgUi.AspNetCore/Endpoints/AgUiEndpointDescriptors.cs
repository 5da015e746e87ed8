using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// One endpoint <c>MapAgUi</c> maps: its operation name (in its endpoint name <c>AgUi{Operation}_{route}</c>), method,
/// route under the agent's, handler, the shape API explorers read (a method with the route's parameters), its
/// OpenAPI summary and description, and its request and response metadata.
/// </summary>
internal sealed record AgUiEndpointDescriptor(
    string Operation,
    string Method,
    string Route,
    RequestDelegate Handler,
    MethodInfo Shape,
    string Summary,
    string Description,
    Action<IEndpointConventionBuilder> Metadata);

/// <summary>The one list of the endpoints of an agent: adding an endpoint is adding it here.</summary>
internal static class AgUiEndpointDescriptors
{
    private const string EventStream = "text/event-stream";
    private const string Json = "application/json";
    private const string ProblemJson = "application/problem+json";
    private const string Thread = $"/threads/{{{ThreadEndpoints.ThreadIdRouteValue}}}";

    /// <summary>The endpoints of <paramref name="mapped"/>, their services resolved once from <paramref name="services"/>.</summary>
    public static IReadOnlyList<AgUiEndpointDescriptor> For(MappedAgent mapped, IServiceProvider services)
    {
        var resolved = new AgUiEndpointServices(services);
        RequestDelegate run = new RunEndpoint(mapped, resolved).HandleAsync;
        var threads = new ThreadEndpoints(mapped, resolved);
        RequestDelegate capabilities = new CapabilitiesEndpoint(mapped, resolved).HandleAsync;
        var runEvents = new RunEventsEndpoint(mapped, threads, resolved);
        RequestDelegate events = ClientDisconnect.Quiet(runEvents.HandleAsync);
        return
        [
            new("Run", HttpMethods.Post, string.Empty, run, run.Method, "Run the agent",
                "Runs the agent for a RunAgentInput and streams its AG-UI events as Server-Sent Events: RUN_STARTED first, exactly one RUN_FINISHED or RUN_ERROR last. Errors before the stream opens are application/problem+json with a stable code.",
                endpoint => endpoint
                    .WithMetadata(
                        // The request type without content types: routing would otherwise answer a wrong Content-Type with a
                        // bare 415 before the endpoint can send its problem+json. API explorers default a JSON body to application/json.
                        new AcceptsMetadata([], typeof(RunAgentInput)),
                        new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(AgUiEvent), [EventStream]))
                    .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status406NotAcceptable, StatusCodes.Status413PayloadTooLarge,
                        StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status503ServiceUnavailable)),
            new("Cancel", HttpMethods.Post, $"{Thread}/cancel", ClientDisconnect.Quiet(new CancelEndpoint(mapped, resolved).HandleAsync), ApiShapes.Thread, "Cancel the thread's active run",
                "Stops every active run of this agent on the thread (barge-in). Each stream closes its open items and ends with RUN_FINISHED outcome cancelled.",
                endpoint => endpoint
                    .WithMetadata(ApiShapes.ThreadIdParameter, new ProducesResponseTypeMetadata(StatusCodes.Status202Accepted, typeof(CancelRunResponse), [Json]))
                    .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable)),
            new("Thread", HttpMethods.Get, Thread, ClientDisconnect.Quiet(threads.GetAsync), ApiShapes.Thread, "Get a thread",
                "The thread's status (idle, running, interrupted), its pending interrupts with any recorded decisions, the last run id and a version (also the ETag). Another owner's thread is not found.",
                endpoint => endpoint
                    .WithMetadata(ApiShapes.ThreadIdParameter, new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(ThreadView), [Json]))
                    .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable)),
            new("Decide", HttpMethods.Post, $"{Thread}/interrupts/{{{ThreadEndpoints.InterruptIdRouteValue}}}", ClientDisconnect.Quiet(threads.DecideAsync), ApiShapes.Decision, "Record a decision on an interrupt",
                "Records one decision ({status, payload?, metadata?}) out of band, validated like a resume entry; the same decision again is a no-op. Recorded decisions count toward the next resume's coverage.",
                endpoint => endpoint
                    .WithMetadata(
                        // As for the run: no content types, so a wrong Content-Type reaches the endpoint's 415 problem+json.
                        new AcceptsMetadata([], typeof(DecisionRequest)),
                        new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(ThreadView), [Json]))
                    .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict,
                        StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status503ServiceUnavailable)),
            new("Resume", HttpMethods.Post, $"{Thread}/resume", ClientDisconnect.Quiet(threads.ResumeAsync), ApiShapes.Thread, "Resume the thread",
                "Runs the agent with a RunAgentInput body without threadId (runId optional). With Accept: text/event-stream it streams (a refused resume is a stream holding one RUN_ERROR); otherwise it answers a JSON run summary, or problem+json 409/422 with the code when the resume is refused before the run begins.",
                endpoint => endpoint
                    .WithMetadata(
                        ApiShapes.ThreadIdParameter,
                        new AcceptsMetadata([], typeof(RunAgentInput)),
                        new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(RunSummary), [Json, EventStream]))
                    .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge,
                        StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status503ServiceUnavailable)),
            new("RunEvents", HttpMethods.Get, $"{Thread}/runs/{{{RunEventsEndpoint.RunIdRouteValue}}}/events", events, ApiShapes.Run, "Reconnect to a run's events",
                "For an agent mapped with an event log: streams the run's events after the id in Last-Event-ID (or ?after=; none replays from the start), each with its SSE id, byte for byte as first sent, then the live tail, closing after the terminal event. Unknown or another owner's run 404, dropped by retention 410, a bad id 400.",
                endpoint => endpoint
                    .WithMetadata(ApiShapes.ThreadIdParameter, ApiShapes.RunIdParameter, new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(AgUiEvent), [EventStream]))
                    .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status410Gone)),
            new("Messages", HttpMethods.Get, $"{Thread}/messages", ClientDisconnect.Quiet(runEvents.MessagesAsync), ApiShapes.Thread, "Reload a thread's conversation",
                "For an agent mapped with an event log: the thread's conversation rebuilt from its latest run kept in the log (its input messages and state, then its events), as a MESSAGES_SNAPSHOT event and the last STATE_SNAPSHOT, with the thread view (pending interrupts). No run kept, or another owner's thread: 404.",
                endpoint => endpoint
                    .WithMetadata(ApiShapes.ThreadIdParameter, new ProducesResponseTypeMetadata(StatusCodes.Status200OK, type: null, [Json]))
                    .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable)),
            new("Capabilities", HttpMethods.Get, "/capabilities", ClientDisconnect.Quiet(capabilities), capabilities.Method, "Get the agent's capabilities",
                "The agent's AG-UI AgentCapabilities (1.0 shape). Informative only: a run never depends on it.",
                endpoint => endpoint.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(AgentCapabilities), [Json]))),
        ];
    }

    private static IEndpointConventionBuilder ProducesProblems(this IEndpointConventionBuilder endpoint, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            // Not ProducesProblem: its ProblemDetails would hide the code, path and traceId every answer carries.
            endpoint.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(AgUiProblemDetails), [ProblemJson]));
        }

        return endpoint;
    }
}

/// <summary>
/// The shapes API explorers read for the endpoints whose route names ids: methods taking the route's parameters, and
/// their binding metadata. Never called; the endpoints themselves are <see cref="RequestDelegate"/>s.
/// </summary>
internal static class ApiShapes
{
    /// <summary>An endpoint under <c>/threads/{threadId}</c>.</summary>
    public static readonly MethodInfo Thread = ((Func<string, Task>)DescribeThread).Method;

    /// <summary>The decision endpoint: the route's thread and interrupt ids.</summary>
    public static readonly MethodInfo Decision = ((Func<string, string, Task>)DescribeDecision).Method;

    /// <summary>The <c>threadId</c> route parameter.</summary>
    public static readonly IParameterBindingMetadata ThreadIdParameter = new RouteParameter(Thread.GetParameters()[0]);

    /// <summary>An endpoint under <c>/threads/{threadId}/runs/{runId}</c>.</summary>
    public static readonly MethodInfo Run = ((Func<string, string, Task>)DescribeRun).Method;

    /// <summary>The <c>runId</c> route parameter.</summary>
    public static readonly IParameterBindingMetadata RunIdParameter = new RouteParameter(Run.GetParameters()[1]);

    private static Task DescribeThread(string threadId) => Task.CompletedTask;

    private static Task DescribeDecision(string threadId, string interruptId) => Task.CompletedTask;

    private static Task DescribeRun(string threadId, string runId) => Task.CompletedTask;

    private sealed class RouteParameter(ParameterInfo parameter) : IParameterBindingMetadata
    {
        public string Name => parameter.Name!;

        public bool HasTryParse => true;

        public bool HasBindAsync => false;

        public ParameterInfo ParameterInfo => parameter;

        public bool IsOptional => false;
    }
}
