using AutomagikHello.AgUi.Sequencing;
using static AutomagikHello.AgUi.Tests.Sequencing.Ev;

namespace AutomagikHello.AgUi.Tests.Sequencing;

/// <summary>Rules 1 to 8: run boundaries, ids and multi-run streams.</summary>
public sealed class RunBoundaryRuleTests
{
    private static RunAgentInput Input(params Message[] history) => new()
    {
        ThreadId = "t1",
        RunId = "r1",
        Messages = history,
    };

    // Rule 1
    [Fact]
    public void Check_RunStartedFirst_Passes() =>
        GuardAssert.Legal(RunStarted(), TextStart("m1"), TextContent("m1", "Hello"), TextEnd("m1"), RunFinished());

    [Fact]
    public void Check_RunErrorFirst_Passes() => GuardAssert.Legal(RunError("input rejected"));

    [Fact]
    public void Check_EventBeforeRunStarted_ReportsRule1()
    {
        var violation = GuardAssert.Violates(1, TextStart("m1"));

        violation.Message.Should().Contain("TEXT_MESSAGE_START");
    }

    [Fact]
    public void Complete_EmptyStream_ReportsRule1()
    {
        var violation = new EventSequenceGuard().Complete();

        violation.Should().NotBeNull();
        violation!.Rule.Should().Be(1);
        violation.EventType.Should().BeNull();
    }

    // Rule 2
    [Fact]
    public void Check_RunStartedAfterTerminalEvent_Passes() =>
        GuardAssert.Legal(RunStarted("r0"), RunFinished("r0"), RunStarted("r1"), RunFinished("r1"));

    [Fact]
    public void Check_RunStartedWhileRunActive_ReportsRule2() =>
        GuardAssert.Violates(2, RunStarted("r0"), RunStarted("r1"));

    // Rule 3
    [Fact]
    public void Check_LateRunErrorAfterRunFinished_Passes() =>
        GuardAssert.Legal(RunStarted(), RunFinished(), RunError("late failure"));

    [Fact]
    public void Check_EventAfterRunFinished_ReportsRule3() =>
        GuardAssert.Violates(3, RunStarted(), RunFinished(), Custom());

    // Rule 4
    [Fact]
    public void Check_RunStartedAfterRunError_Passes() =>
        GuardAssert.Legal(RunStarted("r0"), RunError(), RunStarted("r1"), RunFinished("r1"));

    [Fact]
    public void Check_EventAfterRunError_ReportsRule4() =>
        GuardAssert.Violates(4, RunStarted(), RunError(), TextStart("m1"));

    [Fact]
    public void Check_SecondRunError_ReportsRule4() =>
        GuardAssert.Violates(4, RunStarted(), RunError(), RunError());

    // Rule 5
    [Fact]
    public void Check_ReplayedRunThenRequestedRun_Passes() =>
        GuardAssert.Legal(EventSequenceGuard.For(Input()), RunStarted("r0"), RunFinished("r0"), RunStarted("r1"), RunFinished("r1"));

    [Fact]
    public void Check_RunFinishedWithOtherRunId_ReportsRule5() =>
        GuardAssert.Violates(5, RunStarted("r1"), RunFinished("r2"));

    [Fact]
    public void Check_RunFinishedWithOtherThreadId_ReportsRule5() =>
        GuardAssert.Violates(5, RunStarted("r1", "t1"), RunFinished("r1", "t2"));

    [Fact]
    public void Check_RunStartedWithThreadOtherThanInput_ReportsRule5() =>
        GuardAssert.Violates(EventSequenceGuard.For(Input()), 5, RunStarted("r1", "t2"));

    [Fact]
    public void Check_SecondRunOnOtherThread_ReportsRule5() =>
        GuardAssert.Violates(5, RunStarted("r0", "t1"), RunFinished("r0", "t1"), RunStarted("r1", "t2"));

