using Microsoft.Data.Sqlite;

namespace AutomagikHello.AgUi.Sqlite.Tests;

/// <summary>Looks into a database file directly, on a connection of its own, as an operator's tool would.</summary>
internal static class SqliteFile
{
    /// <summary>The run event log's tables as schema version 2 created them (before migration 3 dropped runs_thread).</summary>
    public const string SchemaTwoRunTables = """
        CREATE TABLE runs (seq INTEGER PRIMARY KEY AUTOINCREMENT, agent TEXT NOT NULL, owner TEXT NOT NULL, thread_id TEXT NOT NULL,
            run_id TEXT NOT NULL, started_at INTEGER NOT NULL, conversation BLOB NULL, status INTEGER NOT NULL, last_id INTEGER NOT NULL,
            bytes INTEGER NOT NULL, expired_at INTEGER NULL, UNIQUE (agent, owner, thread_id, run_id));
        CREATE INDEX runs_thread ON runs (agent, owner, thread_id, seq);
        CREATE INDEX runs_started_at ON runs (started_at);
        CREATE TABLE run_events (seq INTEGER NOT NULL, last_id INTEGER NOT NULL, first_id INTEGER NOT NULL, events BLOB NOT NULL, PRIMARY KEY (seq, last_id));
        """;

    public static object? Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
