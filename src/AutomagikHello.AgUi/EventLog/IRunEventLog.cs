using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.EventLog;

/// <summary>
/// Keeps each run's events as they were sent so a client that lost its connection can read them again (reconnect
/// with the last event id it saw) and a reloaded page can rebuild its thread. One writer per run (the instance running
/// it) appends in order; any number of readers, on any instance sharing the log, read and tail. Implementations:
/// in memory (one process, bounded), SQLite (durable, one machine), Redis (Redis Streams, across instances).
/// </summary>
public interface IRunEventLog
{
    /// <summary>Creates the run's log, empty and open.</summary>
    /// <returns><see langword="false"/> when a log for this run already exists (nothing changes).</returns>
    ValueTask<bool> CreateAsync(RunLogStart start, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates the run's log with its first entries (ids from 1) in one step: what <see cref="CreateAsync"/> then
    /// <see cref="AppendAsync"/> do, as one write where the store allows (the built-in logs do), so that a run's start
    /// costs one commit or round trip, not two. Nothing is created or appended when the log already exists.
    /// </summary>
    /// <remarks>The default implementation calls the two methods one after the other.</remarks>
    /// <returns><see langword="false"/> when a log for this run already exists (nothing changes).</returns>
    /// <exception cref="InvalidOperationException">The entries do not start at id 1 or are not consecutive, a terminal entry is not the last, or they exceed the log's bounds for one run (nothing is created).</exception>
    async ValueTask<bool> CreateAndAppendAsync(RunLogStart start, IReadOnlyList<RunLogEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        RunLogChecks.CheckFirstAppend(start.Key, entries);
        if (!await CreateAsync(start, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await AppendAsync(start.Key, entries, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Appends entries to an open log, in order. Their ids continue the log's (the first is the last id + 1, then
    /// consecutive); a terminal entry can only be the last, and finishes the log.
    /// </summary>
    /// <exception cref="InvalidOperationException">The log is unknown, finished or expired, or the ids do not continue it.</exception>
    ValueTask AppendAsync(RunLogKey key, IReadOnlyList<RunLogEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finishes an open log with a terminal event the log's own writer will never send (its instance is gone), in one
    /// atomic step: of a writer's last append and any number of readers doing this, exactly one terminal entry wins.
    /// </summary>
    /// <returns>The log's terminal entry (the one appended, or the one already there), or <see langword="null"/> when the log is unknown or expired.</returns>
    ValueTask<RunLogEntry?> FinishAsync(RunLogKey key, ReadOnlyMemory<byte> terminalEvent, CancellationToken cancellationToken = default);

    /// <summary>Reads at most <paramref name="maxEntries"/> entries with ids greater than <paramref name="afterId"/>.</summary>
    /// <remarks>An id past the log's end reads no entries (and the log's <see cref="RunLogRead.LastId"/>); an expired or unknown log reads none, with LastId 0.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterId"/> is negative or <paramref name="maxEntries"/> is not positive (see <see cref="RunLogChecks.CheckRead"/>).</exception>
    ValueTask<RunLogRead> ReadAsync(RunLogKey key, long afterId, int maxEntries, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits until the log may hold an entry after <paramref name="afterId"/> (or is finished, expired or gone), or
    /// until <paramref name="timeout"/> passes; a reader then reads again. A spurious wake is allowed, a missed one is not
    /// (an entry appended on another instance wakes a waiter here within the implementation's documented delay).
    /// </summary>
    /// <returns>
    /// <see langword="false"/> when the timeout passed and nothing woke the waiter (an entry that an instance sharing the
    /// log wrote within the last poll may still be there: the next wait or read finds it).
    /// </returns>
    ValueTask<bool> WaitAsync(RunLogKey key, long afterId, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>
    /// The start of the thread's latest run: the one whose log was created last (a thread's runs are created in the order
    /// they run; start times, from the instances' clocks, do not decide). <see langword="null"/> when none is kept, and
    /// also when that run's log was dropped: an older run's log lacks what came after it, so it is never offered instead.
    /// </summary>
    ValueTask<RunLogStart?> GetLatestRunAsync(ThreadKey thread, CancellationToken cancellationToken = default);
}
