using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;

/// <summary>
/// A thread store that hands every call to an inner one (an in-memory store unless given): a test overrides only the
/// calls it makes fail, wait or count.
/// </summary>
internal abstract class DelegatingThreadStore(IThreadStore? inner = null) : IThreadStore
{
    protected IThreadStore Inner { get; } = inner ?? new InMemoryThreadStore();

    public virtual ValueTask<ThreadRecord?> GetAsync(ThreadKey key, CancellationToken cancellationToken = default) => Inner.GetAsync(key, cancellationToken);

    public virtual ValueTask<BeginRunResult> BeginRunAsync(BeginRunRequest request, CancellationToken cancellationToken = default) => Inner.BeginRunAsync(request, cancellationToken);

    public virtual ValueTask<ThreadStoreWriteResult> CompleteRunAsync(CompleteRunRequest request, CancellationToken cancellationToken = default) => Inner.CompleteRunAsync(request, cancellationToken);

    public virtual ValueTask<ThreadStoreWriteResult> RecordDecisionAsync(RecordDecisionRequest request, CancellationToken cancellationToken = default) => Inner.RecordDecisionAsync(request, cancellationToken);

    public virtual ValueTask<ThreadStoreWriteResult> UpdateLeaseAsync(UpdateLeaseRequest request, CancellationToken cancellationToken = default) => Inner.UpdateLeaseAsync(request, cancellationToken);
}
