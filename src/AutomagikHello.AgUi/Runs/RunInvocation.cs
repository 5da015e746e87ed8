using System.Security.Claims;

namespace AutomagikHello.AgUi.Runs;

/// <summary>
/// Everything one run needs from its host, and nothing of HTTP: the agent, the validated input, who runs it, the
/// services it may use, where its events go and when its receiver is gone. An HTTP request, a test or a voice
/// gateway builds one and hands it to <see cref="AgUiRunner"/>.
/// </summary>
public sealed class RunInvocation
{
    /// <summary>The agent; runs are registered for cancellation under this instance, the owner and the thread id.</summary>
    public required IAgUiAgent Agent { get; init; }

    /// <summary>The agent's key in the thread store.</summary>
    public required string AgentName { get; init; }

    /// <summary>The validated input.</summary>
    public required RunAgentInput Input { get; init; }

    /// <summary>The owner of the thread (its key in the store), already resolved by the host.</summary>
    public required string Owner { get; init; }

    /// <summary>
    /// The user the agent sees; <see langword="null"/> for a caller nobody authenticated, whose run's
    /// <see cref="AgUiRun.User"/> is then an unauthenticated principal made when first read (a held run of an
    /// anonymous caller keeps none).
    /// </summary>
    public ClaimsPrincipal? User { get; init; }

    /// <summary>The services the agent sees (the request's scope, for HTTP).</summary>
    public required IServiceProvider Services { get; init; }

    /// <summary>Where the accepted events go; the runner owns it from here (and disposes it).</summary>
    public required IRunEventSink Sink { get; init; }

    /// <summary>Fires when the receiver is gone (the client disconnected): the run stops and records nothing more.</summary>
    public CancellationToken ReceiverGone { get; init; }

    /// <summary>Host values the agent can read from <see cref="AgUiRun.Items"/> (the HTTP host puts its request there).</summary>
    public IDictionary<object, object?>? Items { get; init; }

    /// <summary>When the host received the run (a <see cref="TimeProvider"/> timestamp of the runner's clock), for telemetry.</summary>
    public long ReceivedTimestamp { get; init; }

    /// <summary>Where the run came from in the host's terms (an endpoint's route pattern), tagged on the run's span as `agui.endpoint`.</summary>
    public string? Origin { get; init; }
}
