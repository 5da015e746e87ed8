using System.Text.Json;
using AutomagikHello.AgUi.Sequencing;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.Logging;

namespace AutomagikHello.AgUi.Runs;

/// <summary>
/// The single reader of a run's <see cref="RunEventQueue"/>: writes <c>RUN_STARTED</c>, passes each agent event
/// through the <see cref="EventSequenceGuard"/> into the run's <see cref="IRunEventSink"/> (the SSE body, or the JSON
/// resume summary), flushes when the agent has nothing more ready or the byte threshold is reached, writes heartbeats
/// on idle gaps, and ends the stream with exactly one terminal event (none when the client is gone). Nothing is
/// written after the terminal event.
/// </summary>
internal sealed class RunStreamWriter : IDisposable
{
    private const string AgentErrorMessage = "The agent failed while running.";
    private const string ProtocolViolationMessage = "The agent emitted an event sequence that AG-UI does not allow.";
    private const string LeaseLostMessage = "The run no longer holds its thread (its lease lapsed or a cancel found its owner unresponsive); it was stopped and its end was not recorded.";
    private const string LeaseLapsedMessage = "The thread store could not be reached to renew the run's lease; the run was stopped when the lease lapsed and its end was not recorded. The lease has lapsed, so the thread is free (once the store is back): retry the run; answers it had claimed are in doubt (cancel or re-approve them).";

    private readonly IRunEventSink _sink;
    private readonly RunEventQueue _queue;
    private EventSequenceGuard? _guard;
    private readonly RunAgentInput _input;
    private readonly RunHeartbeat _heartbeat;
    private readonly ILogger _logger;
    private readonly int _flushThreshold;
    private readonly bool _includeExceptionDetails;
    private readonly CancellationToken _requestAborted;
    private readonly TimeProvider _clock;
    private readonly ThreadRunRecorder? _recorder;
    private int _unflushed;

    /// <summary>A writer into <paramref name="sink"/>, which it owns (and disposes).</summary>
    public RunStreamWriter(
        IRunEventSink sink,
        RunEventQueue queue,
        RunAgentInput input,
        RunHeartbeat heartbeat,
        ILogger logger,
        AgUiRunnerOptions options,
        TimeProvider clock,
        CancellationToken requestAborted,
        ThreadRunRecorder? recorder = null)
    {
        _recorder = recorder;
        _clock = clock;
        _sink = sink;
        _queue = queue;
        _input = input;
        _heartbeat = heartbeat;
        _logger = logger;
        _flushThreshold = options.FlushThresholdBytes;
        _includeExceptionDetails = options.IncludeExceptionDetails;
        _requestAborted = requestAborted;
    }

    /// <summary>
    /// The run's <see cref="EventSequenceGuard"/>, created (and shown <c>RUN_STARTED</c>) when first needed: at the
    /// agent's first event or at the end of the run. A stream still waiting for its agent's first event (an LLM's
    /// first token) holds none.
    /// </summary>
    private EventSequenceGuard Guard
    {
        get
        {
            if (_guard is null)
            {
                _guard = EventSequenceGuard.For(_input);
                _guard.Check(Started());
            }

            return _guard;
        }
    }

    /// <summary>
    /// The run's <c>RUN_STARTED</c>, built when written and again when the guard is created, rather than kept for the
    /// whole run: a stream waiting for its agent holds as little as it can.
    /// </summary>
    private RunStartedEvent Started() => new()
    {
        ThreadId = _input.ThreadId,
        RunId = _input.RunId,
        ParentRunId = _input.ParentRunId,
        ProtocolVersion = RunStartedEvent.CurrentProtocolVersion,
    };

    /// <summary>The queue this writer reads.</summary>
    public RunEventQueue Queue => _queue;

    /// <summary>What records the run's end in the thread store (the runner's writers always have one).</summary>
    public ThreadRunRecorder Recorder => _recorder ?? throw new InvalidOperationException("This writer records nothing.");

    /// <summary>Completes the sink's response once the terminal event is written.</summary>
    public ValueTask CompleteAsync() => _sink.CompleteAsync();

    /// <summary>When the agent's first event was written (a <see cref="TimeProvider"/> timestamp), or 0.</summary>
    public long FirstAgentEventTimestamp { get; private set; }

