using System.Buffers;
using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Threads;
using Microsoft.Data.Sqlite;

namespace AutomagikHello.AgUi.Sqlite;

/// <summary>
/// The run event log's prepared statements on one connection (tables <c>runs</c> and <c>run_events</c>, schema 5). The
/// writes run inside the writer's transaction, which holds SQLite's write lock from its start (<c>BEGIN IMMEDIATE</c>),
/// so a write's checks and its changes are one atomic step, across processes too. The statements of every run's
/// writes (create, append) are <see cref="SqliteStatement"/>s, bound by position (?1–?4 the run's key); the rest,
/// rare or read-only, are prepared commands.
/// </summary>
internal sealed class SqliteRunLogCommands : IDisposable
{
    private const string RunWhere = "agent = $agent AND owner = $owner AND thread_id = $thread AND run_id = $run";


    private readonly SqliteConnection _connection;
    private readonly SqliteStatement _create;
    private readonly SqliteCommand _state;
    private readonly SqliteStatement _insertEvents;
    private readonly SqliteStatement _advance;
    private readonly SqliteCommand _finish;
    private readonly SqliteCommand _event;
    private readonly SqliteCommand _read;
    private readonly SqliteCommand _latest;
    private readonly SqliteCommand _oldRuns;
    private readonly SqliteCommand _totalBytes;
    private readonly SqliteCommand _finishedRuns;
    private readonly SqliteCommand _dropEvents;
    private readonly SqliteCommand _tombstone;
    private readonly SqliteCommand _forget;

    public SqliteRunLogCommands(SqliteConnection connection)
    {
        _connection = connection;
        _create = new SqliteStatement(
            connection,
            "INSERT INTO runs (agent, owner, thread_id, run_id, started_at, conversation, status, last_id, bytes) " +
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING RETURNING seq;");
        _state = Prepare($"SELECT seq, status, last_id FROM runs WHERE {RunWhere};", "$agent", "$owner", "$thread", "$run");
        // The append's check and its update in one statement: it changes the row only if the log is open and the first
        // id continues it (else the state is read again for the reason, which is rare).
        _advance = new SqliteStatement(
            connection,
            "UPDATE runs SET last_id = ?5, status = ?6, bytes = bytes + ?7 " +
            "WHERE agent = ?1 AND owner = ?2 AND thread_id = ?3 AND run_id = ?4 AND status = 1 AND last_id = ?8 RETURNING seq;");
        _finish = Prepare("UPDATE runs SET last_id = $last, status = 2, bytes = bytes + $bytes WHERE seq = $seq;", "$seq", "$last", "$bytes");
        _insertEvents = new SqliteStatement(connection, $"INSERT INTO run_events (seq, last_id, first_id, events, layout) VALUES (?1, ?2, ?3, ?4, {RunLogDeltaBatch.Layout});");
        _event = Prepare("SELECT first_id, events, layout FROM run_events WHERE seq = $seq AND last_id = $id;", "$seq", "$id");

        // One statement, so the run's row and its events come from one snapshot (LastId is never behind the entries):
        // the appends whose ids overlap the page.
        _read = Prepare(
            "SELECT r.status, r.last_id, e.first_id, e.events, e.layout FROM runs r LEFT JOIN run_events e ON e.seq = r.seq AND e.last_id > $after AND e.first_id <= $upto " +
            $"WHERE r.{RunWhere.Replace(" AND ", " AND r.", StringComparison.Ordinal)} ORDER BY e.last_id;",
            "$agent", "$owner", "$thread", "$run", "$after", "$upto");
        // The thread's highest seq, from the key's own index (which holds seq as the row id): the thread's entries there
        // are read, no row. A second index by (thread, seq) would make this one lookup, but cost every run's creation
        // a page write more.
        _latest = Prepare(
            "SELECT run_id, started_at, conversation, status FROM runs WHERE seq = " +
            "(SELECT max(seq) FROM runs WHERE agent = $agent AND owner = $owner AND thread_id = $thread);",
            "$agent", "$owner", "$thread");
        _oldRuns = Prepare(
            "SELECT seq, agent, owner, thread_id, run_id, bytes FROM runs WHERE started_at < $cutoff AND status <> 3 ORDER BY started_at LIMIT $limit;",
            "$cutoff", "$limit");
        _totalBytes = Prepare("SELECT COALESCE(SUM(bytes), 0) FROM runs WHERE status <> 3;");
        _finishedRuns = Prepare("SELECT seq, agent, owner, thread_id, run_id, bytes FROM runs WHERE status = 2 ORDER BY seq LIMIT $limit;", "$limit");
        _dropEvents = Prepare("DELETE FROM run_events WHERE seq = $seq;", "$seq");
        _tombstone = Prepare("UPDATE runs SET status = 3, conversation = NULL, bytes = 0, expired_at = $now WHERE seq = $seq;", "$seq", "$now");
        _forget = Prepare("DELETE FROM runs WHERE status = 3 AND expired_at < $cutoff;", "$cutoff");
    }

    /// <summary>Why an append was refused, or <see cref="Appended"/>.</summary>
    public enum AppendOutcome
    {
        Appended,
        Unknown,
        Finished,
        Expired,
        NotContinuing,
    }

    /// <summary>
    /// Creates the run's log holding <paramref name="entries"/> (checked before: ids from 1, consecutive, a terminal
    /// only last): the run's row as it is after them, and their row. False when the run has a log (nothing changes).
    /// </summary>
    public bool Create(RunLogStart start, IReadOnlyList<RunLogEntry> entries)
    {
        BindRun(_create, start.Key);
        _create.Bind(5, start.StartedAt.ToUnixTimeMilliseconds());
        _create.Bind(6, start.Conversation.Span);
        _create.Bind(7, (long)(entries.Count > 0 && entries[^1].IsTerminal ? RunLogStatus.Finished : RunLogStatus.Open));
        _create.Bind(8, entries.Count > 0 ? entries[^1].Id : 0);
        _create.Bind(9, start.Conversation.Length + Bytes(entries));
        if (_create.ExecuteInt64() is not { } seq)
        {
            return false;
        }

        if (entries.Count > 0)
        {
            Insert(seq, entries);
        }

        return true;
    }

    /// <summary>Appends if the log is open and the entries continue it; <paramref name="lastId"/> is the log's last id as found.</summary>
    public AppendOutcome Append(RunLogKey key, IReadOnlyList<RunLogEntry> entries, out long lastId)
    {
        BindRun(_advance, key);
        _advance.Bind(5, entries[^1].Id);
        _advance.Bind(6, (long)(entries[^1].IsTerminal ? RunLogStatus.Finished : RunLogStatus.Open));
        _advance.Bind(7, Bytes(entries));
        _advance.Bind(8, entries[0].Id - 1);
        if (_advance.ExecuteInt64() is { } seq)
        {
            lastId = entries[0].Id - 1;
            Insert(seq, entries);
            return AppendOutcome.Appended;
        }

        if (State(key) is not var (_, status, last))
        {
            lastId = 0;
            return AppendOutcome.Unknown;
        }

        lastId = last;
        return status switch
        {
            RunLogStatus.Finished => AppendOutcome.Finished,
            RunLogStatus.Expired => AppendOutcome.Expired,
            _ => AppendOutcome.NotContinuing,
        };
    }

    /// <summary>Appends <paramref name="terminalEvent"/> to an open log, or returns the terminal a finished log holds; null when unknown or expired.</summary>
    public RunLogEntry? Finish(RunLogKey key, ReadOnlyMemory<byte> terminalEvent)
    {
        if (State(key) is not var (seq, status, last) || status == RunLogStatus.Expired)
        {
            return null;
        }

        if (status == RunLogStatus.Finished)
        {
            _event.Parameters[0].Value = seq;
            _event.Parameters[1].Value = last;
            using var reader = _event.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            var existing = new List<RunLogEntry>(1);
            Decode(reader.GetInt64(2), reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), last - 1, last, last, existing);
            return existing.Count == 1 ? existing[0] : null;
        }

        var terminal = new RunLogEntry(last + 1, terminalEvent, true);
        Insert(seq, [terminal]);
        _finish.Parameters[0].Value = seq;
        _finish.Parameters[1].Value = last + 1;
        _finish.Parameters[2].Value = (long)terminalEvent.Length;
        _finish.ExecuteNonQuery();
        return terminal;
    }

