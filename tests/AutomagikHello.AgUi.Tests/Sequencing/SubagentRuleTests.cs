using static AutomagikHello.AgUi.Tests.Sequencing.Ev;

namespace AutomagikHello.AgUi.Tests.Sequencing;

/// <summary>Rules 34 to 39: subagent lifecycle and attribution.</summary>
public sealed class SubagentRuleTests
{
    // Rule 34
    [Fact]
    public void Check_AnnouncedSubagentThenAttributedEvents_Passes() =>
        GuardAssert.Legal(
            RunStarted(), SubagentStarted("s1"), TextStart("m1", "s1"), TextContent("m1"), TextContent("m1", owner: "s1"), TextEnd("m1", "s1"),
            StateDelta("[]", "s1"), SubagentFinished("s1"), RunFinished());

    [Fact]
    public void Check_AttributionWithoutAnyAnnouncement_Passes() =>
        GuardAssert.Legal(RunStarted(), TextStart("m1", "s9"), TextEnd("m1"), StepStarted("plan", "s9"), StepFinished("plan", "s9"), RunFinished());

    [Fact]
    public void Check_AnnouncementAfterAttributedEvent_ReportsRule34() =>
        GuardAssert.Violates(34, RunStarted(), Custom("s1"), SubagentStarted("s1"));

    // Rule 35
    [Fact]
    public void Check_DistinctInvocationsOfOneSubagent_Passes() =>
        GuardAssert.Legal(RunStarted(), SubagentStarted("s1"), SubagentFinished("s1"), SubagentStarted("s2"), SubagentError("s2"), RunFinished());

    [Fact]
    public void Check_AnnouncingActiveSubagentAgain_ReportsRule35() =>
        GuardAssert.Violates(35, RunStarted(), SubagentStarted("s1"), SubagentStarted("s1"));

    [Fact]
    public void Check_ReusingFinishedSubagentId_ReportsRule35() =>
        GuardAssert.Violates(35, RunStarted(), SubagentStarted("s1"), SubagentFinished("s1"), SubagentStarted("s1"));

    // Rule 36
    [Fact]
    public void Check_SubagentErrorThenRunContinues_Passes() =>
        GuardAssert.Legal(RunStarted(), SubagentStarted("s1"), TextStart("m1", "s1"), SubagentError("s1"), TextEnd("m1"), TextStart("m2"), TextEnd("m2"), RunFinished());

    [Fact]
    public void Check_SecondTerminalEventForSubagent_ReportsRule36() =>
        GuardAssert.Violates(36, RunStarted(), SubagentStarted("s1"), SubagentFinished("s1"), SubagentError("s1"));

    [Fact]
    public void Check_FinishingUnannouncedSubagent_ReportsRule36() =>
        GuardAssert.Violates(36, RunStarted(), SubagentFinished("s1"));

    [Fact]
    public void Check_NewWorkAttributedToFinishedSubagent_ReportsRule36() =>
        GuardAssert.Violates(36, RunStarted(), SubagentStarted("s1"), SubagentFinished("s1"), TextStart("m1", "s1"));

    // Rule 37
    [Fact]
    public void Check_NestedSubagentNamingAnnouncedParent_Passes() =>
        GuardAssert.Legal(
            RunStarted(), SubagentStarted("s1"), SubagentStarted("s2", parent: "s1"), SubagentFinished("s2"), SubagentFinished("s1"), RunFinished());

    [Fact]
    public void Check_ParentSubagentNotAnnounced_ReportsRule37() =>
        GuardAssert.Violates(37, RunStarted(), SubagentStarted("s2", parent: "s1"));

    // Rule 38
    [Fact]
    public void Check_UntaggedContinuationsOfSubagentItems_Passes() =>
        GuardAssert.Legal(
            RunStarted(), SubagentStarted("s1"),
            TextStart("m1", "s1"), TextContent("m1"), TextEnd("m1"),
            ToolStart("c1", owner: "s1"), ToolArgs("c1"), ToolEnd("c1"),
            ThinkStart("th1", "s1"), ThinkContent("th1"), ThinkEnd("th1"),
            ActivitySnapshot("a1", owner: "s1"), ActivityDelta("a1", "[]"),
            SubagentFinished("s1"), RunFinished());

    [Fact]
    public void Check_ContentTaggedWithOtherSubagent_ReportsRule38() =>
        GuardAssert.Violates(38, RunStarted(), TextStart("m1", "s1"), TextContent("m1", owner: "s2"));

    [Fact]
    public void Check_ContentTaggedForParentMessage_ReportsRule38() =>
        GuardAssert.Violates(38, RunStarted(), TextStart("m1"), TextContent("m1", owner: "s1"));

    [Fact]
    public void Check_ToolArgsTaggedWithOtherSubagent_ReportsRule38() =>
        GuardAssert.Violates(38, RunStarted(), ToolStart("c1", owner: "s1"), ToolEnd("c1", owner: "s2"));

    [Fact]
    public void Check_ReasoningEndTaggedWithOtherSubagent_ReportsRule38() =>
        GuardAssert.Violates(38, RunStarted(), SpanStart("rs1", "s1"), SpanEnd("rs1", "s2"));

    [Fact]
    public void Check_ActivityDeltaTaggedWithOtherOwner_ReportsRule38() =>
        GuardAssert.Violates(38, RunStarted(), ActivitySnapshot("a1"), ActivityDelta("a1", "[]", owner: "s1"));

    [Fact]
    public void Check_StepFinishedTaggedWithOtherSubagent_ReportsRule38() =>
        GuardAssert.Violates(38, RunStarted(), StepStarted("plan", "s1"), StepFinished("plan", "s2"));

    [Fact]
    public void Check_ChunkTaggedWithOtherSubagent_ReportsRule38() =>
        GuardAssert.Violates(38, RunStarted(), TextChunk("m1", owner: "s1"), TextChunk("m1", owner: "s2"));

    // Rule 39
    [Fact]
    public void Check_ToolCallAttributedLikeItsParentMessage_Passes() =>
        GuardAssert.Legal(
            RunStarted(), SubagentStarted("s1"), TextStart("m1", "s1"), ToolStart("c1", parent: "m1", owner: "s1"), ToolEnd("c1"), TextEnd("m1"),
            TextStart("m2"), ToolChunk("c2", "search", parent: "m2"), TextEnd("m2"), SubagentFinished("s1"), RunFinished());

    [Fact]
    public void Check_ToolCallAttributedUnlikeItsParentMessage_ReportsRule39() =>
        GuardAssert.Violates(39, RunStarted(), TextStart("m1", "s1"), ToolStart("c1", parent: "m1"));

    [Fact]
    public void Check_ToolChunkAttributedUnlikeItsParentMessage_ReportsRule39() =>
        GuardAssert.Violates(39, RunStarted(), TextStart("m1"), ToolChunk("c1", "search", parent: "m1", owner: "s1"));
}
