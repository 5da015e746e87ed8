using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Runs;

/// <summary>
/// Keeps a live run's lease on its thread: renews it every renewal interval, when the runner's shared
/// <see cref="RunTicker"/> finds it due (one store write per interval, nothing on the event path, no timer of its own), so the lease can be short and a dead process's thread is free soon after.
/// It stops the run when the lease is gone (<see cref="RunStopReason.LeaseLost"/>), when the store stayed unreachable
/// until the lease lapsed (<see cref="RunStopReason.LeaseLapsed"/>: the run keeps going through a shorter outage), and
/// when a cancel from another process flagged the lease (<see cref="RunStopReason.CancelRequested"/>).
/// </summary>
internal sealed class RunLeaseRenewer : RunTicker.Entry, IDisposable
{
    // The store, the thread, the run and the logger are the recorder's (a held run keeps each reference once).
    private readonly AgUiRunnerOptions _options;
    private readonly RunTicker _ticker;
    private readonly RunEventQueue _queue;
    private readonly ThreadRunRecorder _recorder;
    private DateTimeOffset _expiresAt;
    private long _dueAt;
    private volatile bool _renewing;
    private volatile bool _disposed;

    public RunLeaseRenewer(RunLease lease, AgUiRunnerOptions options, RunTicker ticker, RunEventQueue queue, ThreadRunRecorder recorder)
    {
        _expiresAt = lease.ExpiresAt;
        _options = options;
        _ticker = ticker;
        _queue = queue;
        _recorder = recorder;
        Schedule(_options.RenewalInterval);
        ticker.Add(this);
    }

    public override void Tick(long now)
    {
        // Once the end is being recorded no renewal will run (RenewOnceAsync returns at once), so none is queued:
        // the due time stays in the past from then on, and each tick would queue an empty work item.
        if (_renewing || now < Volatile.Read(ref _dueAt) || _disposed || _recorder.HasRecorded)
        {
            return;
        }

        // On the pool, not on the tick: a store write must not hold up the other runs' ticks.
        _renewing = true;
        ThreadPool.UnsafeQueueUserWorkItem(static renewer => _ = renewer.RenewAsync(), this, preferLocal: false);
    }

    private async Task RenewAsync()
    {
        try
        {
            await RenewOnceAsync().ConfigureAwait(false);
        }
        finally
        {
            _renewing = false;
        }
    }

    private async Task RenewOnceAsync()
    {
        // Once the end is being recorded the lease is the recorder's business: a renewal would only race it.
        if (_disposed || _recorder.HasRecorded)
        {
            return;
        }

        ThreadStoreWriteResult result;
        try
        {
            result = await _recorder.Store.UpdateLeaseAsync(
                new UpdateLeaseRequest { Key = _recorder.Key, RunId = _recorder.RunId, Update = LeaseUpdate.Renew, Duration = _options.LeaseDuration, Now = _ticker.Clock.GetUtcNow() },
                CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The store is unreachable (or failing): the run keeps its lease until it lapses, then stops.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var left = _expiresAt - _ticker.Clock.GetUtcNow();
            RunLog.LeaseRenewalFailed(_recorder.Logger, ex, _recorder.Key.ThreadId, _recorder.RunId, Math.Max(0, left.TotalSeconds));
            if (left <= TimeSpan.Zero)
            {
                Stop(RunStopReason.LeaseLapsed);
            }
            else
            {
                Schedule(left < _options.RenewalInterval ? left : _options.RenewalInterval);
            }

            return;
        }

        if (result.Record?.Lease is not { } lease)
        {
            RunLog.LeaseLost(_recorder.Logger, _recorder.Key.ThreadId, _recorder.RunId, result.Error?.Message ?? "the lease is gone");
            Stop(RunStopReason.LeaseLost);
            return;
        }

        _expiresAt = lease.ExpiresAt;
        if (lease.CancelRequested)
        {
            Stop(RunStopReason.CancelRequested);
            return;
        }

        Schedule(_options.RenewalInterval);
    }

    private void Stop(RunStopReason reason)
    {
        if (!_disposed && !_recorder.HasRecorded)
        {
            _queue.TryStop(reason);
        }
    }

    /// <summary>
    /// The next renewal comes due one tick before <paramref name="due"/>, so the tick (at most one period late) renews
    /// no later than the interval: a cancel or a reader treats a lease not renewed by its renewal interval plus a
    /// second as its owner's death, and a late tick must not eat that second.
    /// </summary>
    private void Schedule(TimeSpan due)
    {
        var early = due - _ticker.Period;
        Volatile.Write(ref _dueAt, _ticker.Clock.GetTimestamp() + _ticker.ToTimestamp(early > TimeSpan.Zero ? early : TimeSpan.Zero));
    }

    public void Dispose()
    {
        _disposed = true;
        _ticker.Remove(this);
    }
}
