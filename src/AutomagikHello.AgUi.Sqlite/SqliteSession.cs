using System.Globalization;
using AutomagikHello.AgUi.Threads;
using Microsoft.Data.Sqlite;

namespace AutomagikHello.AgUi.Sqlite;

/// <summary>One open connection with its prepared statements; used by one caller at a time.</summary>
internal sealed class SqliteSession : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _select;
    private readonly SqliteStatement _insert;
    private readonly SqliteStatement _update;
    private readonly SqliteStatement _updateHour;
    private readonly SqliteStatement _renew;
    private readonly SqliteStatement _renewHour;
    private readonly SqliteCommand _remove;
    private readonly SqliteStatement _begin;
    private readonly SqliteStatement _commit;
    private SqliteStatement? _checkpoint;
    private SqliteRunLogCommands? _runLog;

    private SqliteCommand Prepare(string sql, params string[] parameters) => Prepare(_connection, sql, parameters);

    private SqliteSession(SqliteConnection connection)
    {
        _connection = connection;
        _select = Prepare("SELECT record, version, renewed_at_ticks, renewed_until_ticks FROM threads WHERE agent = $agent AND owner = $owner AND thread_id = $thread;", "$agent", "$owner", "$thread");
        // The writes bind by number (SqliteThreadRow's order): ?1–?3 key, ?4 version, ?5 record, ?6 updated, ?7 lease.
        var hour = string.Create(CultureInfo.InvariantCulture, $"?6 / {SqliteThreadRow.HourMs}");
        _insert = new SqliteStatement(connection,
            "INSERT INTO threads (agent, owner, thread_id, version, record, updated_at, lease_expires_at, updated_hour) " +
            $"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, {hour}) ON CONFLICT (agent, owner, thread_id) DO NOTHING;");
        // Two updates: one that moves the row's updated_hour (and so its index entry), and the usual one, within the
        // row's hour, that leaves the column out of its SET: SQLite rewrites the entry of any indexed column it sets,
        // even to the same value, which would write the index's page to the WAL on every commit.
        // A whole record's write clears the renewal columns (its JSON holds the lease); a renewal writes no JSON.
        const string update = "UPDATE threads SET version = ?4, record = ?5, updated_at = ?6, lease_expires_at = ?7, renewed_at_ticks = NULL, renewed_until_ticks = NULL";
        const string renew = "UPDATE threads SET version = ?4, updated_at = ?6, lease_expires_at = ?7, renewed_at_ticks = ?9, renewed_until_ticks = ?10";
        const string expected = " WHERE agent = ?1 AND owner = ?2 AND thread_id = ?3 AND version = ?8;";
        _update = new SqliteStatement(connection, update + expected);
        _updateHour = new SqliteStatement(connection, $"{update}, updated_hour = {hour}{expected}");
        _renew = new SqliteStatement(connection, renew + expected);
        _renewHour = new SqliteStatement(connection, $"{renew}, updated_hour = {hour}{expected}");
        _remove = Prepare(
            "DELETE FROM threads WHERE (agent, owner, thread_id) IN (" +
            string.Create(CultureInfo.InvariantCulture, $"SELECT agent, owner, thread_id FROM threads WHERE updated_hour <= $cutoff / {SqliteThreadRow.HourMs} AND updated_at < $cutoff ") +
            "AND (lease_expires_at IS NULL OR lease_expires_at <= $now) LIMIT $limit);",
            "$cutoff", "$now", "$limit");
        // The writer's batch: IMMEDIATE takes the write lock at once (waiting up to the busy timeout for another
        // process), so no statement of the batch can fail on a lock half-way.
        _begin = new SqliteStatement(connection, "BEGIN IMMEDIATE;");
        _commit = new SqliteStatement(connection, "COMMIT;");
    }

    public static SqliteSession Open(string connectionString, SqliteThreadStoreOptions options)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            Configure(connection, options);
            return new SqliteSession(connection);
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

    /// <summary>The run event log's statements on this connection, prepared at first use.</summary>
    public SqliteRunLogCommands RunLog => _runLog ??= new SqliteRunLogCommands(_connection);

    public ThreadRecord? Read(ThreadKey key)
    {
        SqliteThreadRow.BindKey(_select, key);
        using var reader = _select.ExecuteReader();
        return reader.Read() ? SqliteThreadRow.ReadRecord(reader) : null;
    }

    /// <summary>Opens the writer's transaction.</summary>
    public void Begin() => _begin.Execute();

    /// <summary>Commits the writer's transaction.</summary>
    public void Commit() => _commit.Execute();

    /// <summary>
    /// Makes this connection's commits leave checkpoints to <see cref="Checkpoint"/>, except past
    /// <paramref name="backstopPages"/> pages of WAL, where SQLite's own automatic checkpoint still runs.
    /// </summary>
    public void DeferCheckpoints(int backstopPages)
    {
        using var pragma = _connection.CreateCommand();
        pragma.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA wal_autocheckpoint = {backstopPages};");
        pragma.ExecuteNonQuery();
    }

    /// <summary>
    /// Copies the WAL's committed pages into the database file as far as no reader still needs them (a passive
    /// checkpoint: it waits for no lock, and writers on other connections go on meanwhile), so that the next write
    /// can start the WAL over.
    /// </summary>
    public void Checkpoint() => (_checkpoint ??= new SqliteStatement(_connection, "PRAGMA wal_checkpoint(PASSIVE);")).Execute();

    // False when another writer changed the row since it was read as current. json is next, serialised. One statement:
    // outside a transaction it commits on its own. An update that matches current's version finds the row written
    // from current, so current's hour is the row's updated_hour.
    public bool TrySwap(ThreadRecord? current, ThreadRecord next, ReadOnlySpan<byte> json)
    {
        var statement = current is null ? _insert : SqliteThreadRow.SameHour(current, next) ? _update : _updateHour;
        SqliteThreadRow.BindRecord(statement, next, json);
        if (current is not null)
        {
            statement.Bind(8, current.Version);
        }

        return statement.Execute() == 1;
    }

    // The renewal alone (SqliteThreadRow.IsRenewalOnly): false when another writer changed the row since current.
    public bool TryRenew(ThreadRecord current, ThreadRecord next)
    {
        var statement = SqliteThreadRow.SameHour(current, next) ? _renew : _renewHour;
        SqliteThreadRow.BindRenewal(statement, next);
        statement.Bind(8, current.Version);
        return statement.Execute() == 1;
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
        _updateHour.Dispose();
        _renew.Dispose();
        _renewHour.Dispose();
        _remove.Dispose();
        _begin.Dispose();
        _commit.Dispose();
        _checkpoint?.Dispose();
        _runLog?.Dispose();
        _connection.Dispose();
    }

    /// <summary>A prepared command on <paramref name="connection"/> with the named parameters, bound by position.</summary>
    public static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }
}
