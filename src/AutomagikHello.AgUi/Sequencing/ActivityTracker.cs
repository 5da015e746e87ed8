using System.Text.Json;
using System.Text.Json.Nodes;

namespace AutomagikHello.AgUi.Sequencing;

/// <summary>
/// Tracks activity messages created by <c>ACTIVITY_SNAPSHOT</c> (or restated in <c>MESSAGES_SNAPSHOT</c>) and
/// patched by <c>ACTIVITY_DELTA</c> (rules 31, 33 and 38). Activity messages live in the thread's message list, so
/// they carry across the runs of one stream.
/// </summary>
internal sealed class ActivityTracker
{
    private Dictionary<string, Activity>? _activities; // created with the first activity: most streams have none

    public static SequenceViolation? CheckSnapshot(ActivitySnapshotEvent e) =>
        e.Content.ValueKind == JsonValueKind.Object
            ? null
            : Violations.Event(SequenceRule.ActivityContentValid, e.EventType,
                $"gives activity '{e.MessageId}' content of kind {e.Content.ValueKind}; activity content must be a JSON object");

    public void Snapshot(ActivitySnapshotEvent e)
    {
        _activities ??= new(StringComparer.Ordinal);
        if (e.Replace == false && _activities.ContainsKey(e.MessageId))
        {
            return; // replace:false leaves an existing activity untouched.
        }

        _activities[e.MessageId] = new Activity(e.Owner, e.Content);
    }

    /// <summary>Registers the activity messages a <c>MESSAGES_SNAPSHOT</c> restates.</summary>
    public void Restate(IReadOnlyList<Message> messages)
    {
        foreach (var message in messages)
        {
            if (message is ActivityMessage { Content.ValueKind: JsonValueKind.Object } activity)
            {
                (_activities ??= new(StringComparer.Ordinal))[activity.Id] = new Activity(activity.SubagentRunId, activity.Content);
            }
        }
    }

    /// <summary>Checks and, when legal, applies an <c>ACTIVITY_DELTA</c> (atomically).</summary>
    public SequenceViolation? CheckAndApply(ActivityDeltaEvent e, JsonPatchApplier applier)
    {
        var type = e.EventType;
        if (_activities is null || !_activities.TryGetValue(e.MessageId, out var activity))
        {
            return Violations.Event(SequenceRule.ActivityDeltaNeedsSnapshot, type, $"patches activity '{e.MessageId}' which no ACTIVITY_SNAPSHOT created");
        }

        var owner = e.Owner;
        if (owner is not null && !string.Equals(owner, activity.Owner, StringComparison.Ordinal))
        {
            return Violations.Event(SequenceRule.AttributionMatchesOwner, type,
                $"for activity '{e.MessageId}' carries subagentRunId '{owner}', but the activity belongs to {EventNames.Owner(activity.Owner)}");
        }

        var error = activity.TryApply(e.Patch, applier);
        return error is null
            ? null
            : Violations.Event(SequenceRule.ActivityContentValid, type, $"patch for activity '{e.MessageId}' does not apply: {error}");
    }

    public void Reset() => _activities?.Clear();

    private sealed class Activity(string? owner, JsonElement content)
    {
        private JsonElement? _pending = content.Clone();
        private JsonNode? _current;

        public string? Owner { get; } = owner;

        public string? TryApply(JsonElement patch, JsonPatchApplier applier)
        {
            if (_pending is { } element)
            {
                _current = JsonNodes.From(element);
                _pending = null;
            }

            return applier.TryApply(ref _current, patch, requireObject: true);
        }
    }
}
