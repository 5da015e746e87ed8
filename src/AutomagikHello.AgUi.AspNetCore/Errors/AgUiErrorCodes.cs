using AutomagikHello.AgUi.Input;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// The stable codes of the HTTP edge: the <c>code</c> member of the <c>application/problem+json</c> answers sent before
/// a stream opens. Input errors use the reader's codes (<see cref="InputErrorCodes"/>), with the body's size limit
/// reported as <see cref="InputErrorCodes.TooLarge"/>; the codes the runner sends inside a stream are
/// <see cref="RunErrorCodes"/> (<see cref="RunErrorCodes.StoreUnavailable"/> is also the 503 of a run the store cannot begin).
/// </summary>
public static class AgUiErrorCodes
{



    /// <summary>
    /// Not an error: the <c>truncated.code</c> of a JSON resume summary whose message text reached
    /// <see cref="AgUiOptions.MaxSummaryTextBytes"/>. The run went on to its end; only the summary's text is cut.
    /// </summary>
    public const string SummaryTruncated = "SUMMARY_TRUNCATED";

    /// <summary>406: the <c>Accept</c> header excludes <c>text/event-stream</c>.</summary>
    public const string NotAcceptable = "NOT_ACCEPTABLE";

    /// <summary>415: the body is not <c>application/json</c> (UTF-8).</summary>
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";

    /// <summary>400: the request body could not be read (a broken chunked encoding, a truncated body).</summary>
    public const string MalformedRequest = "MALFORMED_REQUEST";

    /// <summary>
    /// 503: request bodies still arriving already hold <see cref="AgUiOptions.MaxPendingRequestBodyBytes"/>; the
    /// request was refused without running anything. Retry after the <c>Retry-After</c> delay.
    /// </summary>
    public const string BodyBuffersFull = "BODY_BUFFERS_FULL";

    /// <summary>404: <c>POST {agent}/threads/{threadId}/cancel</c> found no active run on the thread.</summary>
    public const string NoActiveRun = "NO_ACTIVE_RUN";


    /// <summary>The caller must authenticate: <see cref="AgUiOptions.RequireAuthenticatedOwner"/> is on (401).</summary>
    public const string AuthenticationRequired = "AUTHENTICATION_REQUIRED";

    /// <summary>
    /// 404: <c>GET {agent}/threads/{threadId}/runs/{runId}/events</c> found no log of the run: the agent keeps none
    /// (it was not mapped with an event log), the run never began here, or it is another owner's.
    /// </summary>
    public const string RunNotFound = "RUN_NOT_FOUND";

    /// <summary>410: the run's event log existed and was dropped by retention (age or size); reload the thread instead.</summary>
    public const string RunExpired = "RUN_EXPIRED";

    /// <summary>
    /// 400: the reconnect's last event id (<c>Last-Event-ID</c> or <c>?after=</c>) is not a whole number from 0 to the
    /// run's last id, or the two disagree.
    /// </summary>
    public const string InvalidEventId = "INVALID_EVENT_ID";

    /// <summary>
    /// <c>RUN_ERROR</c> in an event log: the log could not keep the run's events (it is full, or its store failed). The
    /// live stream went on; a client that reconnects gets the events logged before the failure, then this.
    /// </summary>
    public const string EventLogFailed = "EVENT_LOG_FAILED";

    /// <summary>
    /// <c>RUN_ERROR</c> in an event log: the run ended without a terminal event because its client disconnected and it
    /// was stopped (at once, or when the keep-running limit passed). Its claims are in doubt, as after any disconnect.
    /// </summary>
    public const string RunAbandoned = "RUN_ABANDONED";

    /// <summary>
    /// <c>RUN_ERROR</c> in an event log, written by a reconnecting reader: the instance running the run is gone (its
    /// lease was not renewed in time) and the log will get nothing more. The thread is freed as after any dead instance.
    /// </summary>
    public const string RunWriterGone = "RUN_WRITER_GONE";
}
