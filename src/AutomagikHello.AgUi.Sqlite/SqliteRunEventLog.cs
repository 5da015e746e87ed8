using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AutomagikHello.AgUi.Sqlite;

/// <summary>
/// Run event logs in the thread store's SQLite file, durable like its threads: one row per run (table <c>runs</c>) and
/// one per event (<c>run_events</c>). Every write (create, append, finish, the sweep) goes through the store's single
/// writer, so the appends of concurrent runs share one commit (group commit), and an append of several entries is one
/// transaction: all of them or none. An append or finish checks the run's state inside the transaction that holds the
/// file's write lock, so of a writer's terminal append and any number of finishers (in any process sharing the file)
/// exactly one terminal is written.
/// </summary>
/// <remarks>
/// A reader waiting for the next event is woken at once by a writer in this process, and finds a writer in another
/// process within <see cref="SqliteThreadStoreOptions.RunLogPollInterval"/>. Retention
/// (<see cref="RemoveExpiredRunsAsync"/>): runs older than <see cref="SqliteThreadStoreOptions.RunLogRetention"/>, and
/// beyond <see cref="SqliteThreadStoreOptions.RunLogMaxBytes"/> the oldest finished runs, are dropped whole; a dropped
/// run reads as <see cref="RunLogStatus.Expired"/> for <see cref="SqliteThreadStoreOptions.ExpiredRunMemory"/>. Nothing
/// is held in memory per run beyond the waiters. Failures of the file surface as
/// <see cref="ThreadStoreUnavailableException"/>. The log does not own the store.
/// </remarks>
public sealed partial class SqliteRunEventLog : IRunEventLog
{
    // The sweep expires at most this many runs per transaction, so that appends are not held up.
    private const int SweepBatchSize = 100;

    private readonly SqliteThreadStore _store;
    private readonly SqliteThreadStoreOptions _options;
    private readonly ILogger _logger;
    private readonly RunLogWaiters _waiters = new();