    [Fact]
    public void Complete_LastRunIsNotRequestedRun_ReportsRule5()
    {
        var guard = EventSequenceGuard.For(Input());
        GuardAssert.Accepted(guard, RunStarted("r1"), RunFinished("r1"), RunStarted("r2"), RunFinished("r2"));

        var violation = guard.Complete();

        violation.Should().NotBeNull();
        violation!.Rule.Should().Be(5);
        violation.Message.Should().Contain("'r2'").And.Contain("'r1'");
    }

    // Rule 6
    [Fact]
    public void Complete_AfterRunError_ReturnsNull() => GuardAssert.Legal(RunStarted(), TextStart("m1"), RunError());

    [Fact]
    public void Complete_WhileRunActive_ReportsRule6()
    {
        var guard = new EventSequenceGuard();
        GuardAssert.Accepted(guard, RunStarted(), TextStart("m1"));

        var violation = guard.Complete();

        violation.Should().NotBeNull();
        violation!.Rule.Should().Be(6);
        violation.EventType.Should().BeNull();
    }

    // Rule 7
    [Fact]
    public void Check_NewRunAfterRunErrorWithItemsOpen_StartsWithNothingOpen() =>
        GuardAssert.Legal(
            RunStarted("r0"), TextStart("m1"), ToolStart("c1"), StepStarted("plan"), ThinkStart("th1"), SubagentStarted("s1"), RunError(),
            RunStarted("r1"), TextStart("m1"), TextEnd("m1"), StepStarted("plan"), StepFinished("plan"), SubagentStarted("s1"), SubagentFinished("s1"), RunFinished("r1"));

    [Fact]
    public void Check_ContinuingMessageAbandonedByPreviousRun_ReportsRule7() =>
        GuardAssert.Violates(7, RunStarted("r0"), TextStart("m1"), RunError(), RunStarted("r1"), TextContent("m1"));

    [Fact]
    public void Check_EndingToolCallAbandonedByPreviousRun_ReportsRule7() =>
        GuardAssert.Violates(7, RunStarted("r0"), ToolStart("c1"), RunError(), RunStarted("r1"), ToolEnd("c1"));

    [Fact]
    public void Check_FinishingStepAbandonedByPreviousRun_ReportsRule7() =>
        GuardAssert.Violates(7, RunStarted("r0"), StepStarted("plan"), RunError(), RunStarted("r1"), StepFinished("plan"));

    // Rule 8
    [Fact]
    public void Check_HistoryRestatedInMessagesSnapshot_Passes()
    {
        var history = new Message[] { new UserMessage { Id = "h1", Content = "hi" }, new AssistantMessage { Id = "h2", Content = "hello" } };
        GuardAssert.Legal(
            EventSequenceGuard.For(Input(history)),
            RunStarted("r0"), MessagesSnapshot(history), RunFinished("r0"),
            RunStarted("r1"), TextStart("m3"), TextContent("m3"), TextEnd("m3"), RunFinished("r1"));
    }

    [Fact]
    public void Check_HistoryMessageStreamedAgain_ReportsRule8() =>
        GuardAssert.Violates(EventSequenceGuard.For(Input(new AssistantMessage { Id = "h2", Content = "hello" })), 8,
            RunStarted("r0"), TextStart("h2"));

    [Fact]
    public void Check_HistoryMessageStreamedAgainAsChunk_ReportsRule8() =>
        GuardAssert.Violates(EventSequenceGuard.For(Input(new AssistantMessage { Id = "h2", Content = "hello" })), 8,
            RunStarted("r0"), TextChunk("h2", "hello"));

    [Fact]
    public void Check_HistoryReasoningStreamedAgain_ReportsRule8() =>
        GuardAssert.Violates(EventSequenceGuard.For(Input(new ReasoningMessage { Id = "h3", Content = "thinking" })), 8,
            RunStarted("r0"), ThinkStart("h3"));

    [Fact]
    public void Check_ToolResultReusingHistoryMessageId_ReportsRule8() =>
        GuardAssert.Violates(EventSequenceGuard.For(Input(new UserMessage { Id = "h1", Content = "hi" })), 8,
            RunStarted(), ToolStart("c1"), ToolEnd("c1"), ToolResult("h1", "c1"));
}
