using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.Logging;

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
    private readonly IThreadStore _store;
    private readonly ThreadKey _key;
    private readonly string _runId;
    private readonly TimeSpan _duration;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _clock;
    private readonly RunTicker _ticker;
    private readonly RunEventQueue _queue;
    private readonly ThreadRunRecorder _recorder;
    private readonly ILogger _logger;
    private DateTimeOffset _expiresAt;
    private long _dueAt;
    private volatile bool _renewing;
    private volatile bool _disposed;

    public RunLeaseRenewer(IThreadStore store, ThreadKey key, RunLease lease, AgUiRunnerOptions options, RunTicker ticker, RunEventQueue queue, ThreadRunRecorder recorder, ILogger logger)
    {
        _store = store;
        _key = key;
        _runId = lease.RunId;
        _expiresAt = lease.ExpiresAt;
        _duration = options.LeaseDuration;
        _interval = options.RenewalInterval;
        _clock = ticker.Clock;
        _ticker = ticker;
        _queue = queue;
        _recorder = recorder;
        _logger = logger;
        Schedule(_interval);
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
            result = await _store.UpdateLeaseAsync(
                new UpdateLeaseRequest { Key = _key, RunId = _runId, Update = LeaseUpdate.Renew, Duration = _duration, Now = _clock.GetUtcNow() },
                CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The store is unreachable (or failing): the run keeps its lease until it lapses, then stops.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var left = _expiresAt - _clock.GetUtcNow();
            RunLog.LeaseRenewalFailed(_logger, ex, _key.ThreadId, _runId, Math.Max(0, left.TotalSeconds));
            if (left <= TimeSpan.Zero)
            {
                Stop(RunStopReason.LeaseLapsed);
            }
            else
            {
                Schedule(left < _interval ? left : _interval);
            }

            return;
        }

        if (result.Record?.Lease is not { } lease)
        {
            RunLog.LeaseLost(_logger, _key.ThreadId, _runId, result.Error?.Message ?? "the lease is gone");
            Stop(RunStopReason.LeaseLost);
            return;
        }

        _expiresAt = lease.ExpiresAt;
        if (lease.CancelRequested)
        {
            Stop(RunStopReason.CancelRequested);
            return;
        }

        Schedule(_interval);
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
        Volatile.Write(ref _dueAt, _clock.GetTimestamp() + _ticker.ToTimestamp(early > TimeSpan.Zero ? early : TimeSpan.Zero));
    }

    public void Dispose()
    {
        _disposed = true;
        _ticker.Remove(this);
    }
}
