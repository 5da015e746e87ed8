using System.Reflection;
using System.Text.Json;
using AutomagikHello.AgUi.Threads;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// <c>POST {agent}/threads/{threadId}/cancel</c>: stops every active run of the agent on the thread (barge-in).
/// Each stream closes its open items and ends with <c>RUN_FINISHED</c> outcome <c>cancelled</c>; the caller gets
/// 202 with the run ids, or 404 problem+json (<c>NO_ACTIVE_RUN</c>) when none was active.
/// </summary>
internal sealed class CancelEndpoint(MappedAgent mapped)
{
    public const string ThreadIdRouteValue = "threadId";

    /// <summary>
    /// The endpoint's shape as API explorers read it: a method taking the route's <c>threadId</c>, and its binding
    /// metadata. Never called; the endpoint itself is <see cref="HandleAsync"/>.
    /// </summary>
    public static readonly MethodInfo ApiShape = ((Func<string, Task>)Describe).Method;

    /// <summary>The <c>threadId</c> route parameter, for API explorers.</summary>
    public static readonly IParameterBindingMetadata ThreadIdParameter = new RouteParameter(ApiShape.GetParameters()[0]);

    private static Task Describe(string threadId) => Task.CompletedTask;

    public async Task HandleAsync(HttpContext context)
    {
        var threadId = context.Request.RouteValues[ThreadIdRouteValue] as string ?? string.Empty;
        var services = context.RequestServices;
        var registry = services.GetService<ActiveRunRegistry>()
            ?? throw new InvalidOperationException("AG-UI services are not registered: call services.AddAgUi() at start-up.");
        if (services.GetRequiredService<ThreadOwnerResolver>().Resolve(context) is not { } owner)
        {
            await new AgUiProblem(StatusCodes.Status401Unauthorized, AgUiErrorCodes.AuthenticationRequired, "Cancelling a run requires an authenticated caller.")
                .WriteAsync(context).ConfigureAwait(false);
            return;
        }

        // Scoped by owner: another caller's thread with the same id has, for this caller, no active run.
        var stopped = registry.Cancel(mapped.Agent, owner, threadId);
        var logger = services.GetRequiredService<ILogger<CancelEndpoint>>();
        RunLog.CancelRequested(logger, threadId, stopped.Count);
        if (stopped.Count == 0 && services.GetService<IRunCancellationBus>() is { } bus)
        {
            try
            {
                stopped = await CancelElsewhereAsync(services, bus, new ThreadKey(mapped.Name, owner, threadId), context.RequestAborted).ConfigureAwait(false);
            }
            catch (ThreadStoreUnavailableException ex)
            {
                RunLog.StoreUnavailable(logger, ex, threadId);
                await new AgUiProblem(StatusCodes.Status503ServiceUnavailable, AgUiErrorCodes.StoreUnavailable, "The thread store is unavailable; the run could not be cancelled. Retry later.")
                    .WriteAsync(context).ConfigureAwait(false);
                return;
            }

            if (stopped.Count > 0)
            {
                RunLog.CancelPublished(logger, threadId, stopped[0]);
            }
        }

        if (stopped.Count == 0)
        {
            await new AgUiProblem(StatusCodes.Status404NotFound, AgUiErrorCodes.NoActiveRun, $"Thread '{threadId}' has no active run to cancel.")
                .WriteAsync(context).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        var body = new CancelRunResponse { ThreadId = threadId, RunIds = stopped };
        await JsonSerializer.SerializeAsync(context.Response.Body, body, AgUiHostingJsonContext.Responses.CancelRunResponse, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Publishes the cancellation of the run holding the thread's live lease on another instance, if any.</summary>
    private static async Task<IReadOnlyList<string>> CancelElsewhereAsync(IServiceProvider services, IRunCancellationBus bus, ThreadKey key, CancellationToken cancellationToken)
    {
        var record = await services.GetRequiredService<IThreadStore>().GetAsync(key, cancellationToken).ConfigureAwait(false);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var instanceId = services.GetRequiredService<IOptions<AgUiOptions>>().Value.InstanceId;
        if (record?.Lease is not { } lease || lease.ExpiresAt <= now || string.Equals(lease.InstanceId, instanceId, StringComparison.Ordinal))
        {
            // No run anywhere, or this instance's own run, which has just ended.
            return [];
        }

        await bus.PublishAsync(new RunCancellation(key, lease.RunId), cancellationToken).ConfigureAwait(false);
        return [lease.RunId];
    }

    private sealed class RouteParameter(ParameterInfo parameter) : IParameterBindingMetadata
    {
        public string Name => parameter.Name!;

        public bool HasTryParse => true;

        public bool HasBindAsync => false;

        public ParameterInfo ParameterInfo => parameter;

        public bool IsOptional => false;
    }
}
