namespace AutomagikHello.AgUi.Sequencing;

/// <summary>Checks a <c>RUN_FINISHED</c> outcome against the run (rules 40, 41 and 43).</summary>
internal static class OutcomeChecker
{
    public static SequenceViolation? Check(RunFinishedEvent e, StreamItemTracker toolCalls) => e.Outcome switch
    {
        null or CancelledOutcome => null,
        SuccessOutcome success => CheckPending(e, success, toolCalls),
        InterruptOutcome interrupt => CheckInterrupts(e, interrupt),
        // The outcome base class cannot be derived outside this assembly, so only a subclass added here reaches this.
        var other => Violations.Event(SequenceRule.OutcomeDefined, e.EventType,
            $"carries outcome {other.GetType().Name}; only success, interrupt and cancelled are defined"),
    };

    /// <summary>Whether a tool call started in this run has no <c>TOOL_CALL_RESULT</c> (no list made to know it).</summary>
    public static bool HasPendingToolCalls(StreamItemTracker toolCalls)
    {
        foreach (var call in toolCalls.Items)
        {
            if (!call.HasResult)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The tool calls started in this run without a <c>TOOL_CALL_RESULT</c>, in start order.</summary>
    public static List<string> PendingToolCallIds(StreamItemTracker toolCalls)
    {
        var pending = new List<string>();
        foreach (var call in toolCalls.Items)
        {
            if (!call.HasResult)
            {
                pending.Add(call.Id);
            }
        }

        return pending;
    }

    private static SequenceViolation? CheckPending(RunFinishedEvent e, SuccessOutcome success, StreamItemTracker toolCalls)
    {
        var named = success.PendingToolCallIds;
        if (named is null || named.Count == 0)
        {
            return null; // "named none", not "none pending"
        }

        var expected = PendingToolCallIds(toolCalls);
        var same = named.Count == expected.Count;
        for (var i = 0; same && i < named.Count; i++)
        {
            same = string.Equals(named[i], expected[i], StringComparison.Ordinal);
        }

        return same
            ? null
            : Violations.Event(SequenceRule.PendingToolCallIdsMatch, e.EventType,
                $"lists pendingToolCallIds [{string.Join(", ", named)}], but the calls started in this run without a TOOL_CALL_RESULT are [{string.Join(", ", expected)}] (in start order)");
    }

    private static SequenceViolation? CheckInterrupts(RunFinishedEvent e, InterruptOutcome interrupt)
    {
        var interrupts = interrupt.Interrupts;
        if (interrupts is null || interrupts.Count == 0)
        {
            return Violations.Event(SequenceRule.InterruptOutcomeValid, e.EventType, "has an interrupt outcome without interrupts; at least one is required");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in interrupts)
        {
            if (item is null)
            {
                return Violations.Event(SequenceRule.InterruptOutcomeValid, e.EventType, "has an interrupt outcome with a null interrupt");
            }

            if (!ids.Add(item.Id))
            {
                return Violations.Event(SequenceRule.InterruptOutcomeValid, e.EventType, $"has two interrupts with id '{item.Id}'; interrupt ids must be unique within the run");
            }
        }

        return null;
    }
}
