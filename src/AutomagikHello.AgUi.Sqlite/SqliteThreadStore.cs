using AutomagikHello.AgUi.Threads;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AutomagikHello.AgUi.Sqlite;

/// <summary>
/// A durable thread store in one SQLite file: one row per thread keyed by (agent, owner, thread id) holding the
/// record as JSON and its version. Every write is one conditional statement, <c>UPDATE … WHERE version = @expected</c>
/// (or an <c>INSERT</c> that does nothing when the thread appeared meanwhile), after the contract's transition was
/// applied to the row as read; a lost race is retried on the newer row (<see cref="CompareAndSwapThreadStore"/>'s loop). So of N concurrent begins on one thread exactly
/// one wins, across connections and across processes sharing the file.
/// </summary>
/// <remarks>
/// The file is opened in WAL mode with a busy timeout; the schema is created, or checked and migrated, by
/// <see cref="InitializeAsync"/> (call it at start-up to fail fast; the first operation calls it otherwise). Reads use
/// at most <see cref="SqliteThreadStoreOptions.MaxConnections"/> connections at once (more readers wait
/// asynchronously); every write goes through one writer connection that commits the writes queued meanwhile together
/// (group commit), and a write is acknowledged only after its transaction committed. Failures of the file or its
/// locks surface as <see cref="ThreadStoreUnavailableException"/>.
/// </remarks>
public sealed partial class SqliteThreadStore : CompareAndSwapThreadStore, IDisposable
{
    /// <summary>The schema version this code creates and understands; recorded in the <c>schema_version</c> table.</summary>
    public const int SchemaVersion = SqliteSchema.Version;

    // Removal works in batches so that no single write transaction holds the lock for long.
    private const int RemovalBatchSize = 500;

    private readonly SqliteThreadStoreOptions _options;
    private readonly string _connectionString;
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly SqliteSessionPool _pool;
    private readonly SqliteWriter _writer;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private volatile bool _initialized;
    private volatile bool _disposed;
    private int _checkpointing; // 1 while a checkpoint runs: one at a time.
    private Task _checkpoint = Task.CompletedTask;

