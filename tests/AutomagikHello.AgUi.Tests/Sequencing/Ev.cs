using System.Text.Json;

namespace AutomagikHello.AgUi.Tests.Sequencing;

/// <summary>Terse event factories for sequence tests. Thread "t1" and run "r1" unless told otherwise.</summary>
internal static class Ev
{
    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static RunStartedEvent RunStarted(string runId = "r1", string threadId = "t1") =>
        new() { ThreadId = threadId, RunId = runId, ProtocolVersion = RunStartedEvent.CurrentProtocolVersion };

    public static RunFinishedEvent RunFinished(string runId = "r1", string threadId = "t1", RunFinishedOutcome? outcome = null) =>
        new() { ThreadId = threadId, RunId = runId, Outcome = outcome };

    public static RunErrorEvent RunError(string message = "boom") => new() { Message = message };

    public static TextMessageStartEvent TextStart(string id, string? owner = null, TextMessageRole? role = null, string? name = null) =>
        new() { MessageId = id, SubagentRunId = owner, Role = role, Name = name };

    public static TextMessageContentEvent TextContent(string id, string delta = "x", string? owner = null) =>
        new() { MessageId = id, Delta = delta, SubagentRunId = owner };

    public static TextMessageEndEvent TextEnd(string id, string? owner = null) => new() { MessageId = id, SubagentRunId = owner };

    public static TextMessageChunkEvent TextChunk(string? id, string? delta = "x", string? owner = null, TextMessageRole? role = null, string? name = null) =>
        new() { MessageId = id, Delta = delta, SubagentRunId = owner, Role = role, Name = name };

    public static ToolCallStartEvent ToolStart(string id, string name = "search", string? parent = null, string? owner = null) =>
        new() { ToolCallId = id, ToolCallName = name, ParentMessageId = parent, SubagentRunId = owner };

    public static ToolCallArgsEvent ToolArgs(string id, string delta = "{}", string? owner = null) =>
        new() { ToolCallId = id, Delta = delta, SubagentRunId = owner };

    public static ToolCallEndEvent ToolEnd(string id, string? owner = null) => new() { ToolCallId = id, SubagentRunId = owner };

    public static ToolCallChunkEvent ToolChunk(string? id, string? name = null, string? parent = null, string? delta = "{}", string? owner = null) =>
        new() { ToolCallId = id, ToolCallName = name, ParentMessageId = parent, Delta = delta, SubagentRunId = owner };

    public static ToolCallResultEvent ToolResult(string messageId, string toolCallId, string content = "ok", string? owner = null) =>
        new() { MessageId = messageId, ToolCallId = toolCallId, Content = content, SubagentRunId = owner };

    public static ReasoningStartEvent SpanStart(string id, string? owner = null) => new() { MessageId = id, SubagentRunId = owner };

    public static ReasoningEndEvent SpanEnd(string id, string? owner = null) => new() { MessageId = id, SubagentRunId = owner };

    public static ReasoningMessageStartEvent ThinkStart(string id, string? owner = null) => new() { MessageId = id, SubagentRunId = owner };

    public static ReasoningMessageContentEvent ThinkContent(string id, string delta = "hmm", string? owner = null) =>
        new() { MessageId = id, Delta = delta, SubagentRunId = owner };

    public static ReasoningMessageEndEvent ThinkEnd(string id, string? owner = null) => new() { MessageId = id, SubagentRunId = owner };

    public static ReasoningMessageChunkEvent ThinkChunk(string? id, string? delta = "hmm", string? owner = null) =>
        new() { MessageId = id, Delta = delta, SubagentRunId = owner };

    public static ReasoningEncryptedValueEvent Encrypted(string entityId, string? owner = null) =>
        new() { Subtype = EncryptedValueSubtype.Message, EntityId = entityId, EncryptedValue = "opaque", SubagentRunId = owner };

    public static StepStartedEvent StepStarted(string name, string? owner = null) => new() { StepName = name, SubagentRunId = owner };

    public static StepFinishedEvent StepFinished(string name, string? owner = null) => new() { StepName = name, SubagentRunId = owner };

    public static StateSnapshotEvent StateSnapshot(string json, string? owner = null) => new() { Snapshot = Json(json), SubagentRunId = owner };

    public static StateDeltaEvent StateDelta(string patch, string? owner = null) => new() { Delta = Json(patch), SubagentRunId = owner };

    public static MessagesSnapshotEvent MessagesSnapshot(params Message[] messages) => new() { Messages = messages };

    public static ActivitySnapshotEvent ActivitySnapshot(string id, string content = "{\"status\":\"working\"}", bool? replace = null, string? owner = null, string type = "progress") =>
        new() { MessageId = id, ActivityType = type, Content = Json(content), Replace = replace, SubagentRunId = owner };

    public static ActivityDeltaEvent ActivityDelta(string id, string patch, string? owner = null, string type = "progress") =>
        new() { MessageId = id, ActivityType = type, Patch = Json(patch), SubagentRunId = owner };

    public static CustomEvent Custom(string? owner = null) => new() { Name = "test:ping", Value = Json("null"), SubagentRunId = owner };

    public static RawEvent Raw(string? owner = null) => new() { Event = Json("{\"native\":true}"), SubagentRunId = owner };

    public static SubagentStartedEvent SubagentStarted(string id, string? parent = null) =>
        new() { SubagentRunId = id, Name = "helper", ParentSubagentRunId = parent };

    public static SubagentFinishedEvent SubagentFinished(string id) => new() { SubagentRunId = id };

    public static SubagentErrorEvent SubagentError(string id) => new() { SubagentRunId = id, Message = "failed" };

    public static InterruptOutcome Interrupts(params string[] ids) =>
        new() { Interrupts = ids.Select(id => new Interrupt { Id = id, Reason = InterruptReasons.Confirmation }).ToArray() };

    public static SuccessOutcome Pending(params string[] toolCallIds) => new() { PendingToolCallIds = toolCallIds };
}
