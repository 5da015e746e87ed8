namespace AutomagikHello.AgUi.Sequencing;

/// <summary>One announced subagent invocation of the current run.</summary>
internal sealed class SubagentInvocation(string id, long sequence)
{
    public string Id { get; } = id;

    public long Sequence { get; } = sequence;

    public bool IsActive { get; set; } = true;

    /// <summary>The event that ended it (<c>SUBAGENT_FINISHED</c> or <c>SUBAGENT_ERROR</c>), once ended.</summary>
    public AgUiEventType EndedBy { get; set; }
}

/// <summary>
/// Tracks subagent invocations in the current run: announcements, terminations, and which subagentRunIds were
/// used before (or without) an announcement (rules 13 and 34 to 37).
/// </summary>
internal sealed class SubagentTracker
{
    // Created with the first subagent (or attribution): most runs have none, and a guard lives as long as its stream.
    private Dictionary<string, SubagentInvocation>? _invocations;
    private List<SubagentInvocation>? _order;
    private HashSet<string>? _unannounced;

    public int ActiveCount { get; private set; }

    /// <summary>The invocations announced in this run, in announcement order.</summary>
    public IReadOnlyList<SubagentInvocation> Invocations => (IReadOnlyList<SubagentInvocation>?)_order ?? [];

    public bool IsActive(string id) => _invocations is not null && _invocations.TryGetValue(id, out var invocation) && invocation.IsActive;

    /// <summary>Checks an event that starts new work under <paramref name="owner"/>: an ended invocation takes no more (rule 36).</summary>
    public SequenceViolation? CheckAttribution(AgUiEventType type, string owner) =>
        _invocations is not null && _invocations.TryGetValue(owner, out var invocation) && !invocation.IsActive
            ? Violations.Event(SequenceRule.SubagentActive, type,
                $"attributes new work to subagent '{owner}', which already ended with {EventNames.Of(invocation.EndedBy)}")
            : null;

    /// <summary>Records that <paramref name="owner"/> was used; an unannounced id may not be announced later (rule 34).</summary>
    public void NoteAttribution(string owner)
    {
        if (_invocations is null || !_invocations.ContainsKey(owner))
        {
            (_unannounced ??= new(StringComparer.Ordinal)).Add(owner);
        }
    }

    public SequenceViolation? CheckStart(SubagentStartedEvent e)
    {
        var type = e.EventType;
        var id = e.SubagentRunId;
        if (_unannounced is not null && _unannounced.Contains(id))
        {
            return Violations.Event(SequenceRule.SubagentAnnouncedFirst, type,
                $"announces subagent '{id}' after events were already attributed to it; SUBAGENT_STARTED must come first");
        }

        if (_invocations is not null && _invocations.TryGetValue(id, out var existing))
        {
            return Violations.Event(SequenceRule.SubagentAnnouncedOnce, type, existing.IsActive
                ? $"announces subagent '{id}' which is already active"
                : $"announces subagent '{id}' which already ended in this run; a new invocation needs a new subagentRunId");
        }

        var parent = e.ParentSubagentRunId;
        if (parent is not null && (_invocations is null || !_invocations.ContainsKey(parent)))
        {
            return Violations.Event(SequenceRule.SubagentParentAnnounced, type,
                $"for subagent '{id}' names parentSubagentRunId '{parent}', which was not announced earlier in this run");
        }

        return null;
    }

    public void Start(string id, long sequence)
    {
        var invocation = new SubagentInvocation(id, sequence);
        (_invocations ??= new(StringComparer.Ordinal)).Add(id, invocation);
        (_order ??= []).Add(invocation);
        ActiveCount++;
    }

    public SequenceViolation? CheckEnd(AgUiEventType type, string id)
    {
        if (_invocations is null || !_invocations.TryGetValue(id, out var invocation))
        {
            return Violations.Event(SequenceRule.SubagentActive, type, $"ends subagent '{id}' which was never announced in this run");
        }

        return invocation.IsActive
            ? null
            : Violations.Event(SequenceRule.SubagentActive, type, $"ends subagent '{id}' which already ended with {EventNames.Of(invocation.EndedBy)}");
    }

    public void End(string id, AgUiEventType by)
    {
        var invocation = _invocations![id];
        invocation.IsActive = false;
        invocation.EndedBy = by;
        ActiveCount--;
    }

    public SubagentInvocation? FirstActive()
    {
        if (ActiveCount == 0)
        {
            return null;
        }

        foreach (var invocation in _order!)
        {
            if (invocation.IsActive)
            {
                return invocation;
            }
        }

        return null;
    }

    public void Reset()
    {
        _invocations?.Clear();
        _order?.Clear();
        _unannounced?.Clear();
        ActiveCount = 0;
    }
}
