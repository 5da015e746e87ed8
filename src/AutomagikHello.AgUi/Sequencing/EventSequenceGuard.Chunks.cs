namespace AutomagikHello.AgUi.Sequencing;

// The chunk-form handlers (rules 23 to 27): which lane a chunk belongs to, and whether it opens or continues a stream.
public sealed partial class EventSequenceGuard
{
    private SequenceViolation? OnTextMessageChunk(TextMessageChunkEvent e) =>
        OnChunk(e, e.EventType, _textMessages, e.MessageId, new ChunkFields(e.Role, e.Name, null));

    private SequenceViolation? OnToolCallChunk(ToolCallChunkEvent e) =>
        OnChunk(e, e.EventType, _toolCalls, e.ToolCallId, new ChunkFields(null, e.ToolCallName, e.ParentMessageId));

    private SequenceViolation? OnChunk(AgUiEvent e, AgUiEventType type, StreamItemTracker tracker, string? id, in ChunkFields fields)
    {
        var owner = e.Owner;
        ChunkLane? lane;
        if (id is not null)
        {
            lane = _chunks.FindOpen(tracker, id);
            if (lane is null)
            {
                return OpenChunkStream(type, owner, tracker, id, fields);
            }

            if (owner is not null && !string.Equals(owner, lane.Owner, StringComparison.Ordinal))
            {
                return Violations.Event(SequenceRule.AttributionMatchesOwner, type,
                    $"for {tracker.Noun} '{id}' carries subagentRunId '{owner}', but the chunk stream belongs to {EventNames.Owner(lane.Owner)}");
            }
        }
        else
        {
            lane = _chunks.ResolveContinuation(tracker, owner, out var ambiguous);
            if (lane is null)
            {
                return NoStreamToContinue(type, owner, tracker, ambiguous);
            }
        }

        return CheckRepeatedFields(type, tracker, lane.Item!, fields);
    }

    private SequenceViolation? OpenChunkStream(AgUiEventType type, string? owner, StreamItemTracker tracker, string id, in ChunkFields fields)
    {
        var isToolCall = tracker.Kind == StreamItemKind.ToolCall;
        if (isToolCall && fields.Name is null)
        {
            return Violations.Event(SequenceRule.ToolCallChunkOpensWithIdAndName, type, $"opens tool call '{id}' without a toolCallName; the first chunk of a call must carry toolCallId and toolCallName");
        }

        var attributes = new ItemAttributes(fields.Role ?? TextMessageRole.Assistant, fields.Name, fields.ParentMessageId);
        var violation = CheckAttribution(type, owner)
            ?? (isToolCall ? CheckParentMessage(type, id, fields.ParentMessageId, owner) : null)
            ?? tracker.CheckOpen(type, id, owner, chunkForm: true, attributes);
        if (violation is not null)
        {
            return violation;
        }

        NoteAttribution(owner);
        var item = tracker.Open(id, owner, chunkForm: true, attributes, ++_sequence);
        _chunks.Open(_chunks.Lane(owner), tracker, item, type);
        if (isToolCall)
        {
            NoteToolCall(id, fields.Name!);
        }

        return null;
    }

    private SequenceViolation NoStreamToContinue(AgUiEventType type, string? owner, StreamItemTracker tracker, bool ambiguous)
    {
        var isToolCall = tracker.Kind == StreamItemKind.ToolCall;
        var rule = isToolCall ? SequenceRule.ToolCallChunkOpensWithIdAndName : SequenceRule.MessageChunkOpensWithId;
        var idName = isToolCall ? "toolCallId" : "messageId";
        if (ambiguous)
        {
            return Violations.Event(rule, type,
                $"carries neither {idName} nor subagentRunId while several subagents have open {tracker.Noun} chunk streams; the continuation is ambiguous");
        }

        if (_chunks.FindClosed(tracker, owner) is { LastClosedItem: { } closed } lane)
        {
            return Violations.Event(SequenceRule.ChunkContinuesOpenStream, type,
                $"carries no {idName} and cannot continue {tracker.Noun} '{closed.Id}': its chunk stream was closed by {EventNames.Of(lane.LastClosedBy)}");
        }

        return Violations.Event(rule, type, isToolCall
            ? "opens a tool call without toolCallId; the first chunk of a call must carry toolCallId and toolCallName"
            : $"opens a {tracker.Noun} without messageId; the first chunk of a message must carry messageId");
    }

    private static SequenceViolation? CheckRepeatedFields(AgUiEventType type, StreamItemTracker tracker, StreamItem item, in ChunkFields fields)
    {
        var opened = item.Attributes;
        string? field = null, given = null, original = null;
        if (tracker.Kind == StreamItemKind.TextMessage)
        {
            if (fields.Role is { } role && role != opened.Role)
            {
                (field, given, original) = ("role", EventNames.Role(role), EventNames.Role(opened.Role));
            }
            else if (fields.Name is not null && !string.Equals(fields.Name, opened.Name, StringComparison.Ordinal))
            {
                (field, given, original) = ("name", fields.Name, opened.Name);
            }
        }
        else if (tracker.Kind == StreamItemKind.ToolCall)
        {
            if (fields.Name is not null && !string.Equals(fields.Name, opened.Name, StringComparison.Ordinal))
            {
                (field, given, original) = ("toolCallName", fields.Name, opened.Name);
            }
            else if (fields.ParentMessageId is not null && !string.Equals(fields.ParentMessageId, opened.ParentMessageId, StringComparison.Ordinal))
            {
                (field, given, original) = ("parentMessageId", fields.ParentMessageId, opened.ParentMessageId);
            }
        }

        return field is null
            ? null
            : Violations.Event(SequenceRule.ChunkKeepsFirstAttributes, type,
                $"continues {tracker.Noun} '{item.Id}' with {field} '{given}', but its first chunk established {EventNames.Quoted(original)}");
    }

    /// <summary>The fields a chunk may repeat: a text message's role and name, a tool call's name and parent message.</summary>
    private readonly record struct ChunkFields(TextMessageRole? Role, string? Name, string? ParentMessageId);
}