    public RunLogRead Read(RunLogKey key, long afterId, int maxEntries)
    {
        BindRun(_read, key);
        _read.Parameters[4].Value = afterId;
        _read.Parameters[5].Value = afterId > long.MaxValue - maxEntries ? long.MaxValue : afterId + maxEntries;
        using var reader = _read.ExecuteReader();
        if (!reader.Read())
        {
            return new RunLogRead { Status = RunLogStatus.Unknown, Entries = [], LastId = 0 };
        }

        var status = (RunLogStatus)reader.GetInt64(0);
        var last = reader.GetInt64(1);
        if (status == RunLogStatus.Expired)
        {
            return new RunLogRead { Status = status, Entries = [], LastId = 0 };
        }

        var entries = new List<RunLogEntry>();
        var upto = (long)_read.Parameters[5].Value!;
        do
        {
            if (!reader.IsDBNull(2))
            {
                Decode(reader.GetInt64(4), reader.GetInt64(2), reader.GetFieldValue<byte[]>(3), afterId, Math.Min(upto, last), status == RunLogStatus.Finished ? last : 0, entries);
            }
        }
        while (reader.Read());

        return new RunLogRead { Status = status, Entries = entries, LastId = last };
    }

    /// <summary>The log's status and last id (Unknown, 0 when there is no log).</summary>
    public (RunLogStatus Status, long LastId) Peek(RunLogKey key) =>
        State(key) is var (_, status, last) ? (status, last) : (RunLogStatus.Unknown, 0);

    public RunLogStart? Latest(ThreadKey thread)
    {
        SqliteThreadRow.BindKey(_latest, thread);
        using var reader = _latest.ExecuteReader();

        // The run created last, or none when it was dropped (an older run lacks what came after it).
        return reader.Read() && reader.GetInt64(3) != 3
            ? new RunLogStart
            {
                Key = new RunLogKey(thread, reader.GetString(0)),
                StartedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                Conversation = reader.GetFieldValue<byte[]>(2),
            }
            : null;
    }

