namespace AutomagikHello.AgUi.Sequencing;

/// <summary>An open step: steps are matched by name per owner (the parent agent or one subagent).</summary>
internal readonly record struct OpenStep(string? Owner, string Name, long Sequence);

/// <summary>Tracks the steps open in the current run (rules 28, 29 and 11). Steps may overlap freely (rule 30).</summary>
internal sealed class StepTracker
{
    // Created with the first step (and the first abandoned one): most runs have none, and a guard lives as long as its stream.
    private List<OpenStep>? _open;
    private List<OpenStep>? _abandoned;

    public int OpenCount => _open?.Count ?? 0;

    /// <summary>The open steps, in the order they were started.</summary>
    public IReadOnlyList<OpenStep> Open => (IReadOnlyList<OpenStep>?)_open ?? [];

    public SequenceViolation? CheckStart(AgUiEventType type, string? owner, string name) =>
        IndexOf(_open, owner, name) >= 0
            ? Violations.Event(SequenceRule.StepStartedOnce, type, $"starts step '{name}' which {EventNames.Owner(owner)} already has open")
            : null;

    public void Start(string? owner, string name, long sequence) => (_open ??= []).Add(new OpenStep(owner, name, sequence));

    /// <summary>Checks a <c>STEP_FINISHED</c>; on success <paramref name="index"/> is the step it closes.</summary>
    public SequenceViolation? CheckFinish(AgUiEventType type, string? owner, string name, out int index)
    {
        index = IndexOf(_open, owner, name);
        if (index >= 0)
        {
            return null;
        }

        foreach (var step in Open)
        {
            if (string.Equals(step.Name, name, StringComparison.Ordinal))
            {
                // Open under another owner: a STEP_FINISHED must carry the attribution of its STEP_STARTED.
                return owner is null
                    ? Violations.Event(SequenceRule.StepFinishesOpenStep, type,
                        $"names step '{name}' without a subagentRunId, but only {EventNames.Owner(step.Owner)} has it open; STEP_FINISHED must carry the same attribution as its STEP_STARTED")
                    : Violations.Event(SequenceRule.AttributionMatchesOwner, type,
                        $"for step '{name}' carries subagentRunId '{owner}', but the step was started by {EventNames.Owner(step.Owner)}");
            }
        }

        return IndexOf(_abandoned, owner, name) >= 0
            ? Violations.Event(SequenceRule.NewRunStartsWithNothingOpen, type, $"names step '{name}' which was left open by the previous run; a new RUN_STARTED starts with nothing open")
            : Violations.Event(SequenceRule.StepFinishesOpenStep, type, $"names step '{name}' which {EventNames.Owner(owner)} does not have open");
    }

    public void Finish(int index) => _open!.RemoveAt(index);

    public void BeginRun()
    {
        _abandoned?.Clear();
        if (_open is { Count: > 0 })
        {
            (_abandoned ??= []).AddRange(_open);
            _open.Clear();
        }
    }

    public void Reset()
    {
        _abandoned?.Clear();
        _open?.Clear();
    }

    private static int IndexOf(List<OpenStep>? steps, string? owner, string name)
    {
        if (steps is null)
        {
            return -1;
        }

        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i].Owner == owner && string.Equals(steps[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
