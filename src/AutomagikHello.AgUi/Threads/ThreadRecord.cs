using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutomagikHello.AgUi.Threads;

/// <summary>
/// A thread as a store holds it: immutable; every change produces a new record with a higher <see cref="Version"/>
/// (a transition copies the record with <c>with</c>, so a new member is never dropped). Equality compares members;
/// stores tell records apart by <see cref="Version"/>.
/// </summary>
public sealed record ThreadRecord
{
    /// <summary>The thread's key.</summary>
    public required ThreadKey Key { get; init; }

    /// <summary>Increases with every change; usable as an ETag and for compare-and-swap.</summary>
    public required long Version { get; init; }

    /// <summary>The interrupts waiting for answers, in the order they were raised.</summary>
    public IReadOnlyList<PendingInterrupt> Pending { get; init; } = [];

    /// <summary>The active run's lease, if a run holds the thread (it may have expired).</summary>
    public RunLease? Lease { get; init; }

    /// <summary>
    /// The interrupt ids answered by completed runs (the most recent <see cref="ThreadTransitions.ConsumedMemory"/>,
    /// oldest first), each with the run that consumed it: a resume naming one again is a replay.
    /// </summary>
    public IReadOnlyDictionary<string, string> Consumed { get; init; } = ConsumedInterrupts.Empty;

    /// <summary>The id of the last run that began on the thread.</summary>
    public string? LastRunId { get; init; }

    /// <summary>When the thread was first seen.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the thread last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>
    /// The run that leaves <paramref name="pending"/> in doubt at <paramref name="now"/>, or <see langword="null"/>:
    /// the one recorded on it (<see cref="PendingInterrupt.InDoubtRunId"/>), or the holder of a lapsed lease that
    /// claimed it (the run's end was never recorded; the next write records the doubt on the interrupt).
    /// </summary>
    public string? InDoubtRunIdAt(PendingInterrupt pending, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pending);
        return pending.InDoubtRunId
            ?? (Lease is { } lease && lease.ExpiresAt <= now && lease.ClaimedInterruptIds.Contains(pending.Interrupt.Id) ? lease.RunId : null);
    }

    /// <summary>The thread's status at <paramref name="now"/> (an expired lease no longer counts as running).</summary>
    public ThreadStatus StatusAt(DateTimeOffset now) =>
        Lease is { } lease && lease.ExpiresAt > now ? ThreadStatus.Running
        : Pending.Count > 0 ? ThreadStatus.Interrupted
        : ThreadStatus.Idle;
}

/// <summary>An interrupt raised by a run and not yet consumed, with any decision recorded for it out of band.</summary>
public sealed record PendingInterrupt
{
    /// <summary>The interrupt as it was sent to the client.</summary>
    public required Interrupt Interrupt { get; init; }

    /// <summary>The run that raised it.</summary>
    public required string RaisedByRunId { get; init; }

    /// <summary>For tool approvals: the tool call's recorded name, so the server never trusts a name echoed back.</summary>
    public string? ToolCallName { get; init; }

    /// <summary>For tool approvals: the tool call's recorded arguments (raw JSON text).</summary>
    public string? ToolCallArguments { get; init; }

    /// <summary>A decision recorded out of band (an approver through REST), counted toward the next resume's coverage.</summary>
    public RecordedDecision? Decision { get; init; }

    /// <summary>
    /// Whether only an approver may resolve it (a policy hold, a hand-off to a supervisor): a resume entry or a
    /// decision that resolves it without <see cref="RecordDecisionRequest.ByApprover"/> is refused with
    /// <see cref="ThreadErrorCodes.ApproverRequired"/>; anyone who may answer it may still cancel it.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] // records without it stay as they were
    public bool RequiresApprover { get; init; }

    /// <summary>
    /// The run that claimed this interrupt and failed, or whose end was never recorded (its lease lapsed: the process
    /// died, or a cancel found the run gone), so the answer it carried may or may not have been acted on. While set, the
    /// interrupt is in doubt: a resume may only cancel it (a resolving entry is <see cref="ThreadErrorCodes.ResumeInDoubt"/>)
    /// until a decision recorded with <see cref="RecordDecisionRequest.Reapprove"/>, or a cancel, settles it.
    /// </summary>
    public string? InDoubtRunId { get; init; }

    /// <summary>This interrupt with <paramref name="decision"/> recorded, which settles any doubt; everything else as it is.</summary>
    internal PendingInterrupt WithDecision(RecordedDecision decision) => this with { Decision = decision, InDoubtRunId = null };

    /// <summary>This interrupt in doubt after <paramref name="runId"/> claimed it and died; everything else as it is.</summary>
    internal PendingInterrupt InDoubtAfter(string runId) => this with { InDoubtRunId = runId };
}

/// <summary>A decision on one interrupt recorded out of band, before the resuming run.</summary>
public sealed class RecordedDecision
{
    /// <summary>Resolved or cancelled.</summary>
    public required ResumeStatus Status { get; init; }

    /// <summary>The answer.</summary>
    public JsonElement? Payload { get; init; }

    /// <summary>Envelope data.</summary>
    public JsonElement? Metadata { get; init; }

    /// <summary>Who decided (the principal recorded by the host).</summary>
    public string? DecidedBy { get; init; }

    /// <summary>When it was recorded.</summary>
    public required DateTimeOffset DecidedAt { get; init; }

    /// <summary>
    /// When the decision settled an interrupt in doubt (a re-approval, or a cancel): the run that had claimed it and
    /// whose end was never recorded. The agent sees it as <see cref="ResumeAnswer.InDoubtRunId"/>.
    /// </summary>
    public string? InDoubtRunId { get; init; }

    /// <summary>The decision as a resume entry for <paramref name="interruptId"/>.</summary>
    public ResumeEntry ToEntry(string interruptId) =>
        new() { InterruptId = interruptId, Status = Status, Payload = Payload, Metadata = Metadata };
}

/// <summary>A run's hold on a thread: only one run at a time, and never for ever.</summary>
public sealed record RunLease
{
    /// <summary>The run holding the thread.</summary>
    public required string RunId { get; init; }

    /// <summary>The process (instance) running it, for cross-instance cancel.</summary>
    public required string InstanceId { get; init; }

    /// <summary>
    /// When the lease lapses unless the run renews it (<see cref="IThreadStore.UpdateLeaseAsync"/>): a run whose process
    /// died stops renewing, so its thread is free again soon after.
    /// </summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When the run took or last renewed the lease (<see langword="null"/> in records written before renewal existed).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? RenewedAt { get; init; }

    /// <summary>Whether a cancel asked the run to stop; its owner sees it on its next renewal (a cancel across processes with no bus).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool CancelRequested { get; init; }

    /// <summary>The pending interrupts this run claimed by resuming them.</summary>
    public IReadOnlyList<string> ClaimedInterruptIds { get; init; } = [];
}
