using AutomagikHello.AgUi.Sequencing;
using static AutomagikHello.AgUi.Tests.Sequencing.Ev;

namespace AutomagikHello.AgUi.Tests.Sequencing;

public sealed class ClosingEventsTests
{
    private static string Describe(AgUiEvent e) => e switch
    {
        TextMessageEndEvent x => $"TEXT_MESSAGE_END {x.MessageId} {x.SubagentRunId}".TrimEnd(),
        ToolCallEndEvent x => $"TOOL_CALL_END {x.ToolCallId} {x.SubagentRunId}".TrimEnd(),
        ReasoningMessageEndEvent x => $"REASONING_MESSAGE_END {x.MessageId} {x.SubagentRunId}".TrimEnd(),
        ReasoningEndEvent x => $"REASONING_END {x.MessageId} {x.SubagentRunId}".TrimEnd(),
        StepFinishedEvent x => $"STEP_FINISHED {x.StepName} {x.SubagentRunId}".TrimEnd(),
        SubagentFinishedEvent x => $"SUBAGENT_FINISHED {x.SubagentRunId}",
        _ => e.EventType.ToString(),
    };

    [Fact]
    public void CreateClosingEvents_EverythingOpen_ClosesInnermostFirstAndRunFinishedPasses()
    {
        var guard = new EventSequenceGuard();
        GuardAssert.Accepted(
            guard,
            RunStarted(), StepStarted("outer"), TextStart("m1"), ToolStart("c1", parent: "m1"), SpanStart("rs1"), ThinkStart("th1"),
            SubagentStarted("s1"), StepStarted("inner", "s1"), TextStart("m2", "s1"), SubagentStarted("s2", parent: "s1"), ThinkStart("th2", "s2"),
            TextChunk("m3"), TextStart("m4"));

        var closing = guard.CreateClosingEvents();

        closing.Select(Describe).Should().Equal(
            "REASONING_MESSAGE_END th2 s2",
            "SUBAGENT_FINISHED s2",
            "TEXT_MESSAGE_END m2 s1",
            "STEP_FINISHED inner s1",
            "SUBAGENT_FINISHED s1",
            "REASONING_MESSAGE_END th1",
            "REASONING_END rs1",
            "TOOL_CALL_END c1",
            "TEXT_MESSAGE_END m4",
            "TEXT_MESSAGE_END m1",
            "STEP_FINISHED outer");
        GuardAssert.Legal(guard, [.. closing, RunFinished(outcome: RunFinishedOutcome.Cancelled)]);
    }

    [Fact]
    public void CreateClosingEvents_ItemsOfFinishedSubagentStillOpen_ClosesThemWithTheirTag()
    {
        var guard = new EventSequenceGuard();
        GuardAssert.Accepted(guard, RunStarted(), SubagentStarted("s1"), ToolStart("c1", owner: "s1"), SubagentError("s1"));

        var closing = guard.CreateClosingEvents();

        closing.Select(Describe).Should().Equal("TOOL_CALL_END c1 s1");
        GuardAssert.Legal(guard, [.. closing, RunFinished()]);
    }

    [Fact]
    public void CreateClosingEvents_ReopenedItems_ClosesInReverseOfLatestOpening()
    {
        var guard = new EventSequenceGuard();
        GuardAssert.Accepted(guard, RunStarted(), TextStart("m1"), TextEnd("m1"), TextStart("m2"), TextStart("m1"));

        var closing = guard.CreateClosingEvents();

        closing.Select(Describe).Should().Equal("TEXT_MESSAGE_END m1", "TEXT_MESSAGE_END m2");
        GuardAssert.Legal(guard, [.. closing, RunFinished()]);
    }

    [Fact]
    public void CreateClosingEvents_OnlyChunkStreamsOpen_ReturnsNothing()
    {
        var guard = new EventSequenceGuard();
        GuardAssert.Accepted(guard, RunStarted(), TextChunk("m1"), ToolChunk("c1", "search"));

        guard.CreateClosingEvents().Should().BeEmpty();
        guard.Check(RunFinished()).Should().BeNull();
    }

    [Fact]
    public void CreateClosingEvents_NoActiveRun_ReturnsNothing()
    {
        var guard = new EventSequenceGuard();
        guard.CreateClosingEvents().Should().BeEmpty();

        GuardAssert.Accepted(guard, RunStarted(), TextStart("m1"), RunError());
        guard.CreateClosingEvents().Should().BeEmpty();
    }

    [Fact]
    public void CreateClosingEvents_DoesNotRecordTheEvents()
    {
        var guard = new EventSequenceGuard();
        GuardAssert.Accepted(guard, RunStarted(), TextStart("m1"));

        guard.CreateClosingEvents().Should().ContainSingle();

        guard.Check(RunFinished())!.Rule.Should().Be(9);
    }
}
