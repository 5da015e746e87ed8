using static AutomagikHello.AgUi.Tests.Sequencing.Ev;

namespace AutomagikHello.AgUi.Tests.Sequencing;

/// <summary>Rules 15 to 22: the start/content/end discipline of text messages, tool calls and reasoning.</summary>
public sealed class StreamingItemRuleTests
{
    // Rule 15
    [Fact]
    public void Check_TwoMessagesOpenAtOnce_Passes() =>
        GuardAssert.Legal(RunStarted(), TextStart("m1"), TextStart("m2"), TextContent("m2"), TextContent("m1"), TextEnd("m1"), TextEnd("m2"), RunFinished());

    [Fact]
    public void Check_StartForOpenMessage_ReportsRule15() =>
        GuardAssert.Violates(15, RunStarted(), TextStart("m1"), TextStart("m1"));

    // Rule 16
    [Fact]
    public void Check_ContentForOpenMessage_Passes() =>
        GuardAssert.Legal(RunStarted(), TextStart("m1"), TextContent("m1", ""), TextContent("m1", "Hello"), TextEnd("m1"), RunFinished());

    [Fact]
    public void Check_ContentForUnopenedMessage_ReportsRule16()
    {
        var violation = GuardAssert.Violates(16, RunStarted(), TextStart("m1"), TextContent("m9"));

        violation.Message.Should().Be("TEXT_MESSAGE_CONTENT names message 'm9' which is not open");
        violation.ToString().Should().Be("rule 16: TEXT_MESSAGE_CONTENT names message 'm9' which is not open");
    }

    [Fact]
    public void Check_ContentAfterMessageEnded_ReportsRule16() =>
        GuardAssert.Violates(16, RunStarted(), TextStart("m1"), TextEnd("m1"), TextContent("m1"));

    [Fact]
    public void Check_EndForUnopenedMessage_ReportsRule16() =>
        GuardAssert.Violates(16, RunStarted(), TextEnd("m1"));

    // Rule 17
    [Fact]
    public void Check_ParallelToolCalls_Passes() =>
        GuardAssert.Legal(RunStarted(), ToolStart("c1"), ToolStart("c2", "fetch"), ToolArgs("c2"), ToolArgs("c1"), ToolEnd("c2"), ToolEnd("c1"), RunFinished());

    [Fact]
    public void Check_StartForOpenToolCall_ReportsRule17() =>
        GuardAssert.Violates(17, RunStarted(), ToolStart("c1"), ToolStart("c1"));

    // Rule 18
    [Fact]
    public void Check_ArgsForOpenToolCall_Passes() =>
        GuardAssert.Legal(RunStarted(), ToolStart("c1"), ToolArgs("c1", "{\"q\":"), ToolArgs("c1", "1}"), ToolEnd("c1"), RunFinished());

    [Fact]
    public void Check_ArgsForUnopenedToolCall_ReportsRule18() =>
        GuardAssert.Violates(18, RunStarted(), ToolArgs("c9"));

    [Fact]
    public void Check_EndForEndedToolCall_ReportsRule18() =>
        GuardAssert.Violates(18, RunStarted(), ToolStart("c1"), ToolEnd("c1"), ToolEnd("c1"));

    // Rule 19
    [Fact]
    public void Check_ReasoningMessageLifecycle_Passes() =>
        GuardAssert.Legal(RunStarted(), ThinkStart("th1"), ThinkContent("th1"), ThinkContent("th1", ""), ThinkEnd("th1"), RunFinished());

    [Fact]
    public void Check_StartForOpenReasoningMessage_ReportsRule19() =>
        GuardAssert.Violates(19, RunStarted(), ThinkStart("th1"), ThinkStart("th1"));

    [Fact]
    public void Check_ContentForUnopenedReasoningMessage_ReportsRule19() =>
        GuardAssert.Violates(19, RunStarted(), ThinkContent("th1"));

    [Fact]
    public void Check_EndForUnopenedReasoningMessage_ReportsRule19() =>
        GuardAssert.Violates(19, RunStarted(), ThinkStart("th1"), ThinkEnd("th1"), ThinkEnd("th1"));

