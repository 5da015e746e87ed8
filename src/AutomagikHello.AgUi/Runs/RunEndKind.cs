using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi;

/// <summary>
/// How a run ended: the one vocabulary from which the run's terminal event, the thread store's
/// <see cref="RunCompletion"/>, the telemetry outcome tag and the JSON resume summary's <c>outcome</c> are derived.
/// An agent's <c>AgentOutcome</c> is one of the first three; the library decides the other two.
/// </summary>
public enum RunEndKind
{
    /// <summary><c>RUN_FINISHED</c> with the success outcome: the run completed.</summary>
    Success,

    /// <summary><c>RUN_FINISHED</c> with the interrupt outcome: the run stopped to ask for outside input.</summary>
    Interrupt,

    /// <summary><c>RUN_FINISHED</c> with the cancelled outcome: the run was stopped on purpose.</summary>
    Cancelled,

    /// <summary><c>RUN_ERROR</c>: the run failed, or was refused before it began.</summary>
    Error,

    /// <summary>No terminal event: the receiver went away before the run could end.</summary>
    Aborted,
}

/// <summary>What each <see cref="RunEndKind"/> becomes where a run's end is told.</summary>
public static class RunEndKindExtensions
{
    /// <summary>
    /// The lower-case name (<c>success</c>, <c>interrupt</c>, <c>cancelled</c>, <c>error</c>, <c>aborted</c>): the
    /// telemetry tag <c>agui.run.outcome</c> and the JSON resume summary's <c>outcome</c>; for the first three also
    /// the <c>type</c> of <c>RUN_FINISHED.outcome</c>.
    /// </summary>
    /// <param name="kind">How the run ended.</param>
    /// <returns>The name.</returns>
    public static string ToWireName(this RunEndKind kind) => kind switch
    {
        RunEndKind.Success => "success",
        RunEndKind.Interrupt => "interrupt",
        RunEndKind.Cancelled => "cancelled",
        RunEndKind.Error => "error",
        _ => "aborted",
    };

    /// <summary>
    /// What the thread store records: a run that did not finish (<see cref="RunEndKind.Error"/>,
    /// <see cref="RunEndKind.Aborted"/>) failed, which releases the interrupts it claimed.
    /// </summary>
    /// <param name="kind">How the run ended.</param>
    /// <returns>The store's completion.</returns>
    public static RunCompletion ToCompletion(this RunEndKind kind) => kind switch
    {
        RunEndKind.Success => RunCompletion.Succeeded,
        RunEndKind.Interrupt => RunCompletion.Interrupted,
        RunEndKind.Cancelled => RunCompletion.Cancelled,
        _ => RunCompletion.Failed,
    };
}
