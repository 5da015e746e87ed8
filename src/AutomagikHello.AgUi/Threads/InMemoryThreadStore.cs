using System.Collections.Concurrent;

namespace AutomagikHello.AgUi.Threads;

/// <summary>
/// A thread store in process memory, for tests and single-process hosts. Each write is a compare-and-swap on the
/// thread's own record (no global lock): of N concurrent begins on one thread exactly one wins.
/// </summary>
public sealed class InMemoryThreadStore : IThreadStore
{
    private readonly ConcurrentDictionary<ThreadKey, ThreadRecord> _threads = new();

    /// <summary>How many threads are held.</summary>
    public int Count => _threads.Count;

    /// <inheritdoc />
    public ValueTask<ThreadRecord?> GetAsync(ThreadKey key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_threads.TryGetValue(key, out var record) ? record : null);

    /// <inheritdoc />
    public ValueTask<BeginRunResult> BeginRunAsync(BeginRunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ValueTask.FromResult(Apply(request.Key, request, static (current, r) => ThreadTransitions.Begin(current, r)));
    }

    /// <inheritdoc />
    public ValueTask<ThreadStoreWriteResult> CompleteRunAsync(CompleteRunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ValueTask.FromResult(Apply(request.Key, request, static (current, r) => ThreadTransitions.Complete(current, r)));
    }

    /// <inheritdoc />
    public ValueTask<ThreadStoreWriteResult> RecordDecisionAsync(RecordDecisionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ValueTask.FromResult(Apply(request.Key, request, static (current, r) => ThreadTransitions.RecordDecision(current, r)));
    }

    /// <summary>Removes threads not updated since <paramref name="cutoff"/> and holding no live lease (retention).</summary>
    public int RemoveIdleSince(DateTimeOffset cutoff)
    {
        var removed = 0;
        foreach (var (key, record) in _threads)
        {
            if (record.UpdatedAt < cutoff && (record.Lease is null || record.Lease.ExpiresAt <= cutoff)
                && _threads.TryRemove(new KeyValuePair<ThreadKey, ThreadRecord>(key, record)))
            {
                removed++;
            }
        }

        return removed;
    }

    // Load, transition, swap in only if nobody changed the record meanwhile; otherwise retry on the newer record.
    // The transition is a static lambda given its request, so a call allocates no closure.
    private TResult Apply<TRequest, TResult>(ThreadKey key, TRequest request, Func<ThreadRecord?, TRequest, (ThreadRecord? Next, TResult Result)> transition)
    {
        while (true)
        {
            _threads.TryGetValue(key, out var current);
            var (next, result) = transition(current, request);
            if (next is null || ReferenceEquals(next, current))
            {
                return result;
            }

            var swapped = current is null ? _threads.TryAdd(key, next) : _threads.TryUpdate(key, next, current);
            if (swapped)
            {
                return result;
            }
        }
    }
}
