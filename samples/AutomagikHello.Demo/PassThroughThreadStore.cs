using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.Demo;

/// <summary>
/// For load tests only (<c>Demo:Store=none</c>): admits every run and records nothing, so the load client can measure
/// the hosting with the thread store off against the same build with it on. No interrupts, resumes or leases work.
/// </summary>
public sealed class PassThroughThreadStore : IThreadStore
{
    private static readonly ThreadRecord Nothing = new() { Key = default, Version = 0, CreatedAt = default, UpdatedAt = default };
    private static readonly BeginRunResult Admitted = new() { Record = Nothing };
    private static readonly ThreadStoreWriteResult Recorded = new() { Record = Nothing };

    public ValueTask<ThreadRecord?> GetAsync(ThreadKey key, CancellationToken cancellationToken = default) => ValueTask.FromResult<ThreadRecord?>(null);

    public ValueTask<BeginRunResult> BeginRunAsync(BeginRunRequest request, CancellationToken cancellationToken = default) => ValueTask.FromResult(Admitted);

    public ValueTask<ThreadStoreWriteResult> CompleteRunAsync(CompleteRunRequest request, CancellationToken cancellationToken = default) => ValueTask.FromResult(Recorded);

    public ValueTask<ThreadStoreWriteResult> UpdateLeaseAsync(UpdateLeaseRequest request, CancellationToken cancellationToken = default) => ValueTask.FromResult(Recorded);

    public ValueTask<ThreadStoreWriteResult> RecordDecisionAsync(RecordDecisionRequest request, CancellationToken cancellationToken = default) => ValueTask.FromResult(Recorded);
}
