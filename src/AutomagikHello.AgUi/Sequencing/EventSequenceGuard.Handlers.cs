namespace AutomagikHello.AgUi.Sequencing;

// The per-event handlers: each checks first and applies only when every check passed.
public sealed partial class EventSequenceGuard
{
    // ---- Streaming items (explicit form) ----

    private SequenceViolation? OnTextMessageStart(TextMessageStartEvent e) =>
        OpenExplicit(e, e.EventType, _textMessages, e.MessageId, new ItemAttributes(e.Role ?? TextMessageRole.Assistant, e.Name, null));

    private SequenceViolation? OnToolCallStart(ToolCallStartEvent e)
    {
        var type = e.EventType;
        var violation = CheckParentMessage(type, e.ToolCallId, e.ParentMessageId, e.Owner)
            ?? OpenExplicit(e, type, _toolCalls, e.ToolCallId, new ItemAttributes(default, e.ToolCallName, e.ParentMessageId));
        if (violation is null)
        {
            NoteToolCall(e.ToolCallId, e.ToolCallName);
        }

        return violation;
    }

    private SequenceViolation? OpenExplicit(AgUiEvent e, AgUiEventType type, StreamItemTracker tracker, string id, in ItemAttributes attributes)
    {
        var owner = e.Owner;
        var violation = CheckAttribution(type, owner) ?? tracker.CheckOpen(type, id, owner, chunkForm: false, attributes);
        if (violation is not null)
        {
            return violation;
        }

        _chunks.CloseLane(owner, type);
        NoteAttribution(owner);
        tracker.Open(id, owner, chunkForm: false, attributes, ++_sequence);
        return null;
    }

    /// <summary>The hot path: a content, args or end event continuing an explicitly opened item.</summary>
    private SequenceViolation? Continue(AgUiEvent e, AgUiEventType type, StreamItemTracker tracker, string id, bool closes)
    {
        var violation = tracker.CheckContinue(type, id, e.Owner, out var item);
        if (violation is not null)
        {
            return violation;
        }

        if (_chunks.OpenCount != 0)
        {
            _chunks.CloseLane(item!.Owner, type);
        }

        if (closes)
        {
            tracker.Close(item!);
        }

        return null;
    }

    private SequenceViolation? OnToolCallResult(ToolCallResultEvent e)
    {
        var type = e.EventType;
        var owner = e.Owner;
        var violation = CheckAttribution(type, owner);
        if (violation is not null)
        {
            return violation;
        }

        if (_frontendCalls is not null && _frontendCalls.TryGetValue(e.ToolCallId, out var toolName))
        {
            return Violations.Event(SequenceRule.FrontendToolsAnsweredByConsumer, type,
                $"answers tool call '{e.ToolCallId}' of frontend tool '{toolName}'; the consumer answers frontend tools, not the producer");
        }

        if (_historyMessageIds is not null && _historyMessageIds.Contains(e.MessageId))
        {
            return Violations.Event(SequenceRule.HistoryIdNotReused, type,
                $"mints tool message '{e.MessageId}', but the input history already carries a message with that id");
        }

        _chunks.CloseLane(owner, type);
        NoteAttribution(owner);
        if (_toolCalls.Find(e.ToolCallId) is { } call)
        {
            call.HasResult = true;
        }

        return null;
    }

    // ---- Steps, state, activity, passthrough ----

    private SequenceViolation? OnStepStarted(StepStartedEvent e)
    {
        var type = e.EventType;
        var owner = e.Owner;
        var violation = CheckAttribution(type, owner) ?? _steps.CheckStart(type, owner, e.StepName);
        if (violation is not null)
        {
            return violation;
        }

        _chunks.CloseLane(owner, type);
        NoteAttribution(owner);
        _steps.Start(owner, e.StepName, ++_sequence);
        return null;
    }

