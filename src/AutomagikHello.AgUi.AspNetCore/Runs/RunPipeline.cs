using System.Diagnostics;
using AutomagikHello.AgUi.Threads;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// Runs one agent for one validated input and owns the run's lifecycle: opens the SSE response, registers the run
/// for cancellation, starts the stream writer (which writes <c>RUN_STARTED</c> first) and then the agent, wires the
/// stop signals (client disconnect, max duration), and records the span and metrics. The run is unregistered and the
/// response completed right after the terminal event; the pipeline then waits for the agent to return (its token is
/// cancelled if the run ended without it), so nothing keeps running after the request.
/// </summary>
internal sealed class RunPipeline
{
    private readonly AgUiOptions _options;
    private readonly ActiveRunRegistry _registry;
    private readonly AgUiMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly IThreadStore _store;
    private readonly ThreadOwnerResolver _owners;

    public RunPipeline(
        IOptions<AgUiOptions> options,
        ActiveRunRegistry registry,
        AgUiMetrics metrics,
        ILogger<RunPipeline> logger,
        TimeProvider clock,
        IThreadStore store,
        ThreadOwnerResolver owners)
    {
        _options = options.Value;
        _store = store;
        _owners = owners;
        _registry = registry;
        _metrics = metrics;
        _logger = logger;
        _clock = clock;
    }

