using AutomagikHello.AgUi.Runs;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Tests.Runs;

/// <summary>
/// The registry of live runs keeps each run as a link after the first under its key (no list per key): runs sharing a
/// thread are cancelled and forgotten one by one, in the order they started, without touching the others.
/// </summary>
public sealed class ActiveRunRegistryTests
{
    private static RunEventQueue NewQueue() => new(new CancellationTokenSource());

    [Fact]
    public void Registry_SeveralRunsOnOneThread_CancelsAndForgetsEachWithoutTheOthers()
    {
        using var registry = new ActiveRunRegistry();
        var agent = new object();
        var key = new ThreadKey("voice", "alice", "t1");
        var queues = new[] { NewQueue(), NewQueue(), NewQueue() };
        var runs = queues.Select((queue, i) => registry.Register(agent, "alice", "t1", "r" + i, queue, "voice")).ToArray();
        using var elsewhere = registry.Register(agent, "alice", "t2", "r9", NewQueue(), "voice");
        registry.Count.Should().Be(4);

        runs[1].Dispose(); // the middle one ends first
        runs[1].Dispose();
        registry.Count.Should().Be(3);
        registry.Cancel(key, "r1").Should().BeEmpty("r1 ended");
        registry.Cancel(key, "r2").Should().Equal("r2");
        queues[2].StopReason.Should().Be(RunStopReason.CancelRequested);
        queues[0].StopReason.Should().Be(RunStopReason.None);

        runs[0].Dispose();
        registry.Cancel(agent, "alice", "t1").Should().BeEmpty("r2, the only run left on t1, is already stopped");
        runs[2].Dispose();
        registry.Count.Should().Be(1);
        registry.Cancel(key, null).Should().BeEmpty();
        registry.Cancel(new ThreadKey("voice", "alice", "t2"), null).Should().Equal("r9");
    }

    [Fact]
    public void Registry_RunsUnderOneKey_AreCancelledOldestFirst()
    {
        using var registry = new ActiveRunRegistry();
        var agent = new object();
        using var first = registry.Register(agent, "alice", "t1", "a", NewQueue(), "voice");
        using var second = registry.Register(agent, "alice", "t1", "b", NewQueue(), "voice");
        using var third = registry.Register(agent, "alice", "t1", "c", NewQueue());

        registry.Cancel(agent, "alice", "t1").Should().Equal("a", "b", "c");
        registry.Cancel(agent, "bob", "t1").Should().BeEmpty("another owner's thread");
    }
}
