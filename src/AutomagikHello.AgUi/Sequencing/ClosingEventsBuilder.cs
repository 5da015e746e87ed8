namespace AutomagikHello.AgUi.Sequencing;

/// <summary>
/// Builds the end events that close everything open in the active run, innermost first: per active subagent
/// (newest first, so children close before their parents) its reasoning messages, reasoning spans, tool calls, text
/// messages and steps, then its <c>SUBAGENT_FINISHED</c>; then the same for everything else. Each group closes in
/// reverse opening order. Chunk streams need nothing: <c>RUN_FINISHED</c> closes them.
/// </summary>
internal sealed class ClosingEventsBuilder(
    StreamItemTracker reasoningMessages,
    StreamItemTracker reasoningSpans,
    StreamItemTracker toolCalls,
    StreamItemTracker textMessages,
    StepTracker steps,
    SubagentTracker subagents)
{
    public List<AgUiEvent> Build()
    {
        var events = new List<AgUiEvent>();
        var invocations = subagents.Invocations;
        for (var i = invocations.Count - 1; i >= 0; i--)
        {
            var invocation = invocations[i];
            if (invocation.IsActive)
            {
                var id = invocation.Id;
                AddLane(events, owner => string.Equals(owner, id, StringComparison.Ordinal));
                events.Add(new SubagentFinishedEvent { SubagentRunId = id });
            }
        }

        AddLane(events, owner => owner is null || !subagents.IsActive(owner));
        return events;
    }

    private static void AddItems(List<AgUiEvent> events, StreamItemTracker tracker, Func<string?, bool> inLane, Func<StreamItem, AgUiEvent> close)
    {
        if (tracker.OpenExplicitCount == 0)
        {
            return;
        }

        var open = new List<StreamItem>();
        foreach (var item in tracker.Items)
        {
            if (item.IsOpen && !item.IsChunkForm && inLane(item.Owner))
            {
                open.Add(item);
            }
        }

        open.Sort(static (a, b) => b.OpenSequence.CompareTo(a.OpenSequence));
        foreach (var item in open)
        {
            events.Add(close(item));
        }
    }

    private void AddLane(List<AgUiEvent> events, Func<string?, bool> inLane)
    {
        AddItems(events, reasoningMessages, inLane, static item => new ReasoningMessageEndEvent { MessageId = item.Id, SubagentRunId = item.Owner });
        AddItems(events, reasoningSpans, inLane, static item => new ReasoningEndEvent { MessageId = item.Id, SubagentRunId = item.Owner });
        AddItems(events, toolCalls, inLane, static item => new ToolCallEndEvent { ToolCallId = item.Id, SubagentRunId = item.Owner });
        AddItems(events, textMessages, inLane, static item => new TextMessageEndEvent { MessageId = item.Id, SubagentRunId = item.Owner });

        var open = steps.Open;
        for (var i = open.Count - 1; i >= 0; i--)
        {
            if (inLane(open[i].Owner))
            {
                events.Add(new StepFinishedEvent { StepName = open[i].Name, SubagentRunId = open[i].Owner });
            }
        }
    }
}
