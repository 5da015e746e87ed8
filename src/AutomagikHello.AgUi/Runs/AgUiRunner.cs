using System.Diagnostics;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AutomagikHello.AgUi.Runs;

/// <summary>
/// Runs one agent for one <see cref="RunInvocation"/> and owns the run's lifecycle, with no HTTP in it: the thread
/// store begins the run (lease, resume validated and claimed; a refusal becomes a run holding one <c>RUN_ERROR</c>),
/// the run is registered for cancellation, the stream writer writes <c>RUN_STARTED</c> and every event the agent emits
/// through the sequence guard into the invocation's <see cref="IRunEventSink"/>, closes what the agent left open, records
/// the end in the store and writes exactly one terminal event; a run that ends without one (or with <c>RUN_ERROR</c>) leaves its claims in doubt. The
/// stop signals (receiver gone, max duration, lease lost) are wired here, and the span and metrics recorded. After the
/// terminal event the agent's token is cancelled unless it already returned, and the runner waits for it, so nothing
/// of the run outlives the call. Get it from dependency injection after
/// <see cref="AgUiRunnerServiceCollectionExtensions.AddAgUiRunner"/> (the ASP.NET Core package's <c>AddAgUi</c> calls it).
/// </summary>
public sealed partial class AgUiRunner
{
    private readonly AgUiRunnerOptions _options;
    private readonly ActiveRunRegistry _registry;
    private readonly AgUiMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly IThreadStore _store;
    private readonly RunTicker _ticker;

    internal AgUiRunner(
        IOptions<AgUiRunnerOptions> options,
        ActiveRunRegistry registry,
        AgUiMetrics metrics,
        ILogger logger,
        TimeProvider clock,
        IThreadStore store)
    {
        _options = options.Value;
        _store = store;
        _registry = registry;
        _metrics = metrics;
        _logger = logger;
        _clock = clock;
        _ticker = new RunTicker(clock, RunTicker.PeriodFor(_options));
    }

    /// <summary>The shared tick of this runner's live runs (heartbeats, lease renewals).</summary>
    internal RunTicker Ticker => _ticker;

    /// <summary>The clock runs are timed with.</summary>
    public TimeProvider Clock => _clock;

    /// <summary>Runs the invocation to its end; the events have gone to its sink.</summary>
    /// <returns>How the run ended.</returns>
    /// <exception cref="ThreadStoreUnavailableException">
    /// The store could not begin the run: nothing was written to the sink and nothing changed (HTTP answers 503).
    /// </exception>
    public async Task<RunEnd> RunAsync(RunInvocation invocation)
    {
        var input = invocation.Input;
        var key = new ThreadKey(invocation.AgentName, invocation.Owner, input.ThreadId);
        var output = invocation.Sink;
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
                invocation.ReceiverGone).ConfigureAwait(false);
        }
        catch
        {
            output.Dispose();
            throw;
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
            if (invocation.Origin is { } endpoint)
            {
                activity.SetTag("agui.endpoint", endpoint);
            }
        }

        if (begin.Error is { } refused)
        {
            RunLog.RunRefused(_logger, input.ThreadId, input.RunId, refused.Code, refused.Message);
            using (output)
            {
                await RefuseAsync(output, refused, invocation.ReceiverGone).ConfigureAwait(false);
            }

            var refusal = new RunEnd(RunEndKind.Error, refused.Code);
            _metrics.RunEnded(refusal, _clock.GetElapsedTime(invocation.ReceivedTimestamp));
            AgUiMetrics.Tag(activity, refusal);
            return refusal;
        }

        using var runCancellation = new CancellationTokenSource();
        var queue = new RunEventQueue(runCancellation);
        using var receiverGone = invocation.ReceiverGone.UnsafeRegister(static state => ((RunEventQueue)state!).TryStop(RunStopReason.ClientDisconnected), queue);
        using var deadline = _options.MaxRunDuration is { } maxDuration
            ? _clock.CreateTimer(static state => ((RunEventQueue)state!).TryStop(RunStopReason.MaxDuration), queue, maxDuration, Timeout.InfiniteTimeSpan)
            : null;
        using var heartbeat = new RunHeartbeat(queue, _ticker, _options.HeartbeatInterval);
        var run = new AgUiRun(input, queue, begin.Answers, invocation.User, invocation.Services, runCancellation.Token, invocation.Items);
        var recorder = new ThreadRunRecorder(_store, key, run, _clock, _logger);
        using var writer = new RunStreamWriter(output, queue, input, heartbeat, _logger, _options, _clock, invocation.ReceiverGone, recorder);
        using var renewer = begin.Record?.Lease is { } lease ? new RunLeaseRenewer(_store, key, lease, _options, _ticker, queue, recorder, _logger) : null;

        RunLog.RunStarted(_logger, input.ThreadId, input.RunId);
        _metrics.StreamOpened();
        var end = new RunEnd(RunEndKind.Aborted, StopReason: RunStopReason.ClientDisconnected);
        Task agentRunning;
        try
        {
            using (_registry.Register(invocation.Agent, invocation.Owner, input.ThreadId, input.RunId, queue, invocation.AgentName))
            {
                var writing = writer.RunAsync();
                agentRunning = RunAgentAsync(invocation.Agent, run, queue, runCancellation.Token);
                end = await writing.ConfigureAwait(false);
            }

            if (end.Kind != RunEndKind.Aborted)
            {
                await output.CompleteAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            // Should the writer itself have failed, the agent must not run on: stop it (a no-op once the stream ended).
            queue.TryStop(RunStopReason.Ended);

            // A dropped client (no terminal event) fails the run: the thread is free, its claims are in doubt.
            if (!recorder.HasRecorded)
            {
                await recorder.RecordAsync(RunEndKind.Aborted.ToCompletion(), null).ConfigureAwait(false);
            }

            _metrics.StreamClosed();
            if (writer.FirstAgentEventTimestamp != 0)
            {
                _metrics.FirstEvent(_clock.GetElapsedTime(invocation.ReceivedTimestamp, writer.FirstAgentEventTimestamp));
            }

            _metrics.RunEnded(end, _clock.GetElapsedTime(invocation.ReceivedTimestamp));
            AgUiMetrics.Tag(activity, end, queue.Completion?.Exception);
            RunLog.RunEnded(_logger, input.ThreadId, input.RunId, end.Kind.ToWireName());
        }

        // The stream is over; the agent's token is cancelled unless it already returned. Wait for it, so nothing of
        // this run outlives the call (the agent may still touch the host's request until it returns).
        await agentRunning.ConfigureAwait(false);
        if (end.Kind != RunEndKind.Error && queue.StopReason != RunStopReason.None && queue.Completion?.Exception is { } late)
        {
            RunLog.AgentFailedAfterStop(_logger, late, input.ThreadId, input.RunId);
        }

        return end;
    }

    /// <summary>A run the thread store refused: the stream holds one <c>RUN_ERROR</c> carrying the code (HTTP 200).</summary>
    private static async Task RefuseAsync(IRunEventSink output, ThreadStoreError error, CancellationToken receiverGone)
    {
        output.Write(new RunErrorEvent { Code = error.Code, Message = error.Message });
        if (!await output.FlushAsync(receiverGone).ConfigureAwait(false))
        {
            return; // the client left; the refusal changed nothing
        }

        await output.CompleteAsync().ConfigureAwait(false);
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
#pragma warning disable CA1031 // Whatever the agent throws becomes RUN_ERROR; nothing escapes into the host.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            queue.Complete(AgentCompletion.Threw(ex));
        }
    }
}
