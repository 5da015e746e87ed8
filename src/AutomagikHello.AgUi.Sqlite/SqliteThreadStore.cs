using System.Collections.Concurrent;
using System.Globalization;
using AutomagikHello.AgUi.Threads;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AutomagikHello.AgUi.Sqlite;

/// <summary>
/// A durable thread store in one SQLite file: one row per thread keyed by (agent, owner, thread id) holding the
/// record as JSON and its version. Every write is one conditional statement, <c>UPDATE … WHERE version = @expected</c>
/// (or an <c>INSERT</c> that does nothing when the thread appeared meanwhile), after the contract's transition was
/// applied to the row as read; a lost race is retried on the newer row. So of N concurrent begins on one thread exactly
/// one wins, across connections and across processes sharing the file.
/// </summary>
/// <remarks>
/// The file is opened in WAL mode with a busy timeout; the schema is created, or checked and migrated, by
/// <see cref="InitializeAsync"/> (call it at start-up to fail fast; the first operation calls it otherwise). SQLite
/// calls block while they wait for a lock, so at most <see cref="SqliteThreadStoreOptions.MaxConnections"/> callers use
/// a connection at once and the others wait asynchronously. Failures of the file or its locks surface as
/// <see cref="ThreadStoreUnavailableException"/>.
/// </remarks>
public sealed partial class SqliteThreadStore : IThreadStore, IDisposable
{
    /// <summary>The schema version this code creates and understands; recorded in the <c>schema_version</c> table.</summary>
    public const int SchemaVersion = 1;

    // How many lost races in a row an operation tolerates. Each lost race means another writer changed the same thread,
    // and after one begin wins the others stop writing (busy), so this is never reached short of a bug.
    private const int MaxAttempts = 100;

    // Removal works in batches so that no single write transaction holds the lock for long.
    private const int RemovalBatchSize = 500;

