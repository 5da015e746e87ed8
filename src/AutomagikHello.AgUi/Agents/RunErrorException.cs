using AutomagikHello.AgUi.Runs;

namespace AutomagikHello.AgUi;

/// <summary>
/// Thrown by an agent to end its run with <c>RUN_ERROR</c> carrying the agent's own <see cref="Code"/> and
/// <see cref="Exception.Message"/> (both sent to the client as given, whatever
/// <see cref="Runs.AgUiRunnerOptions.IncludeExceptionDetails"/> says), instead of the generic <c>AGENT_ERROR</c>. Use it for
/// failures the client can act on — a speech engine that failed and can be retried, a missing answer — and write the
/// message for the client: it must not carry secrets.
/// </summary>
/// <remarks>
/// Like any failed run, the thread is released and interrupts the run had claimed are in doubt (the run may have acted
/// on their answers): a retry of the same answers is <c>RESUME_IN_DOUBT</c> until they are cancelled or re-approved; a
/// run that claimed nothing can simply be retried. AG-UI 1.0's <c>RUN_ERROR</c> has no <c>retryable</c> member (its schema is closed):
/// whether a code is worth retrying is part of that code's documented contract.
/// </remarks>
public sealed class RunErrorException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="code">The machine-readable <c>RUN_ERROR.code</c>: non-empty, no white space (e.g. <c>VOICE_STT_FAILED</c>).</param>
    /// <param name="message">The human-readable <c>RUN_ERROR.message</c>, shown to the client: non-empty.</param>
    /// <param name="innerException">The failure behind it (logged, never sent), or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="code"/> or <paramref name="message"/> is empty, the code holds white space or control characters,
    /// or it is one of the library's own codes (<see cref="Runs.RunErrorCodes"/>, <see cref="Threads.ThreadErrorCodes"/>, the ASP.NET Core package's <c>AgUiErrorCodes</c>):
    /// a client must be able to trust that <c>THREAD_BUSY</c> or <c>RESUME_ALREADY_APPLIED</c> came from the store.
    /// </exception>
    public RunErrorException(string code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        foreach (var c in code)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                throw new ArgumentException("A RUN_ERROR code holds no white space or control characters.", nameof(code));
            }
        }

        if (RunErrorCodes.IsReserved(code))
        {
            throw new ArgumentException($"'{code}' is one of the library's own codes; choose the agent's own (e.g. prefixed: VOICE_…).", nameof(code));
        }

        Code = code;
    }

    /// <summary>The <c>RUN_ERROR.code</c>.</summary>
    public string Code { get; }
}
