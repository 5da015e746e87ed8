using AutomagikHello.AgUi.Input;
using AutomagikHello.AgUi.Threads;
using Microsoft.AspNetCore.Http;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// Limits and behaviour of the AG-UI endpoints. Set them in the <see cref="SectionName"/> configuration section or
/// through <see cref="AgUiServiceCollectionExtensions.AddAgUi"/> (code runs after the section, so it wins); they are
/// validated when the host starts.
/// </summary>
public sealed class AgUiOptions
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
    /// How long a stream may stay silent before the server writes the SSE comment <c>: ping</c>, so proxies and
    /// clients do not time an idle run out. Default 15 seconds; must be positive.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Bytes of framed events after which the stream is flushed even though the agent has more ready. Events are
    /// otherwise flushed as soon as the agent has nothing more ready, so a burst is batched and a trickle goes
    /// out event by event. Default 16 KiB; must be positive.
    /// </summary>
    public int FlushThresholdBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// The most message text, in UTF-8 bytes, the JSON summary of <c>POST {agent}/threads/{threadId}/resume</c>
    /// keeps (each message also counts 16 bytes for itself). Past it the run goes on to its end (stopping it would
    /// fail the run half-way and leave its answers in doubt); the summary keeps the text so far and says
    /// <c>truncated</c> (<see cref="AgUiErrorCodes.SummaryTruncated"/>), with the outcome, interrupts, result and
    /// error whole. Default 1 MiB; must be 0 or more.
    /// </summary>
    public int MaxSummaryTextBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The longest a run may last; when it elapses the agent's token is cancelled, open items are closed and the
    /// stream ends with the <c>cancelled</c> outcome. <see langword="null"/> (the default) means no limit.
    /// </summary>
    public TimeSpan? MaxRunDuration { get; set; }

    /// <summary>
    /// Whether <c>RUN_ERROR</c> carries the agent's exception message. Default <see langword="false"/>: the client
    /// gets a generic message and the exception is only logged. Turn it on in development only.
    /// </summary>
    public bool IncludeExceptionDetails { get; set; }

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
    /// How resume entries are checked against the thread's pending interrupts. Default
    /// <see cref="ResumeValidationMode.Strict"/>: every rule (unknown, partial, duplicate, expired, invalid payload,
    /// replay, busy) is enforced. <see cref="ResumeValidationMode.Lenient"/> follows the 1.0 baseline: entries naming no
    /// open interrupt are ignored with a logged warning.
    /// </summary>
    public ResumeValidationMode ResumeValidation { get; set; } = ResumeValidationMode.Strict;

    /// <summary>
    /// How long a run's hold on its thread lasts unless renewed. A live run renews it every
    /// <see cref="LeaseRenewalInterval"/>, so a run may last as long as it likes; a run whose process died stops renewing,
    /// and its thread is free again at most this long after its last renewal. Default 15 seconds; must be positive.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often a live run renews its lease (one store write per run per interval, off the event path); also how long a
    /// cancel waits for a run in another process to answer before it treats the run's owner as gone.
    /// <see langword="null"/> (the default): a third of <see cref="LeaseDuration"/>. When set: positive and shorter than
    /// <see cref="LeaseDuration"/>.
    /// </summary>
    public TimeSpan? LeaseRenewalInterval { get; set; }

    /// <summary>The renewal interval in effect: <see cref="LeaseRenewalInterval"/>, or a third of <see cref="LeaseDuration"/>.</summary>
    internal TimeSpan RenewalInterval => LeaseRenewalInterval ?? LeaseDuration / 3;

    /// <summary>Identifies this process in run leases (for diagnostics and cross-instance cancel). Default: host name, process id and a random suffix.</summary>
    public string InstanceId { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

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
