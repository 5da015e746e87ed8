namespace AutomagikHello.AgUi.Sequencing;

/// <summary>Where the stream is relative to its runs.</summary>
internal enum RunPhase
{
    /// <summary>No event yet.</summary>
    NotStarted,

    /// <summary>Between <c>RUN_STARTED</c> and its terminal event.</summary>
    Active,

    /// <summary>After <c>RUN_FINISHED</c>.</summary>
    Finished,

    /// <summary>After <c>RUN_ERROR</c>.</summary>
    Errored,
}

/// <summary>The run boundaries of one stream and the ids they carry (rules 1 to 6).</summary>
internal sealed class RunLifecycle
{
    private readonly string? _expectedThreadId;
    private readonly string? _expectedRunId;

    /// <summary>The threadId every run must carry: the input's, or else the first run's.</summary>
    private string? _streamThreadId;

    public RunLifecycle(string? expectedThreadId, string? expectedRunId)
    {
        _expectedThreadId = expectedThreadId;
        _expectedRunId = expectedRunId;
        _streamThreadId = expectedThreadId;
    }

    public RunPhase Phase { get; private set; }

    /// <summary>The current (or last) run's threadId.</summary>
    public string? ThreadId { get; private set; }

    /// <summary>The current (or last) run's runId.</summary>
    public string? RunId { get; private set; }

    /// <summary>The violation for an event that needs an active run while none is (rules 1, 3 and 4).</summary>
    public SequenceViolation OutsideRun(AgUiEventType type) => Phase switch
    {
        RunPhase.NotStarted => Violations.Of(SequenceRule.FirstEventStartsRun, type,
            $"the first event must be RUN_STARTED or RUN_ERROR, not {EventNames.Of(type)}"),
        RunPhase.Finished => Violations.Event(SequenceRule.NothingAfterRunFinished, type,
            $"arrives after RUN_FINISHED of run '{RunId}'; only RUN_ERROR or a new RUN_STARTED may follow"),
        _ => Violations.Event(SequenceRule.NothingAfterRunError, type, "arrives after RUN_ERROR; only a new RUN_STARTED may follow"),
    };

    public SequenceViolation? CheckStart(RunStartedEvent e)
    {
        if (Phase == RunPhase.Active)
        {
            return Violations.Event(SequenceRule.OneRunAtATime, e.EventType,
                $"for run '{e.RunId}' arrives while run '{RunId}' is still active");
        }

        return _streamThreadId is not null && !string.Equals(e.ThreadId, _streamThreadId, StringComparison.Ordinal)
            ? Violations.Event(SequenceRule.RunIdsMatch, e.EventType,
                $"for run '{e.RunId}' carries threadId '{e.ThreadId}', but the stream's thread is '{_streamThreadId}'")
            : null;
    }

    public void Start(RunStartedEvent e)
    {
        _streamThreadId ??= e.ThreadId;
        ThreadId = e.ThreadId;
        RunId = e.RunId;
        Phase = RunPhase.Active;
    }

    public SequenceViolation? CheckFinish(RunFinishedEvent e)
    {
        if (!string.Equals(e.RunId, RunId, StringComparison.Ordinal))
        {
            return Violations.Event(SequenceRule.RunIdsMatch, e.EventType, $"carries runId '{e.RunId}', but RUN_STARTED opened run '{RunId}'");
        }

        return string.Equals(e.ThreadId, ThreadId, StringComparison.Ordinal)
            ? null
            : Violations.Event(SequenceRule.RunIdsMatch, e.EventType,
                $"for run '{e.RunId}' carries threadId '{e.ThreadId}', but RUN_STARTED carried '{ThreadId}'");
    }

    public void Finish() => Phase = RunPhase.Finished;

    public SequenceViolation? CheckError(RunErrorEvent e) =>
        Phase == RunPhase.Errored ? OutsideRun(e.EventType) : null;

    public void Error() => Phase = RunPhase.Errored;

    /// <summary>End-of-stream checks: something was sent (rule 1), the last run ended (6) and was the requested one (5).</summary>
    public SequenceViolation? Complete() => Phase switch
    {
        RunPhase.NotStarted => new SequenceViolation((int)SequenceRule.FirstEventStartsRun, null,
            "the stream ended without any event; it must begin with RUN_STARTED or RUN_ERROR"),
        RunPhase.Active => new SequenceViolation((int)SequenceRule.RunEndsBeforeStream, null,
            $"the stream ended while run '{RunId}' is still active; every run must end with RUN_FINISHED or RUN_ERROR"),
        _ when _expectedRunId is not null && RunId is not null && !string.Equals(RunId, _expectedRunId, StringComparison.Ordinal) =>
            new SequenceViolation((int)SequenceRule.RunIdsMatch, null,
                $"the last run on the stream is '{RunId}', but the requested run is '{_expectedRunId}'"),
        _ => null,
    };

    public void Reset()
    {
        _streamThreadId = _expectedThreadId;
        ThreadId = null;
        RunId = null;
        Phase = RunPhase.NotStarted;
    }
}
