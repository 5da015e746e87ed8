using AutomagikHello.AgUi.Threads;
using Microsoft.Data.Sqlite;

namespace AutomagikHello.AgUi.Sqlite;

/// <summary>
/// A thread record as a row of <c>threads</c>: the key's three columns, the version, the record's JSON and the two
/// columns retention reads (<c>updated_at</c>, <c>lease_expires_at</c>, Unix milliseconds). Parameters are bound by
/// position in that order.
/// </summary>
internal static class SqliteThreadRow
{
    /// <summary>Binds the key to parameters 0–2.</summary>
    public static void BindKey(SqliteCommand command, ThreadKey key)
    {
        command.Parameters[0].Value = key.Agent;
        command.Parameters[1].Value = key.Owner;
        command.Parameters[2].Value = key.ThreadId;
    }

    /// <summary>Binds the key and the record (<paramref name="json"/>: it serialised) to parameters 0–6.</summary>
    public static void BindRecord(SqliteCommand command, ThreadRecord record, byte[] json)
    {
        BindKey(command, record.Key);
        command.Parameters[3].Value = record.Version;
        command.Parameters[4].Value = json;
        command.Parameters[5].Value = record.UpdatedAt.ToUnixTimeMilliseconds();
        command.Parameters[6].Value = record.Lease is { } lease ? lease.ExpiresAt.ToUnixTimeMilliseconds() : DBNull.Value;
    }

    /// <summary>The record in column 0 of the reader's current row.</summary>
    public static ThreadRecord ReadRecord(SqliteDataReader reader) => ThreadRecordSerializer.Deserialize(reader.GetFieldValue<byte[]>(0));
}
