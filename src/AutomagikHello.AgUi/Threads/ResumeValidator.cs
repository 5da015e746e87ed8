namespace AutomagikHello.AgUi.Threads;

/// <summary>
/// Validates a run's resume entries against a thread's pending interrupts and recorded decisions: duplicates,
/// unknown and already-answered ids, interrupts in doubt, expiry, payload shape, and coverage of every open interrupt.
/// Pure: it reads the record and returns the answers or the first error; it changes nothing.
/// </summary>
internal static class ResumeValidator
{
    // Allocates only what the run keeps (one answer per open interrupt, in an exact-size array): threads hold a few
    // interrupts, so entries are matched by scanning instead of through a dictionary.
    // `pending` is the record's, with any doubt a lapsed lease leaves already marked (ThreadTransitions does that).
    public static (ThreadStoreError? Error, ResumeAnswer[] Answers, IReadOnlyList<string> Warnings) Validate(
        ThreadRecord? record, IReadOnlyList<PendingInterrupt> pending, IReadOnlyList<ResumeEntry>? entries, DateTimeOffset now, ResumeValidationMode mode)
    {
        var entryCount = entries?.Count ?? 0;
        List<string>? warnings = null; // created at the first warning; typed as a list, `warnings ?? []` would allocate one
        if (pending.Count == 0 && entryCount == 0)
        {
            return (null, [], []); // the common case: a new turn on an idle thread
        }

        // answers[i] answers pending[i]; an entry that finds its slot taken is a duplicate.
        var answers = pending.Count == 0 ? [] : new ResumeAnswer[pending.Count];
        var matched = 0;
        for (var e = 0; e < entryCount; e++)
        {
            var entry = BindLegacyEntry(entries![e], pending);
            var index = IndexOf(pending, entry.InterruptId);
            if (index >= 0 && answers[index] is not null)
            {
                return Fail(ThreadErrorCodes.DuplicateResumeEntry, $"Interrupt '{entry.InterruptId}' is answered by more than one resume entry.");
            }

            if (index < 0)
            {
                if (record?.Consumed.TryGetValue(entry.InterruptId, out var runId) == true)
                {
                    return Fail(ThreadErrorCodes.ResumeAlreadyApplied, $"Interrupt '{entry.InterruptId}' was already answered by run '{runId}'; it is not applied twice.");
                }

                if (mode == ResumeValidationMode.Strict)
                {
                    return Fail(ThreadErrorCodes.UnknownInterrupt, $"Interrupt '{entry.InterruptId}' is not open on this thread.");
                }

                (warnings ??= []).Add($"Resume entry for unknown interrupt '{entry.InterruptId}' was ignored.");
                continue;
            }

            var target = pending[index];
            if (target.InDoubtRunId is { } doubted)
            {
                // Whatever was decided before the run died is void: only a cancel, or a re-approval recorded out of band
                // (which clears the doubt), answers it now.
                if (entry.Status == ResumeStatus.Resolved)
                {
                    return (InDoubt(target), [], (IReadOnlyList<string>?)warnings ?? []);
                }

                if (CheckAnswer(target.Interrupt, entry, now) is { } invalidCancel)
                {
                    return (invalidCancel, [], (IReadOnlyList<string>?)warnings ?? []);
                }

                answers[index] = Answer(record!.Key, target, entry, fromDecision: false, doubted);
                matched++;
                continue;
            }

            if (target.RequiresApprover && target.Decision is null && entry.Status == ResumeStatus.Resolved)
            {
                // A resume comes from the thread's owner, never from an approver: it may withdraw the request, not grant it.
                return Fail(ThreadErrorCodes.ApproverRequired, $"Interrupt '{entry.InterruptId}' must be resolved by an approver (POST .../interrupts/{entry.InterruptId}); a resume may only cancel it.");
            }

            if (CheckAnswer(target.Interrupt, entry, now) is { } invalid)
            {
                return (invalid, [], (IReadOnlyList<string>?)warnings ?? []);
            }

            if (target.Decision is { } decision)
            {
                var decided = decision.ToEntry(entry.InterruptId);
                if (!SameAnswer(decided, entry))
                {
                    return Fail(ThreadErrorCodes.DuplicateResumeEntry, $"Interrupt '{entry.InterruptId}' was already decided out of band; the entry contradicts that decision.");
                }

                answers[index] = Answer(record!.Key, target, decided, fromDecision: true, decision.InDoubtRunId);
            }
            else
            {
                answers[index] = Answer(record!.Key, target, entry, fromDecision: false, inDoubtRunId: null);
            }

            matched++;
        }

        var uncovered = 0;
        for (var i = 0; i < pending.Count; i++)
        {
            if (answers[i] is null)
            {
                if (pending[i].InDoubtRunId is not null)
                {
                    return (InDoubt(pending[i]), [], (IReadOnlyList<string>?)warnings ?? []);
                }

                if (pending[i].Decision is { } decision)
                {
                    answers[i] = Answer(record!.Key, pending[i], decision.ToEntry(pending[i].Interrupt.Id), fromDecision: true, decision.InDoubtRunId);
                }
                else
                {
                    uncovered++;
                }
            }
        }

        if (uncovered > 0)
        {
            var list = string.Join("', '", pending.Where((_, i) => answers[i] is null).Select(p => p.Interrupt.Id));
            return matched == 0 && uncovered == pending.Count
                ? Fail(ThreadErrorCodes.ResumeRequired, $"The thread waits for answers to interrupt(s) '{list}'; send them in 'resume'.")
                : Fail(ThreadErrorCodes.PartialResume, $"Interrupt(s) '{list}' are left unanswered; a resume must cover every open interrupt (answer or cancel each).");
        }

        return (null, answers, (IReadOnlyList<string>?)warnings ?? []);

        (ThreadStoreError?, ResumeAnswer[], IReadOnlyList<string>) Fail(string code, string message) =>
            (new ThreadStoreError(code, message), [], (IReadOnlyList<string>?)warnings ?? []);
    }

