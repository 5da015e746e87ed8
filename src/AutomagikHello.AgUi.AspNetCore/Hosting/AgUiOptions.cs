using AutomagikHello.AgUi.Input;
using Microsoft.AspNetCore.Http;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// Limits and behaviour of the AG-UI endpoints, and the run settings they inherit from <see cref="AgUiRunnerOptions"/>
/// (heartbeats, flushing, the longest run, the lease, the instance id, exception details, resume validation), which the
/// runner reads from here in an ASP.NET Core host. Set them in the <see cref="SectionName"/> configuration section or
/// through <see cref="AgUiServiceCollectionExtensions.AddAgUi"/> (code runs after the section, so it wins); they are
/// validated when the host starts.
/// </summary>
public sealed class AgUiOptions : AgUiRunnerOptions
{
    /// <summary>The configuration section <see cref="AgUiServiceCollectionExtensions.AddAgUi"/> binds: <c>AgUi</c>.</summary>
    public const string SectionName = "AgUi";

    /// <summary>The default of <see cref="MaxRequestBodyBytes"/>: 1 MiB.</summary>
    public const long DefaultMaxRequestBodyBytes = 1024 * 1024;

    /// <summary>
    /// The largest run request body accepted, in bytes; a larger one is answered 413 before any stream opens.
    /// Default 1 MiB. Must be between 1 and <see cref="Array.MaxLength"/>.
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;

    /// <summary>The default of <see cref="MaxPendingRequestBodyBytes"/>: 64 MiB.</summary>
    public const long DefaultMaxPendingRequestBodyBytes = 64L * 1024 * 1024;

    /// <summary>
    /// The most memory, in bytes, that request bodies still arriving may hold at once, across all requests. A body's
    /// memory grows with the bytes received (pooled chunks of 4 to 64 KiB), not with its declared
    /// <c>Content-Length</c>; when a body needs a chunk past this limit its request is answered 503
    /// <c>BODY_BUFFERS_FULL</c> with <c>Retry-After</c> at once, so many slow bodies cannot exhaust memory. Default 64 MiB;
    /// must be at least <see cref="MaxRequestBodyBytes"/> plus 64 KiB (room for one body of the largest size).
    /// </summary>
    public long MaxPendingRequestBodyBytes { get; set; } = DefaultMaxPendingRequestBodyBytes;

    /// <summary>The most messages a run request may carry (400 <c>TOO_MANY_MESSAGES</c> beyond). Default 1,000.</summary>
    public int MaxMessages { get; set; } = 1000;



    /// <summary>
    /// The most message text, in UTF-8 bytes, the JSON summary of <c>POST {agent}/threads/{threadId}/resume</c>
    /// keeps (each message also counts 16 bytes for itself). Past it the run goes on to its end (stopping it would
    /// fail the run half-way and leave its answers in doubt); the summary keeps the text so far and says
    /// <c>truncated</c> (<see cref="AgUiErrorCodes.SummaryTruncated"/>), with the outcome, interrupts, result and
    /// error whole. Default 1 MiB; must be 0 or more.
    /// </summary>
    public int MaxSummaryTextBytes { get; set; } = 1024 * 1024;



    /// <summary>What the input reader does with properties the 1.0 schema does not define. Default: strip and warn.</summary>
    public UnknownMemberHandling UnknownMembers { get; set; } = UnknownMemberHandling.Strip;

    /// <summary>What the input reader does with pre-1.0 input shapes. Default: translate and warn.</summary>
    public LegacyInputHandling LegacyInput { get; set; } = LegacyInputHandling.Translate;

    /// <summary>
    /// The capabilities served at <c>GET {agent}/capabilities</c> for agents that declare none of their own
    /// (see <see cref="AgUiEndpointConventionBuilder.WithCapabilities"/>). <see langword="null"/> (the default)
    /// serves what the library itself honours: <c>transport.streaming</c> over SSE, no WebSocket, no binary
    /// transport, no push notifications, no resumable streams.
    /// </summary>
    public AgentCapabilities? Capabilities { get; set; }






    /// <summary>
    /// Whether runs and thread endpoints require an authenticated caller. Default <see langword="false"/>: anonymous
    /// callers share one anonymous owner scope. When <see langword="true"/>, an anonymous caller gets 401 problem+json.
    /// </summary>
    public bool RequireAuthenticatedOwner { get; set; }

    /// <summary>
    /// Resolves the owner of a request's threads; <see langword="null"/> means anonymous. Default: the user's
    /// <c>NameIdentifier</c> claim, else its <c>sub</c> claim, when the user is authenticated.
    /// </summary>
    public Func<HttpContext, string?>? OwnerResolver { get; set; }

    /// <summary>
    /// The authorization policy that lets a caller who does not own a thread record decisions on its interrupts
    /// (<c>POST {agent}/threads/{threadId}/interrupts/{interruptId}?owner=…</c>), e.g. a human supervisor.
    /// <see langword="null"/> (the default): only the owner may decide.
    /// </summary>
    public string? ApproverPolicy { get; set; }
}