    // Schema scripts by version: Migrations[v - 1] turns version v - 1 into version v.
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE threads (
            agent TEXT NOT NULL,
            owner TEXT NOT NULL,
            thread_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            record BLOB NOT NULL,
            updated_at INTEGER NOT NULL,
            lease_expires_at INTEGER NULL,
            PRIMARY KEY (agent, owner, thread_id)
        ) WITHOUT ROWID;
        CREATE INDEX threads_updated_at ON threads (updated_at);
        """,
    ];

    private readonly SqliteThreadStoreOptions _options;
    private readonly string _connectionString;
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private readonly ConcurrentBag<Session> _idle = [];
    private volatile bool _initialized;
    private volatile bool _disposed;

    /// <summary>Creates the store; no file is touched until <see cref="InitializeAsync"/> or the first operation.</summary>
    /// <param name="options">The settings, validated here.</param>
    /// <param name="logger">Logs schema changes, lost races and removals; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public SqliteThreadStore(SqliteThreadStoreOptions options, ILogger<SqliteThreadStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString)
        {
            // The store keeps its own open connections (with prepared statements); the provider's pool would only
            // keep file handles open after Dispose.
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        };
        _connectionString = builder.ToString();
        _path = Path.GetFullPath(builder.DataSource);
        _slots = new SemaphoreSlim(options.MaxConnections, options.MaxConnections);
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
                Initialize();
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
    public async ValueTask<ThreadRecord?> GetAsync(ThreadKey key, CancellationToken cancellationToken = default)
    {
        var session = await RentAsync(cancellationToken).ConfigureAwait(false);
        var healthy = false;
        try
        {
            var record = Run(session, static (s, k) => s.Read(k), key);
            healthy = true;
            return record;
        }
        finally
        {
            Return(session, healthy);
        }
    }

    /// <inheritdoc />
    /// <exception cref="ThreadStoreUnavailableException">The file cannot be read or written, or a lock wait timed out.</exception>
    public ValueTask<BeginRunResult> BeginRunAsync(BeginRunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ApplyAsync(request.Key, request, static (current, r) => ThreadTransitions.Begin(current, r), cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="ThreadStoreUnavailableException">The file cannot be read or written, or a lock wait timed out.</exception>
    public ValueTask<ThreadStoreWriteResult> CompleteRunAsync(CompleteRunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ApplyAsync(request.Key, request, static (current, r) => ThreadTransitions.Complete(current, r), cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="ThreadStoreUnavailableException">The file cannot be read or written, or a lock wait timed out.</exception>
    public ValueTask<ThreadStoreWriteResult> UpdateLeaseAsync(UpdateLeaseRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ApplyAsync(request.Key, request, static (current, r) => ThreadTransitions.UpdateLease(current, r), cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="ThreadStoreUnavailableException">The file cannot be read or written, or a lock wait timed out.</exception>
    public ValueTask<ThreadStoreWriteResult> RecordDecisionAsync(RecordDecisionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ApplyAsync(request.Key, request, static (current, r) => ThreadTransitions.RecordDecision(current, r), cancellationToken);
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
            var session = await RentAsync(cancellationToken).ConfigureAwait(false);
            var healthy = false;
            int removed;
            try
            {
                removed = Run(session, static (s, arg) => s.RemoveBatch(arg.cutoff, arg.nowMs, RemovalBatchSize), (cutoff, nowMs));
                healthy = true;
            }
            finally
            {
                Return(session, healthy);
            }

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
        while (_idle.TryTake(out var session))
        {
            session.Dispose();
        }

        // The semaphores are left undisposed (they hold no handle): a caller still waiting for a connection wakes up
        // and fails with ObjectDisposedException instead of waiting for ever.
    }

    // Load, transition, write only if the row is still the one read; otherwise retry on the newer row.
    private async ValueTask<TResult> ApplyAsync<TRequest, TResult>(
        ThreadKey key, TRequest request, Func<ThreadRecord?, TRequest, (ThreadRecord? Next, TResult Result)> transition, CancellationToken cancellationToken)
    {
        var session = await RentAsync(cancellationToken).ConfigureAwait(false);
        var healthy = false;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var (written, result) = Run(session, static (s, arg) => s.TryApply(arg.key, arg.request, arg.transition), (key, request, transition));
                if (written)
                {
                    healthy = true;
                    return result!;
                }

                if (attempt >= MaxAttempts)
                {
                    healthy = true;
                    throw new ThreadStoreUnavailableException(
                        $"The SQLite thread store lost {MaxAttempts} races in a row on thread '{key.ThreadId}'; the thread is changing too fast to update.");
                }

                LogLostRace(_logger, key.ThreadId, attempt);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            Return(session, healthy);
        }
    }

    // Runs one synchronous SQLite step, mapping the provider's failures to the store's exception.
    private TResult Run<TArg, TResult>(Session session, Func<Session, TArg, TResult> step, TArg arg)
    {
        try
        {
            return step(session, arg);
        }
        catch (SqliteException ex)
        {
            throw Unavailable(ex);
        }
        catch (IOException ex)
        {
            throw new ThreadStoreUnavailableException($"The SQLite thread store '{_path}' cannot be read or written: {ex.Message}", ex);
        }
    }

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

    private async ValueTask<Session> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_disposed)
        {
            _slots.Release();
            throw new ObjectDisposedException(nameof(SqliteThreadStore));
        }

        if (_idle.TryTake(out var session))
        {
            return session;
        }

        try
        {
            return Session.Open(_connectionString, _options);
        }
        catch (SqliteException ex)
        {
            _slots.Release();
            throw Unavailable(ex);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    // A session that failed may be mid-statement or broken: it is closed rather than reused.
    private void Return(Session session, bool healthy)
    {
        if (healthy && !_disposed)
        {
            _idle.Add(session);
        }
        else
        {
            session.Dispose();
        }

        _slots.Release();
        if (_disposed && _idle.TryTake(out var late))
        {
            late.Dispose();
        }
    }

    private void Initialize()
    {
        var folder = Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(folder))
        {
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ThreadStoreUnavailableException(
                    $"The SQLite thread store cannot create the folder '{folder}' for its file '{_path}': {ex.Message}", ex);
            }
        }

        try
        {
            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            Session.Configure(connection, _options);
            using (var wal = connection.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode = WAL;";
                var mode = Convert.ToString(wal.ExecuteScalar(), CultureInfo.InvariantCulture);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    LogNoWal(_logger, _path, mode ?? "unknown");
                }
            }

            using var transaction = connection.BeginTransaction(deferred: false);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "CREATE TABLE IF NOT EXISTS schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, updated_at TEXT NOT NULL);";
            command.ExecuteNonQuery();
            command.CommandText = "SELECT version FROM schema_version WHERE id = 1;";
            var found = command.ExecuteScalar() is { } value ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : 0;
            if (found > SchemaVersion)
            {
                throw new InvalidOperationException(
                    $"The SQLite thread store file '{_path}' has schema version {found}, newer than this version of AutomagikHello.AgUi.Sqlite understands ({SchemaVersion}). " +
                    "A newer release wrote it: upgrade the package, or point the store at another file.");
            }

            if (found < SchemaVersion)
            {
                for (var version = found + 1; version <= SchemaVersion; version++)
                {
                    command.CommandText = Migrations[version - 1];
                    command.ExecuteNonQuery();
                }

                command.CommandText = "INSERT INTO schema_version (id, version, updated_at) VALUES (1, $version, $at) ON CONFLICT (id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at;";
                command.Parameters.AddWithValue("$version", SchemaVersion);
                command.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                command.ExecuteNonQuery();
                LogSchemaCreated(_logger, _path, found, SchemaVersion);
            }

            transaction.Commit();
        }
        catch (SqliteException ex)
        {
            throw new ThreadStoreUnavailableException(
                $"The SQLite thread store cannot open and write its file '{_path}' (SQLite error {ex.SqliteErrorCode}: {ex.Message}). " +
                "Check that the path names a file (not a folder) in a folder this process may write to, and that it is a SQLite database.", ex);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "SQLite thread store '{Path}': schema migrated from version {From} to {To}.")]
    private static partial void LogSchemaCreated(ILogger logger, string path, int from, int to);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "SQLite thread store '{Path}': WAL mode could not be enabled (journal mode is '{Mode}'); concurrent readers will wait for writers.")]
    private static partial void LogNoWal(ILogger logger, string path, string mode);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "SQLite thread store: lost a race on thread '{ThreadId}' (attempt {Attempt}); retrying on the newer row.")]
    private static partial void LogLostRace(ILogger logger, string threadId, int attempt);

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

    // One open connection with its prepared statements; used by one caller at a time.
    private sealed class Session : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _select;
        private readonly SqliteCommand _insert;
        private readonly SqliteCommand _update;
        private readonly SqliteCommand _remove;

        private Session(SqliteConnection connection)
        {
            _connection = connection;
            _select = Prepare("SELECT record FROM threads WHERE agent = $agent AND owner = $owner AND thread_id = $thread;", "$agent", "$owner", "$thread");
            _insert = Prepare(
                "INSERT INTO threads (agent, owner, thread_id, version, record, updated_at, lease_expires_at) " +
                "VALUES ($agent, $owner, $thread, $version, $record, $updated, $lease) ON CONFLICT (agent, owner, thread_id) DO NOTHING;",
                "$agent", "$owner", "$thread", "$version", "$record", "$updated", "$lease");
            _update = Prepare(
                "UPDATE threads SET version = $version, record = $record, updated_at = $updated, lease_expires_at = $lease " +
                "WHERE agent = $agent AND owner = $owner AND thread_id = $thread AND version = $expected;",
                "$agent", "$owner", "$thread", "$version", "$record", "$updated", "$lease", "$expected");
            _remove = Prepare(
                "DELETE FROM threads WHERE (agent, owner, thread_id) IN (" +
                "SELECT agent, owner, thread_id FROM threads WHERE updated_at < $cutoff AND (lease_expires_at IS NULL OR lease_expires_at <= $now) LIMIT $limit);",
                "$cutoff", "$now", "$limit");
        }

        public static Session Open(string connectionString, SqliteThreadStoreOptions options)
        {
            var connection = new SqliteConnection(connectionString);
            try
            {
                connection.Open();
                Configure(connection, options);
                return new Session(connection);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        public static void Configure(SqliteConnection connection, SqliteThreadStoreOptions options)
        {
            using var pragma = connection.CreateCommand();
            var busyMs = (long)options.BusyTimeout.TotalMilliseconds;
            // Only numbers and fixed words are formatted into the text: PRAGMA takes no parameters.
            pragma.CommandText = string.Create(CultureInfo.InvariantCulture,
                $"PRAGMA busy_timeout = {busyMs}; PRAGMA synchronous = {(options.FlushEveryCommit ? "FULL" : "NORMAL")};");
            pragma.ExecuteNonQuery();
        }

        public ThreadRecord? Read(ThreadKey key)
        {
            Bind(_select, key);
            using var reader = _select.ExecuteReader();
            return reader.Read() ? ThreadRecordSerializer.Deserialize(reader.GetFieldValue<byte[]>(0)) : null;
        }

        // One attempt: false when another writer changed the row between the read and the write.
        public (bool Written, TResult? Result) TryApply<TRequest, TResult>(
            ThreadKey key, TRequest request, Func<ThreadRecord?, TRequest, (ThreadRecord? Next, TResult Result)> transition)
        {
            var current = Read(key);
            var (next, result) = transition(current, request);
            if (next is null || ReferenceEquals(next, current))
            {
                return (true, result);
            }

            var command = current is null ? _insert : _update;
            Bind(command, key);
            command.Parameters[3].Value = next.Version;
            command.Parameters[4].Value = ThreadRecordSerializer.Serialize(next);
            command.Parameters[5].Value = next.UpdatedAt.ToUnixTimeMilliseconds();
            command.Parameters[6].Value = next.Lease is { } lease ? lease.ExpiresAt.ToUnixTimeMilliseconds() : DBNull.Value;
            if (current is not null)
            {
                command.Parameters[7].Value = current.Version;
            }

            return (command.ExecuteNonQuery() == 1, result);
        }

        public int RemoveBatch(long cutoff, long now, int limit)
        {
            _remove.Parameters[0].Value = cutoff;
            _remove.Parameters[1].Value = now;
            _remove.Parameters[2].Value = limit;
            return _remove.ExecuteNonQuery();
        }

        public void Dispose()
        {
            _select.Dispose();
            _insert.Dispose();
            _update.Dispose();
            _remove.Dispose();
            _connection.Dispose();
        }

        private static void Bind(SqliteCommand command, ThreadKey key)
        {
            command.Parameters[0].Value = key.Agent;
            command.Parameters[1].Value = key.Owner;
            command.Parameters[2].Value = key.ThreadId;
        }

        private SqliteCommand Prepare(string sql, params string[] parameters)
        {
            var command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            command.Prepare();
            return command;
        }
    }
}
