using System.Globalization;
using AutomagikHello.AgUi.Threads;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace AutomagikHello.AgUi.Sqlite;

/// <summary>The store's schema: the scripts by version, and the start-up step that creates or migrates a file.</summary>
internal static partial class SqliteSchema
{
    /// <summary>The schema version this code creates and understands; recorded in the <c>schema_version</c> table.</summary>
    public const int Version = 6;

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
        // 2: run event logs (SqliteRunEventLog). One row per run (its start, status and last id; kept as a tombstone,
        // conversation dropped, once expired) and one row per append holding its events (ids first_id..last_id; see
        // RunLogBatch for the blob's layout): a row per event cost most of an append. Times are Unix milliseconds; status is the
        // RunLogStatus number (1 open, 2 finished, 3 expired).
        """
        CREATE TABLE runs (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            agent TEXT NOT NULL,
            owner TEXT NOT NULL,
            thread_id TEXT NOT NULL,
            run_id TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            conversation BLOB NULL,
            status INTEGER NOT NULL,
            last_id INTEGER NOT NULL,
            bytes INTEGER NOT NULL,
            expired_at INTEGER NULL,
            UNIQUE (agent, owner, thread_id, run_id)
        );
        CREATE INDEX runs_thread ON runs (agent, owner, thread_id, seq);
        CREATE INDEX runs_started_at ON runs (started_at);
        CREATE TABLE run_events (
            seq INTEGER NOT NULL,
            last_id INTEGER NOT NULL,
            first_id INTEGER NOT NULL,
            events BLOB NOT NULL,
            PRIMARY KEY (seq, last_id)
        );
        """,
        // 3: a run's creation writes one index page fewer. The thread's latest run is found through the key's unique
        // index (max seq among the thread's entries); runs_thread only served that.
        """
        DROP INDEX IF EXISTS runs_thread;
        """,
        // 4: retention's index on the hour of updated_at (SqliteThreadRow.HourMs) instead of updated_at itself: a
        // write within the row's hour leaves the index alone, so a commit writes one WAL page (the row's) instead of
        // two. Retention still compares the exact updated_at.
        $$"""
        ALTER TABLE threads ADD COLUMN updated_hour INTEGER NOT NULL DEFAULT 0;
        UPDATE threads SET updated_hour = updated_at / {{SqliteThreadRow.HourMs}};
        DROP INDEX threads_updated_at;
        CREATE INDEX threads_updated_hour ON threads (updated_hour);
        """,
        // 5: how a run_events row holds its events: 0 as RunLogBatch (every row before this version), 1 as
        // RunLogDeltaBatch (each event as what differs from the one before: a run's events fit its row instead of
        // spilling into overflow pages). Adding the column rewrites no row.
        """
        ALTER TABLE run_events ADD COLUMN layout INTEGER NOT NULL DEFAULT 0;
        """,
        // 6: a lease renewal writes the lease alone (SqliteThreadRow): renewed_at_ticks and renewed_until_ticks hold the
        // last renewal's time and new expiry (UTC ticks, exact) when the record's JSON predates it, NULL when the JSON is
        // current (every other write). Adding the columns rewrites no row.
        """
        ALTER TABLE threads ADD COLUMN renewed_at_ticks INTEGER NULL;
        ALTER TABLE threads ADD COLUMN renewed_until_ticks INTEGER NULL;
        """,
    ];

    /// <summary>Opens the file, switches it to WAL mode and creates or migrates the schema.</summary>
    public static void Apply(string connectionString, string path, SqliteThreadStoreOptions options, ILogger logger)
    {
        var folder = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder))
        {
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ThreadStoreUnavailableException(
                    $"The SQLite thread store cannot create the folder '{folder}' for its file '{path}': {ex.Message}", ex);
            }
        }

        try
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            SqliteSession.Configure(connection, options);
            using (var wal = connection.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode = WAL;";
                var mode = Convert.ToString(wal.ExecuteScalar(), CultureInfo.InvariantCulture);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    LogNoWal(logger, path, mode ?? "unknown");
                }
            }

            using var transaction = connection.BeginTransaction(deferred: false);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "CREATE TABLE IF NOT EXISTS schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, updated_at TEXT NOT NULL);";
            command.ExecuteNonQuery();
            command.CommandText = "SELECT version FROM schema_version WHERE id = 1;";
            var found = command.ExecuteScalar() is { } value ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : 0;
            if (found > Version)
            {
                throw new InvalidOperationException(
                    $"The SQLite thread store file '{path}' has schema version {found}, newer than this version of AutomagikHello.AgUi.Sqlite understands ({Version}). " +
                    "A newer release wrote it: upgrade the package, or point the store at another file.");
            }

            if (found < Version)
            {
                for (var version = found + 1; version <= Version; version++)
                {
                    command.CommandText = Migrations[version - 1];
                    command.ExecuteNonQuery();
                }

                command.CommandText = "INSERT INTO schema_version (id, version, updated_at) VALUES (1, $version, $at) ON CONFLICT (id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at;";
                command.Parameters.AddWithValue("$version", Version);
                command.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                command.ExecuteNonQuery();
                LogSchemaCreated(logger, path, found, Version);
            }

            transaction.Commit();
        }
        catch (SqliteException ex)
        {
            throw new ThreadStoreUnavailableException(
                $"The SQLite thread store cannot open and write its file '{path}' (SQLite error {ex.SqliteErrorCode}: {ex.Message}). " +
                "Check that the path names a file (not a folder) in a folder this process may write to, and that it is a SQLite database.", ex);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "SQLite thread store '{Path}': schema migrated from version {From} to {To}.")]
    private static partial void LogSchemaCreated(ILogger logger, string path, int from, int to);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "SQLite thread store '{Path}': WAL mode could not be enabled (journal mode is '{Mode}'); concurrent readers will wait for writers.")]
    private static partial void LogNoWal(ILogger logger, string path, string mode);
}
