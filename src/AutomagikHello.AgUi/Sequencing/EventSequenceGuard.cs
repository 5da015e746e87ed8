using System.Text.Json;

namespace AutomagikHello.AgUi.Sequencing;

/// <summary>
/// Checks one AG-UI response stream, event by event, against the producer's event-ordering rules: run boundaries,
/// closure before <c>RUN_FINISHED</c>, the start/content/end and chunk disciplines, steps, state and activity
/// patches, subagent attribution and the run's outcome. Feed every event to <see cref="Check"/> before it is
/// written and call <see cref="Complete"/> when the stream ends.
/// </summary>
/// <remarks>
/// <para>
/// The guard is cheap enough for every event a server emits: a legal content event (<c>TEXT_MESSAGE_CONTENT</c>,
/// <c>TOOL_CALL_ARGS</c>, <c>REASONING_MESSAGE_CONTENT</c>) on an open item is a cached lookup and a few comparisons, and
/// allocates nothing; memory is allocated only when a new item, step or subagent opens.
/// </para>
/// <para>
/// Run-scoped tracking (open items, steps, subagents, chunk streams) resets at each <c>RUN_STARTED</c>; the shared
/// state and activity messages carry across the runs of one stream, like the thread they belong to.
/// An instance checks one stream at a time and is not thread-safe.
/// </para>
/// </remarks>
public sealed partial class EventSequenceGuard
{
    private readonly RunLifecycle _run;
    private readonly StreamItemTracker _textMessages;
    private readonly StreamItemTracker _toolCalls;
    private readonly StreamItemTracker _reasoningMessages;
    private readonly StreamItemTracker _reasoningSpans;
    private readonly ChunkStreamTracker _chunks = new();
    private readonly StepTracker _steps = new();
    private readonly SubagentTracker _subagents = new();
    private readonly ActivityTracker _activities = new();
    private readonly StateTracker _state;
    private JsonPatchApplier? _patches;
    private ClosingEventsBuilder? _closing;
    private readonly HashSet<string> _frontendToolNames;
    private readonly HashSet<string>? _historyMessageIds;

    /// <summary>Frontend tool calls (id to tool name) the producer must not answer; they carry across runs.</summary>
    private Dictionary<string, string>? _frontendCalls;
    private readonly KeyValuePair<string, string>[] _historyFrontendCalls;
    private long _sequence;

    // Created on first use, like the trackers' own collections: a guard lives as long as its stream (an idle one
    // included), and most streams never patch state or activities.
    private JsonPatchApplier Patches => _patches ??= new();

    /// <summary>Creates a guard for one stream.</summary>
    /// <param name="options">What is known about the request; <see langword="null"/> checks ordering only.</param>
    public EventSequenceGuard(EventSequenceGuardOptions? options = null)
        : this(options ?? new EventSequenceGuardOptions(), [])
    {
    }

    private EventSequenceGuard(EventSequenceGuardOptions options, KeyValuePair<string, string>[] historyFrontendCalls)
        : this(
            options.ExpectedThreadId,
            options.ExpectedRunId,
            options.FrontendToolNames is { } names ? new HashSet<string>(names, StringComparer.Ordinal) : new HashSet<string>(StringComparer.Ordinal),
            options.HistoryMessageIds is { Count: > 0 } ids ? new HashSet<string>(ids, StringComparer.Ordinal) : null,
            options.InitialState,
            historyFrontendCalls)
    {
    }

    // Takes the sets as they are (the caller built them for this guard alone).
    private EventSequenceGuard(
        string? threadId,
        string? runId,
        HashSet<string> frontendToolNames,
        HashSet<string>? historyMessageIds,
        JsonElement? initialState,
        KeyValuePair<string, string>[] historyFrontendCalls)
    {
        _run = new RunLifecycle(threadId, runId);
        _frontendToolNames = frontendToolNames;
        _historyMessageIds = historyMessageIds;
        _textMessages = new StreamItemTracker(StreamItemKind.TextMessage, openRule: SequenceRule.TextMessageOpenedOnce, continueRule: SequenceRule.TextMessageContinuedWhileOpen, _historyMessageIds);
        _toolCalls = new StreamItemTracker(StreamItemKind.ToolCall, openRule: SequenceRule.ToolCallOpenedOnce, continueRule: SequenceRule.ToolCallContinuedWhileOpen, historyIds: null);
        _reasoningMessages = new StreamItemTracker(StreamItemKind.ReasoningMessage, openRule: SequenceRule.ReasoningMessageOpen, continueRule: SequenceRule.ReasoningMessageOpen, _historyMessageIds);
        _reasoningSpans = new StreamItemTracker(StreamItemKind.ReasoningSpan, openRule: SequenceRule.ReasoningSpanOpen, continueRule: SequenceRule.ReasoningSpanOpen, historyIds: null);
        _state = new StateTracker(initialState);
        _historyFrontendCalls = historyFrontendCalls;
        SeedFrontendCalls();
    }

