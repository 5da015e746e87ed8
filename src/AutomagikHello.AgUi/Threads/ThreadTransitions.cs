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

        // An expired lease belonged to a run whose end was never recorded: what it claimed is in doubt from now on.
        var pending = WithLapsedClaimsInDoubt(current, request.Now);
        var (error, answers, warnings) = ResumeValidator.Validate(current, pending, request.Resume, request.Now, request.Mode);
        if (error is not null)
        {
            return (null, new BeginRunResult { Error = error, Warnings = warnings });
        }

        var taken = new RunLease
        {
            RunId = request.RunId,
            InstanceId = request.InstanceId,
            ExpiresAt = request.Now + request.LeaseDuration,
            RenewedAt = request.Now,
            ClaimedInterruptIds = ClaimedIds(answers),
        };
        var next = current is null
            ? new ThreadRecord { Key = request.Key, Version = 1, Pending = pending, Lease = taken, LastRunId = request.RunId, CreatedAt = request.Now, UpdatedAt = request.Now }
            : current with { Version = current.Version + 1, Pending = pending, Lease = taken, LastRunId = request.RunId, UpdatedAt = request.Now };
        return (next, new BeginRunResult { Record = next, Answers = answers, Warnings = warnings });
    }

    /// <summary>
    /// Completes a run that still holds the lease: success, cancelled and interrupted consume the claimed interrupts
    /// (interrupted adds the new ones); failed puts them in doubt (the agent ran with the answers and may have acted on
    /// them before failing), so only a cancel or an explicit re-approval answers them again.
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
        if (request.Completion == RunCompletion.Failed)
        {
            pending = InDoubt(pending, lease);
        }
        else if (lease.ClaimedInterruptIds.Count > 0)
        {
            pending = WithoutClaimed(pending, lease.ClaimedInterruptIds);
            consumed = ConsumedInterrupts.Append(consumed, lease.ClaimedInterruptIds, request.RunId, ConsumedMemory);
        }

        if (request.Completion == RunCompletion.Interrupted)
        {
            if (request.NewInterrupts is not { Count: > 0 } raised)
            {
                throw new ArgumentException("An interrupted run must record at least one interrupt.", nameof(request));
            }

            var all = new PendingInterrupt[pending.Count + raised.Count];
            for (var i = 0; i < pending.Count; i++)
            {
                all[i] = pending[i];
            }

            for (var i = 0; i < raised.Count; i++)
            {
                var id = raised[i].Interrupt.Id;
                for (var j = 0; j < pending.Count + i; j++)
                {
                    if (string.Equals(all[j].Interrupt.Id, id, StringComparison.Ordinal))
                    {
                        throw new ArgumentException($"Interrupt id '{id}' is already used on this thread.", nameof(request));
                    }
                }

                if (consumed.ContainsKey(id))
                {
                    throw new ArgumentException($"Interrupt id '{id}' is already used on this thread.", nameof(request));
                }

                all[pending.Count + i] = raised[i];
            }

            pending = all;
        }

        var next = current with
        {
            Version = current.Version + 1,
            Pending = pending,
            Consumed = consumed,
            Lease = null,
            UpdatedAt = request.Now,
        };
        return (next, new ThreadStoreWriteResult { Record = next });
    }

    /// <summary>
    /// Records a decision on a pending interrupt, validated like a resume entry. The same decision again is a repeat
    /// (nothing changes); a different one is <c>DECISION_CONFLICT</c>; an interrupt claimed by a live run is busy.
    /// On an interrupt in doubt a cancel, or a <see cref="RecordDecisionRequest.Reapprove"/> decision, replaces what was
    /// decided before and settles the doubt; any other resolving decision is <c>RESUME_IN_DOUBT</c>. A lapsed lease
    /// that claimed interrupts is dropped by the write, its claims recorded as doubt.
    /// </summary>
    public static (ThreadRecord? Next, ThreadStoreWriteResult Result) RecordDecision(ThreadRecord? current, RecordDecisionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = request.Entry.InterruptId;
        if (current is null)
        {
            return Fail(ThreadErrorCodes.ThreadNotFound, $"Thread '{request.Key.ThreadId}' was not found.");
        }

        var pending = WithLapsedClaimsInDoubt(current, request.Now);
        var lease = ReferenceEquals(pending, current.Pending) ? current.Lease : null;
        var index = -1;
        for (var i = 0; i < pending.Count; i++)
        {
            if (pending[i].Interrupt.Id == id)
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

        var target = pending[index];
        if (target.InDoubtRunId is not null)
        {
            if (request.Entry.Status == ResumeStatus.Resolved && !request.Reapprove)
            {
                return (null, new ThreadStoreWriteResult { Error = ResumeValidator.InDoubt(target) });
            }
        }
        else if (target.Decision is { } existing)
        {
            return ResumeValidator.SameAnswer(existing.ToEntry(id), request.Entry)
                ? (null, new ThreadStoreWriteResult { Record = current, WasRepeat = true })
                : Fail(ThreadErrorCodes.DecisionConflict, $"A different decision was already recorded for interrupt '{id}'.");
        }

        if (target.RequiresApprover && !request.ByApprover && request.Entry.Status == ResumeStatus.Resolved)
        {
            return Fail(ThreadErrorCodes.ApproverRequired, $"Interrupt '{id}' may only be resolved by an approver; you may cancel it.");
        }

        if (lease is { } live && live.ExpiresAt > request.Now && live.ClaimedInterruptIds.Contains(id))
        {
            return Fail(ThreadErrorCodes.ThreadBusy, $"Interrupt '{id}' is being answered by run '{live.RunId}'.");
        }

        if (ResumeValidator.CheckAnswer(target.Interrupt, request.Entry, request.Now) is { } invalid)
        {
            return (null, new ThreadStoreWriteResult { Error = invalid });
        }

        var decided = pending.ToArray();
        decided[index] = target.WithDecision(new RecordedDecision
        {
            Status = request.Entry.Status,
            Payload = request.Entry.Payload,
            Metadata = request.Entry.Metadata,
            DecidedBy = request.DecidedBy,
            DecidedAt = request.Now,
            InDoubtRunId = target.InDoubtRunId,
        });
        var next = current with
        {
            Version = current.Version + 1,
            Pending = decided,
            Lease = lease,
            UpdatedAt = request.Now,
        };
        return (next, new ThreadStoreWriteResult { Record = next });

        static (ThreadRecord?, ThreadStoreWriteResult) Fail(string code, string message) =>
            (null, new ThreadStoreWriteResult { Error = new ThreadStoreError(code, message) });
    }

    /// <summary>
    /// Changes the lease of the run named in the request (compare-and-swap on its run id): renews a live lease, flags a
    /// live lease for cancel, or makes a lease lapse now. The lease keeps its run id and claims: an expired lease whose
    /// end was never recorded is what the next begin judges.
    /// </summary>
    public static (ThreadRecord? Next, ThreadStoreWriteResult Result) UpdateLease(ThreadRecord? current, UpdateLeaseRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (current?.Lease is not { } lease || lease.RunId != request.RunId)
        {
            return LeaseLost($"Run '{request.RunId}' no longer holds thread '{request.Key.ThreadId}'.");
        }

        var live = lease.ExpiresAt > request.Now;
        RunLease next;
        switch (request.Update)
        {
            case LeaseUpdate.Renew when live:
                if (request.Duration <= TimeSpan.Zero)
                {
                    throw new ArgumentException("A renewal needs a positive duration.", nameof(request));
                }

                next = lease with { ExpiresAt = request.Now + request.Duration, RenewedAt = request.Now };
                break;
            case LeaseUpdate.RequestCancel when live && lease.CancelRequested:
            case LeaseUpdate.Expire when !live:
                return (null, new ThreadStoreWriteResult { Record = current, WasRepeat = true });
            case LeaseUpdate.RequestCancel when live:
                next = lease with { CancelRequested = true };
                break;
            case LeaseUpdate.Expire:
                next = lease with { ExpiresAt = request.Now };
                break;
            case LeaseUpdate.Renew or LeaseUpdate.RequestCancel:
                return LeaseLost($"The lease of run '{request.RunId}' on thread '{request.Key.ThreadId}' has lapsed.");
            default:
                throw new ArgumentOutOfRangeException(nameof(request), request.Update, "Unknown lease update.");
        }

        var record = current with
        {
            Version = current.Version + 1,
            Lease = next,
            UpdatedAt = request.Now,
        };
        return (record, new ThreadStoreWriteResult { Record = record });

        static (ThreadRecord?, ThreadStoreWriteResult) LeaseLost(string message) =>
            (null, new ThreadStoreWriteResult { Error = new ThreadStoreError(ThreadErrorCodes.LeaseLost, message) });
    }

    /// <summary>How many consumed interrupt ids a thread remembers for replay detection (the most recent ones).</summary>
    public const int ConsumedMemory = 64;

    /// <summary>
    /// The pending interrupts, with those a lapsed lease claimed marked in doubt (the same list when there are none).
    /// A lease lapses only when its run's end was never recorded (a crash, or a cancel that found the run gone); a run
    /// that ended completed and released its lease, so its claims were consumed, or put in doubt by a failure.
    /// </summary>
    private static IReadOnlyList<PendingInterrupt> WithLapsedClaimsInDoubt(ThreadRecord? current, DateTimeOffset now)
    {
        if (current?.Lease is not { ClaimedInterruptIds.Count: > 0 } lapsed || lapsed.ExpiresAt > now)
        {
            return current?.Pending ?? [];
        }

        return InDoubt(current.Pending, lapsed);
    }

    /// <summary>The pending interrupts, with those <paramref name="lease"/> claimed marked in doubt after its run.</summary>
    private static IReadOnlyList<PendingInterrupt> InDoubt(IReadOnlyList<PendingInterrupt> current, RunLease lease)
    {
        if (lease.ClaimedInterruptIds.Count == 0)
        {
            return current;
        }

        var pending = current.ToArray();
        for (var i = 0; i < pending.Length; i++)
        {
            if (lease.ClaimedInterruptIds.Contains(pending[i].Interrupt.Id))
            {
                pending[i] = pending[i].InDoubtAfter(lease.RunId);
            }
        }

        return pending;
    }

    private static string[] ClaimedIds(ResumeAnswer[] answers)
    {
        if (answers.Length == 0)
        {
            return [];
        }

        var ids = new string[answers.Length];
        for (var i = 0; i < answers.Length; i++)
        {
            ids[i] = answers[i].Interrupt.Id;
        }

        return ids;
    }

    // The pending interrupts the run did not claim (a claimed id is one of them, by construction).
    private static IReadOnlyList<PendingInterrupt> WithoutClaimed(IReadOnlyList<PendingInterrupt> pending, IReadOnlyList<string> claimed)
    {
        var left = 0;
        for (var i = 0; i < pending.Count; i++)
        {
            left += IsClaimed(pending[i], claimed) ? 0 : 1;
        }

        if (left == pending.Count)
        {
            return pending;
        }

        if (left == 0)
        {
            return [];
        }

        var kept = new PendingInterrupt[left];
        var at = 0;
        for (var i = 0; i < pending.Count; i++)
        {
            if (!IsClaimed(pending[i], claimed))
            {
                kept[at++] = pending[i];
            }
        }

        return kept;

        static bool IsClaimed(PendingInterrupt item, IReadOnlyList<string> claimed)
        {
            for (var i = 0; i < claimed.Count; i++)
            {
                if (string.Equals(claimed[i], item.Interrupt.Id, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
