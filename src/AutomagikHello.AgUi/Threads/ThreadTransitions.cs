namespace AutomagikHello.AgUi.Threads;

/// <summary>
/// The thread-store contract's semantics as pure functions from the current record to the next one. A store loads
/// the record, applies a transition and writes the result only if the record is still the one it loaded
/// (compare-and-swap on <see cref="ThreadRecord.Version"/>), so every store behaves the same.
/// </summary>
public static class ThreadTransitions
{
    /// <summary>
    /// Begins a run: refuses while another run's lease is live (<c>THREAD_BUSY</c>), validates the resume, and returns
    /// the record with the run's lease and its claimed interrupts. On error the record is unchanged.
    /// </summary>
    public static (ThreadRecord? Next, BeginRunResult Result) Begin(ThreadRecord? current, BeginRunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (current?.Lease is { } lease && lease.ExpiresAt > request.Now)
        {
            return (null, new BeginRunResult
            {
                Error = new ThreadStoreError(ThreadErrorCodes.ThreadBusy, $"Run '{lease.RunId}' is active on thread '{request.Key.ThreadId}'."),
            });
        }

        // An expired lease belonged to a crashed or abandoned run: its claim lapses with it.
        var (error, answers, warnings) = ResumeValidator.Validate(current, request.Resume, request.Now, request.Mode);
        if (error is not null)
        {
            return (null, new BeginRunResult { Error = error, Warnings = warnings });
        }

        var next = new ThreadRecord
        {
            Key = request.Key,
            Version = (current?.Version ?? 0) + 1,
            Pending = current?.Pending ?? [],
            Consumed = current?.Consumed ?? EmptyConsumed,
            Lease = new RunLease
            {
                RunId = request.RunId,
                InstanceId = request.InstanceId,
                ExpiresAt = request.Now + request.LeaseDuration,
                ClaimedInterruptIds = answers.ConvertAll(a => a.Interrupt.Id),
            },
            LastRunId = request.RunId,
            CreatedAt = current?.CreatedAt ?? request.Now,
            UpdatedAt = request.Now,
        };
        return (next, new BeginRunResult { Record = next, Answers = answers, Warnings = warnings });
    }

    /// <summary>
    /// Completes a run that still holds the lease: success, cancelled and interrupted consume the claimed interrupts
    /// (interrupted adds the new ones); failed releases the claim so the interrupts can be answered again.
    /// </summary>
    public static (ThreadRecord? Next, ThreadStoreWriteResult Result) Complete(ThreadRecord? current, CompleteRunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (current?.Lease is not { } lease || lease.RunId != request.RunId)
        {
            return (null, new ThreadStoreWriteResult
            {
                Error = new ThreadStoreError(ThreadErrorCodes.LeaseLost, $"Run '{request.RunId}' no longer holds thread '{request.Key.ThreadId}'."),
            });
        }

        var pending = current.Pending;
        var consumed = current.Consumed;
        if (request.Completion != RunCompletion.Failed && lease.ClaimedInterruptIds.Count > 0)
        {
            var claimed = new HashSet<string>(lease.ClaimedInterruptIds, StringComparer.Ordinal);
            pending = pending.Where(p => !claimed.Contains(p.Interrupt.Id)).ToList();
            consumed = Remember(consumed, claimed, request.RunId);
        }

        if (request.Completion == RunCompletion.Interrupted)
        {
            if (request.NewInterrupts is not { Count: > 0 } raised)
            {
                throw new ArgumentException("An interrupted run must record at least one interrupt.", nameof(request));
            }

            var ids = new HashSet<string>(pending.Select(p => p.Interrupt.Id), StringComparer.Ordinal);
            foreach (var item in raised)
            {
                if (!ids.Add(item.Interrupt.Id) || consumed.ContainsKey(item.Interrupt.Id))
                {
                    throw new ArgumentException($"Interrupt id '{item.Interrupt.Id}' is already used on this thread.", nameof(request));
                }
            }

            pending = [.. pending, .. raised];
        }

        var next = new ThreadRecord
        {
            Key = current.Key,
            Version = current.Version + 1,
            Pending = pending,
            Consumed = consumed,
            Lease = null,
            LastRunId = current.LastRunId,
            CreatedAt = current.CreatedAt,
            UpdatedAt = request.Now,
        };
        return (next, new ThreadStoreWriteResult { Record = next });
    }