    /// <summary>Creates the store; no file is touched until <see cref="InitializeAsync"/> or the first operation.</summary>
    /// <param name="options">The settings, validated here.</param>
    /// <param name="logger">Logs schema changes, lost races and removals; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public SqliteThreadStore(SqliteThreadStoreOptions options, ILogger<SqliteThreadStore>? logger = null)
        : base("SQLite", logger, Validated(options).CachedRecords, options.Retention / 2)
    {
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        // A new thread's first begin inserts without reading first: the read would take a pooled connection (opening
        // one more under a burst of new chats) and fill its page cache with the pages around a key that is not there.
        // A thread that exists but is not remembered pays one failed INSERT on the writer instead (no WAL frame).
        GuessesUnrememberedThreadsNew = true;
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString)
        {
            // The store keeps its own open connections (with prepared statements); the provider's pool would only
            // keep file handles open after Dispose.
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        };
        _connectionString = builder.ToString();
        _path = Path.GetFullPath(builder.DataSource);
        _pool = new SqliteSessionPool(_connectionString, options);
        _writer = new SqliteWriter(() => SqliteSession.Open(_connectionString, _options), Failure, StartCheckpoint);
    }

    private static SqliteThreadStoreOptions Validated(SqliteThreadStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }

    /// <summary>The database file's full path.</summary>
    public string FilePath => _path;

    /// <summary>
    /// Opens the file (creating it and its folder when missing), switches it to WAL mode and creates or migrates the
    /// schema. Idempotent; concurrent calls wait for the first. Call it at start-up so a bad path fails fast.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting for another caller's initialization.</param>
    /// <exception cref="ThreadStoreUnavailableException">The file or its folder cannot be created, opened or written.</exception>
    /// <exception cref="InvalidOperationException">The file's schema is newer than this code.</exception>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_initialized)
        {
            return;
        }

        await _initLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_initialized)
            {
                SqliteSchema.Apply(_connectionString, _path, _options, _logger);
                _initialized = true;
            }
        }
        finally
        {
            _initLock.Release();
        }
    }

    /// <inheritdoc />
    /// <exception cref="ThreadStoreUnavailableException">The file cannot be read.</exception>
    public override ValueTask<ThreadRecord?> GetAsync(ThreadKey key, CancellationToken cancellationToken = default) =>
        OnSessionAsync(static (s, k) => s.Read(k), key, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="ThreadStoreUnavailableException">The file cannot be read.</exception>
    protected override ValueTask<ThreadRecord?> LoadAsync(ThreadKey key, CancellationToken cancellationToken) => GetAsync(key, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="ThreadStoreUnavailableException">The file cannot be written, or a lock wait timed out.</exception>
    protected override async ValueTask<bool> TrySwapAsync(ThreadKey key, ThreadRecord? current, ThreadRecord next, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        return await _writer.TrySwapAsync(current, next).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Writes the lease's columns alone, no JSON (<see cref="SqliteThreadRow"/>), when the renewal changes nothing else.</remarks>
    /// <exception cref="ThreadStoreUnavailableException">The file cannot be written, or a lock wait timed out.</exception>
    protected override async ValueTask<bool> TryRenewAsync(ThreadKey key, ThreadRecord current, ThreadRecord next, CancellationToken cancellationToken)
    {
        if (!SqliteThreadRow.IsRenewalOnly(current, next))
        {
            return await TrySwapAsync(key, current, next, cancellationToken).ConfigureAwait(false);
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        return await _writer.TryRenewAsync(current, next).ConfigureAwait(false);
    }

    /// <summary>
    /// Retention: removes the threads not changed for longer than <see cref="SqliteThreadStoreOptions.Retention"/>
    /// before <paramref name="now"/> and holding no live lease, pending interrupts included. The hosting layer calls
    /// it periodically; it works in small batches so that runs are not held up.
    /// </summary>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <returns>How many threads were removed.</returns>
    /// <exception cref="ThreadStoreUnavailableException">The file cannot be written.</exception>
    public async ValueTask<int> RemoveExpiredThreadsAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var cutoff = (now - _options.Retention).ToUnixTimeMilliseconds();
        var nowMs = now.ToUnixTimeMilliseconds();
        var total = 0;
        while (true)
        {
            var removed = await OnSessionAsync(static (s, arg) => s.RemoveBatch(arg.cutoff, arg.nowMs, RemovalBatchSize), (cutoff, nowMs), cancellationToken).ConfigureAwait(false);
            total += removed;
            if (removed < RemovalBatchSize)
            {
                break;
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        if (total > 0)
        {
            LogThreadsRemoved(_logger, total, _path);
        }

        return total;
    }

    /// <summary>Closes the store's connections (operations still running finish first).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _pool.Dispose();
        _writer.Dispose();
    }

    /// <summary>The settings.</summary>
    internal SqliteThreadStoreOptions Options => _options;

    /// <summary>Runs <paramref name="step"/> on one of the pooled connections (outside the writer's transactions).</summary>
    /// <exception cref="ThreadStoreUnavailableException">The file cannot be read or written.</exception>
    internal async ValueTask<TResult> OnSessionAsync<TArg, TResult>(Func<SqliteSession, TArg, TResult> step, TArg arg, CancellationToken cancellationToken)
    {
        var session = await RentAsync(cancellationToken).ConfigureAwait(false);
        var healthy = false;
        try
        {
            var result = Run(session, step, arg);
            healthy = true;
            return result;
        }
        finally
        {
            Return(session, healthy);
        }
    }

    /// <summary>Runs <paramref name="step"/> in the single writer's next transaction (group commit); answers after the commit.</summary>
    /// <exception cref="ThreadStoreUnavailableException">The file cannot be written, or a lock wait timed out.</exception>
    internal async Task<TResult> WriteAsync<TArg, TResult>(Func<SqliteSession, TArg, TResult> step, TArg arg, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        return await _writer.WriteAsync(step, arg).ConfigureAwait(false);
    }

    /// <summary>The last WAL checkpoint the writer asked for (completed when none runs); it never fails.</summary>
    internal Task LastCheckpoint => Volatile.Read(ref _checkpoint);

    // The writer's request for a WAL checkpoint: run on the thread pool and a pooled connection, so the writer goes on
    // committing meanwhile (a passive checkpoint takes no lock a writer waits for). While one runs, another request
    // is dropped: the next one comes CheckpointEvery commits later.
    private void StartCheckpoint()
    {
        if (Interlocked.Exchange(ref _checkpointing, 1) == 0)
        {
            Volatile.Write(ref _checkpoint, Task.Run(CheckpointAsync));
        }
    }

    // A failed checkpoint loses nothing (the pages stay in the WAL; a failure of the file is logged as any and the
    // writes surface it to their callers). Nothing may escape: nobody awaits this task.
    private async Task CheckpointAsync()
    {
        try
        {
            await OnSessionAsync(static (session, _) =>
            {
                session.Checkpoint();
                return true;
            }, false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A failure of the file was logged (Failure); otherwise the store was disposed meanwhile.
        }
        finally
        {
            Volatile.Write(ref _checkpointing, 0);
        }
    }

    // Runs one synchronous SQLite step, mapping the provider's failures to the store's exception.
    private TResult Run<TArg, TResult>(SqliteSession session, Func<SqliteSession, TArg, TResult> step, TArg arg)
    {
        try
        {
            return step(session, arg);
        }
        catch (Exception ex) when (Failure(ex) is { } failure)
        {
            throw failure;
        }
    }

    // The store's exception for a provider failure, or null for anything else (which propagates as it is).
    private ThreadStoreUnavailableException? Failure(Exception ex) => ex switch
    {
        SqliteException sqlite => Unavailable(sqlite),
        IOException io => new ThreadStoreUnavailableException($"The SQLite thread store '{_path}' cannot be read or written: {io.Message}", io),
        _ => null,
    };

    private ThreadStoreUnavailableException Unavailable(SqliteException ex)
    {
        var reason = ex.SqliteErrorCode switch
        {
            Sqlite.Busy or Sqlite.Locked => $"the database stayed locked by another connection or process for longer than the busy timeout ({_options.BusyTimeout})",
            Sqlite.ReadOnly or Sqlite.Perm => "the file or its folder is not writable",
            Sqlite.Full => "the disk is full",
            Sqlite.CantOpen => "the file cannot be opened",
            Sqlite.NotADb => "the file is not a SQLite database",
            Sqlite.Corrupt => "the file is corrupt",
            _ => "the operation failed",
        };
        LogStoreFailure(_logger, ex, _path, ex.SqliteErrorCode);
        return new ThreadStoreUnavailableException(
            $"The SQLite thread store '{_path}' is unavailable: {reason} (SQLite error {ex.SqliteErrorCode}: {ex.Message}).", ex);
    }

    private async ValueTask<SqliteSession> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await _pool.RentAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Unavailable(ex);
        }
    }

    private void Return(SqliteSession session, bool healthy) => _pool.Return(session, healthy);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "SQLite thread store '{Path}': removed {Count} threads past retention.")]
    private static partial void LogThreadsRemoved(ILogger logger, int count, string path);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "SQLite thread store '{Path}' failed with SQLite error {Code}.")]
    private static partial void LogStoreFailure(ILogger logger, Exception exception, string path, int code);

    // SQLite's primary result codes the store tells apart.
    private static class Sqlite
    {
        public const int Perm = 3;
        public const int Busy = 5;
        public const int Locked = 6;
        public const int ReadOnly = 8;
        public const int Corrupt = 11;
        public const int Full = 13;
        public const int CantOpen = 14;
        public const int NotADb = 26;
    }
}
