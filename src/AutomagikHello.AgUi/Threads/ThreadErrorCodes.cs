namespace AutomagikHello.AgUi.Threads;

/// <summary>
/// The stable codes of resume validation and thread-store failures. The same strings appear in <c>RUN_ERROR.code</c>
/// on the streaming endpoint and in the problem+json <c>code</c> of the REST endpoints.
/// </summary>
public static class ThreadErrorCodes
{
    /// <summary>The thread has pending interrupts and the input carries no resume (and no recorded decisions cover them).</summary>
    public const string ResumeRequired = "RESUME_REQUIRED";

    /// <summary>An entry names no open interrupt of this thread (lenient mode ignores it with a warning).</summary>
    public const string UnknownInterrupt = "UNKNOWN_INTERRUPT";

    /// <summary>Open interrupts are left uncovered by the entries and the recorded decisions.</summary>
    public const string PartialResume = "PARTIAL_RESUME";

    /// <summary>Two entries answer one interrupt, or an entry contradicts a decision recorded out of band.</summary>
    public const string DuplicateResumeEntry = "DUPLICATE_RESUME_ENTRY";

    /// <summary>A <c>resolved</c> entry for an interrupt past its <c>expiresAt</c> (a <c>cancelled</c> entry is always accepted).</summary>
    public const string InterruptExpired = "INTERRUPT_EXPIRED";

    /// <summary>The payload fails the interrupt's <c>responseSchema</c>, or a <c>cancelled</c> entry carries a payload.</summary>
    public const string InvalidResumePayload = "INVALID_RESUME_PAYLOAD";

    /// <summary>The interrupt was already answered by a completed run: no side effect runs twice.</summary>
    public const string ResumeAlreadyApplied = "RESUME_ALREADY_APPLIED";

    /// <summary>
    /// The interrupt is in doubt (<see cref="PendingInterrupt.InDoubtRunId"/>): a run claimed it and failed, or its end
    /// was never recorded, so its answer may already have been acted on. A resume may only cancel it; resolving it again takes an
    /// explicit re-approval (<see cref="RecordDecisionRequest.Reapprove"/>).
    /// </summary>
    public const string ResumeInDoubt = "RESUME_IN_DOUBT";

    /// <summary>Another run is active on the thread.</summary>
    public const string ThreadBusy = "THREAD_BUSY";

    /// <summary>The run's lease lapsed and another run took the thread; its completion was not recorded.</summary>
    public const string LeaseLost = "LEASE_LOST";

    /// <summary>A different decision was already recorded for the interrupt.</summary>
    public const string DecisionConflict = "DECISION_CONFLICT";

    /// <summary>No such thread for this owner (another owner's thread is indistinguishable from none).</summary>
    public const string ThreadNotFound = "THREAD_NOT_FOUND";

    /// <summary>
    /// The interrupt may only be resolved by an approver (<see cref="PendingInterrupt.RequiresApprover"/>): the
    /// caller, or a resume entry, tried to resolve it; cancelling it is allowed.
    /// </summary>
    public const string ApproverRequired = "APPROVER_REQUIRED";
}