    /// <summary>The clock runs are timed with.</summary>
    public TimeProvider Clock => _clock;

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
    public async Task ExecuteAsync(HttpContext context, IAgUiAgent agent, string agentName, RunAgentInput input, long requestTimestamp, IRunEventSink? sink = null)
    {
        if (_owners.Resolve(context) is not { } owner)
        {
            await new AgUiProblem(StatusCodes.Status401Unauthorized, AgUiErrorCodes.AuthenticationRequired, "Runs on this server require an authenticated caller.")
                .WriteAsync(context).ConfigureAwait(false);
            return;
        }

        var key = new ThreadKey(agentName, owner, input.ThreadId);
        BeginRunResult begin;
        try
        {
            begin = await _store.BeginRunAsync(
                new BeginRunRequest
                {
                    Key = key,
                    RunId = input.RunId,
                    Resume = input.Resume,
                    InstanceId = _options.InstanceId,
                    LeaseDuration = _options.LeaseDuration,
                    Now = _clock.GetUtcNow(),
                    Mode = _options.ResumeValidation,
                },
                context.RequestAborted).ConfigureAwait(false);
        }
        catch (ThreadStoreUnavailableException ex)
        {
            RunLog.StoreUnavailable(_logger, ex, input.ThreadId);
            await new AgUiProblem(StatusCodes.Status503ServiceUnavailable, AgUiErrorCodes.StoreUnavailable, "The thread store is unavailable; nothing was changed. Retry later.")
                .WriteAsync(context).ConfigureAwait(false);
            return;
        }

        foreach (var warning in begin.Warnings)
        {
            RunLog.ResumeWarning(_logger, input.ThreadId, warning);
        }

        using var activity = AgUiTelemetry.ActivitySource.StartActivity(AgUiTelemetry.RunActivityName, ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag("agui.thread.id", input.ThreadId);
            activity.SetTag("agui.run.id", input.RunId);
            if ((context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText is { } endpoint)
            {
                activity.SetTag("agui.endpoint", endpoint);
            }
        }

        var streaming = sink is null;
        var output = sink ?? new SseRunEventSink(context.Response.BodyWriter);
        if (streaming)
        {
            StartEventStream(context);
        }

        if (begin.Error is { } refused)
        {
            RunLog.RunRefused(_logger, input.ThreadId, input.RunId, refused.Code, refused.Message);
            using (output)
            {
                await RefuseAsync(context, output, refused, streaming).ConfigureAwait(false);
            }

            var refusal = new RunEnd(RunEndKind.Error, refused.Code);
            _metrics.RunEnded(refusal, _clock.GetElapsedTime(requestTimestamp));
            AgUiMetrics.Tag(activity, refusal);
            return;
        }

        using var runCancellation = new CancellationTokenSource();
        var queue = new RunEventQueue(runCancellation);
        using var clientGone = context.RequestAborted.UnsafeRegister(static state => ((RunEventQueue)state!).TryStop(RunStopReason.ClientDisconnected), queue);
        using var deadline = _options.MaxRunDuration is { } maxDuration
            ? _clock.CreateTimer(static state => ((RunEventQueue)state!).TryStop(RunStopReason.MaxDuration), queue, maxDuration, Timeout.InfiniteTimeSpan)
            : null;
        using var heartbeat = new RunHeartbeat(queue, _clock, _options.HeartbeatInterval);
        var run = new AgUiRun(context, input, queue, begin.Answers);
        var recorder = new ThreadRunRecorder(_store, key, run, _clock, _logger);
        using var writer = new RunStreamWriter(output, queue, input, heartbeat, _logger, _options, _clock, context.RequestAborted, recorder);
        using var renewer = begin.Record?.Lease is { } lease ? new RunLeaseRenewer(_store, key, lease, _options, _clock, queue, recorder, _logger) : null;

        RunLog.RunStarted(_logger, input.ThreadId, input.RunId);
        _metrics.StreamOpened();
        var end = new RunEnd(RunEndKind.Aborted, StopReason: RunStopReason.ClientDisconnected);
        Task agentRunning;
        try
        {
            using (_registry.Register(agent, owner, input.ThreadId, input.RunId, queue, agentName))
            {
                var writing = writer.RunAsync();
                agentRunning = RunAgentAsync(agent, run, queue, runCancellation.Token);
                end = await writing.ConfigureAwait(false);
            }

            if (end.Kind != RunEndKind.Aborted && streaming)
            {
                await CompleteResponseAsync(context).ConfigureAwait(false);
            }
        }
        finally
        {
            // Should the writer itself have failed, the agent must not run on: stop it (a no-op once the stream ended).
            queue.TryStop(RunStopReason.Ended);

            // A dropped client (no terminal event) releases the run's claim: the interrupts can be answered again.
            if (!recorder.HasRecorded)
            {
                await recorder.RecordAsync(RunCompletion.Failed, null).ConfigureAwait(false);
            }

            _metrics.StreamClosed();
            if (writer.FirstAgentEventTimestamp != 0)
            {
                _metrics.FirstEvent(_clock.GetElapsedTime(requestTimestamp, writer.FirstAgentEventTimestamp));
            }

            _metrics.RunEnded(end, _clock.GetElapsedTime(requestTimestamp));
            AgUiMetrics.Tag(activity, end, queue.Completion?.Exception);
            RunLog.RunEnded(_logger, input.ThreadId, input.RunId, end.OutcomeName);
        }

        // The stream is over; the agent's token is cancelled unless it already returned. Wait for it, so nothing of
        // this request outlives it (the agent may still touch the run's HttpContext until it returns).
        await agentRunning.ConfigureAwait(false);
        if (end.Kind != RunEndKind.Error && queue.StopReason != RunStopReason.None && queue.Completion?.Exception is { } late)
        {
            RunLog.AgentFailedAfterStop(_logger, late, input.ThreadId, input.RunId);
        }
    }

    /// <summary>A run the thread store refused: the stream opens with <c>RUN_ERROR</c> carrying the code (HTTP 200).</summary>
    private static async Task RefuseAsync(HttpContext context, IRunEventSink output, ThreadStoreError error, bool completeResponse)
    {
        output.Write(new RunErrorEvent { Code = error.Code, Message = error.Message });
        if (!await output.FlushAsync(context.RequestAborted).ConfigureAwait(false))
        {
            return; // the client left; the refusal changed nothing
        }

        if (completeResponse)
        {
            await CompleteResponseAsync(context).ConfigureAwait(false);
        }
    }

    private static void StartEventStream(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        var headers = response.Headers;
        headers.CacheControl = "no-cache, no-store, no-transform";
        headers["X-Accel-Buffering"] = "no";
        headers.ContentEncoding = "identity";

        // Compression or any other buffering layer must not hold events back.
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    private static async Task RunAgentAsync(IAgUiAgent agent, AgUiRun run, RunEventQueue queue, CancellationToken cancellationToken)
    {
        try
        {
            var outcome = await agent.RunAsync(run, cancellationToken).ConfigureAwait(false);
            queue.Complete(outcome is null
                ? AgentCompletion.Threw(new InvalidOperationException("The agent returned no outcome."))
                : AgentCompletion.Returned(outcome));
        }
#pragma warning disable CA1031 // Whatever the agent throws becomes RUN_ERROR; nothing escapes into the server.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            queue.Complete(AgentCompletion.Threw(ex));
        }
    }

    private static async Task CompleteResponseAsync(HttpContext context)
    {
        try
        {
            await context.Response.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client left after the terminal event; nothing more to deliver.
        }
    }
}
