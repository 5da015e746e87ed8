using System.Text.Json;

namespace AutomagikHello.AgUi;

/// <content>State, messages snapshots, steps, activity, custom and raw events.</content>
public sealed partial class AgUiRun
{
    /// <summary>Replaces the shared state wholesale (<c>STATE_SNAPSHOT</c>).</summary>
    /// <param name="snapshot">The new state: any JSON value.</param>
    /// <returns>A task that completes when the event is queued.</returns>
    public ValueTask SendStateSnapshotAsync(JsonElement snapshot) => EmitAsync(new StateSnapshotEvent { Snapshot = snapshot });

    /// <summary>Amends the shared state with an RFC 6902 JSON Patch (<c>STATE_DELTA</c>), applied atomically.</summary>
    /// <param name="patch">A JSON array of patch operations; it must apply to the current state.</param>
    /// <returns>A task that completes when the event is queued.</returns>
    public ValueTask SendStateDeltaAsync(JsonElement patch) => EmitAsync(new StateDeltaEvent { Delta = patch });

    /// <summary>Sends the complete set of messages the agent owns, in order (<c>MESSAGES_SNAPSHOT</c>).</summary>
    /// <param name="messages">Every message the agent owns; the client drops held messages missing from it.</param>
    /// <returns>A task that completes when the event is queued.</returns>
    public ValueTask SendMessagesSnapshotAsync(IReadOnlyList<Message> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return EmitAsync(new MessagesSnapshotEvent { Messages = messages });
    }

    /// <summary>Opens a named phase of the run (<c>STEP_STARTED</c>); an open step is finished for you at the end.</summary>
    /// <param name="stepName">The step's name.</param>
    /// <returns>A task that completes when the event is queued.</returns>
    public ValueTask StartStepAsync(string stepName)
    {
        ArgumentException.ThrowIfNullOrEmpty(stepName);
        return EmitAsync(new StepStartedEvent { StepName = stepName });
    }

    /// <summary>Closes a named phase of the run (<c>STEP_FINISHED</c>).</summary>
    /// <param name="stepName">The open step's name.</param>
    /// <returns>A task that completes when the event is queued.</returns>
    public ValueTask FinishStepAsync(string stepName)
    {
        ArgumentException.ThrowIfNullOrEmpty(stepName);
        return EmitAsync(new StepFinishedEvent { StepName = stepName });
    }

    /// <summary>Creates or replaces an activity message (<c>ACTIVITY_SNAPSHOT</c>).</summary>
    /// <param name="activityType">The kind of activity, e.g. <c>PLAN</c> or <c>SEARCH</c>.</param>
    /// <param name="content">The activity's content, a JSON object.</param>
    /// <param name="messageId">The activity message's id; a new one when <see langword="null"/>.</param>
    /// <param name="replace">Whether to replace an existing message with that id; absent means yes.</param>
    /// <returns>The activity message's id.</returns>
    public ValueTask<string> SendActivitySnapshotAsync(string activityType, JsonElement content, string? messageId = null, bool? replace = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(activityType);
        var id = messageId ?? NewId();
        return After(EmitAsync(new ActivitySnapshotEvent { MessageId = id, ActivityType = activityType, Content = content, Replace = replace }), id);
    }

    /// <summary>Patches an activity message's content with an RFC 6902 JSON Patch (<c>ACTIVITY_DELTA</c>).</summary>
    /// <param name="messageId">The activity message, created earlier by an activity snapshot.</param>
    /// <param name="activityType">The activity type (repeat the current one unless retyping).</param>
    /// <param name="patch">A JSON array of patch operations.</param>
    /// <returns>A task that completes when the event is queued.</returns>
    public ValueTask SendActivityDeltaAsync(string messageId, string activityType, JsonElement patch)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(activityType);
        return EmitAsync(new ActivityDeltaEvent { MessageId = messageId, ActivityType = activityType, Patch = patch });
    }

    /// <summary>Sends an application extension event (<c>CUSTOM</c>); clients ignore names they do not know.</summary>
    /// <param name="name">The event name; prefix it with an application identifier.</param>
    /// <param name="value">The value: any JSON value.</param>
    /// <returns>A task that completes when the event is queued.</returns>
    public ValueTask SendCustomAsync(string name, JsonElement value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return EmitAsync(new CustomEvent { Name = name, Value = value });
    }

    /// <summary>Passes a provider-native event through untranslated (<c>RAW</c>).</summary>
    /// <param name="nativeEvent">The native event: any JSON value.</param>
    /// <param name="source">Where the event came from, if known.</param>
    /// <returns>A task that completes when the event is queued.</returns>
    public ValueTask SendRawAsync(JsonElement nativeEvent, string? source = null) => EmitAsync(new RawEvent { Event = nativeEvent, Source = source });
}
