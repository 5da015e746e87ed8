using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Threads;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// The HTTP edge of a run: resolves the thread's owner (401 without one), hands the run to the host-neutral
/// <see cref="AgUiRunner"/> with the request's user, services and abort signal and an SSE sink on the response (or the
/// caller's sink), and answers 503 problem+json when the store cannot begin the run. Everything between begin and the
/// terminal event is the runner's.
/// </summary>
internal sealed class RunPipeline(AgUiRunner runner, ThreadOwnerResolver owners, IRunEventLog eventLog, ILogger<RunPipeline> logger)
{
    /// <summary>The clock runs are timed with.</summary>
    public TimeProvider Clock => runner.Clock;

    /// <summary>
    /// Streams one run of <paramref name="agent"/> as the response of <paramref name="context"/> (or into
    /// <paramref name="sink"/>, leaving the response alone). First the thread store begins the run: it takes
    /// the thread's lease and validates and claims the resume; a refusal becomes a stream that opens with
    /// <c>RUN_ERROR</c> carrying the code. The run's end is recorded before its terminal event is written.
    /// </summary>
    /// <param name="context">The request; its response has not started.</param>
    /// <param name="agent">The agent; runs are registered for cancellation under this instance, the owner and the thread id.</param>
    /// <param name="agentName">The agent's key in the thread store.</param>
    /// <param name="input">The validated input.</param>
    /// <param name="requestTimestamp">When the request reached the library (a <see cref="Clock"/> timestamp).</param>
    /// <param name="sink">Where the events go instead of the SSE response (the JSON resume endpoint's summary).</param>
    /// <param name="logged">How the run is logged for reconnects and reloads (<see cref="RunEventLogSink"/>), or <see langword="null"/>. Only an SSE run may outlive its client.</param>
    public Task ExecuteAsync(HttpContext context, IAgUiAgent agent, string agentName, RunAgentInput input, long requestTimestamp, IRunEventSink? sink = null, AgUiEventLogOptions? logged = null)
    {
        if (owners.Resolve(context) is not { } owner)
        {
            return new AgUiProblem(AgUiErrorCodes.AuthenticationRequired, "Runs on this server require an authenticated caller.").WriteAsync(context);
        }

        if (sink is null && logged is null)
        {
            // The common run: SSE, not logged; the sink ends the services when the runner disposes it, after the agent.
            var services = new RequestServicesOnFirstUse(context);
            var stream = new SseRunEventSink(context.Response.BodyWriter, context, services);
            var streaming = runner.RunAsync(Invocation(context, agent, agentName, input, owner, requestTimestamp, services, stream, context.RequestAborted));

            // A stream that has opened was begun by the store (at once, as the in-memory store does): no 503 can come any
            // more, so the run's own task is returned and no frame of this class waits under the held stream.
            return stream.Opened ? streaming : AnswerStoreUnavailableAsync(streaming, context, input.ThreadId);
        }

        return ExecuteLoggedOrIntoSinkAsync(context, agent, agentName, input, owner, requestTimestamp, sink, logged);
    }

    /// <summary>Waits for a run whose begin is still under way: a store that cannot begin it is answered with 503.</summary>
    private async Task AnswerStoreUnavailableAsync(Task<RunEnd> streaming, HttpContext context, string threadId)
    {
        try
        {
            await streaming.ConfigureAwait(false);
        }
        catch (ThreadStoreUnavailableException ex)
        {
            RunLog.StoreUnavailable(logger, ex, threadId);
            await AgUiProblem.StoreUnavailable.WriteAsync(context).ConfigureAwait(false);
        }
    }

    private async Task ExecuteLoggedOrIntoSinkAsync(HttpContext context, IAgUiAgent agent, string agentName, RunAgentInput input, string owner, long requestTimestamp, IRunEventSink? sink, AgUiEventLogOptions? logged)
    {
        // A logged SSE run gets ids and may outlive its client (until the grace fires the receiver-gone signal); a logged
        // summary run is logged alike (a reload then shows it) and stops with its request, as unlogged runs do.
        var live = sink is null ? new SseRunEventSink(context.Response.BodyWriter, context) : null;
        var receiver = logged is null ? null : live ?? sink as ILoggedRunReceiver;
        using var grace = live is not null && logged is not null ? new DisconnectGrace(logged.KeepRunningAfterDisconnect, runner.Clock, context.RequestAborted) : null;
        var logSink = receiver is not null ? new RunEventLogSink(
            eventLog,
            new RunLogKey(new ThreadKey(agentName, owner, input.ThreadId), input.RunId),
            runner.Clock.GetUtcNow(),
            input,
            receiver,
            keepRunning: grace is not null && logged!.KeepRunningAfterDisconnect > TimeSpan.Zero,
            logger,
            context.RequestAborted) : null;
        var services = new RequestServicesOnFirstUse(context);
        try
        {
            await runner.RunAsync(Invocation(
                context, agent, agentName, input, owner, requestTimestamp, services, (IRunEventSink?)logSink ?? sink ?? live!, grace?.Token ?? context.RequestAborted)).ConfigureAwait(false);
        }
        catch (ThreadStoreUnavailableException ex)
        {
            RunLog.StoreUnavailable(logger, ex, input.ThreadId);
            await AgUiProblem.StoreUnavailable.WriteAsync(context).ConfigureAwait(false);
        }
        finally
        {
            services.End();
            if (logSink is not null)
            {
                await logSink.FinishAbandonedAsync().ConfigureAwait(false);
            }
        }
    }

    private static RunInvocation Invocation(HttpContext context, IAgUiAgent agent, string agentName, RunAgentInput input, string owner, long requestTimestamp, RequestServicesOnFirstUse services, IRunEventSink sink, CancellationToken receiverGone) => new()
    {
        Agent = agent,
        AgentName = agentName,
        Input = input,
        Owner = owner,

        // Null for a caller nobody authenticated: the run makes its anonymous principal only if the agent reads it.
        User = ThreadOwnerResolver.AuthenticatedUser(context),
        Services = services,
        Sink = sink,
        ReceiverGone = receiverGone,
        Items = new RequestRunItems(context),
        ReceivedTimestamp = requestTimestamp,
        Origin = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText,
    };
}
