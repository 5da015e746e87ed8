namespace AutomagikHello.AgUi.Sequencing;

/// <summary>
/// Tracks the items of one kind (text messages, tool calls, reasoning messages or reasoning spans) through the
/// current run: which ids are open, in which form they were opened, and what their openers said. Checks the
/// open/continue/reopen rules for that kind; the caller applies the event only when the check passed.
/// </summary>
/// <remarks>
/// The first item of a run sits in a field; the collections are created with the second (and the abandoned set with the
/// first abandoned one): a guard holds four trackers for the whole life of its stream, and most runs open one item of
/// one kind (a text message) or none.
/// </remarks>
internal sealed class StreamItemTracker
{
    private StreamItem? _first;
    private Dictionary<string, StreamItem>? _items; // with _created, from the second item on (both hold the first too)
    private List<StreamItem>? _created;
    private readonly HashSet<string>? _historyIds;
    private HashSet<string>? _abandoned;
    private readonly SequenceRule _openRule;
    private readonly SequenceRule _continueRule;
    private readonly string _noun;
    private StreamItem? _last;

    /// <param name="kind">The kind of item.</param>
    /// <param name="openRule">The rule an opener naming an open id breaks.</param>
    /// <param name="continueRule">The rule a continuation naming an id that is not open breaks.</param>
    /// <param name="historyIds">Message ids of the input history an opener must not reuse (rule 8), if any.</param>
    public StreamItemTracker(StreamItemKind kind, SequenceRule openRule, SequenceRule continueRule, HashSet<string>? historyIds)
    {
        Kind = kind;
        _openRule = openRule;
        _continueRule = continueRule;
        _historyIds = historyIds;
        _noun = kind switch
        {
            StreamItemKind.TextMessage => "message",
            StreamItemKind.ToolCall => "tool call",
            StreamItemKind.ReasoningMessage => "reasoning message",
            _ => "reasoning span",
        };
    }

    public StreamItemKind Kind { get; }

    /// <summary>How many explicitly opened items are open (chunk streams close on their own).</summary>
    public int OpenExplicitCount { get; private set; }

