namespace AutomagikHello.AgUi.Threads;

/// <summary>
/// Stores threads keyed by (agent, owner, thread id): pending interrupts, the active run's lease, recorded decisions
/// and consumed answers. Begin and complete are each one atomic step; of N concurrent begins on one thread exactly one
/// wins. Implementations: <see cref="InMemoryThreadStore"/> (tests, one process), SQLite, Redis.
/// </summary>
public interface IThreadStore
{
    /// <summary>The thread, or <see langword="null"/> when the owner has none with that id.</summary>
    ValueTask<ThreadRecord?> GetAsync(ThreadKey key, CancellationToken cancellationToken = default);

    /// <summary>Takes the lease and validates and claims the resume atomically; on failure nothing changes.</summary>
    ValueTask<BeginRunResult> BeginRunAsync(BeginRunRequest request, CancellationToken cancellationToken = default);

    /// <summary>Records the run's end and releases its lease atomically.</summary>
    ValueTask<ThreadStoreWriteResult> CompleteRunAsync(CompleteRunRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Renews, flags for cancel or expires the lease of the run named in the request, atomically; <c>LEASE_LOST</c> when
    /// that run no longer holds the thread (or, for a renewal or a cancel request, its lease has lapsed). An expiry of
    /// a lease already lapsed, or a second cancel request, is a repeat (nothing changes).
    /// </summary>
    ValueTask<ThreadStoreWriteResult> UpdateLeaseAsync(UpdateLeaseRequest request, CancellationToken cancellationToken = default);

    /// <summary>Records a decision on a pending interrupt, validated like a resume entry; a repeat is a no-op.</summary>
    ValueTask<ThreadStoreWriteResult> RecordDecisionAsync(RecordDecisionRequest request, CancellationToken cancellationToken = default);
}
