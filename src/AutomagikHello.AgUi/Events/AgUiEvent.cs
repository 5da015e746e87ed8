using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutomagikHello.AgUi;

/// <summary>
/// An AG-UI 1.0 event. The wire discriminator is <c>type</c>; optional fields that are unset are
/// absent on the wire, never <c>null</c>.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TextMessageStartEvent), "TEXT_MESSAGE_START")]
[JsonDerivedType(typeof(TextMessageContentEvent), "TEXT_MESSAGE_CONTENT")]
[JsonDerivedType(typeof(TextMessageEndEvent), "TEXT_MESSAGE_END")]
[JsonDerivedType(typeof(TextMessageChunkEvent), "TEXT_MESSAGE_CHUNK")]
[JsonDerivedType(typeof(ToolCallStartEvent), "TOOL_CALL_START")]
[JsonDerivedType(typeof(ToolCallArgsEvent), "TOOL_CALL_ARGS")]
[JsonDerivedType(typeof(ToolCallEndEvent), "TOOL_CALL_END")]
[JsonDerivedType(typeof(ToolCallChunkEvent), "TOOL_CALL_CHUNK")]
[JsonDerivedType(typeof(ToolCallResultEvent), "TOOL_CALL_RESULT")]
[JsonDerivedType(typeof(StateSnapshotEvent), "STATE_SNAPSHOT")]
[JsonDerivedType(typeof(StateDeltaEvent), "STATE_DELTA")]
[JsonDerivedType(typeof(MessagesSnapshotEvent), "MESSAGES_SNAPSHOT")]
[JsonDerivedType(typeof(ActivitySnapshotEvent), "ACTIVITY_SNAPSHOT")]
[JsonDerivedType(typeof(ActivityDeltaEvent), "ACTIVITY_DELTA")]
[JsonDerivedType(typeof(RawEvent), "RAW")]
[JsonDerivedType(typeof(CustomEvent), "CUSTOM")]
[JsonDerivedType(typeof(RunStartedEvent), "RUN_STARTED")]
[JsonDerivedType(typeof(RunFinishedEvent), "RUN_FINISHED")]
[JsonDerivedType(typeof(RunErrorEvent), "RUN_ERROR")]
[JsonDerivedType(typeof(StepStartedEvent), "STEP_STARTED")]
[JsonDerivedType(typeof(StepFinishedEvent), "STEP_FINISHED")]
[JsonDerivedType(typeof(ReasoningStartEvent), "REASONING_START")]
[JsonDerivedType(typeof(ReasoningMessageStartEvent), "REASONING_MESSAGE_START")]
[JsonDerivedType(typeof(ReasoningMessageContentEvent), "REASONING_MESSAGE_CONTENT")]
[JsonDerivedType(typeof(ReasoningMessageEndEvent), "REASONING_MESSAGE_END")]
[JsonDerivedType(typeof(ReasoningMessageChunkEvent), "REASONING_MESSAGE_CHUNK")]
[JsonDerivedType(typeof(ReasoningEndEvent), "REASONING_END")]
[JsonDerivedType(typeof(ReasoningEncryptedValueEvent), "REASONING_ENCRYPTED_VALUE")]
[JsonDerivedType(typeof(SubagentStartedEvent), "SUBAGENT_STARTED")]
[JsonDerivedType(typeof(SubagentFinishedEvent), "SUBAGENT_FINISHED")]
[JsonDerivedType(typeof(SubagentErrorEvent), "SUBAGENT_ERROR")]
public abstract class AgUiEvent
{
    private protected AgUiEvent()
    {
    }

    /// <summary>The event's type (written on the wire as the <c>type</c> discriminator).</summary>
    [JsonIgnore]
    public abstract AgUiEventType EventType { get; }

    // Timestamp, RawEvent and Metadata are almost never set, yet as fields they would make every event 56 bytes
    // bigger (a TEXT_MESSAGE_CONTENT 104 bytes instead of 48): they live in a side object made when one is set.
    private RareFields? _rare;

    /// <summary>Creation time, by convention milliseconds since the Unix epoch. Informational only.</summary>
    [JsonPropertyOrder(100)]
    public long? Timestamp
    {
        get => _rare?.Timestamp;
        init
        {
            if (value is not null || _rare is not null)
            {
                Rare.Timestamp = value;
            }
        }
    }

    /// <summary>The provider-native event this one was translated from (any JSON except <c>null</c>).</summary>
    [JsonPropertyOrder(101)]
    public JsonElement? RawEvent
    {
        get => _rare?.RawEvent;
        init
        {
            if (value is not null || _rare is not null)
            {
                Rare.RawEvent = value;
            }
        }
    }

    /// <summary>Extra information as a JSON object; the key <c>"ag-ui"</c> is reserved.</summary>
    [JsonPropertyOrder(102)]
    public JsonElement? Metadata
    {
        get => _rare?.Metadata;
        init
        {
            if (value is not null || _rare is not null)
            {
                Rare.Metadata = value;
            }
        }
    }

    private RareFields Rare => _rare ??= new RareFields();

    /// <summary>
    /// The subagent invocation that produced this event, for the event types that may be attributed;
    /// <see langword="null"/> for the parent agent and for run-level events.
    /// </summary>
    [JsonIgnore]
    public virtual string? Owner => null;

    /// <summary>The optional fields set on few events; written only while the event is initialised.</summary>
    private sealed class RareFields
    {
        public long? Timestamp;
        public JsonElement? RawEvent;
        public JsonElement? Metadata;
    }
}

/// <summary>An event that may be attributed to a subagent invocation through <see cref="SubagentRunId"/>.</summary>
public abstract class AttributableEvent : AgUiEvent
{
    private protected AttributableEvent()
    {
    }

    /// <summary>The subagent invocation that produced the event; absent when the parent agent did.</summary>
    [JsonPropertyOrder(99)]
    public string? SubagentRunId { get; init; }

    /// <inheritdoc />
    [JsonIgnore]
    public override string? Owner => SubagentRunId;
}
