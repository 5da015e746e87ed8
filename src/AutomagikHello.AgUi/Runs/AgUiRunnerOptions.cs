using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Runs;

/// <summary>
/// The settings the <see cref="AgUiRunner"/> reads: flushing, heartbeats, the longest run, the thread lease, the
/// instance id, exception details and resume validation. In an ASP.NET Core host they are set through
/// <c>AgUiOptions</c> (which derives from this type and binds the <c>AgUi</c> configuration section); a host without
/// ASP.NET Core sets them through <see cref="AgUiRunnerServiceCollectionExtensions.AddAgUiRunner"/>.
/// </summary>
public class AgUiRunnerOptions
{
    /// <summary>
    /// How long a stream may stay silent before the server writes the SSE comment <c>: ping</c>, so proxies and
    /// clients do not time an idle run out (one shared tick checks every stream, so the ping comes up to a quarter of the
    /// shortest of this and the renewal interval, at most a second, after the interval). Default 15 seconds; must be positive.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Bytes of framed events after which the stream is flushed even though the agent has more ready. Events are
    /// otherwise flushed as soon as the agent has nothing more ready, so a burst is batched and a trickle goes
    /// out event by event. Default 16 KiB; must be positive.
    /// </summary>
    public int FlushThresholdBytes { get; set; } = 16 * 1024;

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
    public TimeSpan RenewalInterval => LeaseRenewalInterval ?? LeaseDuration / 3;

    /// <summary>Identifies this process in run leases (for diagnostics and cross-instance cancel). Default: host name, process id and a random suffix.</summary>
    public string InstanceId { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// Checks the run settings, each failure a message naming the setting (prefixed with this object's type name, so an
    /// <c>AgUiOptions</c> reports <c>AgUiOptions.HeartbeatInterval</c>) and its bad value.
    /// </summary>
    /// <returns>The failures; empty when every setting is usable.</returns>
    public IReadOnlyList<string> Validate()
    {
        List<string> failures = [];
        var type = GetType().Name;

        if (HeartbeatInterval <= TimeSpan.Zero || HeartbeatInterval.TotalMilliseconds > uint.MaxValue - 1)
        {
            failures.Add(Failure(type, nameof(HeartbeatInterval), HeartbeatInterval, "positive (and under 49 days)"));
        }

        if (FlushThresholdBytes < 1)
        {
            failures.Add(Failure(type, nameof(FlushThresholdBytes), FlushThresholdBytes, "at least 1 byte"));
        }

        if (MaxRunDuration is { } duration && (duration <= TimeSpan.Zero || duration.TotalMilliseconds > uint.MaxValue - 1))
        {
            failures.Add(Failure(type, nameof(MaxRunDuration), duration, "positive (and under 49 days), or null for no limit"));
        }

        if (!Enum.IsDefined(ResumeValidation))
        {
            failures.Add(Failure(type, nameof(ResumeValidation), ResumeValidation, "a defined ResumeValidationMode value"));
        }

        // Leases are renewed while the run lives, so a lease need not outlast the longest run.
        if (LeaseDuration <= TimeSpan.Zero || LeaseDuration.TotalMilliseconds > uint.MaxValue - 1)
        {
            failures.Add(Failure(type, nameof(LeaseDuration), LeaseDuration, "positive (and under 49 days)"));
        }
        else if (LeaseRenewalInterval is { } renewal && (renewal <= TimeSpan.Zero || renewal >= LeaseDuration))
        {
            failures.Add(Failure(type, nameof(LeaseRenewalInterval), renewal, $"positive and shorter than LeaseDuration ({LeaseDuration}), or null for a third of it"));
        }

        if (string.IsNullOrWhiteSpace(InstanceId))
        {
            failures.Add(Failure(type, nameof(InstanceId), InstanceId, "a non-empty string"));
        }

        return failures;
    }

    private static string Failure<T>(string type, string option, T value, string expectation) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{type}.{option} must be {expectation}; it is {value}.");
}
