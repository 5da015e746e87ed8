using System.Text.Json.Serialization;

namespace AutomagikHello.AgUi;

/// <summary><c>TOOL_CALL_START</c>: opens a tool call.</summary>
public sealed class ToolCallStartEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.ToolCallStart;

    /// <summary>The call being opened.</summary>
    public required string ToolCallId { get; init; }

    /// <summary>The tool's name.</summary>
    public required string ToolCallName { get; init; }

    /// <summary>The assistant message holding the call.</summary>
    public string? ParentMessageId { get; init; }
}

/// <summary><c>TOOL_CALL_ARGS</c>: appends argument text to an open call.</summary>
public sealed class ToolCallArgsEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.ToolCallArgs;

    /// <summary>The open call.</summary>
    public required string ToolCallId { get; init; }

    /// <summary>The argument fragment; the concatenation is conventionally a JSON document.</summary>
    public required string Delta { get; init; }
}

/// <summary><c>TOOL_CALL_END</c>: the call's arguments are complete.</summary>
public sealed class ToolCallEndEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.ToolCallEnd;

    /// <summary>The open call.</summary>
    public required string ToolCallId { get; init; }
}

/// <summary><c>TOOL_CALL_CHUNK</c>: shorthand for start, args and end.</summary>
public sealed class ToolCallChunkEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.ToolCallChunk;

    /// <summary>The call; required on the first chunk.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>The tool's name; required on the first chunk.</summary>
    public string? ToolCallName { get; init; }

    /// <summary>The assistant message holding the call.</summary>
    public string? ParentMessageId { get; init; }

    /// <summary>The argument fragment.</summary>
    public string? Delta { get; init; }
}

/// <summary><c>TOOL_CALL_RESULT</c>: the result of a call, as a new tool message.</summary>
public sealed class ToolCallResultEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.ToolCallResult;

    /// <summary>The tool message this result creates (its own id).</summary>
    public required string MessageId { get; init; }

    /// <summary>The call this answers.</summary>
    public required string ToolCallId { get; init; }

    /// <summary>The result: a string or content parts.</summary>
    public required MessageContent Content { get; init; }

    /// <summary>The role of the created message; when present it is always <see cref="ToolResultRole.Tool"/>.</summary>
    public ToolResultRole? Role { get; init; }
}

/// <summary>The only role a <c>TOOL_CALL_RESULT</c> may name.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ToolResultRole>))]
public enum ToolResultRole
{
    /// <summary><c>tool</c>.</summary>
    [JsonStringEnumMemberName("tool")]
    Tool,
}
