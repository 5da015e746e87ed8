using System.Buffers;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace AutomagikHello.AgUi.Sqlite;

/// <summary>
/// One prepared statement of the writer's hot path, driven through SQLite's own API on the connection's handle.
/// </summary>
/// <remarks>
/// Why not a prepared <see cref="SqliteCommand"/>: each execution of one creates a data reader, looks every parameter
/// up by name, boxes its value and converts each string anew; for a statement that runs twice per run that was a
/// visible share of a run's cost. Here a parameter is bound by position straight from its value (strings encoded to
/// UTF-8 on the stack or a pooled buffer, the record's JSON as the bytes it is), and an execution is one step and one
/// reset. Errors are raised as the provider raises them (<see cref="SqliteException"/> with SQLite's code), and lock
/// waits rely on the connection's <c>busy_timeout</c>. Used by one thread at a time, like its connection.
/// </remarks>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        // PERSISTENT: the statement lives as long as the connection (SQLite allocates it accordingly).
        var rc = raw.sqlite3_prepare_v3(_db, sql, raw.SQLITE_PREPARE_PERSISTENT, out _statement, out _);
        SqliteException.ThrowExceptionForRC(rc, _db);
    }

    public void Bind(int position, long value) => Check(raw.sqlite3_bind_int64(_statement, position, value));

    public void BindNull(int position) => Check(raw.sqlite3_bind_null(_statement, position));

    public void Bind(int position, ReadOnlySpan<byte> blob) => Check(raw.sqlite3_bind_blob(_statement, position, blob));

    public void Bind(int position, string text)
    {
        // Encoded as Microsoft.Data.Sqlite encodes (Encoding.UTF8, invalid UTF-16 replaced), so a key bound here and
        // one bound by a reader's command compare equal.
        var length = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        Span<byte> buffer = length <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(text, buffer);
            Check(raw.sqlite3_bind_text(_statement, position, buffer[..written]));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Runs the statement to completion and answers how many rows it changed; the bindings stay.</summary>
    /// <exception cref="SqliteException">The statement failed (a lock wait past the busy timeout included).</exception>
    public int Execute()
    {
        Run(out _);
        return raw.sqlite3_changes(_db);
    }

    /// <summary>
    /// Runs the statement to completion and answers the first column of its first row as an integer (a
    /// <c>RETURNING</c> clause's), or <see langword="null"/> when it returned no row; the bindings stay.
    /// </summary>
    /// <exception cref="SqliteException">The statement failed (a lock wait past the busy timeout included).</exception>
    public long? ExecuteInt64()
    {
        Run(out var first);
        return first;
    }

    // Steps to the end (a RETURNING statement makes its changes at the first step and returns buffered rows), keeping
    // column 0 of the first row.
    private void Run(out long? first)
    {
        first = null;
        int rc;
        try
        {
            while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW)
            {
                first ??= raw.sqlite3_column_int64(_statement, 0);
            }
        }
        finally
        {
            // Reset even on failure: a statement left mid-step would keep the connection's transaction open.
            raw.sqlite3_reset(_statement);
        }

        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
