using static AutomagikHello.AgUi.Tests.Sequencing.Ev;

namespace AutomagikHello.AgUi.Tests.Sequencing;

/// <summary>Rules 9 to 14: what must be closed before RUN_FINISHED, and what RUN_ERROR may abandon.</summary>
public sealed class ClosureRuleTests
{
    // Rule 9
    [Fact]
    public void Check_RunFinishedAfterMessageEnded_Passes() =>
        GuardAssert.Legal(RunStarted(), TextStart("m1"), TextEnd("m1"), RunFinished());

    [Fact]
    public void Check_RunFinishedWithMessageOpen_ReportsRule9()
    {
        var violation = GuardAssert.Violates(9, RunStarted(), TextStart("m1"), RunFinished());

        violation.Message.Should().Contain("'m1'");
    }

    // Rule 10
    [Fact]
    public void Check_RunFinishedAfterToolCallEnded_Passes() =>
        GuardAssert.Legal(RunStarted(), ToolStart("c1"), ToolArgs("c1"), ToolEnd("c1"), RunFinished());

    [Fact]
    public void Check_RunFinishedWithToolCallOpen_ReportsRule10() =>
        GuardAssert.Violates(10, RunStarted(), ToolStart("c1"), ToolArgs("c1"), RunFinished());

    // Rule 11
    [Fact]
    public void Check_RunFinishedAfterStepFinished_Passes() =>
        GuardAssert.Legal(RunStarted(), StepStarted("plan"), StepFinished("plan"), RunFinished());

    [Fact]
    public void Check_RunFinishedWithStepOpen_ReportsRule11() =>
        GuardAssert.Violates(11, RunStarted(), StepStarted("plan"), RunFinished());

    // Rule 12
    [Fact]
    public void Check_RunFinishedAfterReasoningClosed_Passes() =>
        GuardAssert.Legal(RunStarted(), SpanStart("rs1"), ThinkStart("th1"), ThinkContent("th1"), ThinkEnd("th1"), SpanEnd("rs1"), RunFinished());

    [Fact]
    public void Check_RunFinishedWithReasoningMessageOpen_ReportsRule12() =>
        GuardAssert.Violates(12, RunStarted(), ThinkStart("th1"), RunFinished());

    [Fact]
    public void Check_RunFinishedWithReasoningSpanOpen_ReportsRule12() =>
        GuardAssert.Violates(12, RunStarted(), SpanStart("rs1"), ThinkStart("th1"), ThinkEnd("th1"), RunFinished());

    // Rule 13
    [Fact]
    public void Check_RunFinishedAfterSubagentFinished_Passes() =>
        GuardAssert.Legal(RunStarted(), SubagentStarted("s1"), SubagentFinished("s1"), RunFinished());

    [Fact]
    public void Check_RunFinishedWithSubagentActive_ReportsRule13() =>
        GuardAssert.Violates(13, RunStarted(), SubagentStarted("s1"), RunFinished());

    // Rule 14 is permissive: RUN_ERROR may abandon anything. The contrast: RUN_FINISHED may not (rule 9).
    [Fact]
    public void Check_RunErrorWithEverythingOpen_Passes() =>
        GuardAssert.Legal(
            RunStarted(), TextStart("m1"), ToolStart("c1"), StepStarted("plan"), SpanStart("rs1"), ThinkStart("th1"),
            SubagentStarted("s1"), TextChunk("m2", owner: "s1"), RunError());

    [Fact]
    public void Check_RunFinishedWithEverythingOpen_ReportsRule9() =>
        GuardAssert.Violates(9, RunStarted(), TextStart("m1"), ToolStart("c1"), StepStarted("plan"), SubagentStarted("s1"), RunFinished());

    // Chunk streams need no closing: RUN_FINISHED closes them.
    [Fact]
    public void Check_RunFinishedWithChunkStreamsOpen_Passes() =>
        GuardAssert.Legal(RunStarted(), TextChunk("m1", "Hi"), ToolChunk("c1", "search"), ThinkChunk("th1"), RunFinished());
}
