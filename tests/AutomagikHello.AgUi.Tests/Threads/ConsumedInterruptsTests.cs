using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Tests.Threads;

// The consumed-id memory shares one append-only log between successive records; these pin down that no record ever
// sees another's appends, and that the window (the newest ConsumedMemory ids, oldest first) survives log copies and
// a round trip through the persisted format.
public sealed class ConsumedInterruptsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly ThreadKey Key = new("a", "o", "t");

    [Fact]
    public void Complete_TwoTransitionsFromTheSameRecord_EachRemembersOnlyItsOwnRun()
    {
        // One consumed id already, so the record's log has room to append in place.
        var interrupted = Interrupt(Resume(Interrupt(Begin(null, "r0"), "r0", "i0"), "r1", "i0"), "r1", "i1");
        var afterA = Interrupt(Resume(interrupted, "rA", "i1"), "rA", "a1");

        // A store that lost its compare-and-swap recomputes from the same record: both results append at one position.
        var afterB = Interrupt(Resume(interrupted, "rB", "i1"), "rB", "b1");

        afterA.Consumed.Should().Equal(new Dictionary<string, string> { ["i0"] = "r1", ["i1"] = "rA" });
        afterB.Consumed.Should().Equal(new Dictionary<string, string> { ["i0"] = "r1", ["i1"] = "rB" });
        interrupted.Consumed.Keys.Should().Equal(["i0"], "a published record never changes");

        var nextA = Interrupt(Resume(afterA, "rA2", "a1"), "rA2", "a2");
        var nextB = Interrupt(Resume(afterB, "rB2", "b1"), "rB2", "b2");
        nextA.Consumed.Keys.Should().Equal("i0", "i1", "a1");
        nextA.Consumed["i1"].Should().Be("rA");
        nextB.Consumed.Keys.Should().Equal("i0", "i1", "b1");
        nextB.Consumed["i1"].Should().Be("rB");
        afterA.Consumed.Should().HaveCount(2);
        afterB.Consumed.Should().HaveCount(2);
    }

    [Fact]
    public void Complete_ManyMoreResumesThanTheMemory_KeepsExactlyTheNewestIdsInOrder()
    {
        var record = Interrupt(Begin(null, "r0"), "r0", "i0");
        var snapshots = new List<(ThreadRecord Record, int N)>();
        const int Runs = (ThreadTransitions.ConsumedMemory * 3) + 7;
        for (var n = 1; n <= Runs; n++)
        {
            record = Interrupt(Resume(record, $"r{n}", $"i{n - 1}"), $"r{n}", $"i{n}");
            snapshots.Add((record, n));
        }

        // Every record, early or late, still holds the window it was published with (the log was copied twice).
        foreach (var (snapshot, n) in snapshots)
        {
            var first = Math.Max(0, n - ThreadTransitions.ConsumedMemory);
            snapshot.Consumed.Keys.Should().Equal(Enumerable.Range(first, n - first).Select(i => $"i{i}"));
            snapshot.Consumed.Values.Should().Equal(Enumerable.Range(first, n - first).Select(i => $"r{i + 1}"));
        }

        record.Consumed.ContainsKey($"i{Runs - ThreadTransitions.ConsumedMemory - 1}").Should().BeFalse("the oldest ids are forgotten");
        record.Consumed.TryGetValue($"i{Runs - ThreadTransitions.ConsumedMemory}", out var by).Should().BeTrue();
        by.Should().Be($"r{Runs - ThreadTransitions.ConsumedMemory + 1}");
        record.Consumed.ContainsKey($"i{Runs}").Should().BeFalse("the open interrupt is not consumed");
    }

    [Fact]
    public void Complete_OnARecordReadBackFromStorage_ContinuesTheWindowInOrder()
    {
        var record = Interrupt(Begin(null, "r0"), "r0", "i0");
        for (var n = 1; n <= ThreadTransitions.ConsumedMemory + 5; n++)
        {
            record = Interrupt(Resume(record, $"r{n}", $"i{n - 1}"), $"r{n}", $"i{n}");
        }

        var back = ThreadRecordSerializer.Deserialize(ThreadRecordSerializer.Serialize(record));
        back.Consumed.Should().Equal(record.Consumed);
        back.Consumed.Keys.Should().Equal(record.Consumed.Keys, "the persisted map keeps consumption order");

        var next = Interrupt(Resume(back, "late", $"i{ThreadTransitions.ConsumedMemory + 5}"), "late", "last");
        next.Consumed.Should().HaveCount(ThreadTransitions.ConsumedMemory);
        next.Consumed.Keys.First().Should().Be("i6");
        next.Consumed.Keys.Last().Should().Be($"i{ThreadTransitions.ConsumedMemory + 5}");
        next.Consumed[$"i{ThreadTransitions.ConsumedMemory + 5}"].Should().Be("late");
    }

    [Fact]
    public void Complete_Failed_RemembersNothing()
    {
        var interrupted = Interrupt(Begin(null, "r0"), "r0", "i0");
        var begun = Resume(interrupted, "r1", "i0");

        var (failed, result) = ThreadTransitions.Complete(begun, new CompleteRunRequest { Key = Key, RunId = "r1", Completion = RunCompletion.Failed, Now = Now });

        result.Succeeded.Should().BeTrue();
        failed!.Consumed.Should().BeEmpty();
        failed.Pending.Select(p => p.Interrupt.Id).Should().Equal("i0");
    }

    private static ThreadRecord Begin(ThreadRecord? current, string runId) => Begun(current, runId, null);

    private static ThreadRecord Resume(ThreadRecord current, string runId, string interruptId) =>
        Begun(current, runId, [new ResumeEntry { InterruptId = interruptId, Status = ResumeStatus.Cancelled }]);

    private static ThreadRecord Begun(ThreadRecord? current, string runId, IReadOnlyList<ResumeEntry>? resume)
    {
        var (next, result) = ThreadTransitions.Begin(current, new BeginRunRequest
        {
            Key = Key, RunId = runId, Resume = resume, InstanceId = "i", LeaseDuration = TimeSpan.FromMinutes(1), Now = Now,
        });
        result.Succeeded.Should().BeTrue(result.Error?.Message);
        return next!;
    }

    private static ThreadRecord Interrupt(ThreadRecord current, string runId, string interruptId)
    {
        var (next, result) = ThreadTransitions.Complete(current, new CompleteRunRequest
        {
            Key = Key, RunId = runId, Completion = RunCompletion.Interrupted, Now = Now,
            NewInterrupts = [new PendingInterrupt { Interrupt = new Interrupt { Id = interruptId, Reason = "confirmation" }, RaisedByRunId = runId }],
        });
        result.Succeeded.Should().BeTrue(result.Error?.Message);
        return next!;
    }
}
