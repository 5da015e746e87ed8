using System.Buffers;
using System.Collections.Concurrent;

namespace AutomagikHello.AgUi.Threads;

/// <summary>
/// A thread store in process memory, for tests and single-process hosts. Each write is a compare-and-swap on the
/// thread's own record (no global lock; the loop is <see cref="CompareAndSwapThreadStore"/>'s): of N concurrent begins on
/// one thread exactly one wins. It keeps at most
/// <see cref="InMemoryThreadStoreOptions.MaxIdleThreads"/> idle threads (no pending interrupt, no run lease): beyond
/// that the least recently updated are forgotten. Threads with pending interrupts or a run lease are always kept.
/// </summary>
public sealed class InMemoryThreadStore : CompareAndSwapThreadStore
{
    private readonly ConcurrentDictionary<ThreadKey, ThreadRecord> _threads = new();
    private readonly int _maxIdle;

    // Evicting in batches: a sweep starts once the idle count passes the cap by this much and brings it back to the
    // cap, so its cost (one pass over the records) is shared by many runs.
    private readonly int _sweepAbove;

    // Records with no pending interrupt and no lease. Exact: every record enters or leaves the dictionary through one
    // successful add, swap or remove, each of which adjusts it.
    private int _idleCount;
    private int _sweeping;

    /// <summary>Creates a store with the default settings.</summary>
    public InMemoryThreadStore()
        : this(new InMemoryThreadStoreOptions())
    {
    }

    /// <summary>Creates a store with the given settings.</summary>
    /// <param name="options">The settings; validated here.</param>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public InMemoryThreadStore(InMemoryThreadStoreOptions options)
        : base("in-memory", logger: null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _maxIdle = options.MaxIdleThreads;
        _sweepAbove = _maxIdle + Math.Max(1, _maxIdle / 4);
    }

    /// <summary>How many threads are held.</summary>
    public int Count => _threads.Count;

    /// <inheritdoc />
    public override ValueTask<ThreadRecord?> GetAsync(ThreadKey key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_threads.TryGetValue(key, out var record) ? record : null);

    /// <inheritdoc />
    protected override ValueTask<ThreadRecord?> LoadAsync(ThreadKey key, CancellationToken cancellationToken) => GetAsync(key, cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<bool> TrySwapAsync(ThreadKey key, ThreadRecord? current, ThreadRecord next, CancellationToken cancellationToken) =>
        ValueTask.FromResult(current is null ? _threads.TryAdd(key, next) : _threads.TryUpdate(key, next, current));

    /// <inheritdoc />
    protected override void OnSwapped(ThreadRecord? current, ThreadRecord next)
    {
        var change = (IsIdle(next) ? 1 : 0) - (IsIdle(current) ? 1 : 0);
        if (change != 0 && Interlocked.Add(ref _idleCount, change) > _sweepAbove)
        {
            EvictIdle();
        }
    }

    /// <summary>Removes threads not updated since <paramref name="cutoff"/> and holding no live lease (retention).</summary>
    public int RemoveIdleSince(DateTimeOffset cutoff)
    {
        var removed = 0;
        foreach (var (key, record) in _threads)
        {
            if (record.UpdatedAt < cutoff && (record.Lease is null || record.Lease.ExpiresAt <= cutoff)
                && TryRemove(key, record))
            {
                removed++;
            }
        }

        return removed;
    }

    private static bool IsIdle(ThreadRecord? record) => record is { Lease: null, Pending.Count: 0 };

    // Only if the record is still this one: a thread updated meanwhile is not removed.
    private bool TryRemove(ThreadKey key, ThreadRecord record)
    {
        if (!_threads.TryRemove(new KeyValuePair<ThreadKey, ThreadRecord>(key, record)))
        {
            return false;
        }

        if (IsIdle(record))
        {
            Interlocked.Decrement(ref _idleCount);
        }

        return true;
    }

    // One sweep at a time (others go on without waiting): forgets the least recently updated idle threads until the
    // cap holds. Runs on the writer that crossed the threshold, so its cost lands on one run in every cap / 4.
    private void EvictIdle()
    {
        if (Interlocked.CompareExchange(ref _sweeping, 1, 0) != 0)
        {
            return;
        }

        KeyValuePair<ThreadKey, ThreadRecord>[]? candidates = null;
        long[]? ticks = null;
        try
        {
            var excess = Volatile.Read(ref _idleCount) - _maxIdle;
            if (excess <= 0)
            {
                return;
            }

            candidates = ArrayPool<KeyValuePair<ThreadKey, ThreadRecord>>.Shared.Rent(Math.Max(16, _threads.Count));
            var found = 0;
            foreach (var entry in _threads)
            {
                if (IsIdle(entry.Value))
                {
                    if (found == candidates.Length)
                    {
                        break; // Grown since the count was read; the next sweep takes the rest.
                    }

                    candidates[found++] = entry;
                }
            }

            excess = Math.Min(excess, found);
            if (excess <= 0)
            {
                return;
            }

            // The cut-off: the excess-th oldest update time. Older records go, and records at the cut-off until
            // enough are gone.
            ticks = ArrayPool<long>.Shared.Rent(found);
            for (var i = 0; i < found; i++)
            {
                ticks[i] = candidates[i].Value.UpdatedAt.UtcTicks;
            }

            Array.Sort(ticks, 0, found);
            var cutoff = ticks[excess - 1];
            var atCutoff = ticks.AsSpan(0, excess).Count(cutoff);
            var removed = 0;
            for (var i = 0; i < found && removed < excess; i++)
            {
                var at = candidates[i].Value.UpdatedAt.UtcTicks;
                if (at > cutoff || (at == cutoff && atCutoff-- <= 0))
                {
                    continue;
                }

                if (TryRemove(candidates[i].Key, candidates[i].Value))
                {
                    removed++;
                }
            }
        }
        finally
        {
            if (candidates is not null)
            {
                ArrayPool<KeyValuePair<ThreadKey, ThreadRecord>>.Shared.Return(candidates, clearArray: true);
            }

            if (ticks is not null)
            {
                ArrayPool<long>.Shared.Return(ticks);
            }

            Volatile.Write(ref _sweeping, 0);
        }
    }
}
