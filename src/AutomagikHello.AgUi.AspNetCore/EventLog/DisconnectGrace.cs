namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// The receiver-gone signal of a logged run that may outlive its client: fires a limit after the
/// request is aborted (at once for <see cref="TimeSpan.Zero"/>), so the run goes on into its log until then.
/// </summary>
internal sealed class DisconnectGrace : IDisposable
{
    private readonly CancellationTokenSource _gone = new();
    private readonly Lock _gate = new();
    private readonly CancellationTokenRegistration _aborted;
    private ITimer? _timer;

    public DisconnectGrace(TimeSpan limit, TimeProvider clock, CancellationToken requestAborted)
    {
        _aborted = requestAborted.UnsafeRegister(
            static state =>
            {
                var (grace, limit, clock) = ((DisconnectGrace, TimeSpan, TimeProvider))state!;
                grace.Start(limit, clock);
            },
            (this, limit, clock));
    }

    /// <summary>Fires when the run must stop for its client's sake.</summary>
    public CancellationToken Token => _gone.Token;

    private void Start(TimeSpan limit, TimeProvider clock)
    {
        if (limit <= TimeSpan.Zero)
        {
            Fire();
            return;
        }

        lock (_gate)
        {
            _timer ??= clock.CreateTimer(static state => ((DisconnectGrace)state!).Fire(), this, limit, Timeout.InfiniteTimeSpan);
        }
    }

    private void Fire()
    {
        try
        {
            _gone.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run is over.
        }
    }

    public void Dispose()
    {
        _aborted.Dispose();
        lock (_gate)
        {
            _timer?.Dispose();
        }

        _gone.Dispose();
    }
}