    /// <summary>The refusal of an answer to an interrupt in doubt: what happened and the two ways out.</summary>
    public static ThreadStoreError InDoubt(PendingInterrupt target) => new(
        ThreadErrorCodes.ResumeInDoubt,
        $"Interrupt '{target.Interrupt.Id}' is in doubt: run '{target.InDoubtRunId}' claimed it and failed or never recorded its end, so its answer may already have been acted on. " +
        $"Cancel it, or re-approve it (POST .../interrupts/{target.Interrupt.Id} with \"reapprove\": true) and resume again.");

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

    private static int IndexOf(IReadOnlyList<PendingInterrupt> pending, string id)
    {
        for (var i = 0; i < pending.Count; i++)
        {
            if (string.Equals(pending[i].Interrupt.Id, id, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    // The draft's single resume object may omit the id (the reader leaves it empty): it answers the one open interrupt.
    private static ResumeEntry BindLegacyEntry(ResumeEntry entry, IReadOnlyList<PendingInterrupt> pending) =>
        entry.InterruptId.Length == 0 && pending.Count == 1
            ? new ResumeEntry { InterruptId = pending[0].Interrupt.Id, Status = entry.Status, Payload = entry.Payload, Metadata = entry.Metadata }
            : entry;

    private static ResumeAnswer Answer(ThreadKey key, PendingInterrupt item, ResumeEntry entry, bool fromDecision, string? inDoubtRunId) => new()
    {
        Interrupt = item.Interrupt,
        Entry = entry,
        FromRecordedDecision = fromDecision,
        IdempotencyKey = InterruptIdempotencyKey.For(key, item.Interrupt.Id),
        InDoubtRunId = inDoubtRunId,
        ToolCallName = item.ToolCallName,
        ToolCallArguments = item.ToolCallArguments,
    };
}