    /// <summary>Whether a run is open: <c>RUN_STARTED</c> was accepted and its terminal event was not.</summary>
    public bool IsRunActive => _run.Phase == RunPhase.Active;

    /// <summary>Whether the last run ended (<c>RUN_FINISHED</c> or <c>RUN_ERROR</c>) and no new run has started.</summary>
    public bool IsTerminated => _run.Phase is RunPhase.Finished or RunPhase.Errored;

    /// <summary>The threadId of the current (or last) run; <see langword="null"/> before the first <c>RUN_STARTED</c>.</summary>
    public string? ThreadId => _run.ThreadId;

    /// <summary>The runId of the current (or last) run; <see langword="null"/> before the first <c>RUN_STARTED</c>.</summary>
    public string? RunId => _run.RunId;

    /// <summary>
    /// Creates a guard for the stream answering <paramref name="input"/>: expected thread and run ids, frontend tools
    /// (including calls to them already in the history, which the producer must not answer), history message ids
    /// and the initial state.
    /// </summary>
    /// <param name="input">The request the stream answers.</param>
    /// <returns>A new guard.</returns>
    public static EventSequenceGuard For(RunAgentInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var toolNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tool in input.Tools ?? [])
        {
            toolNames.Add(tool.Name);
        }

        // Built once, straight into the sets the guard keeps (a guard is created for every run).
        var messageIds = input.Messages.Count > 0 ? new HashSet<string>(input.Messages.Count, StringComparer.Ordinal) : null;
        List<KeyValuePair<string, string>>? frontendCalls = null;
        foreach (var message in input.Messages)
        {
            messageIds!.Add(message.Id);
            if (message is AssistantMessage { ToolCalls: { } calls })
            {
                foreach (var call in calls)
                {
                    if (toolNames.Contains(call.Function.Name))
                    {
                        (frontendCalls ??= []).Add(new KeyValuePair<string, string>(call.Id, call.Function.Name));
                    }
                }
            }
        }

