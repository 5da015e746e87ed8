using System.Buffers;
using AutomagikHello.AgUi.EventLog;

namespace AutomagikHello.AgUi.Sqlite;

/// <summary>
/// How the SQLite log stores one append's events (<c>run_events.layout</c> 1): each event as what differs from the
/// event before it (<see cref="RunLogDelta"/>, shared with the in-memory log). Every page a run's row spills into costs a
/// write to the WAL and another at the checkpoint: a 100-event run's 10 KB of JSON took two overflow pages; as deltas
/// (0.7 KB) it fits in its row.
/// </summary>
/// <remarks>
/// Layout: the events' total JSON length (a <see cref="RunLogDelta"/> number), then each event's record against the
/// event before it; the first event's is against nothing. Decoding rebuilds the events byte for byte.
/// </remarks>
internal static class RunLogDeltaBatch
{
    /// <summary>The value of <c>run_events.layout</c> for a row in this layout (0: <see cref="RunLogBatch"/>).</summary>
    public const long Layout = 1;

    /// <summary>The most bytes <see cref="Encode(IReadOnlyList{RunLogEntry}, Span{byte})"/> may write for <paramref name="entries"/>.</summary>
    public static int MaxLength(IReadOnlyList<RunLogEntry> entries)
    {
        var size = RunLogDelta.MaxNumberBytes;
        for (var i = 0; i < entries.Count; i++)
        {
            size = checked(size + RunLogDelta.MaxRecordLength(entries[i].Event.Length));
        }

        return size;
    }

    /// <summary>Writes <paramref name="entries"/>' events into <paramref name="destination"/> (at least <see cref="MaxLength"/> bytes); returns how many bytes it wrote.</summary>
    public static int Encode(IReadOnlyList<RunLogEntry> entries, Span<byte> destination)
    {
        var total = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            total = checked(total + entries[i].Event.Length);
        }

        var at = RunLogDelta.WriteNumber(destination, 0, total);
        ReadOnlySpan<byte> previous = default;
        for (var i = 0; i < entries.Count; i++)
        {
            var json = entries[i].Event.Span;
            var (prefix, suffix) = RunLogDelta.Compare(previous, json);
            at = RunLogDelta.WriteRecord(destination, at, json, prefix, suffix);
            previous = json;
        }

        return at;
    }

    /// <summary>
    /// Adds to <paramref name="into"/> the events of <paramref name="batch"/> whose ids are greater than
    /// <paramref name="afterId"/> and at most <paramref name="uptoId"/>, as slices of one new array holding the rebuilt JSON.
    /// </summary>
    /// <param name="firstId">The id of the batch's first event (the next are consecutive).</param>
    /// <param name="batch">The batch, as <see cref="Encode(IReadOnlyList{RunLogEntry}, Span{byte})"/> wrote it.</param>
    /// <param name="afterId">Events up to this id are skipped.</param>
    /// <param name="uptoId">Events after this id are left out.</param>
    /// <param name="terminalId">The id of the log's terminal event, marked <see cref="RunLogEntry.IsTerminal"/> (0: none).</param>
    /// <param name="into">Where the entries go, in order.</param>
    /// <exception cref="FormatException">The bytes are not a batch in this layout.</exception>
    public static void Decode(long firstId, ReadOnlySpan<byte> batch, long afterId, long uptoId, long terminalId, ICollection<RunLogEntry> into)
    {
        var at = 0;
        if (!RunLogDelta.TryReadNumber(batch, ref at, out var total))
        {
            throw Corrupt(batch, at);
        }

        var json = new byte[total];
        var written = 0;
        var previous = (Start: 0, Length: 0);
        for (var id = firstId; at < batch.Length && id <= uptoId; id++)
        {
            if (!RunLogDelta.TryReadRecord(batch, ref at, out var prefix, out var suffix, out var middle)
                || (long)prefix + suffix > previous.Length || (long)prefix + suffix + middle > total - written)
            {
                throw Corrupt(batch, at);
            }

            var start = written;
            json.AsSpan(previous.Start, prefix).CopyTo(json.AsSpan(written));
            written += prefix;
            batch.Slice(at, middle).CopyTo(json.AsSpan(written));
            written += middle;
            at += middle;
            json.AsSpan(previous.Start + previous.Length - suffix, suffix).CopyTo(json.AsSpan(written));
            written += suffix;
            previous = (start, written - start);
            if (id > afterId)
            {
                into.Add(new RunLogEntry(id, json.AsMemory(start, previous.Length), id == terminalId));
            }
        }

        if (at == batch.Length && written != total)
        {
            throw Corrupt(batch, at);
        }
    }

    /// <summary>A batch in this layout, in a new array (for tests and tools; the log encodes into a pooled buffer).</summary>
    public static byte[] Encode(IReadOnlyList<RunLogEntry> entries)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxLength(entries));
        try
        {
            return buffer.AsSpan(0, Encode(entries, buffer)).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static FormatException Corrupt(ReadOnlySpan<byte> batch, int at) =>
        new($"A SQLite run log batch (delta layout) of {batch.Length} bytes is cut or corrupt at byte {at}.");
}
