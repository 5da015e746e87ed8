using System.Buffers;
using System.Diagnostics;

namespace AutomagikHello.AgUi.EventLog;

/// <summary>
/// One run's events in the <see cref="InMemoryRunEventLog"/>: each stored as what differs from the event before it
/// (<see cref="RunLogDelta"/>: a content event's record is its delta and a few bytes, where its JSON is ~100), in
/// segments that each begin with a whole event, so a read from any id decodes from its segment's start. Why: a long
/// run's JSON kept whole was new memory the runtime zeroed and the kernel mapped page by page (a fresh server's logged
/// stream cost 2.4× the CPU of an unlogged one); as deltas it is some 10× fewer bytes. Segments grow from 512 bytes
/// (a short run holds little) to full size, which comes from the log's <see cref="RunLogSegmentPool"/>; smaller ones
/// from the shared array pool; an event too large for a full segment gets one of its own size. There is no per-event
/// index: a segment knows the index of its first event. Reads copy what they return, so no reference to a segment
/// leaves the log's lock. Not thread-safe (the log's lock guards it).
/// </summary>
internal sealed class PooledRunEvents(RunLogSegmentPool pool)
{
    private const int FirstSegmentBytes = 512;

    private Segment[] _segments = [];
    private int _segmentCount;

    // A copy of the last event, which the next append's first event is encoded against; dropped at the run's finish.
    private byte[]? _last;
    private int _lastLength;

    /// <summary>How many events are kept (their ids are 1 to this).</summary>
    public int Count { get; private set; }

    /// <summary>The bytes the run's segments take (their whole length, used or not), as the log's bounds count them.</summary>
    public long SegmentBytes { get; private set; }

    /// <summary>Where the events end now, for <see cref="Truncate"/>.</summary>
    public Mark End => new(_segmentCount, _segmentCount == 0 ? 0 : _segments[_segmentCount - 1].Used, Count);

    /// <summary>Stores <paramref name="entries"/>' events; the next append continues from the last (see <see cref="KeepLast"/>).</summary>
    public void Append(IReadOnlyList<RunLogEntry> entries)
    {
        ReadOnlySpan<byte> previous = _last.AsSpan(0, _lastLength);
        for (var i = 0; i < entries.Count; i++)
        {
            var json = entries[i].Event.Span;
            Add(json, previous);
            previous = json;
        }
    }

    /// <summary>Stores the run's last event (nothing is appended after it), encoded against the last kept.</summary>
    public void AppendLast(ReadOnlySpan<byte> json)
    {
        Add(json, _last.AsSpan(0, _lastLength));
        DropLast();
    }

    /// <summary>Keeps a copy of <paramref name="json"/>, the event just appended, for the next append to be encoded against.</summary>
    public void KeepLast(ReadOnlySpan<byte> json)
    {
        if (_last is null || _last.Length < json.Length)
        {
            DropLast();
            _last = ArrayPool<byte>.Shared.Rent(Math.Max(256, json.Length));
        }

        json.CopyTo(_last);
        _lastLength = json.Length;
    }

    /// <summary>Gives back the copy of the last event (the run is finished: nothing is appended after it).</summary>
    public void DropLast()
    {
        if (_last is not null)
        {
            ArrayPool<byte>.Shared.Return(_last);
            _last = null;
            _lastLength = 0;
        }
    }

    /// <summary>Forgets the events after <paramref name="end"/> (an append the bounds refused), giving back their new segments.</summary>
    public void Truncate(Mark end, long room)
    {
        while (_segmentCount > end.SegmentCount)
        {
            ReturnSegment(_segments[--_segmentCount].Bytes, room);
            _segments[_segmentCount] = default;
        }

        if (_segmentCount > 0)
        {
            _segments[_segmentCount - 1].Used = end.Used;
        }

        Count = end.Count;
    }

    /// <summary>
    /// Copies <paramref name="count"/> events from index <paramref name="from"/> (the id after which to read) into one
    /// new array; the last event kept is marked terminal when <paramref name="finished"/>.
    /// </summary>
    public RunLogEntry[] Read(int from, int count, bool finished)
    {
        if (count == 0)
        {
            return [];
        }

        var first = FindSegment(from);

        // First the lengths: of the events returned (one array for all), and the longest of those skipped before
        // them in their segment (rebuilt in a scratch buffer, each over the one before).
        var bytes = 0;
        var skippedLength = 0;
        var cursor = new Cursor(first, _segments[first].FirstIndex);
        while (cursor.Index < from + count)
        {
            var record = Next(ref cursor);
            if (cursor.Index <= from)
            {
                skippedLength = Math.Max(skippedLength, record.Length);
            }
            else
            {
                bytes += record.Length;
            }
        }

        var copy = new byte[bytes];
        var entries = new RunLogEntry[count];
        var scratch = skippedLength > 0 ? ArrayPool<byte>.Shared.Rent(skippedLength) : null;
        try
        {
            ReadOnlySpan<byte> previous = default;
            var written = 0;
            cursor = new Cursor(first, _segments[first].FirstIndex);
            while (cursor.Index < from + count)
            {
                // A segment's first record is a whole event: it shares nothing with the previous one.
                var record = Next(ref cursor);
                var middle = _segments[cursor.Segment].Bytes.AsSpan(record.MiddleAt, record.Middle);
                var index = cursor.Index - 1;
                if (index < from)
                {
                    // In place: the shared end moves to after the new middle first, the shared start stays.
                    var rebuilt = scratch.AsSpan(0, record.Length);
                    previous[^record.Suffix..].CopyTo(scratch.AsSpan(record.Prefix + record.Middle));
                    middle.CopyTo(rebuilt[record.Prefix..]);
                    previous = rebuilt;
                }
                else
                {
                    var json = copy.AsSpan(written, record.Length);
                    previous[..record.Prefix].CopyTo(json);
                    middle.CopyTo(json[record.Prefix..]);
                    previous[^record.Suffix..].CopyTo(json[(record.Prefix + record.Middle)..]);
                    entries[index - from] = new RunLogEntry(index + 1, copy.AsMemory(written, record.Length), finished && index + 1 == Count);
                    written += record.Length;
                    previous = json;
                }
            }
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }

        return entries;
    }

