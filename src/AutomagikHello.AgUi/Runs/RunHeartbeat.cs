namespace AutomagikHello.AgUi.Runs;

/// <summary>
/// Asks for a <c>: ping</c> comment when a stream has been silent for the heartbeat interval. The stream writer
/// reports each flush through <see cref="MarkActivity"/> (one timestamp write); the timer wakes once per interval at
/// most and re-arms for the rest of the gap, so a busy stream never pings.
/// </summary>
internal sealed class RunHeartbeat : IDisposable
{
    private readonly RunEventQueue _queue;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ITimer _timer;
    private long _lastActivity;

    public RunHeartbeat(RunEventQueue queue, TimeProvider time, TimeSpan interval)
    {
        _queue = queue;
        _time = time;
        _interval = interval;
        _lastActivity = time.GetTimestamp();
        _timer = time.CreateTimer(static state => ((RunHeartbeat)state!).OnTick(), this, interval, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Records that bytes just went out.</summary>
    public void MarkActivity() => Volatile.Write(ref _lastActivity, _time.GetTimestamp());

    private void OnTick()
    {
        var idle = _time.GetElapsedTime(Volatile.Read(ref _lastActivity));
        var due = _interval - idle;
        if (due <= TimeSpan.FromMilliseconds(1))
        {
            _queue.RequestHeartbeat();
            due = _interval;
        }

        try
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The stream ended meanwhile.
        }
    }

    public void Dispose() => _timer.Dispose();
}
