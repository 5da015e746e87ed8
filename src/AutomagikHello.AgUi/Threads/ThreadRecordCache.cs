namespace AutomagikHello.AgUi.Threads;

/// <summary>
/// The last record a <see cref="CompareAndSwapThreadStore"/> instance wrote or loaded, per thread: what the next write
/// compares against without loading first. A hint, never the truth: a record from here is used only as the expected
/// version of a compare-and-swap, which fails when another instance wrote since. Holds at most its capacity of
/// records, dropping the least recently used; the records are immutable and shared with callers, never changed here.
/// </summary>
internal sealed class ThreadRecordCache(int capacity, TimeSpan window)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ThreadKey, LinkedListNode<ThreadRecord>> _entries = new(Math.Min(capacity, 1024));
    private readonly LinkedList<ThreadRecord> _recent = new(); // Most recently used first.

    /// <summary>
    /// The cached record of <paramref name="key"/>, if it was last changed less than the window before
    /// <paramref name="now"/>: within it the store cannot have deleted the thread (retention removes only threads
    /// idle for longer), so no new thread of the same key can have reached the same version (no ABA).
    /// </summary>
    public ThreadRecord? Get(ThreadKey key, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var node))
            {
                return null;
            }

            if (now - node.Value.UpdatedAt >= window)
            {
                Drop(node);
                return null;
            }

            _recent.Remove(node);
            _recent.AddFirst(node);
            return node.Value;
        }
    }

    /// <summary>Remembers <paramref name="record"/> as its thread's current record (a newer version replaces an older).</summary>
    public void Set(ThreadRecord record)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(record.Key, out var node))
            {
                if (node.Value.Version > record.Version)
                {
                    return; // A concurrent caller of this instance already stored a newer one.
                }

                node.Value = record;
                _recent.Remove(node);
                _recent.AddFirst(node);
                return;
            }

            if (_entries.Count >= capacity && _recent.Last is { } oldest)
            {
                Drop(oldest);
            }

            _entries.Add(record.Key, _recent.AddFirst(record));
        }
    }

    /// <summary>Forgets the thread's record (its state is unknown after a failed write).</summary>
    public void Remove(ThreadKey key)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                Drop(node);
            }
        }
    }

    /// <summary>How many records are held.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    private void Drop(LinkedListNode<ThreadRecord> node)
    {
        _entries.Remove(node.Value.Key);
        _recent.Remove(node);
    }
}
