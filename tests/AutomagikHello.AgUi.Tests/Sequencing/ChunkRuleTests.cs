using static AutomagikHello.AgUi.Tests.Sequencing.Ev;

namespace AutomagikHello.AgUi.Tests.Sequencing;

/// <summary>Rules 23 to 27: the chunked form.</summary>
public sealed class ChunkRuleTests
{
    // Rule 23
    [Fact]
    public void Check_TextChunksWithIdOnFirstOnly_Passes() =>
        GuardAssert.Legal(RunStarted(), TextChunk("m1", "Hel"), TextChunk(null, "lo"), TextChunk(null, null), RunFinished());

    [Fact]
    public void Check_ReasoningChunksWithIdOnFirstOnly_Passes() =>
        GuardAssert.Legal(RunStarted(), ThinkChunk("th1"), ThinkChunk(null), ThinkChunk("th1"), RunFinished());

    [Fact]
    public void Check_FirstTextChunkWithoutMessageId_ReportsRule23() =>
        GuardAssert.Violates(23, RunStarted(), TextChunk(null, "Hi"));

    [Fact]
    public void Check_FirstReasoningChunkWithoutMessageId_ReportsRule23() =>
        GuardAssert.Violates(23, RunStarted(), TextChunk("m1"), ThinkChunk(null));

    [Fact]
    public void Check_UntaggedContinuationWithSeveralSubagentStreams_ReportsRule23() =>
        GuardAssert.Violates(23,
            RunStarted(), SubagentStarted("s1"), SubagentStarted("s2"), TextChunk("m1", owner: "s1"), TextChunk("m2", owner: "s2"), TextChunk(null));

    [Fact]
    public void Check_UntaggedContinuationOfSoleSubagentStream_Passes() =>
        GuardAssert.Legal(
            RunStarted(), SubagentStarted("s1"), TextChunk("m1", owner: "s1"), TextChunk(null), TextChunk(null, owner: "s1"),
            SubagentFinished("s1"), RunFinished());

    // Rule 24
    [Fact]
    public void Check_ToolChunksWithIdAndNameOnFirstOnly_Passes() =>
        GuardAssert.Legal(RunStarted(), ToolChunk("c1", "search", delta: "{\"q\""), ToolChunk(null, delta: ":1}"), ToolChunk("c1", delta: null), RunFinished());

    [Fact]
    public void Check_FirstToolChunkWithoutName_ReportsRule24() =>
        GuardAssert.Violates(24, RunStarted(), ToolChunk("c1"));

    [Fact]
    public void Check_FirstToolChunkWithoutId_ReportsRule24() =>
        GuardAssert.Violates(24, RunStarted(), ToolChunk(null, "search"));

    // Rule 25
    [Fact]
    public void Check_ChunkItemAndExplicitItemSideBySide_Passes() =>
        GuardAssert.Legal(RunStarted(), TextStart("m1"), TextChunk("m2"), TextContent("m1"), TextEnd("m1"), RunFinished());

    [Fact]
    public void Check_ExplicitEndForChunkItem_ReportsRule25() =>
        GuardAssert.Violates(25, RunStarted(), TextChunk("m1", "Hi"), TextEnd("m1"));

    [Fact]
    public void Check_ExplicitContentForChunkItemAfterItsStreamClosed_ReportsRule25() =>
        GuardAssert.Violates(25, RunStarted(), TextChunk("m1", "Hi"), Custom(), TextContent("m1"));

    [Fact]
    public void Check_ChunkForExplicitlyOpenedMessage_ReportsRule25() =>
        GuardAssert.Violates(25, RunStarted(), TextStart("m1"), TextChunk("m1"));

    [Fact]
    public void Check_ExplicitStartForChunkToolCall_ReportsRule25() =>
        GuardAssert.Violates(25, RunStarted(), ToolChunk("c1", "search"), ToolStart("c1"));

    [Fact]
    public void Check_ReasoningChunkForExplicitReasoningMessage_ReportsRule25() =>
        GuardAssert.Violates(25, RunStarted(), ThinkStart("th1"), ThinkEnd("th1"), ThinkChunk("th1"));

