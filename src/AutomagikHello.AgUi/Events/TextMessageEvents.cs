using System.Text.Json.Serialization;

namespace AutomagikHello.AgUi;

/// <summary>The roles a streamed text message may take (<c>tool</c> is not one of them).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TextMessageRole>))]
public enum TextMessageRole
{
    /// <summary><c>assistant</c>, the default when a role is absent.</summary>
    [JsonStringEnumMemberName("assistant")]
    Assistant,
    /// <summary><c>user</c>.</summary>
    [JsonStringEnumMemberName("user")]
    User,
    /// <summary><c>system</c>.</summary>
    [JsonStringEnumMemberName("system")]
    System,
    /// <summary><c>developer</c>.</summary>
    [JsonStringEnumMemberName("developer")]
    Developer,
}

/// <summary><c>TEXT_MESSAGE_START</c>: opens a streamed text message.</summary>
public sealed class TextMessageStartEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.TextMessageStart;

    /// <summary>The message being opened.</summary>
    public required string MessageId { get; init; }

    /// <summary>The message's role; absent means <see cref="TextMessageRole.Assistant"/>.</summary>
    public TextMessageRole? Role { get; init; }

    /// <summary>An optional author name.</summary>
    public string? Name { get; init; }
}

/// <summary><c>TEXT_MESSAGE_CONTENT</c>: appends a fragment to an open text message.</summary>
public sealed class TextMessageContentEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.TextMessageContent;

    /// <summary>The open message.</summary>
    public required string MessageId { get; init; }

    /// <summary>The fragment; may be empty in 1.0.</summary>
    public required string Delta { get; init; }
}

/// <summary><c>TEXT_MESSAGE_END</c>: closes a text message.</summary>
public sealed class TextMessageEndEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.TextMessageEnd;

    /// <summary>The open message.</summary>
    public required string MessageId { get; init; }
}

/// <summary><c>TEXT_MESSAGE_CHUNK</c>: shorthand for start, content and end.</summary>
public sealed class TextMessageChunkEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.TextMessageChunk;

    /// <summary>The message; required on the first chunk of a message.</summary>
    public string? MessageId { get; init; }

    /// <summary>The role of the message (on a continuation, the opener's).</summary>
    public TextMessageRole? Role { get; init; }

    /// <summary>The fragment.</summary>
    public string? Delta { get; init; }

    /// <summary>An optional author name.</summary>
    public string? Name { get; init; }
}
