namespace AutomagikHello.AgUi.Sequencing;

/// <summary>
/// Tracks the items of one kind (text messages, tool calls, reasoning messages or reasoning spans) through the
/// current run: which ids are open, in which form they were opened, and what their openers said. Checks the
/// open/continue/reopen rules for that kind; the caller applies the event only when the check passed.
/// </summary>
/// <remarks>
/// Its collections are created with the first item (and the abandoned set with the first abandoned one): a guard holds
/// four trackers for the whole life of its stream, and most runs use one kind or none.
/// </remarks>
internal sealed class StreamItemTracker
{
    private Dictionary<string, StreamItem>? items;
    private List<StreamItem>? created;
    private readonly HashSet<string>? historyIds;
    private HashSet<string>? abandoned;
    private readonly SequenceRule openRule;
    private readonly SequenceRule continueRule;
    private readonly string noun;
    private StreamItem? last;

    /// <param name="kind">The kind of item.</param>
    /// <param name="openRule">The rule an opener naming an open id breaks.</param>
    /// <param name="continueRule">The rule a continuation naming an id that is not open breaks.</param>
    /// <param name="historyIds">Message ids of the input history an opener must not reuse (rule 8), if any.</param>
    public StreamItemTracker(StreamItemKind kind, SequenceRule openRule, SequenceRule continueRule, HashSet<string>? historyIds)
    {
        Kind = kind;
        this.openRule = openRule;
        this.continueRule = continueRule;
        this.historyIds = historyIds;
        noun = kind switch
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
    public IReadOnlyList<StreamItem> Items => (IReadOnlyList<StreamItem>?)created ?? [];

    public string Noun => noun;

    public StreamItem? Find(string id)
    {
        var cached = last;
        if (cached is not null && string.Equals(cached.Id, id, StringComparison.Ordinal))
        {
            return cached;
        }

        if (items is not null && items.TryGetValue(id, out var item))
        {
            last = item;
            return item;
        }

        return null;
    }

    public StreamItem? FirstOpenExplicit()
    {
        if (OpenExplicitCount == 0)
        {
            return null;
        }

        foreach (var item in created!)
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
            return historyIds is not null && historyIds.Contains(id)
                ? Violations.Event(SequenceRule.HistoryIdNotReused, type, $"streams {noun} '{id}' again, but the input history already carries it; restate history with MESSAGES_SNAPSHOT instead")
                : null;
        }

        if (existing.IsChunkForm != chunkForm)
        {
            return MixedForms(type, existing);
        }

        if (existing.IsOpen)
        {
            return Violations.Event(openRule, type, $"opens {noun} '{id}' which is already open");
        }

        if (existing.Owner != owner || existing.Attributes != attributes)
        {
            return Violations.Event(SequenceRule.ReopenKeepsAttributes, type,
                $"reopens {noun} '{id}' with {Describe(attributes, owner)}, but it was opened with {Describe(existing.Attributes, existing.Owner)}");
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
                $"for {noun} '{id}' carries subagentRunId '{owner}', but the {noun} belongs to {EventNames.Owner(item.Owner)}");
        }

        return null;
    }

    public StreamItem Open(string id, string? owner, bool chunkForm, in ItemAttributes attributes, long sequence)
    {
        var item = Find(id);
        if (item is null)
        {
            item = new StreamItem(id, owner, chunkForm, attributes);
            (items ??= new(StringComparer.Ordinal)).Add(id, item);
            (created ??= []).Add(item);
            last = item;
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
        abandoned?.Clear();
        if (created is not null)
        {
            foreach (var item in created)
            {
                if (item.IsOpen && !item.IsChunkForm)
                {
                    (abandoned ??= new(StringComparer.Ordinal)).Add(item.Id);
                }
            }
        }

        ClearItems();
    }

    public void Reset()
    {
        abandoned?.Clear();
        ClearItems();
    }

    private void ClearItems()
    {
        items?.Clear();
        created?.Clear();
        last = null;
        OpenExplicitCount = 0;
    }

    private SequenceViolation NotContinuable(AgUiEventType type, string id, StreamItem? item)
    {
        if (item is not null && item.IsChunkForm)
        {
            return MixedForms(type, item);
        }

        if (item is null && abandoned is not null && abandoned.Contains(id))
        {
            return Violations.Event(SequenceRule.NewRunStartsWithNothingOpen, type,
                $"names {noun} '{id}' which was left open by the previous run; a new RUN_STARTED starts with nothing open");
        }

        return Violations.Event(continueRule, type, $"names {noun} '{id}' which is not open");
    }

    private SequenceViolation MixedForms(AgUiEventType type, StreamItem existing) =>
        Violations.Event(SequenceRule.ChunksOrExplicitNotBoth, type, existing.IsChunkForm
            ? $"names {noun} '{existing.Id}' which is streamed in chunk form; an item is either all chunks or all explicit events"
            : $"names {noun} '{existing.Id}' which was opened explicitly; an item is either all chunks or all explicit events");

    private string Describe(in ItemAttributes attributes, string? owner) => Kind switch
    {
        StreamItemKind.TextMessage =>
            $"role '{EventNames.Role(attributes.Role)}', name {EventNames.Quoted(attributes.Name)} and owner {EventNames.Owner(owner)}",
        StreamItemKind.ToolCall =>
            $"toolCallName {EventNames.Quoted(attributes.Name)}, parentMessageId {EventNames.Quoted(attributes.ParentMessageId)} and owner {EventNames.Owner(owner)}",
        _ => "owner " + EventNames.Owner(owner),
    };
}
