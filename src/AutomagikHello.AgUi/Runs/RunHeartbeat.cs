namespace AutomagikHello.AgUi.Runs;

/// <summary>
/// Asks for a <c>: ping</c> comment when a stream has been silent for the heartbeat interval. The stream writer
/// reports each flush through <see cref="MarkActivity"/> (one timestamp write); the runner's shared
/// <see cref="RunTicker"/> looks at the gap on each tick and asks at most once per interval, so a busy stream never
/// pings and a held one keeps no timer of its own.
/// </summary>
internal sealed class RunHeartbeat : RunTicker.Entry, IDisposable
{
    private readonly RunEventQueue _queue;
    private readonly RunTicker _ticker;
    private readonly long _interval;
    private long _lastActivity;
    private long _lastRequest;

    public RunHeartbeat(RunEventQueue queue, RunTicker ticker, TimeSpan interval)
    {
        _queue = queue;
        _ticker = ticker;
        _interval = ticker.ToTimestamp(interval);
        _lastActivity = ticker.Clock.GetTimestamp();
        _lastRequest = _lastActivity;
        ticker.Add(this);
    }

    /// <summary>Records that bytes just went out.</summary>
    public void MarkActivity() => Volatile.Write(ref _lastActivity, _ticker.Clock.GetTimestamp());

    public override void Tick(long now)
    {
        // Silent for an interval since the last bytes and since the last ask (a ping not yet written is not asked twice).
        var since = Math.Max(Volatile.Read(ref _lastActivity), _lastRequest);
        if (now - since >= _interval)
        {
            _lastRequest = now;
            _queue.RequestHeartbeat();
        }
    }

    public void Dispose() => _ticker.Remove(this);
}