    /// <summary>Creates the log in <paramref name="store"/>'s file, with its settings.</summary>
    /// <param name="store">The thread store whose file, writer and connections the log shares.</param>
    /// <param name="logger">Logs what the sweep drops; none when <see langword="null"/>.</param>
    public SqliteRunEventLog(SqliteThreadStore store, ILogger<SqliteRunEventLog>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _options = store.Options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    /// <exception cref="ThreadStoreUnavailableException">The file cannot be written.</exception>
    public ValueTask<bool> CreateAsync(RunLogStart start, CancellationToken cancellationToken = default) =>
        CreateAndAppendAsync(start, [], cancellationToken);

    /// <inheritdoc />
    /// <remarks>One transaction of the writer: the run's row is inserted as it is after the entries (one statement), and the entries' row.</remarks>
    /// <exception cref="ThreadStoreUnavailableException">The file cannot be written.</exception>
    public async ValueTask<bool> CreateAndAppendAsync(RunLogStart start, IReadOnlyList<RunLogEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        RunLogChecks.CheckFirstAppend(start.Key, entries);
        var created = await _store.WriteAsync(
            static (s, arg) => s.RunLog.Create(arg.start, arg.entries),
            (start, entries),
            cancellationToken).ConfigureAwait(false);
        if (created && entries.Count > 0)
        {
            _waiters.Signal(start.Key);
        }

        return created;
    }

    /// <inheritdoc />
    /// <exception cref="ThreadStoreUnavailableException">The file cannot be written.</exception>
    public async ValueTask AppendAsync(RunLogKey key, IReadOnlyList<RunLogEntry> entries, CancellationToken cancellationToken = default)
    {
        RunLogChecks.CheckAppend(key, entries);
        if (entries.Count == 0)
        {
            return;
        }

        var (outcome, last) = await _store.WriteAsync(
            static (s, arg) => (s.RunLog.Append(arg.key, arg.entries, out var last), last), (key, entries), cancellationToken).ConfigureAwait(false);
        if (outcome != SqliteRunLogCommands.AppendOutcome.Appended)
        {
            throw RunLogChecks.Refused(key, entries, outcome switch
            {
                SqliteRunLogCommands.AppendOutcome.Unknown => RunLogStatus.Unknown,
                SqliteRunLogCommands.AppendOutcome.Finished => RunLogStatus.Finished,
                SqliteRunLogCommands.AppendOutcome.Expired => RunLogStatus.Expired,
                _ => RunLogStatus.Open,
            }, last);
        }

        _waiters.Signal(key);
    }

    /// <inheritdoc />
    /// <exception cref="ThreadStoreUnavailableException">The file cannot be written.</exception>
    public async ValueTask<RunLogEntry?> FinishAsync(RunLogKey key, ReadOnlyMemory<byte> terminalEvent, CancellationToken cancellationToken = default)
    {
        var terminal = await _store.WriteAsync(static (s, arg) => s.RunLog.Finish(arg.key, arg.terminalEvent), (key, terminalEvent), cancellationToken).ConfigureAwait(false);
        _waiters.Signal(key);
        return terminal;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterId"/> is negative or <paramref name="maxEntries"/> is not positive.</exception>
    /// <exception cref="ThreadStoreUnavailableException">The file cannot be read.</exception>
    public ValueTask<RunLogRead> ReadAsync(RunLogKey key, long afterId, int maxEntries, CancellationToken cancellationToken = default)
    {
        RunLogChecks.CheckRead(afterId, maxEntries);
        return _store.OnSessionAsync(static (s, arg) => s.RunLog.Read(arg.key, arg.afterId, arg.maxEntries), (key, afterId, maxEntries), cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="ThreadStoreUnavailableException">The file cannot be read.</exception>
    public ValueTask<bool> WaitAsync(RunLogKey key, long afterId, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _waiters.WaitAsync(
            key,
            async ct =>
            {
                var (status, last) = await _store.OnSessionAsync(static (s, key) => s.RunLog.Peek(key), key, ct).ConfigureAwait(false);
                return status != RunLogStatus.Open || last > afterId;
            },
            timeout,
            _options.RunLogPollInterval,
            cancellationToken);

    /// <inheritdoc />
    /// <exception cref="ThreadStoreUnavailableException">The file cannot be read.</exception>
    public ValueTask<RunLogStart?> GetLatestRunAsync(ThreadKey thread, CancellationToken cancellationToken = default) =>
        _store.OnSessionAsync(static (s, thread) => s.RunLog.Latest(thread), thread, cancellationToken);

    /// <summary>
    /// Retention: drops the runs that started longer than <see cref="SqliteThreadStoreOptions.RunLogRetention"/> before
    /// <paramref name="now"/>, then the oldest finished runs while the kept ones hold more than
    /// <see cref="SqliteThreadStoreOptions.RunLogMaxBytes"/>, and forgets the runs dropped longer than
    /// <see cref="SqliteThreadStoreOptions.ExpiredRunMemory"/> ago. Works in small transactions through the writer. The
    /// hosting registration calls it every <see cref="SqliteThreadStoreOptions.RetentionSweepInterval"/>.
    /// </summary>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Stops between transactions.</param>
    /// <returns>How many runs were dropped.</returns>
    /// <exception cref="ThreadStoreUnavailableException">The file cannot be written.</exception>
    public async ValueTask<int> RemoveExpiredRunsAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var cutoff = (now - _options.RunLogRetention).ToUnixTimeMilliseconds();
        var dropped = 0;
        while (true)
        {
            var old = await _store.WriteAsync(static (s, arg) => s.RunLog.ExpireOlderThan(arg.cutoff, arg.nowMs, SweepBatchSize), (cutoff, nowMs), cancellationToken).ConfigureAwait(false);
            dropped += Dropped(old);
            if (old.Count < SweepBatchSize)
            {
                break;
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        while (true)
        {
            var large = await _store.WriteAsync(static (s, arg) => s.RunLog.ExpireOverSize(arg.max, arg.nowMs, SweepBatchSize), (max: _options.RunLogMaxBytes, nowMs), cancellationToken).ConfigureAwait(false);
            dropped += Dropped(large);
            if (large.Count < SweepBatchSize)
            {
                break;
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        var forgetBefore = (now - _options.ExpiredRunMemory).ToUnixTimeMilliseconds();
        await _store.WriteAsync(static (s, cutoff) => s.RunLog.Forget(cutoff), forgetBefore, cancellationToken).ConfigureAwait(false);
        if (dropped > 0)
        {
            LogRunsDropped(_logger, dropped, _store.FilePath);
        }

        return dropped;
    }

    // Wakes the readers of dropped runs (they read "expired").
    private int Dropped(List<RunLogKey> runs)
    {
        foreach (var key in runs)
        {
            _waiters.Signal(key);
        }

        return runs.Count;
    }

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "SQLite run event log '{Path}': dropped {Count} runs past retention.")]
    private static partial void LogRunsDropped(ILogger logger, int count, string path);
}
