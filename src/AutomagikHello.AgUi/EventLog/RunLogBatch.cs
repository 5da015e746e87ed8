using System.Buffers.Binary;

namespace AutomagikHello.AgUi.EventLog;

/// <summary>
/// The layout a durable <see cref="IRunEventLog"/> stores one append in, as one value (a row, a stream entry) rather
/// than one per event: the events one after another, each as its length (4 bytes, little-endian) and its JSON. An
/// append is one write of one value whatever its size, which is most of what a store charges per event.
/// </summary>
public static class RunLogBatch
{
    private const int LengthBytes = sizeof(int);

    /// <summary>The batch holding <paramref name="entries"/>' events, in order.</summary>
    /// <param name="entries">The entries of one append (not empty).</param>
    /// <returns>A new array.</returns>
    public static byte[] Encode(IReadOnlyList<RunLogEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var size = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            size = checked(size + LengthBytes + entries[i].Event.Length);
        }

        var batch = new byte[size];
        var at = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            var json = entries[i].Event.Span;
            BinaryPrimitives.WriteInt32LittleEndian(batch.AsSpan(at), json.Length);
            json.CopyTo(batch.AsSpan(at + LengthBytes));
            at += LengthBytes + json.Length;
        }

        return batch;
    }

    /// <summary>How many events <paramref name="batch"/> holds.</summary>
    /// <exception cref="FormatException">The bytes are not a batch.</exception>
    public static int Count(ReadOnlySpan<byte> batch)
    {
        var count = 0;
        for (var at = 0; at < batch.Length; count++)
        {
            at += LengthBytes + ReadLength(batch, at);
        }

        return count;
    }

    /// <summary>
    /// Adds to <paramref name="into"/> the events of <paramref name="batch"/> whose ids are greater than
    /// <paramref name="afterId"/> and at most <paramref name="uptoId"/>, as slices of the batch (no copy).
    /// </summary>
    /// <param name="firstId">The id of the batch's first event (the next are consecutive).</param>
    /// <param name="batch">The batch, as <see cref="Encode"/> wrote it.</param>
    /// <param name="afterId">Events up to this id are skipped.</param>
    /// <param name="uptoId">Events after this id are left out.</param>
    /// <param name="terminalId">The id of the log's terminal event, marked <see cref="RunLogEntry.IsTerminal"/> (0: none).</param>
    /// <param name="into">Where the entries go, in order.</param>
    /// <exception cref="FormatException">The bytes are not a batch.</exception>
    public static void Decode(long firstId, byte[] batch, long afterId, long uptoId, long terminalId, ICollection<RunLogEntry> into)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(into);
        var at = 0;
        for (var id = firstId; at < batch.Length && id <= uptoId; id++)
        {
            var length = ReadLength(batch, at);
            if (id > afterId)
            {
                into.Add(new RunLogEntry(id, batch.AsMemory(at + LengthBytes, length), id == terminalId));
            }

            at += LengthBytes + length;
        }
    }

    private static int ReadLength(ReadOnlySpan<byte> batch, int at)
    {
        var length = batch.Length - at < LengthBytes ? -1 : BinaryPrimitives.ReadInt32LittleEndian(batch[at..]);
        if (length < 0 || length > batch.Length - at - LengthBytes)
        {
            throw new FormatException($"A run log batch of {batch.Length} bytes is cut or corrupt at byte {at}.");
        }

        return length;
    }
}
