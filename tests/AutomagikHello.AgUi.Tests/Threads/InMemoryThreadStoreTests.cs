using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Tests.Threads;

public sealed class InMemoryThreadStoreTests : ThreadStoreContractTests
{
    protected override IThreadStore CreateStore() => new InMemoryThreadStore();

    [Fact]
    public async Task RemoveIdleSince_DropsOnlyOldThreadsWithoutLiveLease()
    {
        var store = new InMemoryThreadStore();
        var old = new ThreadKey("a", "o", "old");
        var fresh = new ThreadKey("a", "o", "fresh");
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var (key, at) in new[] { (old, t0), (fresh, t0.AddHours(2)) })
        {
            await store.BeginRunAsync(new BeginRunRequest { Key = key, RunId = "r", InstanceId = "i", LeaseDuration = TimeSpan.FromMinutes(1), Now = at });
            await store.CompleteRunAsync(new CompleteRunRequest { Key = key, RunId = "r", Completion = RunCompletion.Succeeded, Now = at });
        }

        var removed = store.RemoveIdleSince(t0.AddHours(1));

        removed.Should().Be(1);
        (await store.GetAsync(old)).Should().BeNull();
        (await store.GetAsync(fresh)).Should().NotBeNull();
    }
}

public sealed class ConsumedMemoryTests
{
    [Fact]
    public async Task CompleteRun_ManyResumes_RemembersOnlyTheMostRecentConsumedIds()
    {
        var store = new InMemoryThreadStore();
        var key = new ThreadKey("a", "o", "t");
        var now = DateTimeOffset.UtcNow;
        await store.BeginRunAsync(new BeginRunRequest { Key = key, RunId = "r0", InstanceId = "i", LeaseDuration = TimeSpan.FromMinutes(1), Now = now });
        await store.CompleteRunAsync(Interrupted(key, "r0", "i0", now));
        for (var n = 1; n <= ThreadTransitions.ConsumedMemory + 10; n++)
        {
            var begun = await store.BeginRunAsync(new BeginRunRequest
            {
                Key = key, RunId = $"r{n}", InstanceId = "i", LeaseDuration = TimeSpan.FromMinutes(1), Now = now,
                Resume = [new ResumeEntry { InterruptId = $"i{n - 1}", Status = ResumeStatus.Cancelled }],
            });
            begun.Succeeded.Should().BeTrue(begun.Error?.Message);
            (await store.CompleteRunAsync(Interrupted(key, $"r{n}", $"i{n}", now))).Succeeded.Should().BeTrue();
        }

        var record = (await store.GetAsync(key))!;
        var replayOfRecent = await store.BeginRunAsync(new BeginRunRequest
        {
            Key = key, RunId = "late", InstanceId = "i", LeaseDuration = TimeSpan.FromMinutes(1), Now = now,
            Resume = [new ResumeEntry { InterruptId = $"i{ThreadTransitions.ConsumedMemory}", Status = ResumeStatus.Cancelled }],
        });

        record.Consumed.Should().HaveCount(ThreadTransitions.ConsumedMemory);
        record.Consumed.Should().NotContainKey("i0", "the oldest ids are forgotten first");
        record.Consumed.Should().ContainKey($"i{ThreadTransitions.ConsumedMemory + 9}");
        replayOfRecent.Error!.Code.Should().Be(ThreadErrorCodes.ResumeAlreadyApplied);
    }

    private static CompleteRunRequest Interrupted(ThreadKey key, string runId, string interruptId, DateTimeOffset now) => new()
    {
        Key = key, RunId = runId, Completion = RunCompletion.Interrupted, Now = now,
        NewInterrupts = [new PendingInterrupt { Interrupt = new Interrupt { Id = interruptId, Reason = "confirmation" }, RaisedByRunId = runId }],
    };
}