    // Rule 20
    [Fact]
    public void Check_SpanAndMessageSharingAnId_Passes() =>
        GuardAssert.Legal(RunStarted(), SpanStart("r"), ThinkStart("r"), ThinkContent("r"), ThinkEnd("r"), SpanEnd("r"), RunFinished());

    [Fact]
    public void Check_StartForOpenSpan_ReportsRule20() =>
        GuardAssert.Violates(20, RunStarted(), SpanStart("rs1"), SpanStart("rs1"));

    [Fact]
    public void Check_EndForUnopenedSpan_ReportsRule20() =>
        GuardAssert.Violates(20, RunStarted(), ThinkStart("rs1"), SpanEnd("rs1"));

    [Fact]
    public void Check_ContentNamingOnlyASpan_ReportsRule19() =>
        GuardAssert.Violates(19, RunStarted(), SpanStart("rs1"), ThinkContent("rs1"));

    // Rule 21
    [Fact]
    public void Check_ReopenRepeatingOpener_Passes() =>
        GuardAssert.Legal(
            RunStarted(),
            TextStart("m1", role: TextMessageRole.Assistant, name: "bot"), TextContent("m1", "Hel"), TextEnd("m1"),
            TextStart("m1", role: TextMessageRole.Assistant, name: "bot"), TextContent("m1", "lo"), TextEnd("m1"),
            ToolStart("c1", "search", parent: "m1"), ToolEnd("c1"), ToolStart("c1", "search", parent: "m1"), ToolArgs("c1"), ToolEnd("c1"),
            RunFinished());

    [Fact]
    public void Check_ReopenWithAbsentRoleMeaningAssistant_Passes() =>
        GuardAssert.Legal(RunStarted(), TextStart("m1"), TextEnd("m1"), TextStart("m1", role: TextMessageRole.Assistant), TextEnd("m1"), RunFinished());

    [Fact]
    public void Check_ReopenMessageWithOtherRole_ReportsRule21() =>
        GuardAssert.Violates(21, RunStarted(), TextStart("m1"), TextEnd("m1"), TextStart("m1", role: TextMessageRole.User));

    [Fact]
    public void Check_ReopenMessageWithoutItsName_ReportsRule21() =>
        GuardAssert.Violates(21, RunStarted(), TextStart("m1", name: "bot"), TextEnd("m1"), TextStart("m1"));

    [Fact]
    public void Check_ReopenMessageUnderOtherOwner_ReportsRule21() =>
        GuardAssert.Violates(21, RunStarted(), TextStart("m1"), TextEnd("m1"), TextStart("m1", owner: "s1"));

    [Fact]
    public void Check_ReopenToolCallWithOtherName_ReportsRule21() =>
        GuardAssert.Violates(21, RunStarted(), ToolStart("c1", "search"), ToolEnd("c1"), ToolStart("c1", "fetch"));

    [Fact]
    public void Check_ReopenToolCallWithOtherParent_ReportsRule21() =>
        GuardAssert.Violates(21, RunStarted(), ToolStart("c1", parent: "m1"), ToolEnd("c1"), ToolStart("c1", parent: "m2"));

    // Rule 22 is permissive: items interleave and standalone events go anywhere inside an open run.
    // The contrast: outside a run they break rule 3 (or 1/4).
    [Fact]
    public void Check_InterleavedItemsAndStandaloneEvents_Passes() =>
        GuardAssert.Legal(
            RunStarted(),
            TextStart("m1"), ToolStart("c1", parent: "m1"), StateSnapshot("{}"), TextContent("m1"), StateDelta("[]"),
            ToolArgs("c1"), MessagesSnapshot(), ActivitySnapshot("a1"), ActivityDelta("a1", "[]"), Custom(), Raw(),
            Encrypted("m1"), ThinkStart("th1"), ToolEnd("c1"), ThinkEnd("th1"), TextEnd("m1"),
            RunFinished());

    [Fact]
    public void Check_StandaloneEventOutsideRun_ReportsRule3() =>
        GuardAssert.Violates(3, RunStarted(), RunFinished(), StateSnapshot("{}"));
}
