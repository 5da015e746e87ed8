using AutomagikHello.AgUi.Threads;
using Microsoft.Data.Sqlite;

namespace AutomagikHello.AgUi.Sqlite;

/// <summary>
/// A thread record as a row of <c>threads</c>: the key's three columns, the version, the record's JSON and the
/// columns retention reads (<c>updated_at</c>, <c>lease_expires_at</c>, Unix milliseconds, and <c>updated_hour</c>,
/// which the statements compute from <c>updated_at</c>). Parameters are bound by position in that order.
/// </summary>
/// <remarks>
/// A lease renewal writes no JSON: it sets the version, <c>updated_at</c>, <c>lease_expires_at</c> and the exact
/// renewal (<c>renewed_at_ticks</c>, <c>renewed_until_ticks</c>), and a read lays those over the JSON of the row's
/// last full write. Every held run renews every few seconds, and serialising its whole record each time was most of
/// what a renewal allocated. Every other write stores the whole record and sets the renewal columns to NULL.
/// </remarks>
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

    /// <summary>
    /// Whether <paramref name="next"/> renews <paramref name="current"/>'s lease and changes nothing else (besides the
    /// version and <see cref="ThreadRecord.UpdatedAt"/>, set to the renewal's time), so that
    /// <see cref="BindRenewal"/>'s columns and the row's JSON make <paramref name="next"/> again. Compared member by
    /// member (the lists by reference: a renewal copies them), so that nothing is allocated.
    /// </summary>
    public static bool IsRenewalOnly(ThreadRecord current, ThreadRecord next) =>
        current.Lease is { } held
        && next.Lease is { RenewedAt: { } renewedAt } lease
        && next.UpdatedAt == renewedAt
        && next.Version == current.Version + 1
        && next.Key == current.Key
        && ReferenceEquals(next.Pending, current.Pending)
        && ReferenceEquals(next.Consumed, current.Consumed)
        && next.LastRunId == current.LastRunId
        && next.CreatedAt == current.CreatedAt
        && lease.RunId == held.RunId
        && lease.InstanceId == held.InstanceId
        && lease.CancelRequested == held.CancelRequested
        && ReferenceEquals(lease.ClaimedInterruptIds, held.ClaimedInterruptIds);

    /// <summary>
    /// Binds a renewal to the key (?1–?3), version (?4), <c>updated_at</c> (?6), <c>lease_expires_at</c> (?7) and the
    /// renewal's exact times (?9 <c>renewed_at_ticks</c>, ?10 <c>renewed_until_ticks</c>); <paramref name="next"/>
    /// passed <see cref="IsRenewalOnly"/>.
    /// </summary>
    public static void BindRenewal(SqliteStatement statement, ThreadRecord next)
    {
        var lease = next.Lease!;
        statement.Bind(1, next.Key.Agent);
        statement.Bind(2, next.Key.Owner);
        statement.Bind(3, next.Key.ThreadId);
        statement.Bind(4, next.Version);
        statement.Bind(6, next.UpdatedAt.ToUnixTimeMilliseconds());
        statement.Bind(7, lease.ExpiresAt.ToUnixTimeMilliseconds());
        statement.Bind(9, lease.RenewedAt!.Value.UtcTicks);
        statement.Bind(10, lease.ExpiresAt.UtcTicks);
    }

    /// <summary>
    /// The record of the reader's current row: the JSON in column 0, with the renewal written since, if any (columns
    /// 1–3: <c>version</c>, <c>renewed_at_ticks</c>, <c>renewed_until_ticks</c>), laid over it.
    /// </summary>
    public static ThreadRecord ReadRecord(SqliteDataReader reader)
    {
        var record = ThreadRecordSerializer.Deserialize(reader.GetFieldValue<byte[]>(0));
        if (reader.IsDBNull(2) || record.Lease is not { } lease)
        {
            return record;
        }

        var renewedAt = new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero);
        return record with
        {
            Version = reader.GetInt64(1),
            UpdatedAt = renewedAt,
            Lease = lease with { ExpiresAt = new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero), RenewedAt = renewedAt },
        };
    }
}
