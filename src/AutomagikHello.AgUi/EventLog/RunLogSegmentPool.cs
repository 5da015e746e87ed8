namespace AutomagikHello.AgUi.EventLog;

/// <summary>
/// The full-size segments an <see cref="InMemoryRunEventLog"/> keeps for reuse when it drops a run, so a log at its
/// bound writes new runs into old runs' memory instead of memory the runtime must zero and the kernel map (the shared
/// array pool keeps a few dozen arrays of a size per core and lets the rest go to the collector). Bounded by the caller:
/// a segment is kept only while the pool and the runs together stay within the log's <see cref="InMemoryRunEventLogOptions.MaxTotalBytes"/>.
/// Not thread-safe (the log's lock guards it).
/// </summary>
internal sealed class RunLogSegmentPool
{
    /// <summary>How long a full-size segment is.</summary>
    public const int SegmentBytes = 4 * 1024;

    private readonly Stack<byte[]> _free = new();

    /// <summary>The bytes the pool holds.</summary>
    public long Bytes => (long)_free.Count * SegmentBytes;

    /// <summary>A kept segment, or a new one (not zeroed: only what the log writes in it is ever read).</summary>
    public byte[] Rent() => _free.TryPop(out var segment) ? segment : GC.AllocateUninitializedArray<byte>(SegmentBytes);

    /// <summary>
    /// Lets go of kept segments until the pool holds at most <paramref name="room"/> bytes: called whenever the runs grow
    /// by memory not taken from the pool (a conversation, a smaller or larger segment, a terminal event), so the pool and
    /// the runs together stay within the bound.
    /// </summary>
    public void Trim(long room)
    {
        while (Bytes > room && _free.TryPop(out _))
        {
        }
    }

    /// <summary>Keeps <paramref name="segment"/> if the pool stays within <paramref name="room"/> bytes; else lets it go.</summary>
    public void Return(byte[] segment, long room)
    {
        if (segment.Length == SegmentBytes && Bytes + SegmentBytes <= room)
        {
            _free.Push(segment);
        }
    }
}
