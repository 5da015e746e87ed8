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
