using System.Text.Json.Serialization;
using System.Text.Json;

namespace AutomagikHello.AgUi;

/// <summary><c>STATE_SNAPSHOT</c>: replaces the shared state wholesale.</summary>
public sealed class StateSnapshotEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.StateSnapshot;

    /// <summary>The new state: any JSON value, <c>null</c> included.</summary>
    public required JsonElement Snapshot { get; init; }
}

/// <summary><c>STATE_DELTA</c>: amends the state with an RFC 6902 JSON Patch, atomically.</summary>
public sealed class StateDeltaEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.StateDelta;

    /// <summary>The JSON Patch: an array of operations (an empty array is a no-op).</summary>
    public required JsonElement Delta { get; init; }
}

/// <summary><c>MESSAGES_SNAPSHOT</c>: the complete set of messages the producer owns, in order.</summary>
public sealed class MessagesSnapshotEvent : AgUiEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.MessagesSnapshot;

    /// <summary>Every message the producer owns; consumers drop held messages missing from it.</summary>
    public required IReadOnlyList<Message> Messages { get; init; }
}

/// <summary><c>ACTIVITY_SNAPSHOT</c>: creates or replaces an activity message.</summary>
public sealed class ActivitySnapshotEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.ActivitySnapshot;

    /// <summary>The activity message.</summary>
    public required string MessageId { get; init; }

    /// <summary>The kind of activity (an open string).</summary>
    public required string ActivityType { get; init; }

    /// <summary>The activity's content, a JSON object.</summary>
    public required JsonElement Content { get; init; }

    /// <summary>Whether to replace an existing message; absent means <see langword="true"/>.</summary>
    public bool? Replace { get; init; }
}

/// <summary><c>ACTIVITY_DELTA</c>: patches an activity message's content.</summary>
public sealed class ActivityDeltaEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.ActivityDelta;

    /// <summary>The activity message, created earlier by an <c>ACTIVITY_SNAPSHOT</c>.</summary>
    public required string MessageId { get; init; }

    /// <summary>The activity type (repeat the current one unless retyping).</summary>
    public required string ActivityType { get; init; }

    /// <summary>The JSON Patch applied to the content.</summary>
    public required JsonElement Patch { get; init; }
}

/// <summary><c>RAW</c>: a provider-native event passed through untranslated.</summary>
public sealed class RawEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.Raw;

    /// <summary>The native event: any JSON value, <c>null</c> included.</summary>
    public required JsonElement Event { get; init; }

    /// <summary>Where the event came from.</summary>
    public string? Source { get; init; }
}

/// <summary><c>CUSTOM</c>: an application extension event.</summary>
public sealed class CustomEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.Custom;

    /// <summary>The event name; prefix it with an application identifier.</summary>
    public required string Name { get; init; }

    /// <summary>The value: any JSON value, <c>null</c> included.</summary>
    public required JsonElement Value { get; init; }
}
