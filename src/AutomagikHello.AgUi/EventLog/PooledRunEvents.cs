using System.Buffers;

namespace AutomagikHello.AgUi.EventLog;

/// <summary>
/// One run's events in the <see cref="InMemoryRunEventLog"/>: their JSON in segments rented from the shared array
/// pool and an index of where each event sits, both given back when the run is dropped. Why: a kept run used to be
/// fresh arrays that outlived gen0 and gen1 and died in gen2 when retention dropped them, so the log cost mostly
/// garbage collection; with pooled segments a new run reuses a dropped run's memory. Reads copy what they return, so
/// no reference to a segment leaves the log's lock. Not thread-safe (the log's lock guards it).
/// </summary>
internal sealed class PooledRunEvents
{
    // Most events are far smaller; an event larger than this gets a segment of its own size.
    private const int SegmentBytes = 4 * 1024;
    private const int InitialSlots = 16;

    private byte[][] _segments = [];
    private int _segmentCount;
    private int _segmentUsed;
    private Slot[] _slots = [];

    /// <summary>How many events are kept (their ids are 1 to this).</summary>
    public int Count { get; private set; }

    /// <summary>Copies <paramref name="json"/> in as the next event.</summary>
    public void Add(ReadOnlySpan<byte> json)
    {
        if (_segmentCount == 0 || _segments[_segmentCount - 1].Length - _segmentUsed < json.Length)
        {
            AddSegment(Math.Max(SegmentBytes, json.Length));
        }

        var segment = _segmentCount - 1;
        json.CopyTo(_segments[segment].AsSpan(_segmentUsed));
        if (Count == _slots.Length)
        {
            _slots = Grow(_slots, Math.Max(InitialSlots, Count * 2));
        }

        _slots[Count++] = new Slot(segment, _segmentUsed, json.Length);
        _segmentUsed += json.Length;
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

        var bytes = 0;
        for (var i = from; i < from + count; i++)
        {
            bytes += _slots[i].Length;
        }

        var copy = new byte[bytes];
        var entries = new RunLogEntry[count];
        var at = 0;
        for (var i = 0; i < count; i++)
        {
            var slot = _slots[from + i];
            _segments[slot.Segment].AsSpan(slot.Offset, slot.Length).CopyTo(copy.AsSpan(at));
            entries[i] = new RunLogEntry(from + i + 1, copy.AsMemory(at, slot.Length), finished && from + i + 1 == Count);
            at += slot.Length;
        }

        return entries;
    }

    /// <summary>Gives the segments and the index back to the pool; the events are gone.</summary>
    public void Release()
    {
        for (var i = 0; i < _segmentCount; i++)
        {
            ArrayPool<byte>.Shared.Return(_segments[i]);
        }

        if (_segments.Length > 0)
        {
            ArrayPool<byte[]>.Shared.Return(_segments, clearArray: true);
        }

        if (_slots.Length > 0)
        {
            ArrayPool<Slot>.Shared.Return(_slots);
        }

        _segments = [];
        _slots = [];
        _segmentCount = 0;
        _segmentUsed = 0;
        Count = 0;
    }

    private void AddSegment(int minimumBytes)
    {
        if (_segmentCount == _segments.Length)
        {
            var grown = ArrayPool<byte[]>.Shared.Rent(Math.Max(4, _segmentCount * 2));
            _segments.AsSpan(0, _segmentCount).CopyTo(grown);
            if (_segments.Length > 0)
            {
                ArrayPool<byte[]>.Shared.Return(_segments, clearArray: true);
            }

            _segments = grown;
        }

        _segments[_segmentCount++] = ArrayPool<byte>.Shared.Rent(minimumBytes);
        _segmentUsed = 0;
    }

    private static Slot[] Grow(Slot[] slots, int length)
    {
        var grown = ArrayPool<Slot>.Shared.Rent(length);
        slots.AsSpan().CopyTo(grown);
        if (slots.Length > 0)
        {
            ArrayPool<Slot>.Shared.Return(slots);
        }

        return grown;
    }

    // Where one event's JSON sits.
    private readonly record struct Slot(int Segment, int Offset, int Length);
}