    /// <summary>Every item of the current run, in the order it was first opened.</summary>
    public ReadOnlySpan<StreamItem> Items =>
        _created is not null ? System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_created)
        : _first is not null ? new ReadOnlySpan<StreamItem>(ref _first!)
        : [];

    public string Noun => _noun;

    public StreamItem? Find(string id)
    {
        var cached = _last;
        if (cached is not null && string.Equals(cached.Id, id, StringComparison.Ordinal))
        {
            return cached;
        }

        if (_items is not null && _items.TryGetValue(id, out var item))
        {
            _last = item;
            return item;
        }

        return _items is null && _first is not null && string.Equals(_first.Id, id, StringComparison.Ordinal) ? _first : null;
    }

    public StreamItem? FirstOpenExplicit()
    {
        if (OpenExplicitCount == 0)
        {
            return null;
        }

        foreach (var item in Items)
        {
            if (item.IsOpen && !item.IsChunkForm)
            {
                return item;
            }
        }

        return null;
    }

    /// <summary>Checks an opener (<c>*_START</c>, or a chunk that opens a stream): rules 8, 15/17/19/20, 21 and 25.</summary>
    public SequenceViolation? CheckOpen(AgUiEventType type, string id, string? owner, bool chunkForm, in ItemAttributes attributes)
    {
        var existing = Find(id);
        if (existing is null)
        {
            return _historyIds is not null && _historyIds.Contains(id)
                ? Violations.Event(SequenceRule.HistoryIdNotReused, type, $"streams {_noun} '{id}' again, but the input history already carries it; restate history with MESSAGES_SNAPSHOT instead")
                : null;
        }

        if (existing.IsChunkForm != chunkForm)
        {
            return MixedForms(type, existing);
        }

        if (existing.IsOpen)
        {
            return Violations.Event(_openRule, type, $"opens {_noun} '{id}' which is already open");
        }

        if (existing.Owner != owner || existing.Attributes != attributes)
        {
            return Violations.Event(SequenceRule.ReopenKeepsAttributes, type,
                $"reopens {_noun} '{id}' with {Describe(attributes, owner)}, but it was opened with {Describe(existing.Attributes, existing.Owner)}");
        }

        return null;
    }

    /// <summary>Checks an explicit continuation (<c>*_CONTENT</c>, <c>*_ARGS</c>, <c>*_END</c>): rules 7, 16/18/19/20, 25 and 38.</summary>
    public SequenceViolation? CheckContinue(AgUiEventType type, string id, string? owner, out StreamItem? item)
    {
        item = Find(id);
        if (item is null || !item.IsOpen || item.IsChunkForm)
        {
            return NotContinuable(type, id, item);
        }

        if (owner is not null && !string.Equals(owner, item.Owner, StringComparison.Ordinal))
        {
            return Violations.Event(SequenceRule.AttributionMatchesOwner, type,
                $"for {_noun} '{id}' carries subagentRunId '{owner}', but the {_noun} belongs to {EventNames.Owner(item.Owner)}");
        }

        return null;
    }

    public StreamItem Open(string id, string? owner, bool chunkForm, in ItemAttributes attributes, long sequence)
    {
        var item = Find(id);
        if (item is null)
        {
            item = new StreamItem(id, owner, chunkForm, attributes);
            if (_first is null)
            {
                _first = item;
            }
            else
            {
                if (_items is null)
                {
                    _items = new(StringComparer.Ordinal) { [_first.Id] = _first };
                    _created = [_first];
                }

                _items.Add(id, item);
                _created!.Add(item);
            }

            _last = item;
        }

        item.IsOpen = true;
        item.OpenSequence = sequence;
        if (!chunkForm)
        {
            OpenExplicitCount++;
        }

        return item;
    }

    public void Close(StreamItem item)
    {
        if (!item.IsOpen)
        {
            return;
        }

        item.IsOpen = false;
        if (!item.IsChunkForm)
        {
            OpenExplicitCount--;
        }
    }

    /// <summary>A new run starts with nothing open; remembers what the previous run abandoned (rule 7).</summary>
    public void BeginRun()
    {
        _abandoned?.Clear();
        foreach (var item in Items)
        {
            if (item.IsOpen && !item.IsChunkForm)
            {
                (_abandoned ??= new(StringComparer.Ordinal)).Add(item.Id);
            }
        }

        ClearItems();
    }

    public void Reset()
    {
        _abandoned?.Clear();
        ClearItems();
    }

    private void ClearItems()
    {
        // Dropped, not cleared: the next run's first item goes back into the slot (a guard rarely sees two runs).
        _first = null;
        _items = null;
        _created = null;
        _last = null;
        OpenExplicitCount = 0;
    }

    private SequenceViolation NotContinuable(AgUiEventType type, string id, StreamItem? item)
    {
        if (item is not null && item.IsChunkForm)
        {
            return MixedForms(type, item);
        }

        if (item is null && _abandoned is not null && _abandoned.Contains(id))
        {
            return Violations.Event(SequenceRule.NewRunStartsWithNothingOpen, type,
                $"names {_noun} '{id}' which was left open by the previous run; a new RUN_STARTED starts with nothing open");
        }

        return Violations.Event(_continueRule, type, $"names {_noun} '{id}' which is not open");
    }

    private SequenceViolation MixedForms(AgUiEventType type, StreamItem existing) =>
        Violations.Event(SequenceRule.ChunksOrExplicitNotBoth, type, existing.IsChunkForm
            ? $"names {_noun} '{existing.Id}' which is streamed in chunk form; an item is either all chunks or all explicit events"
            : $"names {_noun} '{existing.Id}' which was opened explicitly; an item is either all chunks or all explicit events");

    private string Describe(in ItemAttributes attributes, string? owner) => Kind switch
    {
        StreamItemKind.TextMessage =>
            $"role '{EventNames.Role(attributes.Role)}', name {EventNames.Quoted(attributes.Name)} and owner {EventNames.Owner(owner)}",
        StreamItemKind.ToolCall =>
            $"toolCallName {EventNames.Quoted(attributes.Name)}, parentMessageId {EventNames.Quoted(attributes.ParentMessageId)} and owner {EventNames.Owner(owner)}",
        _ => "owner " + EventNames.Owner(owner),
    };
}
