using System.Diagnostics.CodeAnalysis;

namespace AutomagikHello.AgUi.Threads;

/// <summary>A store failure: a stable code from <see cref="ThreadErrorCodes"/> and a readable message.</summary>
/// <param name="Code">The code.</param>
/// <param name="Message">The message (safe to show to the client).</param>
public sealed record ThreadStoreError(string Code, string Message);

/// <summary>One interrupt answered by a beginning run, joined with what the thread recorded about it.</summary>
public sealed class ResumeAnswer
{
    /// <summary>The interrupt as it was raised.</summary>
    public required Interrupt Interrupt { get; init; }

    /// <summary>The answer: the client's entry, or the decision recorded out of band.</summary>
    public required ResumeEntry Entry { get; init; }

    /// <summary>Whether the answer came from a decision recorded out of band.</summary>
    public bool FromRecordedDecision { get; init; }

    /// <summary>
    /// A key for acting on this answer at most once: the same for every answer to this interrupt on this thread (a
    /// retry after a failed run, a re-approval after doubt) and different for every other interrupt, thread, owner and
    /// agent. Give it to the side effect (an API's idempotency key, a unique column) so that an action which already
    /// happened before a crash is not repeated. Derived from the thread's key and the interrupt id (a SHA-256 hash); as
    /// unguessable as the interrupt id, which is random.
    /// </summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>
    /// When the interrupt was in doubt: the run that claimed it before and whose end was never recorded (its side effect
    /// may have happened). The answer is then a re-approval (<see cref="IsReapproval"/>) or a cancel.
    /// <see langword="null"/> otherwise.
    /// </summary>
    public string? InDoubtRunId { get; init; }

    /// <summary>
    /// Whether the answer is a re-approval after doubt: a <c>resolved</c> decision recorded with
    /// <see cref="RecordDecisionRequest.Reapprove"/> after <see cref="InDoubtRunId"/> died. Deduplicate the side effect
    /// by <see cref="IdempotencyKey"/>.
    /// </summary>
    public bool IsReapproval => InDoubtRunId is not null && FromRecordedDecision && Entry.Status == ResumeStatus.Resolved;

    /// <summary>For tool approvals: the tool's recorded name (never the client's echo).</summary>
    public string? ToolCallName { get; init; }

    /// <summary>For tool approvals: the recorded arguments (raw JSON text).</summary>
    public string? ToolCallArguments { get; init; }
}

/// <summary>The outcome of <see cref="IThreadStore.BeginRunAsync"/>.</summary>
public sealed class BeginRunResult
{
    /// <summary>Whether the run may proceed.</summary>
    [MemberNotNullWhen(true, nameof(Record))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;

    /// <summary>Why the run may not proceed (nothing was changed).</summary>
    public ThreadStoreError? Error { get; init; }

    /// <summary>The thread as the run begins (its lease is the run's).</summary>
    public ThreadRecord? Record { get; init; }

    /// <summary>The validated answers, one per interrupt the run resumes, in the order they were raised.</summary>
    public IReadOnlyList<ResumeAnswer> Answers { get; init; } = [];

    /// <summary>What lenient validation ignored.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>The outcome of a store write other than begin: the new record, or why nothing changed.</summary>
public sealed class ThreadStoreWriteResult
{
    /// <summary>Whether the write happened (or was an idempotent repeat).</summary>
    [MemberNotNullWhen(true, nameof(Record))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;

    /// <summary>Why nothing changed.</summary>
    public ThreadStoreError? Error { get; init; }

    /// <summary>The thread after the write.</summary>
    public ThreadRecord? Record { get; init; }

    /// <summary>Whether the request repeated what was already recorded (nothing changed).</summary>
    public bool WasRepeat { get; init; }
}
