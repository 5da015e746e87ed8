namespace AutomagikHello.AgUi.Sequencing;

// The run-level handlers (rules 1 to 14 and 40 to 43).
public sealed partial class EventSequenceGuard
{
    private SequenceViolation? OnRunStarted(RunStartedEvent e)
    {
        var violation = run.CheckStart(e);
        if (violation is not null)
        {
            return violation;
        }

        // Rule 7: a new run starts with nothing open; the trackers remember what the last run abandoned.
        textMessages.BeginRun();
        toolCalls.BeginRun();
        reasoningMessages.BeginRun();
        reasoningSpans.BeginRun();
        steps.BeginRun();
        chunks.Reset();
        subagents.Reset();
        run.Start(e);
        return null;
    }

    private SequenceViolation? OnRunFinished(RunFinishedEvent e)
    {
        var violation = run.CheckFinish(e) ?? CheckNothingOpen(e.EventType) ?? OutcomeChecker.Check(e, toolCalls);
        if (violation is not null)
        {
            return violation;
        }

        chunks.CloseAll(e.EventType);
        run.Finish();
        return null;
    }

    private SequenceViolation? OnRunError(RunErrorEvent e)
    {
        // Rule 14: RUN_ERROR may arrive with anything open; it abandons everything.
        var violation = run.CheckError(e);
        if (violation is null)
        {
            chunks.CloseAll(e.EventType);
            run.Error();
        }

        return violation;
    }

    /// <summary>Rules 9 to 13: nothing may be open at <c>RUN_FINISHED</c> (chunk streams close on their own).</summary>
    private SequenceViolation? CheckNothingOpen(AgUiEventType type)
    {
        if (textMessages.FirstOpenExplicit() is { } message)
        {
            return Violations.Event(SequenceRule.FinishWithMessagesClosed, type, $"arrives while message '{message.Id}' is still open");
        }

        if (toolCalls.FirstOpenExplicit() is { } call)
        {
            return Violations.Event(SequenceRule.FinishWithToolCallsClosed, type, $"arrives while tool call '{call.Id}' is still open");
        }

        if (steps.OpenCount > 0)
        {
            var step = steps.Open[0];
            return Violations.Event(SequenceRule.FinishWithStepsClosed, type, $"arrives while step '{step.Name}' of {EventNames.Owner(step.Owner)} is still open");
        }

        if (reasoningMessages.FirstOpenExplicit() is { } reasoningMessage)
        {
            return Violations.Event(SequenceRule.FinishWithReasoningClosed, type, $"arrives while reasoning message '{reasoningMessage.Id}' is still open");
        }

        if (reasoningSpans.FirstOpenExplicit() is { } span)
        {
            return Violations.Event(SequenceRule.FinishWithReasoningClosed, type, $"arrives while reasoning span '{span.Id}' is still open");
        }

        return subagents.FirstActive() is { } subagent
            ? Violations.Event(SequenceRule.FinishWithSubagentsEnded, type, $"arrives while subagent '{subagent.Id}' is still active; close it with SUBAGENT_FINISHED or SUBAGENT_ERROR")
            : null;
    }
}
