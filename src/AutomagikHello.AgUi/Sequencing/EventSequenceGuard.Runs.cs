namespace AutomagikHello.AgUi.Sequencing;

// The run-level handlers (rules 1 to 14 and 40 to 43).
public sealed partial class EventSequenceGuard
{
    private SequenceViolation? OnRunStarted(RunStartedEvent e)
    {
        var violation = _run.CheckStart(e);
        if (violation is not null)
        {
            return violation;
        }

        // Rule 7: a new run starts with nothing open; the trackers remember what the last run abandoned.
        _textMessages.BeginRun();
        _toolCalls.BeginRun();
        _reasoningMessages.BeginRun();
        _reasoningSpans.BeginRun();
        _steps.BeginRun();
        _chunks.Reset();
        _subagents.Reset();
        _run.Start(e);
        return null;
    }

    private SequenceViolation? OnRunFinished(RunFinishedEvent e)
    {
        var violation = _run.CheckFinish(e) ?? CheckNothingOpen(e.EventType) ?? OutcomeChecker.Check(e, _toolCalls);
        if (violation is not null)
        {
            return violation;
        }

        _chunks.CloseAll(e.EventType);
        _run.Finish();
        return null;
    }

    private SequenceViolation? OnRunError(RunErrorEvent e)
    {
        // Rule 14: RUN_ERROR may arrive with anything open; it abandons everything.
        var violation = _run.CheckError(e);
        if (violation is null)
        {
            _chunks.CloseAll(e.EventType);
            _run.Error();
        }

        return violation;
    }

    /// <summary>Rules 9 to 13: nothing may be open at <c>RUN_FINISHED</c> (chunk streams close on their own).</summary>
    private SequenceViolation? CheckNothingOpen(AgUiEventType type)
    {
        if (_textMessages.FirstOpenExplicit() is { } message)
        {
            return Violations.Event(SequenceRule.FinishWithMessagesClosed, type, $"arrives while message '{message.Id}' is still open");
        }

        if (_toolCalls.FirstOpenExplicit() is { } call)
        {
            return Violations.Event(SequenceRule.FinishWithToolCallsClosed, type, $"arrives while tool call '{call.Id}' is still open");
        }

        if (_steps.OpenCount > 0)
        {
            var step = _steps.Open[0];
            return Violations.Event(SequenceRule.FinishWithStepsClosed, type, $"arrives while step '{step.Name}' of {EventNames.Owner(step.Owner)} is still open");
        }

        if (_reasoningMessages.FirstOpenExplicit() is { } reasoningMessage)
        {
            return Violations.Event(SequenceRule.FinishWithReasoningClosed, type, $"arrives while reasoning message '{reasoningMessage.Id}' is still open");
        }

        if (_reasoningSpans.FirstOpenExplicit() is { } span)
        {
            return Violations.Event(SequenceRule.FinishWithReasoningClosed, type, $"arrives while reasoning span '{span.Id}' is still open");
        }

        return _subagents.FirstActive() is { } subagent
            ? Violations.Event(SequenceRule.FinishWithSubagentsEnded, type, $"arrives while subagent '{subagent.Id}' is still active; close it with SUBAGENT_FINISHED or SUBAGENT_ERROR")
            : null;
    }
}