    public async Task<RunEnd> RunAsync()
    {
        // RUN_STARTED is always valid; the guard sees it when it is created (see Guard).
        _unflushed += _sink.Write(Started());
        if (!await FlushAsync().ConfigureAwait(false))
        {
            return Disconnected();
        }

        while (true)
        {
            while (_queue.StopReason == RunStopReason.None && _queue.TryRead(out var item))
            {
                if (await WriteAgentEventAsync(item).ConfigureAwait(false) is { } end)
                {
                    return end;
                }
            }

            var stop = _queue.StopReason;
            if (stop != RunStopReason.None)
            {
                return await StopAsync(stop).ConfigureAwait(false);
            }

            if (_queue.Completion is { } completion)
            {
                // The agent returned after its last emit: whatever it queued is already in the queue.
                while (_queue.TryRead(out var item))
                {
                    if (await WriteAgentEventAsync(item).ConfigureAwait(false) is { } end)
                    {
                        return end;
                    }
                }

                return await FinishAsync(completion).ConfigureAwait(false);
            }

            if (_queue.TakeHeartbeatRequest() && _unflushed == 0)
            {
                _unflushed += _sink.WriteHeartbeat();
            }

            if (_unflushed > 0 && !await FlushAsync().ConfigureAwait(false))
            {
                return Disconnected();
            }

            await _queue.WaitToReadAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Checks and writes one agent event; returns the run's end when the event ends it.</summary>
    /// <remarks>Not an async method: an event that needs no flush (most of them) completes without a state machine.</remarks>
    private ValueTask<RunEnd?> WriteAgentEventAsync(AgUiEvent agUiEvent)
    {
        if (Guard.Check(agUiEvent) is { } violation)
        {
            RunLog.ProtocolViolation(_logger, violation.Rule, _input.ThreadId, _input.RunId, violation.Message);
            return FailOnEventAsync(_includeExceptionDetails ? violation.ToString() : ProtocolViolationMessage);
        }

        if (FirstAgentEventTimestamp == 0)
        {
            FirstAgentEventTimestamp = _clock.GetTimestamp();
        }

        if (_recorder is not null && agUiEvent.EventType is AgUiEventType.ToolCallStart or AgUiEventType.ToolCallArgs or AgUiEventType.ToolCallChunk)
        {
            _recorder.Observe(agUiEvent);
        }

        _unflushed += _sink.Write(agUiEvent);
        return _unflushed >= _flushThreshold ? FlushOnThresholdAsync() : default;
    }

    private async ValueTask<RunEnd?> FailOnEventAsync(string message) =>
        await FailAsync(RunErrorCodes.ProtocolViolation, message).ConfigureAwait(false);

    private async ValueTask<RunEnd?> FlushOnThresholdAsync() =>
        await FlushAsync().ConfigureAwait(false) ? null : Disconnected();

    private async Task<RunEnd> FinishAsync(AgentCompletion completion)
    {
        if (completion.Exception is { } exception)
        {
            if (_queue.LifecycleMisuse is { } type)
            {
                RunLog.LifecycleEventRejected(_logger, type.ToWireName(), _input.ThreadId, _input.RunId);
                return await FailAsync(RunErrorCodes.ProtocolViolation, _includeExceptionDetails ? exception.Message : ProtocolViolationMessage).ConfigureAwait(false);
            }

            if (exception is RunErrorException reported)
            {
                // The agent chose the code and wrote the message for the client.
                RunLog.AgentReportedError(_logger, reported.InnerException, _input.ThreadId, _input.RunId, reported.Code, reported.Message);
                return await FailAsync(reported.Code, reported.Message).ConfigureAwait(false);
            }

            RunLog.AgentFailed(_logger, exception, _input.ThreadId, _input.RunId);
            return await FailAsync(RunErrorCodes.AgentError, _includeExceptionDetails ? $"{AgentErrorMessage} {exception.GetType().Name}: {exception.Message}" : AgentErrorMessage).ConfigureAwait(false);
        }

        var outcome = completion.Outcome!;
        if (outcome.Kind == RunEndKind.Interrupt && UnusableSchema(outcome.Interrupts) is { } unusable)
        {
            return await FailAsync(RunErrorCodes.InvalidInterruptSchema, unusable).ConfigureAwait(false);
        }

        RunFinishedOutcome finished = outcome.Kind switch
        {
            RunEndKind.Interrupt => new InterruptOutcome { Interrupts = outcome.Interrupts },
            RunEndKind.Cancelled => RunFinishedOutcome.Cancelled,
            _ => SuccessOutcome(),
        };
        return await EndAsync(finished, outcome.Result, outcome.Usage).ConfigureAwait(false);
    }

    /// <summary>
    /// The raised interrupts' response schemas are checked before anything is stored: a schema no answer could satisfy
    /// (or that would fail while evaluating one) is the agent's error, now, not the client's later.
    /// </summary>
    private string? UnusableSchema(IReadOnlyList<Interrupt> interrupts)
    {
        foreach (var interrupt in interrupts)
        {
            if (interrupt.ResponseSchema is { } schema && ResponseSchemas.FindProblem(schema) is { } problem)
            {
                RunLog.InvalidInterruptSchema(_logger, _input.ThreadId, _input.RunId, interrupt.Id, problem);
                return $"Interrupt '{interrupt.Id}' has an unusable responseSchema: {problem}";
            }
        }

        return null;
    }

    private SuccessOutcome SuccessOutcome() =>
        Guard.HasPendingToolCalls ? new SuccessOutcome { PendingToolCallIds = Guard.GetPendingToolCallIds() } : RunFinishedOutcome.Success;

    private async Task<RunEnd> StopAsync(RunStopReason reason)
    {
        if (reason is RunStopReason.ClientDisconnected or RunStopReason.Ended)
        {
            return Disconnected();
        }

        // The lease is gone: the thread may already be another run's, so this run records nothing.
        if (reason is RunStopReason.LeaseLost)
        {
            return await FailAsync(ThreadErrorCodes.LeaseLost, LeaseLostMessage, record: false).ConfigureAwait(false);
        }

        if (reason is RunStopReason.LeaseLapsed)
        {
            return await FailAsync(RunErrorCodes.StoreUnavailable, LeaseLapsedMessage, record: false).ConfigureAwait(false);
        }

        RunLog.RunStopped(_logger, _input.ThreadId, _input.RunId, reason.ToString());
        return await EndAsync(RunFinishedOutcome.Cancelled, null, null, reason).ConfigureAwait(false);
    }

    /// <summary>Closes every open item, then writes <c>RUN_FINISHED</c> (or <c>RUN_ERROR</c> if the guard refuses it).</summary>
    private async Task<RunEnd> EndAsync(RunFinishedOutcome outcome, JsonElement? result, IReadOnlyList<TokenUsage>? usage, RunStopReason stopReason = RunStopReason.None)
    {
        foreach (var closing in Guard.CreateClosingEvents())
        {
            if (Guard.Check(closing) is { } violation)
            {
                RunLog.ProtocolViolation(_logger, violation.Rule, _input.ThreadId, _input.RunId, violation.Message);
                return await FailAsync(RunErrorCodes.ProtocolViolation, _includeExceptionDetails ? violation.ToString() : ProtocolViolationMessage).ConfigureAwait(false);
            }

            _unflushed += _sink.Write(closing);
        }

        var finished = new RunFinishedEvent
        {
            ThreadId = _input.ThreadId,
            RunId = _input.RunId,
            Outcome = outcome,
            Result = result,
            Usage = usage,
        };
        if (Guard.Check(finished) is { } refused)
        {
            RunLog.ProtocolViolation(_logger, refused.Rule, _input.ThreadId, _input.RunId, refused.Message);
            return await FailAsync(RunErrorCodes.ProtocolViolation, _includeExceptionDetails ? refused.ToString() : ProtocolViolationMessage).ConfigureAwait(false);
        }

        // The thread store learns the end first: interrupts are persisted before the client can answer them.
        if (_recorder is not null
            && await _recorder.RecordAsync(outcome.Kind.ToCompletion(), (outcome as InterruptOutcome)?.Interrupts).ConfigureAwait(false) is { } notRecorded)
        {
            return await FailAsync(notRecorded.Code, notRecorded.Message).ConfigureAwait(false);
        }

        _unflushed += _sink.Write(finished);
        return await TerminateAsync(new RunEnd(outcome.Kind, StopReason: stopReason)).ConfigureAwait(false);
    }

    private async Task<RunEnd> FailAsync(string code, string message, bool record = true)
    {
        if (!record)
        {
            _recorder?.Forgo();
        }
        else if (_recorder is not null)
        {
            // A failed run puts its claims in doubt and frees the thread; nothing to report if that fails.
            await _recorder.RecordAsync(RunEndKind.Error.ToCompletion(), null).ConfigureAwait(false);
        }

        var error = new RunErrorEvent { Code = code, Message = message };
        Guard.Check(error);
        _unflushed += _sink.Write(error);
        return await TerminateAsync(new RunEnd(RunEndKind.Error, code)).ConfigureAwait(false);
    }

    /// <summary>After the terminal event: refuse further events, stop the agent if it still runs, flush.</summary>
    private async Task<RunEnd> TerminateAsync(RunEnd end)
    {
        if (_queue.Completion is null)
        {
            _queue.TryStop(RunStopReason.Ended);
        }

        _queue.Seal();
        return await FlushAsync().ConfigureAwait(false) ? end : Disconnected();
    }

    private RunEnd Disconnected()
    {
        _queue.TryStop(RunStopReason.ClientDisconnected);
        _queue.Seal();
        RunLog.ClientDisconnected(_logger, _input.ThreadId, _input.RunId);
        return new RunEnd(RunEndKind.Aborted, StopReason: RunStopReason.ClientDisconnected);
    }

    private async ValueTask<bool> FlushAsync()
    {
        _unflushed = 0;
        if (!await _sink.FlushAsync(_requestAborted).ConfigureAwait(false))
        {
            return false;
        }

        _heartbeat.MarkActivity();
        return true;
    }

    public void Dispose() => _sink.Dispose();
}