    // Rule 26
    [Fact]
    public void Check_ContinuationChunksRepeatingOpenerFields_Passes() =>
        GuardAssert.Legal(
            RunStarted(),
            TextChunk("m1", role: TextMessageRole.User, name: "ann"), TextChunk(null, role: TextMessageRole.User), TextChunk("m1", name: "ann"),
            ToolChunk("c1", "search", parent: "m0"), ToolChunk("c1", "search", parent: "m0"), ToolChunk(null, "search"),
            TextChunk("m2"), TextChunk(null, role: TextMessageRole.Assistant),
            RunFinished());

    [Fact]
    public void Check_ContinuationChunkWithOtherRoleThanImpliedAssistant_ReportsRule26() =>
        GuardAssert.Violates(26, RunStarted(), TextChunk("m1"), TextChunk(null, role: TextMessageRole.User));

    [Fact]
    public void Check_ContinuationChunkWithOtherName_ReportsRule26() =>
        GuardAssert.Violates(26, RunStarted(), TextChunk("m1", name: "ann"), TextChunk("m1", name: "bob"));

    [Fact]
    public void Check_ContinuationChunkWithOtherToolName_ReportsRule26() =>
        GuardAssert.Violates(26, RunStarted(), ToolChunk("c1", "search"), ToolChunk(null, "fetch"));

    [Fact]
    public void Check_ContinuationChunkWithOtherParentMessage_ReportsRule26() =>
        GuardAssert.Violates(26, RunStarted(), ToolChunk("c1", "search", parent: "m1"), ToolChunk("c1", parent: "m2"));

    // Rule 27
    [Fact]
    public void Check_ChunkStreamSurvivesRawActivityEncryptedAndSubagentStarted_Passes() =>
        GuardAssert.Legal(
            RunStarted(), TextChunk("m1"), Raw(), ActivitySnapshot("a1"), ActivityDelta("a1", "[]"), Encrypted("m1"),
            SubagentStarted("s1"), TextChunk(null), SubagentFinished("s1"), TextChunk(null), RunFinished());

    [Fact]
    public void Check_ChunkStreamSurvivesEventsInOtherLane_Passes() =>
        GuardAssert.Legal(
            RunStarted(), SubagentStarted("s1"), TextChunk("m1"), Custom("s1"), StepStarted("plan", "s1"), StepFinished("plan", "s1"),
            TextChunk(null), SubagentFinished("s1"), RunFinished());

    [Fact]
    public void Check_ChunkWithNewIdOpensNewItem_Passes() =>
        GuardAssert.Legal(RunStarted(), TextChunk("m1"), TextChunk("m2"), TextChunk(null), TextChunk("m1"), RunFinished());

    [Theory]
    [MemberData(nameof(LaneClosers))]
    public void Check_ContinuationAfterImplicitClose_ReportsRule27(AgUiEvent closer)
    {
        var violation = GuardAssert.Violates(27, RunStarted(), TextStart("mx"), TextChunk("m1"), closer, TextChunk(null));

        violation.Message.Should().Contain("'m1'");
    }

    [Fact]
    public void Check_ContinuationAfterSubagentFinished_ReportsRule27() =>
        GuardAssert.Violates(27, RunStarted(), SubagentStarted("s1"), ThinkChunk("th1", owner: "s1"), SubagentFinished("s1"), ThinkChunk(null, owner: "s1"));

    [Fact]
    public void Check_ContinuationAfterMessagesSnapshot_ReportsRule27() =>
        GuardAssert.Violates(27, RunStarted(), ToolChunk("c1", "search"), MessagesSnapshot(), ToolChunk(null));

    public static TheoryData<AgUiEvent> LaneClosers() =>
    [
        TextContent("mx"),
        ToolStart("c1"),
        ToolResult("tm1", "c0"),
        StepStarted("plan"),
        StateSnapshot("{}"),
        StateDelta("[]"),
        Custom(),
        ThinkStart("th1"),
        SpanStart("rs1"),
        ToolChunk("c2", "search"),
        MessagesSnapshot(),
    ];
}