    private SequenceViolation? OnStepFinished(StepFinishedEvent e)
    {
        var type = e.EventType;
        var violation = _steps.CheckFinish(type, e.Owner, e.StepName, out var index);
        if (violation is not null)
        {
            return violation;
        }

        _chunks.CloseLane(e.Owner, type);
        _steps.Finish(index);
        return null;
    }

    private SequenceViolation? OnStateSnapshot(StateSnapshotEvent e)
    {
        var violation = OnStandalone(e, e.EventType, closesChunkStream: true);
        if (violation is null)
        {
            _state.Snapshot(e.Snapshot);
        }

        return violation;
    }

    private SequenceViolation? OnStateDelta(StateDeltaEvent e)
    {
        var type = e.EventType;
        var violation = CheckAttribution(type, e.Owner);
        if (violation is not null)
        {
            return violation;
        }

        // Applying is the last check: the applier leaves the state untouched when the patch fails.
        var error = _state.TryApply(e.Delta, Patches);
        if (error is not null)
        {
            return Violations.Event(SequenceRule.StateDeltaApplies, type, "does not apply to the current state: " + error);
        }

        _chunks.CloseLane(e.Owner, type);
        NoteAttribution(e.Owner);
        return null;
    }

    private SequenceViolation? OnMessagesSnapshot(MessagesSnapshotEvent e)
    {
        _chunks.CloseAll(e.EventType);
        _activities.Restate(e.Messages);
        return null;
    }

    private SequenceViolation? OnActivitySnapshot(ActivitySnapshotEvent e)
    {
        var violation = CheckAttribution(e.EventType, e.Owner) ?? ActivityTracker.CheckSnapshot(e);
        if (violation is not null)
        {
            return violation;
        }

        NoteAttribution(e.Owner);
        _activities.Snapshot(e);
        return null;
    }

    private SequenceViolation? OnStandalone(AgUiEvent e, AgUiEventType type, bool closesChunkStream)
    {
        var owner = e.Owner;
        var violation = CheckAttribution(type, owner);
        if (violation is not null)
        {
            return violation;
        }

        if (closesChunkStream)
        {
            _chunks.CloseLane(owner, type);
        }

        NoteAttribution(owner);
        return null;
    }

    // ---- Subagents ----

    private SequenceViolation? OnSubagentStarted(SubagentStartedEvent e)
    {
        var violation = _subagents.CheckStart(e);
        if (violation is null)
        {
            _subagents.Start(e.SubagentRunId, ++_sequence);
        }

        return violation;
    }

    private SequenceViolation? OnSubagentEnded(AgUiEventType type, string id)
    {
        var violation = _subagents.CheckEnd(type, id);
        if (violation is null)
        {
            _subagents.End(id, type);
            _chunks.CloseLane(id, type); // a chunk stream never outlives its subagent
        }

        return violation;
    }

    private SequenceViolation? CheckAttribution(AgUiEventType type, string? owner) =>
        owner is null ? null : _subagents.CheckAttribution(type, owner);

    private void NoteAttribution(string? owner)
    {
        if (owner is not null)
        {
            _subagents.NoteAttribution(owner);
        }
    }

    /// <summary>Rule 39: a tool call's attribution equals that of its parent message (when that message is known).</summary>
    private SequenceViolation? CheckParentMessage(AgUiEventType type, string toolCallId, string? parentMessageId, string? owner)
    {
        if (parentMessageId is null || _textMessages.Find(parentMessageId) is not { } message
            || string.Equals(message.Owner, owner, StringComparison.Ordinal))
        {
            return null;
        }

        return Violations.Event(SequenceRule.ToolCallAttributionMatchesParent, type,
            $"attributes tool call '{toolCallId}' to {EventNames.Owner(owner)}, but its parent message '{parentMessageId}' belongs to {EventNames.Owner(message.Owner)}");
    }

    private void NoteToolCall(string toolCallId, string toolCallName)
    {
        if (_frontendToolNames.Contains(toolCallName))
        {
            (_frontendCalls ??= new(StringComparer.Ordinal))[toolCallId] = toolCallName;
        }
    }
}
