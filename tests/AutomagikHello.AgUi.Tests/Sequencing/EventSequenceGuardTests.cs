using System.Diagnostics;
using AutomagikHello.AgUi.Sequencing;
using static AutomagikHello.AgUi.Tests.Sequencing.Ev;

namespace AutomagikHello.AgUi.Tests.Sequencing;

/// <summary>The guard's API beyond the individual rules.</summary>
public sealed class EventSequenceGuardTests
{
    [Fact]
    public void IsRunActiveAndIsTerminated_FollowTheRunLifecycle()
    {
        var guard = new EventSequenceGuard();
        (guard.IsRunActive, guard.IsTerminated, guard.RunId).Should().Be((false, false, (string?)null));

        guard.Check(RunStarted("r1")).Should().BeNull();
        (guard.IsRunActive, guard.IsTerminated, guard.ThreadId, guard.RunId).Should().Be((true, false, "t1", "r1"));

        guard.Check(RunFinished("r1")).Should().BeNull();
        (guard.IsRunActive, guard.IsTerminated).Should().Be((false, true));

        guard.Check(RunError()).Should().BeNull();
        (guard.IsRunActive, guard.IsTerminated).Should().Be((false, true));

        guard.Check(RunStarted("r2")).Should().BeNull();
        (guard.IsRunActive, guard.IsTerminated, guard.RunId).Should().Be((true, false, "r2"));
    }

    [Fact]
    public void Check_RejectedEvent_IsNotApplied()
    {
        var guard = new EventSequenceGuard();
        GuardAssert.Accepted(guard, RunStarted(), TextStart("m1"));

        guard.Check(TextStart("m1"))!.Rule.Should().Be(15);
        guard.Check(RunFinished("other"))!.Rule.Should().Be(5);

        guard.IsRunActive.Should().BeTrue();
        GuardAssert.Legal(guard, TextEnd("m1"), RunFinished());
    }

