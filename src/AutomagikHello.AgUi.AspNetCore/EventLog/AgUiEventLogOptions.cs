namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// How an agent mapped with <see cref="AgUiEndpointConventionBuilder.WithEventLog"/> logs its runs: every event of a
/// run carries an SSE <c>id:</c> and goes to the <see cref="EventLog.IRunEventLog"/>, so a client that lost its
/// connection reconnects at <c>GET {agent}/threads/{threadId}/runs/{runId}/events</c>. Checked when set.
/// </summary>
public sealed class AgUiEventLogOptions
{
    /// <summary>The longest <see cref="KeepRunningAfterDisconnect"/> accepted: one day.</summary>
    public static readonly TimeSpan MaxKeepRunningAfterDisconnect = TimeSpan.FromDays(1);

    /// <summary>
    /// How long a run goes on after its client disconnected, logging its events for a reconnect. When it passes and
    /// the run has not ended, the run is stopped as a disconnect always was (the thread is freed, its claims are in
    /// doubt) and its log ends with <c>RUN_ERROR</c> <see cref="AgUiErrorCodes.RunAbandoned"/>.
    /// <see cref="TimeSpan.Zero"/> stops the run at once, as without a log. Default 2 minutes; from 0 to
    /// <see cref="MaxKeepRunningAfterDisconnect"/>.
    /// </summary>
    public TimeSpan KeepRunningAfterDisconnect { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        if (KeepRunningAfterDisconnect < TimeSpan.Zero || KeepRunningAfterDisconnect > MaxKeepRunningAfterDisconnect)
        {
            throw new ArgumentException(
                $"Invalid AgUiEventLogOptions: KeepRunningAfterDisconnect must be between 0 and {MaxKeepRunningAfterDisconnect}; it is {KeepRunningAfterDisconnect}.");
        }
    }
}
