using System.Collections.Frozen;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Runs;

/// <summary>
/// The codes the run runtime itself puts in <c>RUN_ERROR.code</c> inside a stream. The thread store's refusals use
/// <see cref="Threads.ThreadErrorCodes"/>; an agent chooses its own through <see cref="RunErrorException"/> (these are
/// reserved).
/// </summary>
public static class RunErrorCodes
{
    /// <summary><c>RUN_ERROR</c>: the agent threw. The message is generic unless <see cref="AgUiRunnerOptions.IncludeExceptionDetails"/>.</summary>
    public const string AgentError = "AGENT_ERROR";

    /// <summary><c>RUN_ERROR</c>: the agent emitted an event sequence AG-UI forbids; the broken rule is logged.</summary>
    public const string ProtocolViolation = "PROTOCOL_VIOLATION";

    /// <summary>
    /// <c>RUN_ERROR</c>: the agent raised an interrupt whose <c>responseSchema</c> is not a usable JSON Schema 2020-12
    /// (an invalid keyword value, a <c>$ref</c> that resolves nowhere, another dialect). Nothing was left pending; the
    /// reason is in the message and the log.
    /// </summary>
    public const string InvalidInterruptSchema = "INVALID_INTERRUPT_SCHEMA";

    /// <summary>
    /// The thread store cannot be reached: <c>RUN_ERROR</c> when a run's lease could not be renewed until it lapsed
    /// or its end could not be recorded (an HTTP host answers a run the store cannot begin with 503 and this code). Retry later.
    /// </summary>
    public const string StoreUnavailable = "STORE_UNAVAILABLE";

    // Every code the library sends itself: these, the thread store's and the ASP.NET Core edge's (AgUiErrorCodes, named
    // here by value since the core cannot see that package; RunErrorExceptionTests checks each of its codes is here).
    private static readonly FrozenSet<string> Reserved = FrozenSet.Create(
        StringComparer.Ordinal,
        AgentError,
        ProtocolViolation,
        InvalidInterruptSchema,
        StoreUnavailable,
        ThreadErrorCodes.ResumeRequired,
        ThreadErrorCodes.UnknownInterrupt,
        ThreadErrorCodes.PartialResume,
        ThreadErrorCodes.DuplicateResumeEntry,
        ThreadErrorCodes.InterruptExpired,
        ThreadErrorCodes.InvalidResumePayload,
        ThreadErrorCodes.ResumeAlreadyApplied,
        ThreadErrorCodes.ResumeInDoubt,
        ThreadErrorCodes.ThreadBusy,
        ThreadErrorCodes.LeaseLost,
        ThreadErrorCodes.DecisionConflict,
        ThreadErrorCodes.ThreadNotFound,
        ThreadErrorCodes.ApproverRequired,
        "SUMMARY_TRUNCATED",
        "NOT_ACCEPTABLE",
        "UNSUPPORTED_MEDIA_TYPE",
        "MALFORMED_REQUEST",
        "BODY_BUFFERS_FULL",
        "NO_ACTIVE_RUN",
        "AUTHENTICATION_REQUIRED",
        "RUN_NOT_FOUND",
        "RUN_EXPIRED",
        "INVALID_EVENT_ID",
        "EVENT_LOG_FAILED",
        "RUN_ABANDONED",
        "RUN_WRITER_GONE");

    /// <summary>Whether <paramref name="code"/> is one the library itself sends, so an agent may not (see <see cref="RunErrorException"/>).</summary>
    internal static bool IsReserved(string code) => Reserved.Contains(code);
}
