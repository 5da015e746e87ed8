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
}