    [Fact]
    public void Check_NullEvent_Throws()
    {
        var act = () => new EventSequenceGuard().Check(null!);

        act.Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void GetPendingToolCallIds_ListsUnansweredCallsOfTheRunInStartOrder()
    {
        var guard = new EventSequenceGuard();
        GuardAssert.Accepted(
            guard, RunStarted(), ToolStart("c1"), ToolEnd("c1"), ToolChunk("c2", "search"), ToolStart("c3"), ToolEnd("c3"),
            ToolResult("tm3", "c3"), ToolStart("c1"), ToolEnd("c1"), ToolResult("tm9", "unknown"));

        var pending = guard.GetPendingToolCallIds();

        pending.Should().Equal("c1", "c2");
        guard.Check(RunFinished(outcome: Pending([.. pending]))).Should().BeNull();
    }

    [Fact]
    public void GetPendingToolCallIds_NewRun_StartsEmpty()
    {
        var guard = new EventSequenceGuard();
        GuardAssert.Accepted(guard, RunStarted("r0"), ToolStart("c1"), ToolEnd("c1"), RunFinished("r0"), RunStarted("r1"));

        guard.GetPendingToolCallIds().Should().BeEmpty();
    }

    [Fact]
    public void Reset_ForgetsTheStream()
    {
        var guard = EventSequenceGuard.For(new RunAgentInput
        {
            ThreadId = "t1",
            RunId = "r1",
            Messages = [],
            State = Ev.Json("""{"count":1}"""),
        });
        GuardAssert.Accepted(guard, RunStarted(), TextStart("m1"), ActivitySnapshot("a1"), StateDelta("""[{"op":"remove","path":"/count"}]"""));

        guard.Reset();

        guard.IsRunActive.Should().BeFalse();
        guard.Complete()!.Rule.Should().Be(1);
        GuardAssert.Violates(guard, 31, RunStarted(), ActivityDelta("a1", "[]"));
        guard.Reset();
        GuardAssert.Legal(guard, RunStarted(), StateDelta("""[{"op":"test","path":"/count","value":1}]"""), TextStart("m1"), TextEnd("m1"), RunFinished());
    }

    [Fact]
    public void For_ReadsExpectedIdsToolsHistoryAndState()
    {
        var input = new RunAgentInput
        {
            ThreadId = "thread-9",
            RunId = "run-9",
            Messages = [new UserMessage { Id = "u1", Content = "hi" }],
            Tools = [new Tool { Name = "confirm", Description = "Asks the user" }],
            State = Ev.Json("""{"n":1}"""),
        };

        GuardAssert.Violates(EventSequenceGuard.For(input), 5, RunStarted("run-9", "t1"));
        GuardAssert.Violates(EventSequenceGuard.For(input), 8, RunStarted("run-9", "thread-9"), TextStart("u1"));
        GuardAssert.Violates(EventSequenceGuard.For(input), 42, RunStarted("run-9", "thread-9"), ToolStart("c1", "confirm"), ToolEnd("c1"), ToolResult("tm1", "c1"));
        GuardAssert.Violates(EventSequenceGuard.For(input), 32, RunStarted("run-9", "thread-9"), StateDelta("""[{"op":"test","path":"/n","value":2}]"""));
        GuardAssert.Legal(EventSequenceGuard.For(input), RunStarted("run-9", "thread-9"), StateDelta("""[{"op":"test","path":"/n","value":1}]"""), RunFinished("run-9", "thread-9"));
    }

    [Fact]
    public void For_NullInputState_MeansEmptyObject()
    {
        var guard = EventSequenceGuard.For(new RunAgentInput { ThreadId = "t1", RunId = "r1", Messages = [], State = Ev.Json("null") });

        GuardAssert.Legal(guard, RunStarted(), StateDelta("""[{"op":"add","path":"/a","value":1}]"""), RunFinished());
    }

    [Fact]
    public void SequenceViolation_ToString_PrefixesTheRule()
    {
        var violation = new SequenceViolation(16, AgUiEventType.TextMessageContent, "TEXT_MESSAGE_CONTENT names message 'm9' which is not open");

        violation.ToString().Should().Be("rule 16: TEXT_MESSAGE_CONTENT names message 'm9' which is not open");
    }

    [Fact]
    public void Create_AllocatesTrackerCollectionsOnlyOnFirstUse()
    {
        // A guard lives as long as its stream, idle ones included: it must not hold the collections of items, steps,
        // subagents, activities and patches a run has not used (they were 2.1 KB, allocated up front).
        var options = new EventSequenceGuardOptions { ExpectedThreadId = "t1", ExpectedRunId = "r1" };
        _ = new EventSequenceGuard(options);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var guard = new EventSequenceGuard(options);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().BeLessThan(1_024);
        GuardAssert.Legal(guard, RunStarted(), TextStart("m1"), TextContent("m1", "Hello"), TextEnd("m1"), RunFinished());
    }

    [Fact]
    public void ARunOfOneMessage_AllocatesOnlyItsItem()
    {
        // What nearly every run does: one text message, opened, streamed, closed, then the run's end asks what is still
        // open and pending. Its map, list and the closing builder's lists were ~600 B a run; the item is all it needs.
        AgUiEvent[] run = [RunStarted(), TextStart("m1"), TextContent("m1", "Hello"), TextEnd("m1")];
        long RunOnce()
        {
            var guard = new EventSequenceGuard();
            var violations = 0;
            var before = GC.GetAllocatedBytesForCurrentThread();
            foreach (var e in run)
            {
                violations += guard.Check(e) is null ? 0 : 1;
            }

            var closing = guard.CreateClosingEvents().Count;
            var pending = guard.HasPendingToolCalls;
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            (violations, closing, pending).Should().Be((0, 0, false));
            return allocated;
        }

        RunOnce();
        var fewest = Math.Min(RunOnce(), RunOnce());

        // The item and one small object of the run's lifecycle: 104 B measured on x64 (it was 600 B and more).
        fewest.Should().BeLessThanOrEqualTo(128);
    }

    [Fact]
    public void ARunLeavingItsMessageOpen_StillGetsItClosed()
    {
        var guard = new EventSequenceGuard();
        GuardAssert.Accepted(guard, RunStarted(), TextStart("m1"), TextContent("m1", "Hello"), ToolStart("c1"));

        guard.CreateClosingEvents().Select(e => e.EventType).Should().Equal(AgUiEventType.ToolCallEnd, AgUiEventType.TextMessageEnd);
        guard.HasPendingToolCalls.Should().BeTrue();
        guard.GetPendingToolCallIds().Should().Equal("c1");
    }

    [Fact]
    public void Check_ContentOnOpenItems_AllocatesNothing()
    {
        var guard = new EventSequenceGuard();
        GuardAssert.Accepted(
            guard, RunStarted(), SubagentStarted("s1"), SubagentStarted("s2"), TextStart("m1"), ToolStart("c1", owner: "s1"), ThinkStart("th1"),
            TextChunk("m2", owner: "s2"));
        AgUiEvent[] content =
        [
            TextContent("m1", "Hello"), ToolArgs("c1", "{}", owner: "s1"), ThinkContent("th1"),
            TextChunk(null, "more", owner: "s2"), TextChunk("m2", "more"),
        ];
        RunContent(guard, content, 1_000);

        // The fewest bytes of three rounds: the runtime may allocate once on this thread while the loop is being
        // re-jitted (tiering, on-stack replacement); a per-event allocation shows in every round (50,000 events each).
        var fewest = long.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            RunContent(guard, content, 10_000);
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        fewest.Should().Be(0);
    }

    [Fact]
    public void Check_ContentOnOpenMessage_IsFast()
    {
        // A loose bound that holds even for Debug builds on a busy machine; it catches accidental O(n) work.
        // Optimized (Release) builds measure a few nanoseconds per event.
        var guard = new EventSequenceGuard();
        GuardAssert.Accepted(guard, RunStarted(), TextStart("m1"));
        var content = TextContent("m1", "Hello");
        const int batch = 20_000;
        var best = double.MaxValue;
        for (var round = 0; round < 15; round++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < batch; i++)
            {
                guard.Check(content);
            }

            best = Math.Min(best, watch.Elapsed.TotalNanoseconds / batch);
        }

        best.Should().BeLessThan(1_000);
    }

    private static void RunContent(EventSequenceGuard guard, AgUiEvent[] events, int count)
    {
        for (var i = 0; i < count; i++)
        {
            foreach (var e in events)
            {
                if (guard.Check(e) is { } violation)
                {
                    throw new InvalidOperationException(violation.ToString());
                }
            }
        }
    }
}
