namespace AutomagikHello.AgUi.Threads;

/// <summary>How strictly resume entries are checked against the thread's pending interrupts.</summary>
public enum ResumeValidationMode
{
    /// <summary>Every rule of the design's validation table; unknown entries are rejected.</summary>
    Strict,

    /// <summary>The 1.0 baseline: entries naming no open interrupt are ignored with a warning.</summary>
    Lenient,
}

/// <summary>Begin a run on a thread: take the lease and validate and claim the resume, in one atomic step.</summary>
public sealed class BeginRunRequest
{
    /// <summary>The thread.</summary>
    public required ThreadKey Key { get; init; }

    /// <summary>The run beginning.</summary>
    public required string RunId { get; init; }

    /// <summary>The input's resume entries, if any.</summary>
    public IReadOnlyList<ResumeEntry>? Resume { get; init; }

    /// <summary>The process running the run.</summary>
    public required string InstanceId { get; init; }

    /// <summary>How long the lease lasts unless the run renews it.</summary>
    public required TimeSpan LeaseDuration { get; init; }

    /// <summary>The time of the request (expiry of interrupts and leases is judged against it).</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>Strict (default) or lenient validation.</summary>
    public ResumeValidationMode Mode { get; init; } = ResumeValidationMode.Strict;
}

/// <summary>How a run ended, as the store records it.</summary>
public enum RunCompletion
{
    /// <summary>Success: claimed interrupts are consumed.</summary>
    Succeeded,

    /// <summary>Cancelled on purpose: claimed interrupts are consumed.</summary>
    Cancelled,

    /// <summary>Ended with new interrupts: claimed ones are consumed and the new ones become pending.</summary>
    Interrupted,

    /// <summary>
    /// <c>RUN_ERROR</c> or a dropped client: the agent ran with the claimed answers and may have acted on them, so the
    /// interrupts stay pending in doubt (<see cref="PendingInterrupt.InDoubtRunId"/>): a cancel, or an explicit
    /// re-approval, answers them; the same answer again is <see cref="ThreadErrorCodes.ResumeInDoubt"/>.
    /// </summary>
    Failed,
}

/// <summary>Complete a run: record its end and release the lease, in one atomic step.</summary>
public sealed class CompleteRunRequest
{
    /// <summary>The thread.</summary>
    public required ThreadKey Key { get; init; }

    /// <summary>The run ending (it must still hold the lease).</summary>
    public required string RunId { get; init; }

    /// <summary>How it ended.</summary>
    public required RunCompletion Completion { get; init; }

    /// <summary>For <see cref="RunCompletion.Interrupted"/>: the interrupts raised, persisted before <c>RUN_FINISHED</c> is sent.</summary>
    public IReadOnlyList<PendingInterrupt>? NewInterrupts { get; init; }

    /// <summary>The time of completion.</summary>
    public required DateTimeOffset Now { get; init; }
}

/// <summary>Record one decision on a pending interrupt out of band (an approver through REST).</summary>
public sealed class RecordDecisionRequest
{
    /// <summary>The thread.</summary>
    public required ThreadKey Key { get; init; }

    /// <summary>The decision, as a resume entry for the interrupt.</summary>
    public required ResumeEntry Entry { get; init; }

    /// <summary>Who decided.</summary>
    public string? DecidedBy { get; init; }

    /// <summary>
    /// Whether the decider is an approver (the host checked its approver policy): required to resolve an interrupt
    /// that <see cref="PendingInterrupt.RequiresApprover"/>.
    /// </summary>
    public bool ByApprover { get; init; }

    /// <summary>
    /// Whether the decision re-approves an interrupt in doubt (<see cref="PendingInterrupt.InDoubtRunId"/>): the
    /// decider knows the earlier answer may already have been acted on and answers again (<c>resolved</c>; the agent
    /// sees <see cref="ResumeAnswer.IsReapproval"/>). Without it a <c>resolved</c> decision on an interrupt in doubt is
    /// <see cref="ThreadErrorCodes.ResumeInDoubt"/>; a <c>cancelled</c> one always settles the doubt. On an interrupt
    /// not in doubt it changes nothing: the ordinary rules apply.
    /// </summary>
    public bool Reapprove { get; init; }

    /// <summary>The time of the decision.</summary>
    public required DateTimeOffset Now { get; init; }
}

/// <summary>What <see cref="IThreadStore.UpdateLeaseAsync"/> does to a run's lease.</summary>
public enum LeaseUpdate
{
    /// <summary>The run is alive: its lease now lasts <see cref="UpdateLeaseRequest.Duration"/> from now. A lapsed lease is not revived.</summary>
    Renew,

    /// <summary>A cancel asks the run to stop: its owner sees <see cref="RunLease.CancelRequested"/> on its next renewal.</summary>
    RequestCancel,

    /// <summary>
    /// The run's owner is gone: the lease lapses now (its end is still not recorded, so what it claimed stays claimed
    /// until the next begin judges it), and the thread is free.
    /// </summary>
    Expire,
}

/// <summary>Change the lease of the run holding a thread: only that run's lease, and only while it holds it.</summary>
public sealed class UpdateLeaseRequest
{
    /// <summary>The thread.</summary>
    public required ThreadKey Key { get; init; }

    /// <summary>The run whose lease is changed; any other run's lease is left alone (<c>LEASE_LOST</c>).</summary>
    public required string RunId { get; init; }

    /// <summary>The change.</summary>
    public required LeaseUpdate Update { get; init; }

    /// <summary>For <see cref="LeaseUpdate.Renew"/>: how long the lease lasts from <see cref="Now"/>.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The time of the request.</summary>
    public required DateTimeOffset Now { get; init; }
}
