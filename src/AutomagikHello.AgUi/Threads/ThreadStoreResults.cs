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