    /// <summary>Gives the segments back (full ones to the log's pool, within <paramref name="room"/> bytes); the events are gone.</summary>
    public void Release(long room)
    {
        for (var i = 0; i < _segmentCount; i++)
        {
            ReturnSegment(_segments[i].Bytes, room);
        }

        DropLast();
        _segments = [];
        _segmentCount = 0;
        Count = 0;
    }

    private void Add(ReadOnlySpan<byte> json, ReadOnlySpan<byte> previous)
    {
        if (_segmentCount > 0)
        {
            ref var last = ref _segments[_segmentCount - 1];
            var (prefix, suffix) = RunLogDelta.Compare(previous, json);
            if (last.Bytes.Length - last.Used >= RunLogDelta.RecordLength(json.Length, prefix, suffix))
            {
                last.Used = RunLogDelta.WriteRecord(last.Bytes, last.Used, json, prefix, suffix);
                Count++;
                return;
            }
        }

        // A new segment begins with the whole event, so a read can start there.
        var whole = RunLogDelta.RecordLength(json.Length, 0, 0);
        ref var segment = ref AddSegment(whole);
        segment.Used = RunLogDelta.WriteRecord(segment.Bytes, 0, json, 0, 0);
        Count++;
    }

    private ref Segment AddSegment(int minimumBytes)
    {
        if (_segmentCount == _segments.Length)
        {
            Array.Resize(ref _segments, Math.Max(4, _segmentCount * 2));
        }

        // Each segment twice the one before, up to full size; an event larger than that alone in one of its size.
        var size = _segmentCount == 0 ? FirstSegmentBytes : Math.Min(RunLogSegmentPool.SegmentBytes, _segments[_segmentCount - 1].Bytes.Length * 2);
        while (size < minimumBytes && size < RunLogSegmentPool.SegmentBytes)
        {
            size *= 2;
        }

        var bytes = size >= minimumBytes && size == RunLogSegmentPool.SegmentBytes ? pool.Rent()
            : size >= minimumBytes ? ArrayPool<byte>.Shared.Rent(size)
            : GC.AllocateUninitializedArray<byte>(minimumBytes);
        SegmentBytes += bytes.Length;
        ref var segment = ref _segments[_segmentCount++];
        segment = new Segment(bytes, Count);
        return ref segment;
    }

    private void ReturnSegment(byte[] bytes, long room)
    {
        SegmentBytes -= bytes.Length;
        if (bytes.Length < RunLogSegmentPool.SegmentBytes)
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
        else
        {
            pool.Return(bytes, room);
        }
    }

    // The last segment whose first event is at or before index.
    private int FindSegment(int index)
    {
        int low = 0, high = _segmentCount - 1;
        while (low < high)
        {
            var mid = (low + high + 1) / 2;
            if (_segments[mid].FirstIndex <= index)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        return low;
    }

    // Reads the record at the cursor and moves past it, into the next segment when this one is used up.
    private Record Next(ref Cursor cursor)
    {
        if (cursor.At == _segments[cursor.Segment].Used)
        {
            cursor = new Cursor(cursor.Segment + 1, cursor.Index);
        }

        var segment = _segments[cursor.Segment];
        var at = cursor.At;
        var read = RunLogDelta.TryReadRecord(segment.Bytes.AsSpan(0, segment.Used), ref at, out var prefix, out var suffix, out var middle);
        Debug.Assert(read, "The log reads only records it wrote.");
        cursor = cursor with { At = at + middle, Index = cursor.Index + 1 };
        return new Record(prefix, suffix, middle, at);
    }

    /// <summary>Where the events end: restored by <see cref="Truncate"/>.</summary>
    public readonly record struct Mark(int SegmentCount, int Used, int Count);

    private struct Segment(byte[] bytes, int firstIndex)
    {
        public byte[] Bytes { get; } = bytes;

        /// <summary>The index of the event this segment begins with (whole).</summary>
        public int FirstIndex { get; } = firstIndex;

        public int Used { get; set; }
    }

    // A position in the run's records: the segment, the byte in it, and the index of the event that starts there.
    private readonly record struct Cursor(int Segment, int Index, int At = 0);

    // One record: the event is Prefix + Middle + Suffix bytes long; its middle bytes start at MiddleAt in its segment.
    private readonly record struct Record(int Prefix, int Suffix, int Middle, int MiddleAt)
    {
        public int Length => Prefix + Suffix + Middle;
    }
}