    /// <summary>Expires at most <paramref name="limit"/> runs that started before <paramref name="cutoff"/>, oldest first.</summary>
    public List<RunLogKey> ExpireOlderThan(long cutoff, long now, int limit)
    {
        _oldRuns.Parameters[0].Value = cutoff;
        _oldRuns.Parameters[1].Value = limit;
        return Expire(_oldRuns, now, long.MaxValue);
    }

    /// <summary>Expires finished runs, oldest first, until the kept runs hold at most <paramref name="maxBytes"/> (at most <paramref name="limit"/> runs).</summary>
    public List<RunLogKey> ExpireOverSize(long maxBytes, long now, int limit)
    {
        var excess = (long)_totalBytes.ExecuteScalar()! - maxBytes;
        if (excess <= 0)
        {
            return [];
        }

        _finishedRuns.Parameters[0].Value = limit;
        return Expire(_finishedRuns, now, excess);
    }

    /// <summary>Deletes the tombstones of runs expired before <paramref name="cutoff"/>: they read as unknown from then on.</summary>
    public int Forget(long cutoff)
    {
        _forget.Parameters[0].Value = cutoff;
        return _forget.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var command in new IDisposable[] { _create, _state, _insertEvents, _advance, _finish, _event, _read, _latest, _oldRuns, _totalBytes, _finishedRuns, _dropEvents, _tombstone, _forget })
        {
            command.Dispose();
        }
    }

    // Expires the runs the query selects (seq, key, bytes), in its order, until bytes worth at least `bytes` are freed.
    private List<RunLogKey> Expire(SqliteCommand query, long now, long bytes)
    {
        var chosen = new List<(long Seq, RunLogKey Key)>();
        using (var reader = query.ExecuteReader())
        {
            while (bytes > 0 && reader.Read())
            {
                chosen.Add((reader.GetInt64(0), new RunLogKey(new ThreadKey(reader.GetString(1), reader.GetString(2), reader.GetString(3)), reader.GetString(4))));
                bytes -= reader.GetInt64(5);
            }
        }

        foreach (var (seq, _) in chosen)
        {
            _dropEvents.Parameters[0].Value = seq;
            _dropEvents.ExecuteNonQuery();
            _tombstone.Parameters[0].Value = seq;
            _tombstone.Parameters[1].Value = now;
            _tombstone.ExecuteNonQuery();
        }

        return chosen.ConvertAll(c => c.Key);
    }

    private (long Seq, RunLogStatus Status, long LastId)? State(RunLogKey key)
    {
        BindRun(_state, key);
        using var reader = _state.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), (RunLogStatus)reader.GetInt64(1), reader.GetInt64(2)) : null;
    }

    private static long Bytes(IReadOnlyList<RunLogEntry> entries)
    {
        long bytes = 0;
        foreach (var entry in entries)
        {
            bytes += entry.Event.Length;
        }

        return bytes;
    }

    // One row for the append: its events as one batch, each event as what differs from the one before (RunLogDeltaBatch),
    // encoded into a pooled buffer (SQLite copies what is bound).
    private void Insert(long seq, IReadOnlyList<RunLogEntry> entries)
    {
        _insertEvents.Bind(1, seq);
        _insertEvents.Bind(2, entries[^1].Id);
        _insertEvents.Bind(3, entries[0].Id);
        var buffer = ArrayPool<byte>.Shared.Rent(RunLogDeltaBatch.MaxLength(entries));
        try
        {
            _insertEvents.Bind(4, buffer.AsSpan(0, RunLogDeltaBatch.Encode(entries, buffer)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _insertEvents.Execute();
    }

    // A row's events by its layout: 1 as RunLogDeltaBatch writes them, 0 as RunLogBatch does (rows written before schema 5).
    private static void Decode(long layout, long firstId, byte[] batch, long afterId, long uptoId, long terminalId, List<RunLogEntry> into)
    {
        switch (layout)
        {
            case RunLogDeltaBatch.Layout:
                RunLogDeltaBatch.Decode(firstId, batch, afterId, uptoId, terminalId, into);
                break;
            case 0:
                RunLogBatch.Decode(firstId, batch, afterId, uptoId, terminalId, into);
                break;
            default:
                throw new FormatException($"A SQLite run log row has layout {layout}, which this version does not know.");
        }
    }

    private static void BindRun(SqliteStatement statement, RunLogKey key)
    {
        statement.Bind(1, key.Thread.Agent);
        statement.Bind(2, key.Thread.Owner);
        statement.Bind(3, key.Thread.ThreadId);
        statement.Bind(4, key.RunId);
    }

    private static void BindRun(SqliteCommand command, RunLogKey key)
    {
        SqliteThreadRow.BindKey(command, key.Thread);
        command.Parameters[3].Value = key.RunId;
    }

    private SqliteCommand Prepare(string sql, params string[] parameters) => SqliteSession.Prepare(_connection, sql, parameters);
}
