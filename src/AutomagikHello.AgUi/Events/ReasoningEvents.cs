using System.Text.Json.Serialization;

namespace AutomagikHello.AgUi;

/// <summary><c>REASONING_START</c>: opens a reasoning span.</summary>
public sealed class ReasoningStartEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.ReasoningStart;

    /// <summary>The span's id (a namespace separate from reasoning messages).</summary>
    public required string MessageId { get; init; }
}

/// <summary><c>REASONING_MESSAGE_START</c>: opens a streamed reasoning message.</summary>
public sealed class ReasoningMessageStartEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.ReasoningMessageStart;

    /// <summary>The reasoning message being opened.</summary>
    public required string MessageId { get; init; }

    /// <summary>Always <c>"reasoning"</c>.</summary>
    // Written as a public getter. Not [JsonInclude]: on a get-only property the source generator emits a setter
    // that throws, so reading any document carrying the member failed.
#pragma warning disable CA1822 // An instance member so the serializer writes the wire constant.
    public string Role => "reasoning";
#pragma warning restore CA1822
}

/// <summary><c>REASONING_MESSAGE_CONTENT</c>: appends to an open reasoning message.</summary>
public sealed class ReasoningMessageContentEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.ReasoningMessageContent;

    /// <summary>The open reasoning message.</summary>
    public required string MessageId { get; init; }

    /// <summary>The fragment; may be empty.</summary>
    public required string Delta { get; init; }
}

/// <summary><c>REASONING_MESSAGE_END</c>: closes a reasoning message.</summary>
public sealed class ReasoningMessageEndEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.ReasoningMessageEnd;

    /// <summary>The open reasoning message.</summary>
    public required string MessageId { get; init; }
}

/// <summary><c>REASONING_MESSAGE_CHUNK</c>: shorthand for a reasoning message's start, content and end.</summary>
public sealed class ReasoningMessageChunkEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.ReasoningMessageChunk;

    /// <summary>The reasoning message; required on the first chunk.</summary>
    public string? MessageId { get; init; }

    /// <summary>The fragment.</summary>
    public string? Delta { get; init; }
}

/// <summary><c>REASONING_END</c>: closes a reasoning span.</summary>
public sealed class ReasoningEndEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.ReasoningEnd;

    /// <summary>The open span.</summary>
    public required string MessageId { get; init; }
}

/// <summary>What a <c>REASONING_ENCRYPTED_VALUE</c> is attached to.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EncryptedValueSubtype>))]
public enum EncryptedValueSubtype
{
    /// <summary><c>message</c>.</summary>
    [JsonStringEnumMemberName("message")]
    Message,
    /// <summary><c>tool-call</c>.</summary>
    [JsonStringEnumMemberName("tool-call")]
    ToolCall,
}

/// <summary><c>REASONING_ENCRYPTED_VALUE</c>: an opaque provider artefact to return in later input.</summary>
public sealed class ReasoningEncryptedValueEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.ReasoningEncryptedValue;

    /// <summary>Whether the artefact belongs to a message or a tool call.</summary>
    public required EncryptedValueSubtype Subtype { get; init; }

    /// <summary>The message or tool call it belongs to.</summary>
    public required string EntityId { get; init; }

    /// <summary>The opaque value.</summary>
    public required string EncryptedValue { get; init; }
}
