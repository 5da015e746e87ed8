using System.Collections.Frozen;
using AutomagikHello.AgUi.Input;
using AutomagikHello.AgUi.Threads;
using Microsoft.AspNetCore.Http;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// The one table of the library's error codes (<see cref="InputErrorCodes"/>, <see cref="ThreadErrorCodes"/>,
/// <see cref="RunErrorCodes"/>, <see cref="AgUiErrorCodes"/>): for each, the HTTP status of its problem+json answer (and so its title and type),
/// or none for a code only ever sent inside a stream, and whether an agent is barred from using it.
/// </summary>
internal static class AgUiErrorTable
{
    /// <summary>One code: its problem's status (0 when it is never a problem, only a <c>RUN_ERROR</c>) and whether it is reserved.</summary>
    internal readonly record struct Entry(int Status, bool Reserved);

    /// <summary>The status of a code without one (a third-party store's own refusal): a conflict with the thread's state.</summary>
    private const int UnknownCodeStatus = StatusCodes.Status409Conflict;

    private static readonly FrozenDictionary<string, Entry> Codes = new Dictionary<string, Entry>(StringComparer.Ordinal)
    {
        // The input reader's codes: 400, except the size limit. An agent may reuse them (they are not reserved).
        [InputErrorCodes.MalformedJson] = new(StatusCodes.Status400BadRequest, false),
        [InputErrorCodes.DuplicateProperty] = new(StatusCodes.Status400BadRequest, false),
        [InputErrorCodes.CaseVariantProperty] = new(StatusCodes.Status400BadRequest, false),
        [InputErrorCodes.TooDeep] = new(StatusCodes.Status400BadRequest, false),
        [InputErrorCodes.TooLarge] = new(StatusCodes.Status413PayloadTooLarge, false),
        [InputErrorCodes.TooManyMessages] = new(StatusCodes.Status400BadRequest, false),
        [InputErrorCodes.MissingProperty] = new(StatusCodes.Status400BadRequest, false),
        [InputErrorCodes.WrongType] = new(StatusCodes.Status400BadRequest, false),
        [InputErrorCodes.InvalidValue] = new(StatusCodes.Status400BadRequest, false),
        [InputErrorCodes.UnknownProperty] = new(StatusCodes.Status400BadRequest, false),
        [InputErrorCodes.LegacyShape] = new(StatusCodes.Status400BadRequest, false),

        // Resume validation and the thread store.
        [ThreadErrorCodes.ResumeRequired] = new(StatusCodes.Status409Conflict, true),
        // Not found on the decision endpoint; a resume naming it conflicts with the thread's state (see ForResume).
        [ThreadErrorCodes.UnknownInterrupt] = new(StatusCodes.Status404NotFound, true),
        [ThreadErrorCodes.PartialResume] = new(StatusCodes.Status409Conflict, true),
        [ThreadErrorCodes.DuplicateResumeEntry] = new(StatusCodes.Status409Conflict, true),
        [ThreadErrorCodes.InterruptExpired] = new(StatusCodes.Status422UnprocessableEntity, true),
        [ThreadErrorCodes.InvalidResumePayload] = new(StatusCodes.Status422UnprocessableEntity, true),
        [ThreadErrorCodes.ResumeAlreadyApplied] = new(StatusCodes.Status409Conflict, true),
        // The thread's state, not the answer, stands in the way.
        [ThreadErrorCodes.ResumeInDoubt] = new(StatusCodes.Status409Conflict, true),
        [ThreadErrorCodes.ThreadBusy] = new(StatusCodes.Status409Conflict, true),
        [ThreadErrorCodes.LeaseLost] = new(StatusCodes.Status409Conflict, true),
        [ThreadErrorCodes.DecisionConflict] = new(StatusCodes.Status409Conflict, true),
        [ThreadErrorCodes.ThreadNotFound] = new(StatusCodes.Status404NotFound, true),
        // The caller sees the interrupt (their own thread); they just may not grant it. Nothing leaks.
        [ThreadErrorCodes.ApproverRequired] = new(StatusCodes.Status403Forbidden, true),

        // The hosting layer.
        [RunErrorCodes.AgentError] = new(0, true),
        [RunErrorCodes.ProtocolViolation] = new(0, true),
        [RunErrorCodes.InvalidInterruptSchema] = new(0, true),
        [AgUiErrorCodes.SummaryTruncated] = new(0, true),
        [AgUiErrorCodes.NotAcceptable] = new(StatusCodes.Status406NotAcceptable, true),
        [AgUiErrorCodes.UnsupportedMediaType] = new(StatusCodes.Status415UnsupportedMediaType, true),
        [AgUiErrorCodes.MalformedRequest] = new(StatusCodes.Status400BadRequest, true),
        [AgUiErrorCodes.BodyBuffersFull] = new(StatusCodes.Status503ServiceUnavailable, true),
        [AgUiErrorCodes.NoActiveRun] = new(StatusCodes.Status404NotFound, true),
        [RunErrorCodes.StoreUnavailable] = new(StatusCodes.Status503ServiceUnavailable, true),
        [AgUiErrorCodes.AuthenticationRequired] = new(StatusCodes.Status401Unauthorized, true),
        [AgUiErrorCodes.RunNotFound] = new(StatusCodes.Status404NotFound, true),
        [AgUiErrorCodes.RunExpired] = new(StatusCodes.Status410Gone, true),
        [AgUiErrorCodes.InvalidEventId] = new(StatusCodes.Status400BadRequest, true),
        [AgUiErrorCodes.EventLogFailed] = new(0, true),
        [AgUiErrorCodes.RunAbandoned] = new(0, true),
        [AgUiErrorCodes.RunWriterGone] = new(0, true),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="code"/> is in the table.</summary>
    public static bool Contains(string code) => Codes.ContainsKey(code);

    /// <summary>Whether <paramref name="code"/> is one the library itself sends (hosting or thread-store codes).</summary>
    public static bool IsReserved(string code) => Codes.TryGetValue(code, out var entry) && entry.Reserved;

    /// <summary>
    /// The status of <paramref name="code"/>'s problem+json answer; for a code not in the table, or one only ever sent
    /// inside a stream, a conflict (409).
    /// </summary>
    public static int StatusOf(string code) =>
        Codes.TryGetValue(code, out var entry) && entry.Status != 0 ? entry.Status : UnknownCodeStatus;

    /// <summary>The status of a resume refused with <paramref name="code"/>: an entry naming an interrupt the thread does not have is a conflict with its state.</summary>
    public static int StatusOfResume(string code) => code == ThreadErrorCodes.UnknownInterrupt ? StatusCodes.Status409Conflict : StatusOf(code);

    /// <summary>The status's reason phrase and its RFC 9110 section, so a status never gets one without the other.</summary>
    public static (string Title, string? Type) Describe(int status) => status switch
    {
        StatusCodes.Status400BadRequest => ("Bad Request", "https://tools.ietf.org/html/rfc9110#section-15.5.1"),
        StatusCodes.Status401Unauthorized => ("Unauthorized", "https://tools.ietf.org/html/rfc9110#section-15.5.2"),
        StatusCodes.Status403Forbidden => ("Forbidden", "https://tools.ietf.org/html/rfc9110#section-15.5.4"),
        StatusCodes.Status404NotFound => ("Not Found", "https://tools.ietf.org/html/rfc9110#section-15.5.5"),
        StatusCodes.Status406NotAcceptable => ("Not Acceptable", "https://tools.ietf.org/html/rfc9110#section-15.5.7"),
        StatusCodes.Status409Conflict => ("Conflict", "https://tools.ietf.org/html/rfc9110#section-15.5.10"),
        StatusCodes.Status410Gone => ("Gone", "https://tools.ietf.org/html/rfc9110#section-15.5.11"),
        StatusCodes.Status412PreconditionFailed => ("Precondition Failed", "https://tools.ietf.org/html/rfc9110#section-15.5.13"),
        StatusCodes.Status413PayloadTooLarge => ("Content Too Large", "https://tools.ietf.org/html/rfc9110#section-15.5.14"),
        StatusCodes.Status415UnsupportedMediaType => ("Unsupported Media Type", "https://tools.ietf.org/html/rfc9110#section-15.5.16"),
        StatusCodes.Status422UnprocessableEntity => ("Unprocessable Content", "https://tools.ietf.org/html/rfc9110#section-15.5.21"),
        StatusCodes.Status503ServiceUnavailable => ("Service Unavailable", "https://tools.ietf.org/html/rfc9110#section-15.6.4"),
        _ => ("Error", null),
    };
}
