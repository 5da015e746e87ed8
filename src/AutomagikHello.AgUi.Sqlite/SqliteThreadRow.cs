using AutomagikHello.AgUi.Threads;
using Microsoft.Data.Sqlite;

namespace AutomagikHello.AgUi.Sqlite;

/// <summary>
/// A thread record as a row of <c>threads</c>: the key's three columns, the version, the record's JSON and the
/// columns retention reads (<c>updated_at</c>, <c>lease_expires_at</c>, Unix milliseconds, and <c>updated_hour</c>,
/// which the statements compute from <c>updated_at</c>). Parameters are bound by position in that order.
/// </summary>
internal static class SqliteThreadRow
{
    /// <summary>
    /// The width of <c>updated_hour</c> (<c>updated_at / HourMs</c>, retention's index): coarse, so that a thread's
    /// writes within one hour leave its index entry, and the index's page, unchanged.
    /// </summary>
    public const long HourMs = 3_600_000;

    /// <summary>Whether a row written from <paramref name="next"/> keeps the <c>updated_hour</c> of one written from <paramref name="current"/>.</summary>
    public static bool SameHour(ThreadRecord current, ThreadRecord next) =>
        current.UpdatedAt.ToUnixTimeMilliseconds() / HourMs == next.UpdatedAt.ToUnixTimeMilliseconds() / HourMs;

    /// <summary>Binds the key to parameters 0–2.</summary>
    public static void BindKey(SqliteCommand command, ThreadKey key)
    {
        command.Parameters[0].Value = key.Agent;
        command.Parameters[1].Value = key.Owner;
        command.Parameters[2].Value = key.ThreadId;
    }

    /// <summary>Binds the key and the record (<paramref name="json"/>: it serialised) to parameters ?1–?7.</summary>
    public static void BindRecord(SqliteStatement statement, ThreadRecord record, ReadOnlySpan<byte> json)
    {
        statement.Bind(1, record.Key.Agent);
        statement.Bind(2, record.Key.Owner);
        statement.Bind(3, record.Key.ThreadId);
        statement.Bind(4, record.Version);
        statement.Bind(5, json);
        statement.Bind(6, record.UpdatedAt.ToUnixTimeMilliseconds());
        if (record.Lease is { } lease)
        {
            statement.Bind(7, lease.ExpiresAt.ToUnixTimeMilliseconds());
        }
        else
        {
            statement.BindNull(7);
        }
    }

    /// <summary>The record in column 0 of the reader's current row.</summary>
    public static ThreadRecord ReadRecord(SqliteDataReader reader) => ThreadRecordSerializer.Deserialize(reader.GetFieldValue<byte[]>(0));
}
