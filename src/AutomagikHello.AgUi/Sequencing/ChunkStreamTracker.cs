namespace AutomagikHello.AgUi.Sequencing;

/// <summary>One lane (the parent agent, or one subagentRunId) and the chunk stream it is assembling, if any.</summary>
internal sealed class ChunkLane(string? owner)
{
    public string? Owner { get; } = owner;

    /// <summary>The item the open chunk stream assembles; <see langword="null"/> when none is open.</summary>
    public StreamItem? Item { get; set; }

    /// <summary>The tracker (kind) of <see cref="Item"/>.</summary>
    public StreamItemTracker? Kind { get; set; }

    public StreamItem? LastClosedItem { get; set; }

    public StreamItemTracker? LastClosedKind { get; set; }

    public AgUiEventType LastClosedBy { get; set; }
}

/// <summary>
/// Tracks the chunk streams (<c>*_CHUNK</c> shorthand) open per lane. A lane holds at most one stream: any message,
/// tool, step, state, custom or reasoning event in the lane closes it implicitly, and so do run-level events and the
/// lane's subagent terminating (rule 27).
/// </summary>
internal sealed class ChunkStreamTracker
{
    private readonly ChunkLane _parentLane = new(null);
    // Never written: what the loops read before the first subagent's chunk creates the lanes.
    private static readonly Dictionary<string, ChunkLane> NoLanes = new(StringComparer.Ordinal);

    private Dictionary<string, ChunkLane>? _subagentLanes; // created with the first subagent's chunk

    /// <summary>How many lanes have an open stream; zero lets every non-chunk event skip this tracker.</summary>
    public int OpenCount { get; private set; }

    public ChunkLane Lane(string? owner)
    {
        if (owner is null)
        {
            return _parentLane;
        }

        _subagentLanes ??= new(StringComparer.Ordinal);
        if (!_subagentLanes.TryGetValue(owner, out var lane))
        {
            lane = new ChunkLane(owner);
            _subagentLanes.Add(owner, lane);
        }

        return lane;
    }

    /// <summary>The lane whose open stream assembles item <paramref name="id"/> of the given kind.</summary>
    public ChunkLane? FindOpen(StreamItemTracker kind, string id)
    {
        if (OpenCount == 0)
        {
            return null;
        }

        if (IsAssembling(_parentLane, kind, id))
        {
            return _parentLane;
        }

        foreach (var lane in (_subagentLanes ?? NoLanes).Values)
        {
            if (IsAssembling(lane, kind, id))
            {
                return lane;
            }
        }

        return null;
    }

    /// <summary>
    /// The stream an id-less chunk continues: the tagged lane's; untagged, the parent agent's stream of the kind,
    /// otherwise the only open stream of the kind. Several candidates and no parent stream is ambiguous.
    /// </summary>
    public ChunkLane? ResolveContinuation(StreamItemTracker kind, string? owner, out bool ambiguous)
    {
        ambiguous = false;
        if (OpenCount == 0)
        {
            return null;
        }

        if (owner is not null)
        {
            return _subagentLanes is not null && _subagentLanes.TryGetValue(owner, out var tagged) && tagged.Item is not null && tagged.Kind == kind ? tagged : null;
        }

        if (_parentLane.Item is not null && _parentLane.Kind == kind)
        {
            return _parentLane;
        }

        ChunkLane? found = null;
        foreach (var lane in (_subagentLanes ?? NoLanes).Values)
        {
            if (lane.Item is not null && lane.Kind == kind)
            {
                if (found is not null)
                {
                    ambiguous = true;
                    return null;
                }

                found = lane;
            }
        }

        return found;
    }

    /// <summary>The lane an unresolvable id-less chunk was aimed at, when its last stream of the kind was closed.</summary>
    public ChunkLane? FindClosed(StreamItemTracker kind, string? owner)
    {
        if (owner is not null)
        {
            return _subagentLanes is not null && _subagentLanes.TryGetValue(owner, out var tagged) && tagged.LastClosedKind == kind ? tagged : null;
        }

        if (_parentLane.LastClosedKind == kind)
        {
            return _parentLane;
        }

        foreach (var lane in (_subagentLanes ?? NoLanes).Values)
        {
            if (lane.LastClosedKind == kind)
            {
                return lane;
            }
        }

        return null;
    }

    /// <summary>Opens a stream in <paramref name="lane"/>, closing the one it held (the opening chunk <paramref name="by"/> ends it).</summary>
    public void Open(ChunkLane lane, StreamItemTracker kind, StreamItem item, AgUiEventType by)
    {
        Close(lane, by);
        lane.Item = item;
        lane.Kind = kind;
        OpenCount++;
    }

    /// <summary>Implicitly closes the stream of <paramref name="owner"/>'s lane because <paramref name="by"/> arrived in it.</summary>
    public void CloseLane(string? owner, AgUiEventType by)
    {
        if (OpenCount == 0)
        {
            return;
        }

        if (owner is null)
        {
            Close(_parentLane, by);
        }
        else if (_subagentLanes is not null && _subagentLanes.TryGetValue(owner, out var lane))
        {
            Close(lane, by);
        }
    }

    /// <summary>Closes every lane's stream (a run-level event arrived).</summary>
    public void CloseAll(AgUiEventType by)
    {
        if (OpenCount == 0)
        {
            return;
        }

        Close(_parentLane, by);
        foreach (var lane in (_subagentLanes ?? NoLanes).Values)
        {
            Close(lane, by);
        }
    }

    public void Reset()
    {
        _parentLane.Item = null;
        _parentLane.Kind = null;
        _parentLane.LastClosedItem = null;
        _parentLane.LastClosedKind = null;
        _subagentLanes?.Clear();
        OpenCount = 0;
    }

    private static bool IsAssembling(ChunkLane lane, StreamItemTracker kind, string id) =>
        lane.Item is not null && lane.Kind == kind && string.Equals(lane.Item.Id, id, StringComparison.Ordinal);

    private void Close(ChunkLane lane, AgUiEventType by)
    {
        if (lane.Item is null)
        {
            return;
        }

        lane.Kind!.Close(lane.Item);
        lane.LastClosedItem = lane.Item;
        lane.LastClosedKind = lane.Kind;
        lane.LastClosedBy = by;
        lane.Item = null;
        lane.Kind = null;
        OpenCount--;
    }
}
