using System.Diagnostics;

namespace AutomagikHello.AgUi.EventLog;

/// <summary>
/// The readers of run logs waiting in this process, and the wake-ups a log sends them: a building block for
/// <see cref="IRunEventLog.WaitAsync"/>. A log calls <see cref="Signal"/> after each append or finish it committed (or
/// learned of from another instance); <see cref="WaitAsync"/> returns as soon as that happens, and checks the log itself
/// every poll interval for what no signal reports (a writer in another process).
/// </summary>
/// <remarks>
/// No wake-up is missed: a waiter registers before it checks the log, so a signal sent after that check finds it. Memory:
/// one small entry per run with a waiter, removed when its last waiter leaves.
/// </remarks>
public sealed class RunLogWaiters
{
    private readonly Dictionary<RunLogKey, Slot> _slots = [];

    /// <summary>Wakes every waiter of the run's log (they check the log again).</summary>
    /// <param name="key">The run.</param>
    public void Signal(RunLogKey key)
    {
        Slot? slot;
        lock (_slots)
        {
            if (!_slots.Remove(key, out slot))
            {
                return;
            }
        }

        slot.Woken.TrySetResult();
    }

    /// <summary>
    /// Waits until <paramref name="ready"/> answers <see langword="true"/> (checked at once, after each signal of the run
    /// and every <paramref name="pollInterval"/>), or until <paramref name="timeout"/> passes.
    /// </summary>
    /// <param name="key">The run.</param>
    /// <param name="ready">Whether the log holds what the waiter waits for (an entry after its id, the end, or no log).</param>
    /// <param name="timeout">How long to wait at most; <see cref="Timeout.InfiniteTimeSpan"/> waits until ready.</param>
    /// <param name="pollInterval">How often to check without a signal; <see cref="Timeout.InfiniteTimeSpan"/> never (every writer signals).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>
    /// <see langword="true"/> when a signal came or <paramref name="ready"/> said so; <see langword="false"/> when the
    /// timeout passed (<paramref name="ready"/> was last asked at most one poll interval before).
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">A negative timeout or a poll interval that is not positive (other than infinite).</exception>
    public async ValueTask<bool> WaitAsync(
        RunLogKey key, Func<CancellationToken, ValueTask<bool>> ready, TimeSpan timeout, TimeSpan pollInterval, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must not be negative (or Timeout.InfiniteTimeSpan).");
        }

        if (pollInterval <= TimeSpan.Zero && pollInterval != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(pollInterval), pollInterval, "The poll interval must be positive (or Timeout.InfiniteTimeSpan).");
        }

        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var slot = Enter(key);
            try
            {
                if (await ready(cancellationToken).ConfigureAwait(false))
                {
                    return true;
                }

                var delay = pollInterval;
                var last = false;
                if (timeout != Timeout.InfiniteTimeSpan)
                {
                    var left = timeout - Stopwatch.GetElapsedTime(started);
                    if (left <= TimeSpan.Zero)
                    {
                        return false;
                    }

                    last = pollInterval == Timeout.InfiniteTimeSpan || left <= pollInterval;
                    delay = last ? left : pollInterval;
                }

                try
                {
                    await slot.Woken.Task.WaitAsync(delay, cancellationToken).ConfigureAwait(false);
                    return true;
                }
                catch (TimeoutException) when (last)
                {
                    // Timed out: not asking the log again here, as the caller's next wait asks it first anyway.
                    return false;
                }
                catch (TimeoutException)
                {
                    // Nothing woke it within this poll: ask the log again.
                }
            }
            finally
            {
                Leave(key, slot);
            }
        }
    }

    private Slot Enter(RunLogKey key)
    {
        lock (_slots)
        {
            if (!_slots.TryGetValue(key, out var slot))
            {
                slot = new Slot();
                _slots.Add(key, slot);
            }

            slot.Waiters++;
            return slot;
        }
    }

    private void Leave(RunLogKey key, Slot slot)
    {
        lock (_slots)
        {
            // A signalled slot was already removed (a newer one may stand in its place: leave that alone).
            if (--slot.Waiters == 0 && _slots.TryGetValue(key, out var current) && ReferenceEquals(current, slot))
            {
                _slots.Remove(key);
            }
        }
    }

    private sealed class Slot
    {
        public TaskCompletionSource Woken { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Waiters { get; set; }
    }
}
