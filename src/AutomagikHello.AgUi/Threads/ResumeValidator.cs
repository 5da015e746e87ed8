namespace AutomagikHello.AgUi.Threads;

/// <summary>
/// Validates a run's resume entries against a thread's pending interrupts and recorded decisions: duplicates,
/// unknown and already-answered ids, expiry, payload shape, and coverage of every open interrupt.
/// Pure: it reads the record and returns the answers or the first error; it changes nothing.
/// </summary>
internal static class ResumeValidator
{
    public static (ThreadStoreError? Error, List<ResumeAnswer> Answers, List<string> Warnings) Validate(
        ThreadRecord? record, IReadOnlyList<ResumeEntry>? entries, DateTimeOffset now, ResumeValidationMode mode)
    {
        var pending = record?.Pending ?? [];
        var warnings = new List<string>(0);
        if (pending.Count == 0 && entries is not { Count: > 0 })
        {
            return (null, [], warnings); // the common case: a new turn on an idle thread
        }

        var covered = new Dictionary<string, ResumeEntry>(entries?.Count ?? 0, StringComparer.Ordinal);
        foreach (var original in entries ?? [])
        {
            var entry = BindLegacyEntry(original, pending);
            if (covered.ContainsKey(entry.InterruptId))
            {
                return Fail(ThreadErrorCodes.DuplicateResumeEntry, $"Interrupt '{entry.InterruptId}' is answered by more than one resume entry.");
            }

            var target = Find(pending, entry.InterruptId);
            if (target is null)
            {
                if (record?.Consumed.TryGetValue(entry.InterruptId, out var runId) == true)
                {
                    return Fail(ThreadErrorCodes.ResumeAlreadyApplied, $"Interrupt '{entry.InterruptId}' was already answered by run '{runId}'; it is not applied twice.");
                }

                if (mode == ResumeValidationMode.Strict)
                {
                    return Fail(ThreadErrorCodes.UnknownInterrupt, $"Interrupt '{entry.InterruptId}' is not open on this thread.");
                }

                warnings.Add($"Resume entry for unknown interrupt '{entry.InterruptId}' was ignored.");
                continue;
            }

            if (CheckAnswer(target.Interrupt, entry, now) is { } invalid)
            {
                return (invalid, [], warnings);
            }

            if (target.Decision is { } decision && !SameAnswer(decision.ToEntry(entry.InterruptId), entry))
            {
                return Fail(ThreadErrorCodes.DuplicateResumeEntry, $"Interrupt '{entry.InterruptId}' was already decided out of band; the entry contradicts that decision.");
            }

            covered[entry.InterruptId] = entry;
        }

        var answers = new List<ResumeAnswer>(pending.Count);
        var uncovered = new List<string>(0);
        foreach (var item in pending)
        {
            var id = item.Interrupt.Id;
            if (item.Decision is { } decision)
            {
                answers.Add(Answer(item, decision.ToEntry(id), fromDecision: true));
            }
            else if (covered.TryGetValue(id, out var entry))
            {
                answers.Add(Answer(item, entry, fromDecision: false));
            }
            else
            {
                uncovered.Add(id);
            }
        }

        if (uncovered.Count > 0)
        {
            var list = string.Join("', '", uncovered);
            return covered.Count == 0 && answers.Count == 0
                ? Fail(ThreadErrorCodes.ResumeRequired, $"The thread waits for answers to interrupt(s) '{list}'; send them in 'resume'.")
                : Fail(ThreadErrorCodes.PartialResume, $"Interrupt(s) '{list}' are left unanswered; a resume must cover every open interrupt (answer or cancel each).");
        }

        return (null, answers, warnings);

        (ThreadStoreError?, List<ResumeAnswer>, List<string>) Fail(string code, string message) =>
            (new ThreadStoreError(code, message), [], warnings);
    }

    /// <summary>Checks one answer against its interrupt: expiry, payload on cancel, the response schema.</summary>
    public static ThreadStoreError? CheckAnswer(Interrupt interrupt, ResumeEntry entry, DateTimeOffset now)
    {
        if (entry.Status == ResumeStatus.Cancelled)
        {
            // Cancelling is always allowed, expired or not; it just must not smuggle an answer.
            return entry.Payload is null
                ? null
                : new ThreadStoreError(ThreadErrorCodes.InvalidResumePayload, $"The cancelled entry for interrupt '{interrupt.Id}' must not carry a payload.");
        }

        if (interrupt.IsExpiredAt(now))
        {
            return new ThreadStoreError(ThreadErrorCodes.InterruptExpired, $"Interrupt '{interrupt.Id}' expired at {interrupt.ExpiresAt}; it can only be cancelled.");
        }

        if (interrupt.ResponseSchema is { } schema && ResponseSchemaValidator.Validate(schema, entry.Payload) is { } problem)
        {
            return new ThreadStoreError(ThreadErrorCodes.InvalidResumePayload, $"Interrupt '{interrupt.Id}': {problem}");
        }

        return null;
    }

    /// <summary>Whether two answers are the same decision (status and payload; metadata is envelope only).</summary>
    public static bool SameAnswer(ResumeEntry a, ResumeEntry b) =>
        a.Status == b.Status
        && (a.Payload, b.Payload) switch
        {
            (null, null) => true,
            ({ } x, { } y) => System.Text.Json.JsonElement.DeepEquals(x, y),
            _ => false,
        };

    private static PendingInterrupt? Find(IReadOnlyList<PendingInterrupt> pending, string id)
    {
        foreach (var item in pending)
        {
            if (item.Interrupt.Id == id)
            {
                return item;
            }
        }

        return null;
    }

    // The draft's single resume object may omit the id (the reader leaves it empty): it answers the one open interrupt.
    private static ResumeEntry BindLegacyEntry(ResumeEntry entry, IReadOnlyList<PendingInterrupt> pending) =>
        entry.InterruptId.Length == 0 && pending.Count == 1
            ? new ResumeEntry { InterruptId = pending[0].Interrupt.Id, Status = entry.Status, Payload = entry.Payload, Metadata = entry.Metadata }
            : entry;

    private static ResumeAnswer Answer(PendingInterrupt item, ResumeEntry entry, bool fromDecision) => new()
    {
        Interrupt = item.Interrupt,
        Entry = entry,
        FromRecordedDecision = fromDecision,
        ToolCallName = item.ToolCallName,
        ToolCallArguments = item.ToolCallArguments,
    };
}