    /// <summary>
    /// Records a decision on a pending interrupt, validated like a resume entry. The same decision again is a repeat
    /// (nothing changes); a different one is <c>DECISION_CONFLICT</c>; an interrupt claimed by a live run is busy.
    /// </summary>
    public static (ThreadRecord? Next, ThreadStoreWriteResult Result) RecordDecision(ThreadRecord? current, RecordDecisionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = request.Entry.InterruptId;
        if (current is null)
        {
            return Fail(ThreadErrorCodes.ThreadNotFound, $"Thread '{request.Key.ThreadId}' was not found.");
        }

        var index = -1;
        for (var i = 0; i < current.Pending.Count; i++)
        {
            if (current.Pending[i].Interrupt.Id == id)
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            return current.Consumed.TryGetValue(id, out var runId)
                ? Fail(ThreadErrorCodes.ResumeAlreadyApplied, $"Interrupt '{id}' was already answered by run '{runId}'.")
                : Fail(ThreadErrorCodes.UnknownInterrupt, $"Interrupt '{id}' is not open on this thread.");
        }

        var target = current.Pending[index];
        if (target.Decision is { } existing)
        {
            return ResumeValidator.SameAnswer(existing.ToEntry(id), request.Entry)
                ? (null, new ThreadStoreWriteResult { Record = current, WasRepeat = true })
                : Fail(ThreadErrorCodes.DecisionConflict, $"A different decision was already recorded for interrupt '{id}'.");
        }

        if (current.Lease is { } lease && lease.ExpiresAt > request.Now && lease.ClaimedInterruptIds.Contains(id))
        {
            return Fail(ThreadErrorCodes.ThreadBusy, $"Interrupt '{id}' is being answered by run '{lease.RunId}'.");
        }

        if (ResumeValidator.CheckAnswer(target.Interrupt, request.Entry, request.Now) is { } invalid)
        {
            return (null, new ThreadStoreWriteResult { Error = invalid });
        }

        var pending = current.Pending.ToArray();
        pending[index] = new PendingInterrupt
        {
            Interrupt = target.Interrupt,
            RaisedByRunId = target.RaisedByRunId,
            ToolCallName = target.ToolCallName,
            ToolCallArguments = target.ToolCallArguments,
            Decision = new RecordedDecision
            {
                Status = request.Entry.Status,
                Payload = request.Entry.Payload,
                Metadata = request.Entry.Metadata,
                DecidedBy = request.DecidedBy,
                DecidedAt = request.Now,
            },
        };
        var next = new ThreadRecord
        {
            Key = current.Key,
            Version = current.Version + 1,
            Pending = pending,
            Consumed = current.Consumed,
            Lease = current.Lease,
            LastRunId = current.LastRunId,
            CreatedAt = current.CreatedAt,
            UpdatedAt = request.Now,
        };
        return (next, new ThreadStoreWriteResult { Record = next });

        static (ThreadRecord?, ThreadStoreWriteResult) Fail(string code, string message) =>
            (null, new ThreadStoreWriteResult { Error = new ThreadStoreError(code, message) });
    }

    /// <summary>How many consumed interrupt ids a thread remembers for replay detection (the most recent ones).</summary>
    public const int ConsumedMemory = 64;

    // Bounded, so a long thread's record (and each write of it) does not grow without end. Rebuilt fresh each time,
    // so enumeration order is insertion order and the oldest ids are the ones dropped.
    private static Dictionary<string, string> Remember(IReadOnlyDictionary<string, string> consumed, HashSet<string> added, string runId)
    {
        var keep = Math.Max(0, Math.Min(consumed.Count, ConsumedMemory - added.Count));
        var next = new Dictionary<string, string>(keep + added.Count, StringComparer.Ordinal);
        foreach (var (id, by) in consumed.Skip(consumed.Count - keep))
        {
            next[id] = by;
        }

        foreach (var id in added)
        {
            next[id] = runId;
        }

        return next;
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyConsumed = new Dictionary<string, string>(StringComparer.Ordinal);
}