        return new EventSequenceGuard(input.ThreadId, input.RunId, toolNames, messageIds, input.State, frontendCalls is null ? [] : [.. frontendCalls]);
    }

    /// <summary>
    /// Checks the next event of the stream. A legal event is recorded and <see langword="null"/> returned; an illegal
    /// one is not recorded (the guard stays as it was) and the first rule it breaks is returned.
    /// </summary>
    /// <param name="e">The next event.</param>
    /// <returns><see langword="null"/> when the event is legal here; otherwise the violation.</returns>
    public SequenceViolation? Check(AgUiEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var type = e.EventType;
        if (_run.Phase != RunPhase.Active && type is not (AgUiEventType.RunStarted or AgUiEventType.RunError))
        {
            return _run.OutsideRun(type);
        }

        return type switch
        {
            AgUiEventType.TextMessageContent => Continue(e, type, _textMessages, ((TextMessageContentEvent)e).MessageId, closes: false),
            AgUiEventType.ToolCallArgs => Continue(e, type, _toolCalls, ((ToolCallArgsEvent)e).ToolCallId, closes: false),
            AgUiEventType.ReasoningMessageContent => Continue(e, type, _reasoningMessages, ((ReasoningMessageContentEvent)e).MessageId, closes: false),
            AgUiEventType.TextMessageStart => OnTextMessageStart((TextMessageStartEvent)e),
            AgUiEventType.TextMessageEnd => Continue(e, type, _textMessages, ((TextMessageEndEvent)e).MessageId, closes: true),
            AgUiEventType.TextMessageChunk => OnTextMessageChunk((TextMessageChunkEvent)e),
            AgUiEventType.ToolCallStart => OnToolCallStart((ToolCallStartEvent)e),
            AgUiEventType.ToolCallEnd => Continue(e, type, _toolCalls, ((ToolCallEndEvent)e).ToolCallId, closes: true),
            AgUiEventType.ToolCallChunk => OnToolCallChunk((ToolCallChunkEvent)e),
            AgUiEventType.ToolCallResult => OnToolCallResult((ToolCallResultEvent)e),
            AgUiEventType.ReasoningStart => OpenExplicit(e, type, _reasoningSpans, ((ReasoningStartEvent)e).MessageId, default),
            AgUiEventType.ReasoningEnd => Continue(e, type, _reasoningSpans, ((ReasoningEndEvent)e).MessageId, closes: true),
            AgUiEventType.ReasoningMessageStart => OpenExplicit(e, type, _reasoningMessages, ((ReasoningMessageStartEvent)e).MessageId, default),
            AgUiEventType.ReasoningMessageEnd => Continue(e, type, _reasoningMessages, ((ReasoningMessageEndEvent)e).MessageId, closes: true),
            AgUiEventType.ReasoningMessageChunk => OnChunk(e, type, _reasoningMessages, ((ReasoningMessageChunkEvent)e).MessageId, default),
            AgUiEventType.StepStarted => OnStepStarted((StepStartedEvent)e),
            AgUiEventType.StepFinished => OnStepFinished((StepFinishedEvent)e),
            AgUiEventType.StateSnapshot => OnStateSnapshot((StateSnapshotEvent)e),
            AgUiEventType.StateDelta => OnStateDelta((StateDeltaEvent)e),
            AgUiEventType.MessagesSnapshot => OnMessagesSnapshot((MessagesSnapshotEvent)e),
            AgUiEventType.ActivitySnapshot => OnActivitySnapshot((ActivitySnapshotEvent)e),
            AgUiEventType.ActivityDelta => _activities.CheckAndApply((ActivityDeltaEvent)e, Patches),
            AgUiEventType.Custom => OnStandalone(e, type, closesChunkStream: true),
            AgUiEventType.Raw or AgUiEventType.ReasoningEncryptedValue => OnStandalone(e, type, closesChunkStream: false),
            AgUiEventType.SubagentStarted => OnSubagentStarted((SubagentStartedEvent)e),
            AgUiEventType.SubagentFinished => OnSubagentEnded(type, ((SubagentFinishedEvent)e).SubagentRunId),
            AgUiEventType.SubagentError => OnSubagentEnded(type, ((SubagentErrorEvent)e).SubagentRunId),
            AgUiEventType.RunStarted => OnRunStarted((RunStartedEvent)e),
            AgUiEventType.RunFinished => OnRunFinished((RunFinishedEvent)e),
            AgUiEventType.RunError => OnRunError((RunErrorEvent)e),
            _ => null,
        };
    }

    /// <summary>
    /// Checks the end of the stream: it carried at least one event, the last run ended with <c>RUN_FINISHED</c> or
    /// <c>RUN_ERROR</c>, and (when an expected run id was given) the last run is the requested one.
    /// </summary>
    /// <returns><see langword="null"/> when the stream may end here; otherwise the violation.</returns>
    public SequenceViolation? Complete() => _run.Complete();

    /// <summary>
    /// Creates the end events that close everything open in the active run — reasoning messages, reasoning spans,
    /// tool calls, text messages and steps, and <c>SUBAGENT_FINISHED</c> for every active subagent — innermost first,
    /// in an order the guard itself accepts. Chunk streams need nothing. Nothing is recorded: pass the events to
    /// <see cref="Check"/> (and write them) before the <c>RUN_FINISHED</c>.
    /// </summary>
    /// <returns>The closing events; empty when nothing is open or no run is active.</returns>
    public IReadOnlyList<AgUiEvent> CreateClosingEvents() =>
        IsRunActive && AnythingOpen
            ? (_closing ??= new ClosingEventsBuilder(_reasoningMessages, _reasoningSpans, _toolCalls, _textMessages, _steps, _subagents)).Build()
            : [];

    // What the builder closes, counted: a run that closed its own items (most do) builds nothing and allocates nothing.
    private bool AnythingOpen =>
        _textMessages.OpenExplicitCount + _toolCalls.OpenExplicitCount + _reasoningMessages.OpenExplicitCount + _reasoningSpans.OpenExplicitCount > 0
        || _steps.OpenCount > 0
        || _subagents.ActiveCount > 0;

    /// <summary>
    /// The tool calls started in the current (or last) run without a <c>TOOL_CALL_RESULT</c>, in start order:
    /// the value for <c>RUN_FINISHED.outcome.pendingToolCallIds</c>.
    /// </summary>
    /// <returns>A new list of tool call ids.</returns>
    public IReadOnlyList<string> GetPendingToolCallIds() => OutcomeChecker.PendingToolCallIds(_toolCalls);

    /// <summary>Whether <see cref="GetPendingToolCallIds"/> would name any call, without making the list.</summary>
    internal bool HasPendingToolCalls => OutcomeChecker.HasPendingToolCalls(_toolCalls);

    /// <summary>Forgets the stream: the guard is as it was when created.</summary>
    public void Reset()
    {
        _run.Reset();
        ResetRunScope();
        _state.Reset();
        _activities.Reset();
        _frontendCalls?.Clear();
        SeedFrontendCalls();
        _sequence = 0;
    }

    private void ResetRunScope()
    {
        _textMessages.Reset();
        _toolCalls.Reset();
        _reasoningMessages.Reset();
        _reasoningSpans.Reset();
        _chunks.Reset();
        _steps.Reset();
        _subagents.Reset();
    }

    private void SeedFrontendCalls()
    {
        foreach (var call in _historyFrontendCalls)
        {
            (_frontendCalls ??= new(StringComparer.Ordinal))[call.Key] = call.Value;
        }
    }
}
