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
    public Task<RunEnd> RunAsync(RunInvocation invocation)
    {
        var input = invocation.Input;
        ValueTask<BeginRunResult> beginning;
        try
        {
            beginning = _store.BeginRunAsync(
                new BeginRunRequest
                {
                    Key = new ThreadKey(invocation.AgentName, invocation.Owner, input.ThreadId),
                    RunId = input.RunId,
                    Resume = input.Resume,
                    InstanceId = _options.InstanceId,
                    LeaseDuration = _options.LeaseDuration,
                    Now = _clock.GetUtcNow(),
                    Mode = _options.ResumeValidation,
                },
                invocation.ReceiverGone);
        }
#pragma warning disable CA1031 // Not caught: handed to the caller in the task, as an async method would.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            invocation.Sink.Dispose();
            return Task.FromException<RunEnd>(ex);
        }

        // A store that began the run at once (the in-memory one) leaves no frame of this method waiting under a held
        // stream: the task returned is the run's own.
        return beginning.IsCompletedSuccessfully ? Begun(invocation, beginning.Result) : BeginThenRunAsync(invocation, beginning);
    }

    private async Task<RunEnd> BeginThenRunAsync(RunInvocation invocation, ValueTask<BeginRunResult> beginning)
    {
        BeginRunResult begin;
        try
        {
            begin = await beginning.ConfigureAwait(false);
        }
        catch
        {
            invocation.Sink.Dispose();
            throw;
        }

        return await Begun(invocation, begin).ConfigureAwait(false);
    }

    /// <summary>
    /// The run once the store has begun it: a refusal's stream, or the run's objects made and the run held by
    /// <see cref="HoldAsync"/>, whose frame alone stays alive (with what it names) while the stream is open.
    /// </summary>
    private Task<RunEnd> Begun(RunInvocation invocation, BeginRunResult begin)
    {
        var input = invocation.Input;
        foreach (var warning in begin.Warnings)
        {
            RunLog.ResumeWarning(_logger, input.ThreadId, warning);
        }

        if (begin.Error is { } refused)
        {
            return RefuseAsync(invocation, refused);
        }

        var key = new ThreadKey(invocation.AgentName, invocation.Owner, input.ThreadId);
        var runCancellation = new CancellationTokenSource();
        var queue = new RunEventQueue(runCancellation);
        var receiverGone = invocation.ReceiverGone.UnsafeRegister(static state => ((RunEventQueue)state!).TryStop(RunStopReason.ClientDisconnected), queue);
        var deadline = _options.MaxRunDuration is { } maxDuration
            ? _clock.CreateTimer(static state => ((RunEventQueue)state!).TryStop(RunStopReason.MaxDuration), queue, maxDuration, Timeout.InfiniteTimeSpan)
            : null;
        var heartbeat = new RunHeartbeat(queue, _ticker, _options.HeartbeatInterval);
        var run = new AgUiRun(input, queue, begin.Answers, invocation.User, invocation.Services, runCancellation.Token, invocation.Items);
        var recorder = new ThreadRunRecorder(_store, key, run, _clock, _logger);
        var writer = new RunStreamWriter(invocation.Sink, queue, input, heartbeat, _logger, _options, _clock, invocation.ReceiverGone, recorder);
        var renewer = begin.Record?.Lease is { } lease ? new RunLeaseRenewer(lease, _options, _ticker, queue, recorder) : null;
        var registration = _registry.Register(invocation.Agent, invocation.Owner, input.ThreadId, input.RunId, queue, invocation.AgentName);
        return HoldAsync(invocation.Agent, run, writer, registration, runCancellation, receiverGone, deadline, heartbeat, renewer, invocation.ReceivedTimestamp, invocation.Origin);
    }

    /// <summary>The held run: writes the stream, runs the agent, records the end; disposes what <see cref="Begun"/> made.</summary>
    private async Task<RunEnd> HoldAsync(
        IAgUiAgent agent,
        AgUiRun run,
        RunStreamWriter writer,
        ActiveRun registration,
        CancellationTokenSource runCancellation,
        CancellationTokenRegistration receiverGone,
        ITimer? deadline,
        RunHeartbeat heartbeat,
        RunLeaseRenewer? renewer,
        long receivedTimestamp,
        string? origin)
    {
        // Read through run and writer, not kept in locals, and disposed by name, not by using statements: every local
        // (and every using's hidden copy) alive across an await is a field of this frame, kept while the stream is open.
        try
        {
            using var activity = StartActivity(run.Input, origin);
            RunLog.RunStarted(_logger, run.ThreadId, run.RunId);
            _metrics.StreamOpened();
            var end = new RunEnd(RunEndKind.Aborted, StopReason: RunStopReason.ClientDisconnected);
            Task agentRunning;
            try
            {
                try
                {
                    var writing = writer.RunAsync();
                    agentRunning = RunAgentAsync(agent, run, writer.Queue, run.CancellationToken);
                    end = await writing.ConfigureAwait(false);
                }
                finally
                {
                    registration.Dispose();
                }

                if (end.Kind != RunEndKind.Aborted)
                {
                    await writer.CompleteAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                // Should the writer itself have failed, the agent must not run on: stop it (a no-op once the stream ended).
                writer.Queue.TryStop(RunStopReason.Ended);

                // A dropped client (no terminal event) fails the run: the thread is free, its claims are in doubt.
                if (!writer.Recorder.HasRecorded)
                {
                    await writer.Recorder.RecordAsync(RunEndKind.Aborted.ToCompletion(), null).ConfigureAwait(false);
                }

                _metrics.StreamClosed();
                if (writer.FirstAgentEventTimestamp != 0)
                {
                    _metrics.FirstEvent(_clock.GetElapsedTime(receivedTimestamp, writer.FirstAgentEventTimestamp));
                }

                _metrics.RunEnded(end, _clock.GetElapsedTime(receivedTimestamp));
                AgUiMetrics.Tag(activity, end, writer.Queue.Completion?.Exception);
                RunLog.RunEnded(_logger, run.ThreadId, run.RunId, end.Kind.ToWireName());
            }

            // The stream is over; the agent's token is cancelled unless it already returned. Wait for it, so nothing of
            // this run outlives the call (the agent may still touch the host's request until it returns).
            await agentRunning.ConfigureAwait(false);
            if (end.Kind != RunEndKind.Error && writer.Queue.StopReason != RunStopReason.None && writer.Queue.Completion?.Exception is { } late)
            {
                RunLog.AgentFailedAfterStop(_logger, late, run.ThreadId, run.RunId);
            }

            return end;
        }
        finally
        {
            renewer?.Dispose();
            writer.Dispose();
            heartbeat.Dispose();
            deadline?.Dispose();
            receiverGone.Dispose();
            runCancellation.Dispose();
        }
    }

    /// <summary>The run's span (started inside the run's own async method, so it is the agent's current activity and no caller's).</summary>
    private static Activity? StartActivity(RunAgentInput input, string? origin)
    {
        var activity = AgUiTelemetry.ActivitySource.StartActivity(AgUiTelemetry.RunActivityName, ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag("agui.thread.id", input.ThreadId);
            activity.SetTag("agui.run.id", input.RunId);
            if (origin is not null)
            {
                activity.SetTag("agui.endpoint", origin);
            }
        }

        return activity;
    }

    /// <summary>A run the thread store refused: the stream holds one <c>RUN_ERROR</c> carrying the code (HTTP 200).</summary>
    private async Task<RunEnd> RefuseAsync(RunInvocation invocation, ThreadStoreError refused)
    {
        var input = invocation.Input;
        using var activity = StartActivity(input, invocation.Origin);
        RunLog.RunRefused(_logger, input.ThreadId, input.RunId, refused.Code, refused.Message);
        using (var output = invocation.Sink)
        {
            output.Write(new RunErrorEvent { Code = refused.Code, Message = refused.Message });

            // A client that left saw nothing; the refusal changed nothing.
            if (await output.FlushAsync(invocation.ReceiverGone).ConfigureAwait(false))
            {
                await output.CompleteAsync().ConfigureAwait(false);
            }
        }

        var refusal = new RunEnd(RunEndKind.Error, refused.Code);
        _metrics.RunEnded(refusal, _clock.GetElapsedTime(invocation.ReceivedTimestamp));
        AgUiMetrics.Tag(activity, refusal);
        return refusal;
    }

    /// <summary>
    /// Runs the agent and records its completion. Its synchronous part (until it first awaits something unfinished, or
    /// returns) runs with the agent's wakes held, so the stream writer is woken once for what it emitted meanwhile, and
    /// goes on inline on this thread, instead of being sent to the thread pool at each emit.
    /// </summary>
    private static Task RunAgentAsync(IAgUiAgent agent, AgUiRun run, RunEventQueue queue, CancellationToken cancellationToken)
    {
        ValueTask<AgentOutcome> running;
        queue.HoldAgentWakes();
        try
        {
            running = agent.RunAsync(run, cancellationToken);
            if (running.IsCompleted)
            {
                // Recorded while held: the release below wakes the writer once, for the events and the end together.
                queue.Complete(Returned(running.Result));
                return Task.CompletedTask;
            }
        }
#pragma warning disable CA1031 // Whatever the agent throws becomes RUN_ERROR; nothing escapes into the host.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            queue.Complete(AgentCompletion.Threw(ex));
            return Task.CompletedTask;
        }
        finally
        {
            queue.ReleaseAgentWakes();
        }

        return AwaitAgentAsync(running, queue);
    }

    private static async Task AwaitAgentAsync(ValueTask<AgentOutcome> running, RunEventQueue queue)
    {
        try
        {
            queue.Complete(Returned(await running.ConfigureAwait(false)));
        }
#pragma warning disable CA1031 // Whatever the agent throws becomes RUN_ERROR; nothing escapes into the host.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            queue.Complete(AgentCompletion.Threw(ex));
        }
    }

    private static AgentCompletion Returned(AgentOutcome? outcome) => outcome is null
        ? AgentCompletion.Threw(new InvalidOperationException("The agent returned no outcome."))
        : AgentCompletion.Returned(outcome);
}
